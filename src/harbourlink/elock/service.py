"""Use cases of e-locks: the registry, approving trips, taking the locks' sentences, and reading a trip as its
authorities and its trucking company may see it.

A sentence is archived (``ElockSentence``) in the transaction that applies it; the lock gets its ACK only
after that commits, and repeats an unanswered sentence, so nothing it sent is lost. A sentence that fails
inside is archived in a transaction of its own as ``failed`` and can be replayed (``replay_sentence``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbourlink import events, identity, ledger
from harbourlink.elock import eseal, evidence, seal, sessions, watch
from harbourlink.elock.deviation import Thresholds, episodes_of, judge
from harbourlink.elock.domain import (
    LOCK_OF,
    SEGMENT_OF,
    Geofence,
    LockState,
    Route,
    Segment,
    Transition,
    TripState,
    in_any_geofence,
    is_tamper,
    step_lock_event,
    step_position,
)
from harbourlink.elock.errors import DeviceBusy, DeviceExists, InvalidTrip, NotCustoms
from harbourlink.elock.models import (
    ElockAlert,
    ElockDevice,
    ElockPosition,
    ElockSealSession,
    ElockSentence,
    ElockSessionEntry,
    ElockTransition,
    ElockTrip,
)
from harbourlink.elock.schemas import (
    ElockAlertRead,
    ElockPlaceIn,
    ElockPositionRead,
    ElockReferenceIn,
    ElockSessionEntryRead,
    ElockSessionRead,
    ElockTransitionRead,
    ElockTripCreate,
    ElockTripRead,
)
from harbourlink.elock.tokens import new_token, token_digest
from harbourlink.identity import Sealer
from harbourlink.kernel import Actor, NotFound, ValidationFailed, live, new_id, utcnow, work
from harbourlink.kernel.clock import as_utc
from harbourlink.references import ReferenceType, validate_reference

HK_CUSTOMS, MAINLAND_CUSTOMS, TRUCKING = "customs_hk", "customs_mainland", "trucking"
ACCEPTED, DUPLICATE, REPLY, REJECTED, FAILED = "accepted", "duplicate", "reply", "rejected", "failed"
ESEAL, OSMAND, JSON_API = "eseal", "osmand", "json"
"""How a lock reports: eSeal sentences over TCP (no credential), or OsmAnd or the JSON API with its token."""
LOCK_CODES = {LockState.LOCKED: "RSEA", LockState.UNLOCKED: "RMVD"}
"""DCSA equipment event codes: the seal applied again, the seal removed."""
TAMPER_CODE, DEVIATION_CODE = "TAMP", "DEVI"
"""The event store's own codes for an e-lock's alarms (DCSA has none)."""
TRANSIT_STATES = frozenset({TripState.HK_TRANSIT, TripState.AT_HK_EXIT, TripState.MAINLAND_TRANSIT})


def live_subject(trip_id: str) -> str:
    return f"elock-trip:{trip_id}"


# --- the registry ---------------------------------------------------------------------------------


def _check_customs(actor: Actor, *types: str) -> None:
    if not actor.org_types & set(types):
        raise NotCustoms("only customs may do this", data={"needs": list(types)})


def register_device(session: Session, actor: Actor, *, device_id: str, protocol: str) -> tuple[ElockDevice, str | None]:
    """Puts a lock in service; one reporting by OsmAnd or the JSON API gets its token, returned this once."""
    _check_customs(actor, HK_CUSTOMS, MAINLAND_CUSTOMS)
    if session.get(ElockDevice, device_id) is not None:
        raise DeviceExists(f"lock {device_id} is already registered", data={"device_id": device_id})
    token = None if protocol == ESEAL else new_token()
    device = ElockDevice(
        device_id=device_id,
        protocol=protocol,
        org_id=actor.org_id,
        token_digest=None if token is None else token_digest(token),
    )
    session.add(device)
    session.flush()
    return device, token


def device_by_token(session: Session, token: str) -> ElockDevice | None:
    """The lock whose token this is (what a lock sends over OsmAnd or the JSON API), or None."""
    return session.scalar(select(ElockDevice).where(ElockDevice.token_digest == token_digest(token)))


def list_devices(session: Session, actor: Actor) -> list[ElockDevice]:
    return list(
        session.scalars(select(ElockDevice).where(ElockDevice.org_id == actor.org_id).order_by(ElockDevice.device_id))
    )


# --- trips ------------------------------------------------------------------------------------------


def _fence(place: dict[str, Any]) -> Geofence:
    lon, lat = place["point"]
    return Geofence(place["name"], lon, lat, place["radius_m"])


def route_of(trip: ElockTrip) -> Route:
    approved = trip.route
    return Route(
        line=[(lon, lat) for lon, lat in approved["line"]],
        half_width_m=approved["half_width_m"],
        gnss_denied=[[(lon, lat) for lon, lat in ring] for ring in approved["gnss_denied"]],
        origin=_fence(approved["origin"]),
        hk_exit=_fence(approved["hk_exit"]),
        mainland_entry=_fence(approved["mainland_entry"]),
        destination=_fence(approved["destination"]),
    )


def _check_org(session: Session, org_id: str, org_type: str, field_name: str) -> None:
    if org_type not in identity.org_types(session, org_id):
        raise InvalidTrip(
            f"{field_name}: company {org_id} is not a {org_type} company", data={"field": field_name, "value": org_id}
        )


def _references(given: list[ElockReferenceIn]) -> list[dict[str, str]]:
    found = []
    for index, item in enumerate(given):
        where = f"references[{index}]"
        try:
            kind = ReferenceType(item.reference_type)
        except ValueError:
            raise InvalidTrip(
                f"{where}.reference_type: {item.reference_type!r} is not a kind of reference",
                data={"field": f"{where}.reference_type"},
            ) from None
        try:
            value = validate_reference(kind, item.reference, field=None)
        except ValidationFailed as refused:
            raise InvalidTrip(f"{where}.reference: {refused.message}", data={"field": f"{where}.reference"}) from None
        found.append({"reference_type": kind.value, "reference": value})
    return found


def create_trip(session: Session, actor: Actor, *, body: ElockTripCreate, sealer: Sealer) -> ElockTrip:
    """Hong Kong customs approves a sealed trip: the lock, the truck, the cargo, the places and the route; each
    authority's seal session opens with its own key."""
    _check_customs(actor, HK_CUSTOMS)
    device = session.get(ElockDevice, body.device_id)
    if device is None:
        raise NotFound(f"no lock {body.device_id} is registered", data={"field": "device_id"})
    running = session.scalar(
        select(ElockTrip.id).where(ElockTrip.device_id == body.device_id, ElockTrip.state != TripState.ARRIVED.value)
    )
    if running is not None:
        raise DeviceBusy(f"lock {body.device_id} is on trip {running}", data={"trip_id": running})
    _check_org(session, body.mainland_customs_org_id, MAINLAND_CUSTOMS, "mainland_customs_org_id")
    if body.trucking_org_id is not None:
        _check_org(session, body.trucking_org_id, TRUCKING, "trucking_org_id")
    approved: dict[str, Any] = body.route.model_dump(mode="json")
    for name in ("origin", "hk_exit", "mainland_entry", "destination"):
        place: ElockPlaceIn = getattr(body, name)
        approved[name] = place.model_dump(mode="json")
    trip = ElockTrip(
        device_id=body.device_id,
        vehicle=identity.normalise_vehicle_registration(body.vehicle).replace(" ", ""),
        references=_references(body.references),
        route=approved,
        hk_org_id=actor.org_id,
        mainland_org_id=body.mainland_customs_org_id,
        trucking_org_id=body.trucking_org_id,
        state=TripState.APPROVED.value,
        created_by=actor.user_id,
        expected_hk_exit=body.expected_hk_exit,
        expected_arrival=body.expected_arrival,
    )
    try:
        route_of(trip)
    except ValueError as bad:  # shapely refuses a degenerate polygon or line
        raise InvalidTrip(f"route: {bad}", data={"field": "route"}) from None
    session.add(trip)
    session.flush()
    sessions.open_sessions(session, sealer, trip)
    _schedule_late_checks(session, trip)
    return trip


