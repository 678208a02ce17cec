"""E-locks: the registry, trips approved by customs, and each authority's view of its own segment."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from harbourlink import elock
from harbourlink.api.context import CurrentActor, DbSession
from harbourlink.api.errors import ERROR_RESPONSES
from harbourlink.api.scopes import require_scope
from harbourlink.identity import KeyScope

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
    response_model=elock.ElockDeviceRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=WRITE,
    summary="Register an e-lock",
    description="Customs (Hong Kong or mainland) puts a lock in service under the id it sends in its sentences; "
    "sentences from locks not registered are kept and refused. 409 `elock_device_exists` for an id "
    "already registered.",
)
def register_device(body: elock.ElockDeviceCreate, actor: CurrentActor, session: DbSession) -> elock.ElockDeviceRead:
    return _device(elock.register_device(session, actor, device_id=body.device_id, protocol=body.protocol))


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
def create_trip(body: elock.ElockTripCreate, actor: CurrentActor, session: DbSession) -> elock.ElockTripCreated:
    trip = elock.create_trip(session, actor, body=body)
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
