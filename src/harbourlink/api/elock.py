"""E-locks: the registry, trips approved by customs, and each authority's view of its own segment."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, status
from fastapi.responses import Response, StreamingResponse

from harbourlink import elock
from harbourlink.api.context import CurrentActor, DbSession, client_ip, runtime
from harbourlink.api.errors import ERROR_RESPONSES
from harbourlink.api.ledger import configured
from harbourlink.api.ratelimit import Limit
from harbourlink.api.scopes import public, require_scope
from harbourlink.identity import KeyScope
from harbourlink.kernel import NotFound
    )


from harbourlink.kernel import Actor, Database, live

router = APIRouter(
    prefix="/api/v1/elock",
    tags=["e-locks"],
    responses=ERROR_RESPONSES,
    dependencies=[require_scope(KeyScope.CARGO_READ)],
)
WRITE = [require_scope(KeyScope.CARGO_WRITE)]


def _device(device: object) -> elock.ElockDeviceRead:
    return elock.ElockDeviceRead.model_validate(device, from_attributes=True)


@router.post(
    "/devices",
    response_model=elock.ElockDeviceIssued,
    status_code=status.HTTP_201_CREATED,
    dependencies=WRITE,
    summary="Register an e-lock",
    description="Customs (Hong Kong or mainland) puts a lock in service under the id it sends in its sentences; "
    "sentences from locks not registered are kept and refused. A lock reporting by OsmAnd or the JSON API gets "
    "its `token`, shown this once: it proves the lock's reports (eSeal carries no credential, so an eSeal "
    "sentence never speaks for a lock registered for another protocol). 409 `elock_device_exists` for an id "
    "already registered.",
)
def register_device(body: elock.ElockDeviceCreate, actor: CurrentActor, session: DbSession) -> elock.ElockDeviceIssued:
    device, token = elock.register_device(session, actor, device_id=body.device_id, protocol=body.protocol)
    return elock.ElockDeviceIssued(**_device(device).model_dump(), token=token)


@router.post(
    "/devices/{device_id}/reports",
    response_model=elock.ElockReportOutcome,
    dependencies=[public()],
    summary="A lock's report (JSON API, the lock's token in `X-Device-Token`)",
    description="Where the lock is, whether it is locked and what made it report (`position`, `lock`, `unlock`, "
    "`door`, `shock`, `drop`, `startup`, `termination`), with its battery voltage. Kept raw and applied as an "
    "eSeal sentence would be: custody, tamper, route and the other alarms. A report repeated (the same "
    "values) is `duplicate` and applied once. A wrong token, or another lock's, answers 404 `unknown_device`.",
)
def lock_report(
    device_id: str,
    body: elock.ElockReportIn,
    request: Request,
    session: DbSession,
    x_device_token: Annotated[str, Header(description="the token issued when the lock was registered")] = "",
) -> elock.ElockReportOutcome:
    rt = runtime(request)
    try:
        outcome = elock.receive_json(
            session, device_id=device_id, token=x_device_token, raw=body.model_dump_json().encode(), report=body
        )
    except NotFound:
        rt.limits.check(Limit.BAD_API_KEY, client_ip(request))  # guessing tokens is guessing keys
        raise
    if outcome.trip_id is not None:
        elock.seal_trip_log(session, rt.sealer, trip_id=outcome.trip_id)
    return elock.ElockReportOutcome(
        seq=outcome.seq, status=outcome.status, trip_id=outcome.trip_id, alerts=outcome.alerts
    )


@router.get("/devices", response_model=list[elock.ElockDeviceRead], summary="The company's e-locks")
def list_devices(actor: CurrentActor, session: DbSession) -> list[elock.ElockDeviceRead]:
    return [_device(d) for d in elock.list_devices(session, actor)]


@router.post(
    "/trips",
    response_model=elock.ElockTripCreated,
    status_code=status.HTTP_201_CREATED,
    dependencies=WRITE,
    summary="Approve a sealed trip (Hong Kong customs)",
    description="The lock, the truck, the cargo's references, the origin, the Hong Kong exit and mainland entry "
    "control points and the destination (each a geofence: a point and a radius), and the approved route: "
    "a line with a corridor's half-width and the GNSS-denied stretches (tunnels). The lock locks leaving "
    "the origin, unlocks at the Hong Kong exit, locks entering the mainland point and unlocks at the "
    "destination. The mainland customs company named sees the mainland segment; the trucking company "
    "named sees the trip's state.",
)
def create_trip(
    body: elock.ElockTripCreate, request: Request, actor: CurrentActor, session: DbSession
) -> elock.ElockTripCreated:
    trip = elock.create_trip(session, actor, body=body, sealer=runtime(request).sealer)
    return elock.ElockTripCreated(id=trip.id, state=trip.state)


@router.get(
    "/trips",
    response_model=list[elock.ElockTripRead],
    summary="The sealed trips the company supervises or drives, newest first",
    description="Each as `GET /trips/{id}` shows it to the caller: its own segment for a customs authority, "
    "no alerts for the trucking company.",
)
def list_trips(actor: CurrentActor, session: DbSession) -> list[elock.ElockTripRead]:
    return elock.list_trips(session, actor)


@router.get(
    "/trips/{elock_trip_id}",
    response_model=elock.ElockTripRead,
    summary="A sealed trip: state, lock state, segment, last position and alerts",
    description="Each customs authority sees the last position, custody changes and alerts of its own segment; "
    "the trucking company sees the state and its truck's last position but no alerts (`alerts` is null).",
)
def read_trip(elock_trip_id: str, actor: CurrentActor, session: DbSession) -> elock.ElockTripRead:
    return elock.read_trip(session, actor, trip_id=elock_trip_id)


@router.get(
    "/trips/{elock_trip_id}/positions",
    response_model=list[elock.ElockPositionRead],
    summary="A sealed trip's positions, of the caller's segment",
    description="A customs authority gets its own segment's positions (404 for the other's); the trucking "
    "company all of them, or one segment's.",
)
def trip_positions(
    elock_trip_id: str,
    actor: CurrentActor,
    session: DbSession,
    segment: Annotated[elock.Segment | None, Query(description="`hk` or `mainland`")] = None,
) -> list[elock.ElockPositionRead]:
    return elock.trip_positions(session, actor, trip_id=elock_trip_id, segment=segment)


from harbourlink.kernel import Actor, Database, NotFound, live
    )