@dataclass(frozen=True)
class View:
    """Who is looking at a trip: one of its two authorities (seeing its own segment) or its trucking company."""

    trip: ElockTrip
    segment: Segment | None
    """The authority's segment; None for the trucking company."""


def _view(session: Session, actor: Actor, trip_id: str) -> View:
    trip = session.get(ElockTrip, trip_id)
    if trip is not None:
        if actor.org_id == trip.hk_org_id:
            return View(trip, Segment.HK)
        if actor.org_id == trip.mainland_org_id:
            return View(trip, Segment.MAINLAND)
        if actor.org_id == trip.trucking_org_id:
            return View(trip, None)
    raise NotFound("no such e-lock trip", data={"trip_id": trip_id})


def _segments(view: View, asked: Segment | None) -> list[str]:
    """The segments the viewer may read, narrowed to the one asked for; the other authority's is not there."""
    if view.segment is None:
        return [s.value for s in Segment] if asked is None else [asked.value]
    if asked is not None and asked is not view.segment:
        raise NotFound("no such e-lock trip segment", data={"trip_id": view.trip.id, "segment": asked.value})
    return [view.segment.value]


def _position(row: ElockPosition) -> ElockPositionRead:
    return ElockPositionRead(
        at=row.at,
        lat=row.latitude,
        lon=row.longitude,
        speed_kmh=row.speed_kmh,
        heading=row.heading,
        segment=row.segment,
    )


def read_trip(session: Session, actor: Actor, *, trip_id: str) -> ElockTripRead:
    view = _view(session, actor, trip_id)
    trip, segments = view.trip, _segments(view, None)
    state = TripState(trip.state)
    last = session.scalar(
        select(ElockPosition)
        .where(ElockPosition.trip_id == trip.id, ElockPosition.segment.in_(segments))
        .order_by(ElockPosition.at.desc())
        .limit(1)
    )
    transitions = session.scalars(
        select(ElockTransition)
        .where(ElockTransition.trip_id == trip.id, ElockTransition.segment.in_(segments))
        .order_by(ElockTransition.at)
    )
    alerts = None
    if view.segment is not None:
        alerts = [
            ElockAlertRead(
                id=a.id,
                kind=a.kind,
                segment=a.segment,
                started_at=a.started_at,
                ended_at=a.ended_at,
                raised_at=a.raised_at,
                details=a.details,
            )
            for a in session.scalars(
                select(ElockAlert)
                .where(ElockAlert.trip_id == trip.id, ElockAlert.segment == view.segment.value)
                .order_by(ElockAlert.started_at)
            )
        ]
    return ElockTripRead(
        id=trip.id,
        device_id=trip.device_id,
        vehicle=trip.vehicle,
        references=[ElockReferenceIn(**r) for r in trip.references],
        state=state.value,
        lock=LOCK_OF[state].value,
        segment=SEGMENT_OF[state].value,
        last_position=None if last is None else _position(last),
        transitions=[
            ElockTransitionRead(
                at=t.at,
                before=t.before,
                after=t.after,
                lock=t.lock,
                trigger=t.trigger,
                lat=t.latitude,
                lon=t.longitude,
                segment=t.segment,
            )
            for t in transitions
        ],
        alerts=alerts,
    )


