"""Trucks: trips and their positions (with live updates), trackers' device ids, and the OsmAnd protocol."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from harbourlink import elock, trucking
from harbourlink.api.context import CurrentActor, DbSession, client_ip, runtime
from harbourlink.api.errors import ERROR_RESPONSES
from harbourlink.api.ratelimit import Limit
from harbourlink.api.scopes import public, require_scope
from harbourlink.identity import KeyScope
from harbourlink.kernel import Actor, Database, NotFound, ValidationFailed, live

log = logging.getLogger(__name__)

router = APIRouter(
    prefix="/api/v1", tags=["trucks"], responses=ERROR_RESPONSES, dependencies=[require_scope(KeyScope.CARGO_READ)]
)
WRITE = [require_scope(KeyScope.CARGO_WRITE)]
ADMIN = [require_scope(KeyScope.ORG_MANAGE)]

REFERENCE = Query(
    description="the cargo's number, as the caller holds it (a tracking page presents it): a trip is "
    "also shown to whoever holds the number when the cargo's owner shares it so"
)
TRAIL = Query(ge=0, le=5000, description="how many of the newest positions the trail carries")

POSITIONS_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "array",
                    "maxItems": trucking.MAX_POSITIONS,
                    "items": trucking.PositionIn.model_json_schema(),
                }
            }
        },
    }
}


@router.post(
    "/trips",
    response_model=trucking.TripRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=WRITE,
    summary="Plan a trip: a truck and driver of the company, carrying cargo the company sees",
    description="A trucking company's dispatcher (or system) plans the trip; the driver starts it at pickup "
    "(or its first position does). The cargo must be visible to the company (404 "
    "`cargo_not_visible` otherwise); every company that may see the cargo then sees the truck.",
)
def create_trip(body: trucking.TripCreate, actor: CurrentActor, session: DbSession) -> trucking.TripRead:
    trip = trucking.create_trip(
        session,
        actor,
        reference=body.reference,
        vehicle=body.vehicle,
        driver_user_id=body.driver_user_id,
        reference_type=body.reference_type,
        destination=body.destination,
        packages=body.packages,
    )
    return trucking.describe(session, actor, trip)


@router.get(
    "/trips",
    response_model=list[trucking.TripRead],
    summary="The company's trips (a driver's: their own jobs), running first, then newest",
    description="Each trip's `positions` holds only its latest position here, and `eta` is null: read one trip "
    "for its trail and ETA.",
)
def list_trips(
    actor: CurrentActor,
    session: DbSession,
    status_filter: Annotated[
        list[str] | None, Query(alias="status", description="planned, started, finished; repeat for several")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[trucking.TripRead]:
    trips = trucking.list_trips(session, actor, statuses=status_filter, limit=limit)
    return trucking.describe_all(session, actor, trips)


@router.get(
    "/trips/{trip_id}",
    response_model=trucking.TripRead,
    summary="One trip with its positions (the trail, oldest first) and its ETA to the destination",
)
def get_trip(
    trip_id: str,
    actor: CurrentActor,
    session: DbSession,
    reference: Annotated[str | None, REFERENCE] = None,
    limit: Annotated[int, TRAIL] = 500,
) -> trucking.TripRead:
    trip = trucking.readable_trip(session, actor, trip_id=trip_id, reference=reference)
    return trucking.describe(session, actor, trip, limit=limit)


@router.post(
    "/trips/{trip_id}/start",
    response_model=trucking.TripRead,
    dependencies=WRITE,
    summary="The driver picked the cargo up: the trip runs (again: no change)",
)
def start_trip(trip_id: str, actor: CurrentActor, session: DbSession) -> trucking.TripRead:
    return trucking.describe(session, actor, trucking.start_trip(session, actor, trip_id=trip_id))


@router.post(
    "/trips/{trip_id}/positions",
    response_model=trucking.ReportOutcome,
    status_code=status.HTTP_201_CREATED,
    dependencies=WRITE,
    openapi_extra=POSITIONS_BODY,
    summary="Positions of the trip: `[{time, lat, lon, accuracy, speed, heading}]`",
    description="`speed` in metres per second, `accuracy` in metres, `heading` in degrees; `time` is when "
    "the position was taken. A position sent twice (same trip and time) is stored once, so a "
    "phone re-sends its offline queue safely. Each refused item is named (`[3].lat`); the "
    "others are stored. A planned trip starts at its first position; positions after the "
    "trip's end are refused. The report is kept as sent and can be replayed.",
)
async def post_positions(trip_id: str, request: Request, actor: CurrentActor) -> trucking.ReportOutcome:
    body = await request.body()
    return await run_in_threadpool(
        trucking.receive_trip_positions,
        runtime(request).db,
        actor,
        trip_id=trip_id,
        body=body,
        content_type=request.headers.get("content-type"),
    )


@router.post(
    "/trips/{trip_id}/finish",
    response_model=trucking.TripRead,
    dependencies=WRITE,
    summary="The warehouse received the cargo: the trip ends (again: no change)",
)
def finish_trip(trip_id: str, actor: CurrentActor, session: DbSession) -> trucking.TripRead:
    return trucking.describe(session, actor, trucking.finish_trip(session, actor, trip_id=trip_id))


KEEP_ALIVE_SECONDS = 15.0
STREAM_TRAIL = 300


def _changed(
    db: Database, actor: Actor, trip_id: str, reference: str | None, seen: trucking.Marks | None
) -> tuple[trucking.Marks, dict[str, Any] | None] | None:
    """The trip as the API shows it when it moved on since ``seen``; None once the caller may no longer see it."""
    with db.transaction() as session:
        try:
            trip = trucking.readable_trip(session, actor, trip_id=trip_id, reference=reference)
        except NotFound:
            return None
        now = trucking.marks(session, trip)
        if now == seen:
            return now, None
        return now, trucking.describe(session, actor, trip, limit=STREAM_TRAIL).model_dump(mode="json")


async def _trip_events(request: Request, actor: Actor, trip_id: str, reference: str | None) -> AsyncIterator[str]:
    db, poll = runtime(request).db, runtime(request).settings.live_poll_seconds
    seen: trucking.Marks | None = None
    quiet_since = time.monotonic()
    yield "retry: 2000\n\n"
    while not await request.is_disconnected():
        found = await asyncio.to_thread(_changed, db, actor, trip_id, reference, seen)  # the database call blocks
        if found is None:
            return  # no longer shared with the caller: the stream ends, and a reconnection answers 404
        seen, view = found
        if view is not None:
            quiet_since = time.monotonic()
            yield f"event: trip\nid: {seen.positions}\ndata: {json.dumps(view, ensure_ascii=False)}\n\n"
        elif time.monotonic() - quiet_since >= KEEP_ALIVE_SECONDS:  # proxies close idle connections
            quiet_since = time.monotonic()
            yield ": keep-alive\n\n"
        await live.hub.wait(trucking.live_subject(trip_id), poll)


@router.get(
    "/trips/{trip_id}/stream",
    response_class=StreamingResponse,
    summary="Live updates of one trip (text/event-stream): a `trip` event, as `GET /trips/{id}` answers "
    "with the newest 300 positions, at once and whenever it moves on",
    responses={200: {"content": {"text/event-stream": {}}}},
)
def stream_trip(
    trip_id: str,
    request: Request,
    actor: CurrentActor,
    session: DbSession,
    reference: Annotated[str | None, REFERENCE] = None,
) -> StreamingResponse:
    trucking.readable_trip(session, actor, trip_id=trip_id, reference=reference)
    return StreamingResponse(
        _trip_events(request, actor, trip_id, reference),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.post(
    "/devices",
    response_model=trucking.DeviceCreated,
    status_code=status.HTTP_201_CREATED,
    dependencies=ADMIN,
    summary="Issue a device id to a tracker of one of the company's vehicles",
    description="The answer's `device_id` is shown this once: configure the tracker (Traccar Client, an "
    "OsmAnd-speaking GPS unit) to report to `/osmand` with it. Revoke it when the tracker is "
    "lost or leaves the vehicle.",
)
def create_device(body: trucking.DeviceCreate, actor: CurrentActor, session: DbSession) -> trucking.DeviceCreated:
    device, device_id = trucking.issue_device(session, actor, vehicle=body.vehicle)
    return trucking.DeviceCreated(**trucking.DeviceRead.model_validate(device).model_dump(), device_id=device_id)


@router.get(
    "/devices",
    response_model=list[trucking.DeviceRead],
    dependencies=ADMIN,
    summary="The company's trackers (never their ids)",
)
def list_devices(actor: CurrentActor, session: DbSession) -> list[trucking.DeviceRead]:
    return [trucking.DeviceRead.model_validate(device) for device in trucking.list_devices(session, actor)]


@router.delete(
    "/devices/{device_entry_id}",
    response_model=trucking.DeviceRead,
    dependencies=ADMIN,
    summary="Revoke a tracker's device id: its reports are refused from now on (and counted)",
)
def revoke_device(device_entry_id: str, actor: CurrentActor, session: DbSession) -> trucking.DeviceRead:
    return trucking.DeviceRead.model_validate(trucking.revoke_device(session, actor, device_entry_id=device_entry_id))


@router.get(
    "/position-reports",
    response_model=list[trucking.ReportRead],
    summary="Reports of positions as they arrived (trackers and the trip API), newest first",
)
def list_reports(
    actor: CurrentActor, session: DbSession, failed: bool = False, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[trucking.ReportRead]:
    return [
        trucking.ReportRead.model_validate(r)
        for r in trucking.list_reports(session, actor, failed_only=failed, limit=limit)
    ]


@router.get("/position-reports/{report_id}", response_model=trucking.ReportRead, summary="One position report")
def get_report(report_id: str, actor: CurrentActor, session: DbSession) -> trucking.ReportRead:
    return trucking.ReportRead.model_validate(trucking.get_report(session, actor, report_id=report_id))


@router.post(
    "/position-reports/{report_id}/replay",
    response_model=trucking.ReportOutcome,
    status_code=status.HTTP_201_CREATED,
    dependencies=WRITE,
    summary="Read a report again; a non-empty body replaces it with a corrected version",
    description="A correction replaces the whole report. For the trip API: the JSON array of positions. For a "
    "tracker's report: its parameters form-encoded (`application/x-www-form-urlencoded`, the query form), or the "
    "JSON form with `Content-Type: application/json`. Positions already stored stay stored once.",
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {
                "application/json": {"schema": {}},
                "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
            },
        }
    },
)
async def replay_report(report_id: str, request: Request, actor: CurrentActor) -> trucking.ReportOutcome:
    corrected = await request.body()
    return await run_in_threadpool(
        trucking.replay_report,
        runtime(request).db,
        actor,
        report_id=report_id,
        corrected=corrected or None,
        content_type=request.headers.get("content-type"),
    )


osmand_router = APIRouter(tags=["trackers"], responses=ERROR_RESPONSES, dependencies=[public()])

OSMAND_PARAMETERS = [
    {"name": name, "in": "query", "required": False, "schema": {"type": "string"}, "description": text}
    for name, text in (
        ("id", "the device id HarbourLink issued (`deviceid` is read too)"),
        ("lat", "latitude, degrees"),
        ("lon", "longitude, degrees"),
        ("location", "`lat,lon`, instead of lat and lon"),
        ("timestamp", "Unix seconds, Unix milliseconds or ISO 8601; default: when the report arrived"),
        ("speed", "knots"),
        ("bearing", "degrees (`heading` is read too)"),
        ("altitude", "metres"),
        ("accuracy", "metres"),
        ("hdop", "accepted, not stored"),
        ("batt", "battery, percent"),
    )
]
OSMAND_JSON = {
    "type": "object",
    "required": ["device_id", "location"],
    "properties": {
        "device_id": {"type": "string"},
        "location": {
            "type": "object",
            "required": ["timestamp", "coords"],
            "properties": {
                "timestamp": {"type": "string", "format": "date-time"},
                "coords": {
                    "type": "object",
                    "required": ["latitude", "longitude"],
                    "properties": {
                        name: {"type": "number"}
                        for name in ("latitude", "longitude", "accuracy", "speed", "heading", "altitude")
                    },
                },
                "battery": {
                    "type": "object",
                    "properties": {"level": {"type": "number"}, "is_charging": {"type": "boolean"}},
                },
                "is_moving": {"type": "boolean"},
                "odometer": {"type": "number"},
            },
        },
    },
}
OSMAND_DESCRIPTION = (
    "Traccar's OsmAnd protocol, as trackers and the Traccar Client apps send it. **Query form**, GET or POST: "
    "`/osmand?id=…&lat=…&lon=…&timestamp=…&speed=…&bearing=…&altitude=…&accuracy=…&batt=…` (on POST the "
    "parameters may be form-encoded in the body); `speed` in knots. **JSON form** (`Content-Type: "
    'application/json`, the current Traccar Client): `{"location": {"timestamp", "coords": {"latitude", '
    '"longitude", "accuracy", "speed", "heading", "altitude"}, "battery": {"level"}, …}, '
    '"device_id"}`; `speed` in metres per second, a negative value meaning unknown. Speeds are stored in km/h.\n\n'
    "200 (empty) when stored, or already stored (the same device and time). An e-lock registered to report by "
    "OsmAnd sends its token as the id; its reports go to its sealed trip. An unknown or revoked device id is "
    "refused with 404 `unknown_device` before anything else is read, and counted; a readable report with a bad "
    "value is kept and answered 422 `invalid_position`, naming the parameter."
)
OSMAND_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "stored (or already stored)", "content": {"text/plain": {}}}
}


async def _osmand(request: Request) -> Response:
    body = await request.body()
    rt = runtime(request)
    received = await run_in_threadpool(
        trucking.receive_osmand,
        rt.db,
        query=request.url.query,
        body=body,
        content_type=request.headers.get("content-type"),
    )
    if received.refused == "unknown":  # not a truck's tracker: perhaps a lock reporting by OsmAnd (issue 17)
        lock = await run_in_threadpool(
            elock.receive_osmand,
            rt.db,
            rt.sealer,
            query=request.url.query,
            body=body,
            content_type=request.headers.get("content-type"),
        )
        if lock is not None:
            return _lock_answer(lock)
    if received.refused is not None:
        request.app.state.metrics.device_refusals.labels(received.refused).inc()
        log.warning("OsmAnd report refused: %s device id %s…", received.refused, received.device_prefix)
        rt.limits.check(Limit.BAD_API_KEY, client_ip(request))  # guessing device ids is guessing keys
        raise NotFound("no device has this id, or it was revoked", code="unknown_device")
    report = received.report
    assert report is not None  # noqa: S101 - a report that was not refused was read
    if report.status == "rejected":
        first = report.errors[0]
        raise ValidationFailed(
            f"{first.location}: {first.message}",
            code="invalid_position",
            data={"report_id": report.id, "errors": [e.model_dump() for e in report.errors]},
        )
    return Response(status_code=status.HTTP_200_OK, media_type="text/plain")


def _lock_answer(outcome: elock.Outcome) -> Response:
    """A lock's OsmAnd report answers as a tracker's does: 200 once stored, 422 naming what could not be read."""
    if outcome.status == "rejected":
        raise ValidationFailed(outcome.error or "unreadable report", code="invalid_position", data={"seq": outcome.seq})
    return Response(status_code=status.HTTP_200_OK, media_type="text/plain")


@osmand_router.get(
    "/osmand",
    summary="A tracker's position (OsmAnd protocol, query form)",
    description=OSMAND_DESCRIPTION,
    response_class=Response,
    responses=OSMAND_RESPONSES,
    openapi_extra={"parameters": OSMAND_PARAMETERS},
)
async def osmand_get(request: Request) -> Response:
    return await _osmand(request)


@osmand_router.post(
    "/osmand",
    summary="A tracker's position (OsmAnd protocol, query or JSON form)",
    description=OSMAND_DESCRIPTION,
    response_class=Response,
    responses=OSMAND_RESPONSES,
    openapi_extra={
        "parameters": OSMAND_PARAMETERS,
        "requestBody": {
            "required": False,
            "content": {
                "application/json": {"schema": OSMAND_JSON},
                "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
            },
        },
    },
)
async def osmand_post(request: Request) -> Response:
    return await _osmand(request)
