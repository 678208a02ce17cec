"""E-locks: the registry, trips approved by customs, and each authority's view of its own segment."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, status
from fastapi.responses import Response, StreamingResponse

from harbourlink import elock
from harbourlink.api.context import CurrentActor, DbSession, client_ip, runtime
from harbourlink.api.errors import ERROR_RESPONSES
from harbourlink.api.ledger import configured
from harbourlink.api.live_stream import Snapshot, snapshots
from harbourlink.api.ratelimit import Limit
from harbourlink.api.scopes import public, require_scope
from harbourlink.identity import KeyScope
from harbourlink.kernel import Actor, Database, NotFound

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


@router.get(
    "/trips/{elock_trip_id}/sessions/{elock_segment}",
    response_model=elock.ElockSessionRead,
    summary="The caller's own seal session on a sealed trip: its key and its MAC-chained log",
    description="Each customs authority holds its own session on the lock (`hk` or `mainland`): the fixes, "
    "custody changes and alarms of its segment, each entry MAC'd (HMAC-SHA256, chained) under the session's "
    "own key, which it alone is shown; `verified` says whether every entry holds. The other authority's "
    "session, and any session for the trucking company or anyone else, answers 404.",
)
def read_session(
    elock_trip_id: str, elock_segment: elock.Segment, request: Request, actor: CurrentActor, session: DbSession
) -> elock.ElockSessionRead:
    return elock.read_session(session, actor, runtime(request).sealer, trip_id=elock_trip_id, segment=elock_segment)


@router.get(
    "/trips/{elock_trip_id}/evidence",
    summary="The evidence of the caller's segment of a sealed trip, as a ledger proof bundle (download)",
    description="Every fix of the caller's segment (each committed in full: trip, lock, time, place, accuracy, "
    "speed, heading) and every custody change and alarm of it (type, code, classifier, time and details), with "
    "their inclusion proofs under a signed checkpoint: check it offline with `harbourlink-verify` and the "
    "ledger's key. For customs only (the trucking company and anyone else get 404); 409 `ledger_not_yet_integrated` "
    "while part of it is still queued for the ledger.",
    responses={200: {"content": {"application/json": {}}, "description": "check with harbourlink-verify"}},
)
def trip_evidence(elock_trip_id: str, request: Request, actor: CurrentActor, session: DbSession) -> Response:
    data = elock.trip_evidence(session, actor, configured(request), trip_id=elock_trip_id)
    return Response(
        data,
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="elock-trip-{elock_trip_id[:36]}.harbourlink-proof.json"'
        },
    )


# --- the customs console: alerts, their handling, inspecting once -----------------------------------------------


@router.get(
    "/alerts",
    response_model=list[elock.ElockAlertCase],
    summary="The alert queue of a customs authority: its segment's alerts, newest first",
    description="Each alert explains itself (`explanation`: how far off the route, for how long, where) and "
    "says what was done (`handling`). Disposed alerts only with `include_disposed=true`. Customs only "
    "(403 `not_customs`): the trucking company is not shown customs alerts.",
)
def list_alerts(
    actor: CurrentActor,
    session: DbSession,
    include_disposed: Annotated[bool, Query(description="the handled ones too")] = False,
) -> list[elock.ElockAlertCase]:
    return elock.list_alerts(session, actor, include_disposed=include_disposed)


@router.get(
    "/alerts/{elock_alert_id}",
    response_model=elock.ElockAlertCase,
    summary="One alert of the caller's segment, with its account of itself and its handling",
    description="404 for anyone but the customs authority of the alert's segment (the other authority included).",
)
def get_alert(elock_alert_id: str, actor: CurrentActor, session: DbSession) -> elock.ElockAlertCase:
    return elock.get_alert(session, actor, alert_id=elock_alert_id)


@router.post(
    "/alerts/{elock_alert_id}/acknowledge",
    response_model=elock.ElockAlertCase,
    dependencies=WRITE,
    summary="An officer of the alert's segment is on it (again: no change)",
    description="404 for anyone but the customs authority of the alert's segment.",
)
def acknowledge_alert(elock_alert_id: str, actor: CurrentActor, session: DbSession) -> elock.ElockAlertCase:
    return elock.do_acknowledge(session, actor, alert_id=elock_alert_id)


@router.post(
    "/alerts/{elock_alert_id}/disposition",
    response_model=elock.ElockAlertCase,
    dependencies=WRITE,
    summary="Record how an alert ended: intercepted, false alarm, inspected with no finding, or other",
    description="Acknowledges the alert too if nobody had. `other` needs a `note` (422 `elock_note_required`). "
    "Recorded once: 409 `elock_alert_disposed` after. 404 for anyone but the alert's segment's authority.",
)
def dispose_alert(
    elock_alert_id: str, body: elock.ElockDispositionCreate, actor: CurrentActor, session: DbSession
) -> elock.ElockAlertCase:
    return elock.do_dispose(session, actor, alert_id=elock_alert_id, body=body)


@router.get(
    "/trips/{elock_trip_id}/inspection",
    response_model=elock.ElockInspectionRead,
    summary="A sealed trip's one inspection (R-LOCK-4), for either customs authority",
    description="Recorded by the authority that inspected at its control point and shown to the other, with the "
    "other's answer (`follow_up`). 404 while none is recorded, and for the trucking company and others.",
)
def get_inspection(elock_trip_id: str, actor: CurrentActor, session: DbSession) -> elock.ElockInspectionRead:
    return elock.get_inspection(session, actor, trip_id=elock_trip_id)


@router.post(
    "/trips/{elock_trip_id}/inspection",
    response_model=elock.ElockInspectionRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=WRITE,
    summary="Record the inspection of a sealed trip's cargo at the caller's control point, once",
    description="HK customs at `hk_exit`, mainland customs at `mainland_entry`: the other authority's control "
    "point answers 404. A second inspection of the trip answers 409 `elock_inspected_once`: the other "
    "authority answers the one recorded (`POST …/inspection/follow-up`).",
)
def record_inspection(
    elock_trip_id: str, body: elock.ElockInspectionCreate, actor: CurrentActor, session: DbSession
) -> elock.ElockInspectionRead:
    return elock.do_inspection(session, actor, trip_id=elock_trip_id, body=body)


@router.post(
    "/trips/{elock_trip_id}/inspection/follow-up",
    response_model=elock.ElockInspectionRead,
    dependencies=WRITE,
    summary="The other authority's answer to the inspection: it relies on it, or inspects again",
    description="Once, and only by the authority that did not inspect (409 `elock_follow_up_refused`).",
)
def follow_up_inspection(
    elock_trip_id: str, body: elock.ElockFollowUpCreate, actor: CurrentActor, session: DbSession
) -> elock.ElockInspectionRead:
    return elock.do_follow_up(session, actor, trip_id=elock_trip_id, body=body)


@router.get(
    "/console",
    response_model=elock.ElockConsoleRead,
    summary="A customs authority's console: its sealed trips by state and its alert queue",
    description="Each trip with its state, lock, the caller's segment's last position and its approved route; the "
    "alerts not yet disposed of. Customs only (403 `not_customs`).",
)
def console(actor: CurrentActor, session: DbSession) -> elock.ElockConsoleRead:
    return elock.console(session, actor)


def _console_now(db: Database, actor: Actor) -> Snapshot:
    """The console as the API shows it, woken by a sentence of one of its trips (a position, a lock change, an
    alert) or an officer's handling; new trips are seen at the next poll."""
    with db.transaction() as session:
        trip_ids = elock.console_trip_ids(session, actor)
        console = elock.console(session, actor).model_dump_json()
    return Snapshot(console, [elock.console_subject(actor.org_id), *map(elock.live_subject, trip_ids)])


@router.get(
    "/console/stream",
    response_class=StreamingResponse,
    summary="Live updates of the console (text/event-stream): a `console` event, as `GET /console` answers, at "
    "once and whenever a position, lock change, alert or officer's handling changes it",
    responses={200: {"content": {"text/event-stream": {}}}},
)
def stream_console(request: Request, actor: CurrentActor, session: DbSession) -> StreamingResponse:
    elock.console_trip_ids(session, actor, limit=1)  # refuses a caller that is not customs before streaming
    return StreamingResponse(
        snapshots(request, "console", lambda: _console_now(runtime(request).db, actor)),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