def list_trips(session: Session, actor: Actor, *, limit: int = 200) -> list[ElockTripRead]:
    """The newest sealed trips the caller is an authority or the trucking company of."""
    ids = session.scalars(
        select(ElockTrip.id)
        .where(
            (ElockTrip.hk_org_id == actor.org_id)
            | (ElockTrip.mainland_org_id == actor.org_id)
            | (ElockTrip.trucking_org_id == actor.org_id)
        )
        .order_by(ElockTrip.created_at.desc())
        .limit(limit)
    )
    return [read_trip(session, actor, trip_id=trip_id) for trip_id in ids]


def trip_positions(
    session: Session, actor: Actor, *, trip_id: str, segment: Segment | None = None, limit: int = 5000
) -> list[ElockPositionRead]:
    view = _view(session, actor, trip_id)
    rows = session.scalars(
        select(ElockPosition)
        .where(ElockPosition.trip_id == trip_id, ElockPosition.segment.in_(_segments(view, segment)))
        .order_by(ElockPosition.at)
        .limit(limit)
    )
    return [_position(row) for row in rows]


# --- the locks' sentences ---------------------------------------------------------------------------


@dataclass
class Outcome:
    """What became of one frame, and what to send back to the lock once it is committed."""

    seq: int
    status: str
    error: str | None = None
    trip_id: str | None = None
    replies: list[bytes] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)


def archive_failed(session: Session, *, peer: str, raw: bytes, error: str, replay_of: int | None = None) -> int:
    """Keeps a frame whose processing failed, in a transaction of its own, for replay."""
    row = ElockSentence(peer=peer[:64], raw=raw, status=FAILED, error=error[:2000], replay_of=replay_of)
    session.add(row)
    session.flush()
    return row.seq


def receive_frame(
    session: Session, *, peer: str, frame: eseal.Frame, replay_of: int | None = None, config: str = eseal.DEFAULT_CONFIG
) -> Outcome:
    """Archives one frame and applies it: positions, custody, alerts; returns the ACK to send after the commit."""
    row = ElockSentence(peer=peer[:64], raw=frame.data, status=REJECTED, replay_of=replay_of)
    session.add(row)
    session.flush()
    if frame.garbage:
        row.error = "not a sentence: bytes outside '##S,' … 'E##'"
        return Outcome(row.seq, REJECTED, row.error)
    try:
        decoded = eseal.decode(frame.data.decode("ascii"))
    except (UnicodeDecodeError, eseal.EsealError) as bad:
        row.error = str(bad) if isinstance(bad, eseal.EsealError) else "not ASCII"
        return Outcome(row.seq, REJECTED, row.error)
    row.device_id = decoded.device_id
    if _device_of(session, row, decoded.device_id, ESEAL) is None:
        return Outcome(row.seq, REJECTED, row.error)
    if isinstance(decoded, eseal.Reply):
        row.status = REPLY
        return Outcome(row.seq, REPLY)
    return _take(session, row, decoded, replies=[eseal.ack(decoded, config=config)])


def _device_of(session: Session, row: ElockSentence, device_id: str, protocol: str) -> ElockDevice | None:
    """The registered lock that sent the row, if it reports by this protocol (an eSeal sentence, which carries no
    credential, cannot speak for a lock registered to report with its token)."""
    device = session.get(ElockDevice, device_id)
    if device is None:
        row.error = f"lock {device_id} is not registered"
        return None
    if device.protocol != protocol:
        row.error = f"lock {device_id} reports by {device.protocol}, not {protocol}"
        return None
    device.last_seen_at = utcnow()
    return device


def _take(session: Session, row: ElockSentence, report: eseal.Sentence, *, replies: list[bytes]) -> Outcome:
    """Applies a readable report of a registered lock, once: a repeat (byte for byte) is answered, not applied."""
    seen = session.scalar(
        select(ElockSentence.seq).where(
            ElockSentence.device_id == report.device_id,
            ElockSentence.status == ACCEPTED,
            ElockSentence.raw == row.raw,
        )
    )
    if seen is not None:
        row.status = DUPLICATE
        return Outcome(row.seq, DUPLICATE, replies=replies)
    row.status = ACCEPTED
    trip = _trip_of(session, report)
    outcome = Outcome(row.seq, ACCEPTED, replies=replies)
    if trip is not None:
        row.trip_id = outcome.trip_id = trip.id
        _apply(session, trip, report, row, outcome)
        live.announce(session, live_subject(trip.id))
    return outcome


def receive_report(
    session: Session, *, peer: str, raw: bytes, protocol: str, device_id: str, report: eseal.Sentence | str
) -> Outcome:
    """Archives and applies a report a lock sent with its token (OsmAnd or the JSON API), already authenticated:
    ``report`` is what it says in the terms of an eSeal sentence, or why it could not be read."""
    row = ElockSentence(peer=peer[:64], raw=raw, device_id=device_id, status=REJECTED)
    session.add(row)
    session.flush()
    if _device_of(session, row, device_id, protocol) is None:
        return Outcome(row.seq, REJECTED, row.error)
    if isinstance(report, str):
        row.error = report
        return Outcome(row.seq, REJECTED, row.error)
    return _take(session, row, report, replies=[])


def _trip_of(session: Session, sentence: eseal.Sentence) -> ElockTrip | None:
    """The lock's trip at the sentence's time: its newest, unless that arrived before the sentence was taken
    (a late sentence of the journey still belongs to it)."""
    trip = session.scalar(
        select(ElockTrip)
        .where(ElockTrip.device_id == sentence.device_id)
        .order_by(ElockTrip.created_at.desc())
        .limit(1)
    )
    if trip is None or trip.state != TripState.ARRIVED.value:
        return trip
    arrived = session.scalar(
        select(ElockTransition.at).where(
            ElockTransition.trip_id == trip.id, ElockTransition.after == TripState.ARRIVED.value
        )
    )
    return trip if arrived is not None and sentence.at <= arrived else None


def _apply(session: Session, trip: ElockTrip, sentence: eseal.Sentence, row: ElockSentence, outcome: Outcome) -> None:
    route = route_of(trip)
    state = TripState(trip.state)
    # a late sentence belongs to the custody of its own time: an HK fix that arrives after the mainland locked
    # stays in the HK segment, and a door event is judged against the lock state it happened under
    then = _state_at(session, trip, sentence.at)
    fix = sentence.fix
    stored = False
    if fix is not None:
        stored = _store_position(session, trip, fix, SEGMENT_OF[then], row)
    step: Transition | None = None
    if sentence.type in (eseal.SentenceType.LOCK, eseal.SentenceType.RC_UNLOCK):
        step = step_lock_event(
            route,
            state,
            locked=sentence.type is eseal.SentenceType.LOCK,
            at=sentence.at,
            lon=None if fix is None else fix.longitude,
            lat=None if fix is None else fix.latitude,
        )
    if step is None and fix is not None and stored and then is state:
        step = step_position(route, state, at=fix.at, lon=fix.longitude, lat=fix.latitude)
    if sentence.type in eseal.TAMPER_TYPES:
        where = None if fix is None else in_any_geofence(route, fix.longitude, fix.latitude)
        if is_tamper(lock=LOCK_OF[then], in_geofence=where):
            outcome.alerts.append(_tamper(session, trip, sentence, SEGMENT_OF[then], row))
    if step is not None:
        _transition(session, trip, step, row=row, sentence=sentence, outcome=outcome)
    if stored and TripState(trip.state) in TRANSIT_STATES | {TripState.ARRIVED}:
        outcome.alerts.extend(_deviations(session, trip, route, row))
    outcome.alerts.extend(_supervise(session, trip, route, sentence, row, stored=stored))


def _store_position(session: Session, trip: ElockTrip, fix: Any, segment: Segment, row: ElockSentence) -> bool:
    """Stores the fix once per trip and time; False when this moment was already stored."""
    exists = session.scalar(
        select(ElockPosition.seq).where(ElockPosition.trip_id == trip.id, ElockPosition.at == fix.at)
    )
    if exists is not None:
        return False
    session.add(
        ElockPosition(
            trip_id=trip.id,
            segment=segment.value,
            at=fix.at,
            latitude=fix.latitude,
            longitude=fix.longitude,
            accuracy_m=fix.accuracy_m,
            speed_kmh=fix.speed_kmh,
            heading=fix.heading,
            sentence_seq=row.seq,
        )
    )
    sessions.record(
        session,
        trip_id=trip.id,
        segment=segment,
        kind="position",
        body={
            "at": fix.at.isoformat(),
            "lat": fix.latitude,
            "lon": fix.longitude,
            "accuracy_m": fix.accuracy_m,
            "speed_kmh": fix.speed_kmh,
            "heading": fix.heading,
            "sentence_seq": row.seq,
        },
    )
    session.flush()
    return True


def _state_at(session: Session, trip: ElockTrip, at: datetime) -> TripState:
    """The trip's custody at a moment: after the last change at or before it (a fix older than the last change
    cannot undo or redo it)."""
    after = session.scalar(
        select(ElockTransition.after)
        .where(ElockTransition.trip_id == trip.id, ElockTransition.at <= at)
        .order_by(ElockTransition.at.desc())
        .limit(1)
    )
    return TripState.APPROVED if after is None else TripState(after)


def _transition(
    session: Session,
    trip: ElockTrip,
    step: Transition,
    *,
    row: ElockSentence,
    sentence: eseal.Sentence,
    outcome: Outcome,
) -> None:
    segment = SEGMENT_OF[step.after]
    session.add(
        ElockTransition(
            trip_id=trip.id,
            segment=segment.value,
            before=step.before.value,
            after=step.after.value,
            lock=step.lock.value,
            trigger=step.trigger.value,
            at=step.at,
            latitude=step.lat,
            longitude=step.lon,
            sentence_seq=row.seq,
        )
    )
    trip.state = step.after.value
    outcome.transitions.append(step)
    if step.lock is LockState.UNLOCKED:
        outcome.replies.append(eseal.unlock_command(sentence))
    _publish(
        session,
        trip,
        code=LOCK_CODES[step.lock],
        at=step.at,
        segment=segment,
        step=step.after.value,
        details={"lock": step.lock.value, "trigger": step.trigger.value},
    )


def _publish(
    session: Session, trip: ElockTrip, *, code: str, at: datetime, segment: Segment, step: str, details: dict[str, Any]
) -> None:
    """An equipment event of the segment's customs about the trip's cargo, told to every consumer (alerts
    among them): only that authority sees it, as only it owns it."""
    owner = trip.hk_org_id if segment is Segment.HK else trip.mainland_org_id
    draft = events.EventDraft(
        source_key=f"elock:{trip.id}:{step}",
        event_type=events.EventType.EQUIPMENT,
        event_code=code,
        classifier=events.Classifier.ACT,
        event_time=at,
        mode_of_transport="TRUCK",
        references=[events.Reference(r["reference_type"], r["reference"]) for r in trip.references],
        details={
            "elock_trip_id": trip.id,
            "device_id": trip.device_id,
            "vehicle": trip.vehicle,
            "segment": segment.value,
            **details,
        },
    )
    sessions.record(
        session,
        trip_id=trip.id,
        segment=segment,
        kind="event",
        body={"at": at.isoformat(), "code": code, "step": step, "details": draft.details},
    )
    message_id = new_id()
    stored = events.append_events(session, owner_org_id=owner, message_id=message_id, drafts=[draft])
    if stored.event_ids:
        events.publish_stored(session, message_id=message_id, owner_org_id=owner, received_at=utcnow())


def _tamper(session: Session, trip: ElockTrip, sentence: eseal.Sentence, segment: Segment, row: ElockSentence) -> str:
    fix = sentence.fix
    alert = ElockAlert(
        trip_id=trip.id,
        segment=segment.value,
        kind="tamper",
        key=f"{sentence.type.value}:{sentence.index}:{sentence.at.isoformat()}",
        started_at=sentence.at,
        ended_at=sentence.at,
        details={
            "event": sentence.type.value,
            "door_open": sentence.door_open,
            "acceleration": sentence.acceleration,
            "lat": None if fix is None else fix.latitude,
            "lon": None if fix is None else fix.longitude,
        },
        sentence_seq=row.seq,
    )
    session.add(alert)
    session.flush()
    _publish(
        session,
        trip,
        code=TAMPER_CODE,
        at=sentence.at,
        segment=segment,
        step=f"tamper:{alert.key}",
        details={"elock_alert_id": alert.id, **alert.details},
    )
    return alert.id


def _deviations(session: Session, trip: ElockTrip, route: Route, row: ElockSentence) -> list[str]:
    """Works the trip's deviations out again from its positions since it left the origin, in time order, and
    keeps one alert per deviation: a late fix that moves a deviation's start updates it, never doubles it."""
    thresholds = Thresholds()
    left = session.scalar(
        select(ElockTransition.at).where(ElockTransition.trip_id == trip.id).order_by(ElockTransition.at).limit(1)
    )
    rows = list(
        session.execute(
            select(
                ElockPosition.at,
                ElockPosition.longitude,
                ElockPosition.latitude,
                ElockPosition.accuracy_m,
                ElockPosition.segment,
            )
            .where(ElockPosition.trip_id == trip.id, ElockPosition.at >= left)
            .order_by(ElockPosition.at)
        )
    )
    segment_at = {at: segment for at, _, _, _, segment in rows}
    judged = [
        judge(route, at=at, lon=lon, lat=lat, accuracy_m=acc, thresholds=thresholds) for at, lon, lat, acc, _ in rows
    ]
    known = list(
        session.scalars(select(ElockAlert).where(ElockAlert.trip_id == trip.id, ElockAlert.kind == "deviation"))
    )
    raised = []
    for episode in episodes_of(judged, thresholds):
        alert = next((a for a in known if _overlaps(a, episode.started_at, episode.ended_at)), None)
        if alert is None:
            alert = ElockAlert(
                trip_id=trip.id,
                segment=segment_at[episode.started_at],
                kind="deviation",
                key=episode.key,
                started_at=episode.started_at,
                sentence_seq=row.seq,
            )
            session.add(alert)
            known.append(alert)
            raised.append(alert)
        ended_before = alert.ended_at
        alert.started_at = min(alert.started_at, episode.started_at)
        alert.ended_at = episode.ended_at
        alert.details = {
            "max_outside_m": round(episode.max_outside_m),
            "lat": episode.lat,
            "lon": episode.lon,
            "fixes": episode.fixes,
            "confirmed_at": episode.confirmed_at.isoformat(),
        }
        session.flush()
        if alert in raised or (ended_before is None and alert.ended_at is not None):
            _publish(
                session,
                trip,
                code=DEVIATION_CODE,
                at=episode.confirmed_at if alert.ended_at is None else alert.ended_at,
                segment=Segment(alert.segment),
                step=f"deviation:{alert.id}:{'ended' if alert.ended_at else 'open'}",
                details={
                    "elock_alert_id": alert.id,
                    "started_at": alert.started_at.isoformat(),
                    "ended": alert.ended_at is not None,
                    **alert.details,
                },
            )
    return [a.id for a in raised]


def _overlaps(alert: ElockAlert, started_at: datetime, ended_at: datetime | None) -> bool:
    return (alert.ended_at is None or started_at <= alert.ended_at) and (
        ended_at is None or alert.started_at <= ended_at
    )


def replay_sentence(session: Session, *, seq: int) -> Outcome:
    """Applies a failed or rejected frame again (after a fix of the code or the registry)."""
    row = session.get(ElockSentence, seq)
    if row is None:
        raise NotFound("no such e-lock sentence", data={"seq": seq})
    text = row.raw.strip()
    garbage = not (text.startswith(eseal.START) and text.endswith(eseal.END))
    return receive_frame(session, peer=row.peer, frame=eseal.Frame(row.raw, garbage=garbage), replay_of=seq)


# --- supervision besides the route: unplanned stops, silence, battery, lateness ----------------------------

WATCH_QUEUE = "elock.watch"
"""Checks due at a time (the lock silent for too long, a place not reached by its time): delayed items of the one
work queue, each scheduled by the report or the approval that makes it due."""
LIMITS = watch.Limits()
LATE_PLACES: dict[str, frozenset[TripState]] = {
    "hk_exit": frozenset({TripState.AT_HK_EXIT, TripState.MAINLAND_TRANSIT, TripState.ARRIVED}),
    "destination": frozenset({TripState.ARRIVED}),
}
"""Each place a trip is expected at, and the states in which it has got there."""
STOP_CODE, SILENT_CODE, BATTERY_CODE, LATE_CODE = "STOP", "NSIG", "LBAT", "LATE"
"""The event store's codes for the other alarms: stopped where no stop is planned, signal lost, low battery, late."""
STOP, SILENT, BATTERY, LATE = "stop", "signal_lost", "low_battery", "late"
LEDGER = "ledger"
LEDGER_AFTER = timedelta(seconds=5)
"""How long after its minute a batch of fixes waits for the minute's stragglers before it is logged."""
CODE_OF = {STOP: STOP_CODE, SILENT: SILENT_CODE, BATTERY: BATTERY_CODE, LATE: LATE_CODE}


def _expected(trip: ElockTrip, place: str) -> datetime | None:
    return trip.expected_hk_exit if place == "hk_exit" else trip.expected_arrival


def _schedule_late_checks(session: Session, trip: ElockTrip) -> None:
    for place in LATE_PLACES:
        expected = _expected(trip, place)
        if expected is not None:
            _schedule_late(session, trip, place, due=expected + LIMITS.late_margin)


def _schedule_late(session: Session, trip: ElockTrip, place: str, *, due: datetime) -> None:
    work.enqueue(
        session,
        WATCH_QUEUE,
        {"trip_id": trip.id, "check": LATE, "place": place, "due": due.isoformat()},
        key=f"{WATCH_QUEUE}:{trip.id}:late:{place}:{due.isoformat()}",
        now=due,
    )


def _open_alerts(session: Session, trip: ElockTrip, kind: str) -> list[ElockAlert]:
    return list(
        session.scalars(
            select(ElockAlert).where(
                ElockAlert.trip_id == trip.id, ElockAlert.kind == kind, ElockAlert.ended_at.is_(None)
            )
        )
    )


def _raise(
    session: Session,
    trip: ElockTrip,
    *,
    kind: str,
    key: str,
    segment: Segment,
    started_at: datetime,
    at: datetime,
    details: dict[str, Any],
    sentence_seq: int | None,
) -> ElockAlert:
    """Opens an alert of one of the supervision kinds and tells the segment's customs (an event of its own)."""
    alert = ElockAlert(
        trip_id=trip.id,
        segment=segment.value,
        kind=kind,
        key=key,
        started_at=started_at,
        details=details,
        sentence_seq=sentence_seq,
    )
    session.add(alert)
    session.flush()
    _tell(session, trip, alert, at=at)
    return alert


def _end(session: Session, trip: ElockTrip, alert: ElockAlert, *, at: datetime) -> None:
    alert.ended_at = at
    session.flush()
    _tell(session, trip, alert, at=at)


def _tell(session: Session, trip: ElockTrip, alert: ElockAlert, *, at: datetime) -> None:
    ended = alert.ended_at is not None
    _publish(
        session,
        trip,
        code=CODE_OF[alert.kind],
        at=at,
        segment=Segment(alert.segment),
        step=f"{alert.kind}:{alert.id}:{'ended' if ended else 'open'}",
        details={
            "elock_alert_id": alert.id,
            "started_at": alert.started_at.isoformat(),
            "ended": ended,
            **alert.details,
        },
    )


def _supervise(
    session: Session, trip: ElockTrip, route: Route, sentence: eseal.Sentence, row: ElockSentence, *, stored: bool
) -> list[str]:
    """What a report changes besides custody, tampering and the route: the lock is heard (a silence ends, the next
    check is due), its battery, its stops, and the places it has now reached in time."""
    raised: list[str] = []
    state = TripState(trip.state)
    heard = row.received_at
    for alert in _open_alerts(session, trip, SILENT):
        _end(session, trip, alert, at=heard)
    last_fix = _last_fix(session, trip)
    if state in TRANSIT_STATES:
        # one check per half allowance at most, however often the lock reports: the check follows later reports
        bucket = int(heard.timestamp() // (LIMITS.silent_after.total_seconds() / 2))
        allowed = watch.silence_allowed(route, last_fix, LIMITS)
        _schedule_silence(session, trip, seq=row.seq, heard=heard, allowed=allowed, key=f"silent:{bucket}")
    raised.extend(_battery(session, trip, sentence, row))
    if stored:  # the fixes go to the ledger in batches: one check a little after the minute the first came in
        minute = int(heard.timestamp() // 60)
        work.enqueue(
            session,
            WATCH_QUEUE,
            {"trip_id": trip.id, "check": LEDGER},
            key=f"{WATCH_QUEUE}:{trip.id}:ledger:{minute}",
            now=datetime.fromtimestamp((minute + 1) * 60, tz=UTC) + LEDGER_AFTER,
        )
    if stored and state in TRANSIT_STATES | {TripState.ARRIVED}:
        raised.extend(_stops(session, trip, route, row))
    for place, reached in LATE_PLACES.items():
        if state in reached:
            for alert in _open_alerts(session, trip, LATE):
                if alert.key == place:
                    _end(session, trip, alert, at=sentence.at)
        else:
            raised.extend(_late(session, trip, place, now=sentence.at))
    return raised


def _last_fix(session: Session, trip: ElockTrip) -> watch.Point | None:
    found = session.execute(
        select(ElockPosition.at, ElockPosition.longitude, ElockPosition.latitude)
        .where(ElockPosition.trip_id == trip.id)
        .order_by(ElockPosition.at.desc())
        .limit(1)
    ).first()
    return None if found is None else watch.Point(*found)


def _battery(session: Session, trip: ElockTrip, sentence: eseal.Sentence, row: ElockSentence) -> list[str]:
    opened = _open_alerts(session, trip, BATTERY)
    low = watch.battery_low(sentence.battery_v, low_now=bool(opened), limits=LIMITS)
    if opened and not low:
        _end(session, trip, opened[0], at=sentence.at)
    if low and not opened and TripState(trip.state) is not TripState.ARRIVED:
        alert = _raise(
            session,
            trip,
            kind=BATTERY,
            key=f"battery:{row.seq}",
            segment=SEGMENT_OF[_state_at(session, trip, sentence.at)],
            started_at=sentence.at,
            at=sentence.at,
            details={"battery_v": sentence.battery_v, "threshold_v": LIMITS.low_battery_v},
            sentence_seq=row.seq,
        )
        return [alert.id]
    return []


def _stops(session: Session, trip: ElockTrip, route: Route, row: ElockSentence) -> list[str]:
    """Works the trip's unplanned stops out again from its positions since it left the origin, keeping one alert per
    stop: a late fix may end or lengthen one, never double it."""
    left = session.scalar(
        select(ElockTransition.at).where(ElockTransition.trip_id == trip.id).order_by(ElockTransition.at).limit(1)
    )
    if left is None:
        return []
    rows = list(
        session.execute(
            select(ElockPosition.at, ElockPosition.longitude, ElockPosition.latitude, ElockPosition.segment)
            .where(ElockPosition.trip_id == trip.id, ElockPosition.at >= left)
            .order_by(ElockPosition.at)
        )
    )
    segment_at = {at: segment for at, _, _, segment in rows}
    known = list(session.scalars(select(ElockAlert).where(ElockAlert.trip_id == trip.id, ElockAlert.kind == STOP)))
    raised = []
    for stop in watch.stops(route, [watch.Point(at, lon, lat) for at, lon, lat, _ in rows], LIMITS):
        alert = next((a for a in known if _overlaps(a, stop.started_at, stop.ended_at)), None)
        details = {
            "lat": stop.lat,
            "lon": stop.lon,
            "minutes": stop.minutes,
            "limit_minutes": _minutes(LIMITS.stop_after),
        }
        if alert is None:
            alert = _raise(
                session,
                trip,
                kind=STOP,
                key=f"stop:{stop.started_at.isoformat()}",
                segment=Segment(segment_at[stop.started_at]),
                started_at=stop.started_at,
                at=stop.confirmed_at,
                details=details,
                sentence_seq=row.seq,
            )
            known.append(alert)
            raised.append(alert.id)
        alert.details = details
        if alert.ended_at is None and stop.ended_at is not None:
            _end(session, trip, alert, at=stop.ended_at)
    return raised


def _minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)


def check_trip(session: Session, payload: Mapping[str, Any]) -> None:
    """The watch queue's handler: a check of a trip that came due (its lock silent since a report, a place not
    reached by its expected time, a minute's fixes to log), judged from what is stored, so a check run late or
    twice says the same."""
    trip = session.get(ElockTrip, str(payload["trip_id"]))
    if trip is None:
        return
    if payload["check"] == SILENT:
        _check_silence(session, trip, seq=int(payload["seq"]), allowed_s=float(payload["allowed_s"]))
    elif payload["check"] == LEDGER:
        evidence.log_positions(session, trip)
    else:
        _check_late(session, trip, str(payload["place"]), due=datetime.fromisoformat(str(payload["due"])))


def _schedule_silence(
    session: Session, trip: ElockTrip, *, seq: int, heard: datetime, allowed: timedelta, key: str
) -> None:
    work.enqueue(
        session,
        WATCH_QUEUE,
        {"trip_id": trip.id, "check": SILENT, "seq": seq, "allowed_s": allowed.total_seconds()},
        key=f"{WATCH_QUEUE}:{trip.id}:{key}",
        now=heard + allowed,
    )


def _check_silence(session: Session, trip: ElockTrip, *, seq: int, allowed_s: float) -> None:
    state = TripState(trip.state)
    last = session.scalar(
        select(ElockSentence)
        .where(ElockSentence.trip_id == trip.id, ElockSentence.status == ACCEPTED)
        .order_by(ElockSentence.seq.desc())
        .limit(1)
    )
    if last is None or state not in TRANSIT_STATES:
        return
    last_fix = _last_fix(session, trip)
    allowed = watch.silence_allowed(route_of(trip), last_fix, LIMITS)
    heard = as_utc(last.received_at)
    if last.seq > seq or allowed.total_seconds() > allowed_s:
        # heard since, or last heard near a tunnel: the check moves to the end of the last report's allowance
        _schedule_silence(
            session, trip, seq=last.seq, heard=heard, allowed=allowed, key=f"silent-after:{last.seq}:{allowed_s:.0f}"
        )
        return
    if _open_alerts(session, trip, SILENT):
        return
    _raise(
        session,
        trip,
        kind=SILENT,
        key=f"silent:{last.seq}",
        segment=SEGMENT_OF[state],
        started_at=heard,
        at=heard,  # the silence's start: the report that ends it is later, so the alert's facts stay in order
        details={
            "last_heard_at": heard.isoformat(),
            "limit_minutes": _minutes(allowed),
            "lat": None if last_fix is None else last_fix.lat,
            "lon": None if last_fix is None else last_fix.lon,
        },
        sentence_seq=last.seq,
    )


def _check_late(session: Session, trip: ElockTrip, place: str, *, due: datetime) -> None:
    """The timed check of a place, for a lock that has gone quiet: while it talks, its reports judge lateness in
    its own time (a check runs no earlier than due, so the later of the clock and the due moment is now)."""
    now = max(utcnow(), due)
    heard = session.scalar(
        select(ElockSentence.received_at)
        .where(ElockSentence.trip_id == trip.id, ElockSentence.status == ACCEPTED)
        .order_by(ElockSentence.seq.desc())
        .limit(1)
    )
    talking_since = as_utc(heard if heard is not None else trip.created_at)
    if now < talking_since + LIMITS.silent_after:
        _schedule_late(session, trip, place, due=talking_since + LIMITS.silent_after)
        return
    _late(session, trip, place, now=now)


def _late(session: Session, trip: ElockTrip, place: str, *, now: datetime) -> list[str]:
    """Opens the place's lateness alert once, if the trip is past its expected time and margin without being there."""
    state = TripState(trip.state)
    expected = _expected(trip, place)
    if expected is None or state in LATE_PLACES[place] or now < as_utc(expected) + LIMITS.late_margin:
        return []
    if session.scalar(
        select(ElockAlert.id).where(ElockAlert.trip_id == trip.id, ElockAlert.kind == LATE, ElockAlert.key == place)
    ):
        return []
    expected = as_utc(expected)
    last_fix = _last_fix(session, trip)
    alert = _raise(
        session,
        trip,
        kind=LATE,
        key=place,
        segment=SEGMENT_OF[state],
        started_at=expected,
        at=expected + LIMITS.late_margin,
        details={
            "place": place,
            "expected_at": expected.isoformat(),
            "margin_minutes": _minutes(LIMITS.late_margin),
            "lat": None if last_fix is None else last_fix.lat,
            "lon": None if last_fix is None else last_fix.lon,
        },
        sentence_seq=None,
    )
    return [alert.id]


# --- each authority's seal session ------------------------------------------------------------------------


def read_session(session: Session, actor: Actor, sealer: Sealer, *, trip_id: str, segment: Segment) -> ElockSessionRead:
    """An authority's own seal session on a trip: its key, its log and whether the log verifies; the other
    authority's session, like the trucking company's asking, answers 404."""
    view = _view(session, actor, trip_id)
    if view.segment is not segment:
        raise NotFound("no such seal session", data={"trip_id": trip_id, "segment": segment.value})
    sessions.seal_log(session, sealer, trip_id=trip_id)
    log = session.scalar(
        select(ElockSealSession).where(ElockSealSession.trip_id == trip_id, ElockSealSession.segment == segment.value)
    )
    if log is None or log.org_id != actor.org_id:
        raise NotFound("no such seal session", data={"trip_id": trip_id, "segment": segment.value})
    key = sessions.key_of(sealer, log)
    entries = list(
        session.scalars(
            select(ElockSessionEntry).where(ElockSessionEntry.session_id == log.id).order_by(ElockSessionEntry.n)
        )
    )
    broken = seal.first_broken(key, [(e.n, e.body, e.mac) for e in entries])
    return ElockSessionRead(
        trip_id=trip_id,
        segment=segment.value,
        org_id=log.org_id,
        opened_at=log.opened_at,
        key=key,
        head_mac=log.head_mac,
        verified=broken is None,
        first_broken=broken,
        entries=[ElockSessionEntryRead(n=e.n, kind=e.kind, body=e.body, mac=e.mac or "") for e in entries],
    )


def trip_evidence(session: Session, actor: Actor, current: ledger.Ledger, *, trip_id: str) -> bytes:
    """The proof bundle of the caller's segment of a trip (its fixes, custody changes and alarms), for customs;
    the trucking company, which is not shown customs' alarms, gets 404 as anyone else does."""
    view = _view(session, actor, trip_id)
    if view.segment is None:
        raise NotFound("no such e-lock trip", data={"trip_id": trip_id})
    return evidence.bundle(session, current, view.trip, view.segment)
