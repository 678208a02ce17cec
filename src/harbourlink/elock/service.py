"""Use cases of e-locks: the registry, approving trips, taking the locks' sentences, and reading a trip as its
authorities and its trucking company may see it.

A sentence is archived (``ElockSentence``) in the transaction that applies it; the lock gets its ACK only
after that commits, and repeats an unanswered sentence, so nothing it sent is lost. A sentence that fails
inside is archived in a transaction of its own as ``failed`` and can be replayed (``replay_sentence``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbourlink import events, identity
from harbourlink.elock import eseal
from harbourlink.elock.deviation import Episode, Thresholds, episodes_of, judge
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
from harbourlink.elock.models import ElockAlert, ElockDevice, ElockPosition, ElockSentence, ElockTransition, ElockTrip
from harbourlink.elock.schemas import (
    ElockAlertRead,
    ElockPlaceIn,
    ElockPositionRead,
    ElockReferenceIn,
    ElockTransitionRead,
    ElockTripCreate,
    ElockTripRead,
)
from harbourlink.kernel import Actor, NotFound, ValidationFailed, live, new_id, utcnow
from harbourlink.references import ReferenceType, validate_reference

HK_CUSTOMS, MAINLAND_CUSTOMS, TRUCKING = "customs_hk", "customs_mainland", "trucking"
ACCEPTED, DUPLICATE, REPLY, REJECTED, FAILED = "accepted", "duplicate", "reply", "rejected", "failed"
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


def register_device(session: Session, actor: Actor, *, device_id: str, protocol: str) -> ElockDevice:
    _check_customs(actor, HK_CUSTOMS, MAINLAND_CUSTOMS)
    if session.get(ElockDevice, device_id) is not None:
        raise DeviceExists(f"lock {device_id} is already registered", data={"device_id": device_id})
    device = ElockDevice(device_id=device_id, protocol=protocol, org_id=actor.org_id)
    session.add(device)
    session.flush()
    return device


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


def create_trip(session: Session, actor: Actor, *, body: ElockTripCreate) -> ElockTrip:
    """Hong Kong customs approves a sealed trip: the lock, the truck, the cargo, the places and the route."""
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
    )
    try:
        route_of(trip)
    except ValueError as bad:  # shapely refuses a degenerate polygon or line
        raise InvalidTrip(f"route: {bad}", data={"field": "route"}) from None
    session.add(trip)
    session.flush()
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
    device = session.get(ElockDevice, decoded.device_id)
    if device is None:
        row.error = f"lock {decoded.device_id} is not registered"
        return Outcome(row.seq, REJECTED, row.error)
    device.last_seen_at = utcnow()
    if isinstance(decoded, eseal.Reply):
        row.status = REPLY
        return Outcome(row.seq, REPLY)
    reply = eseal.ack(decoded, config=config)
    seen = session.scalar(
        select(ElockSentence.seq).where(
            ElockSentence.device_id == decoded.device_id,
            ElockSentence.status == ACCEPTED,
            ElockSentence.raw == frame.data,
        )
    )
    if seen is not None:
        row.status = DUPLICATE
        return Outcome(row.seq, DUPLICATE, replies=[reply])
    row.status = ACCEPTED
    trip = _trip_of(session, decoded)
    outcome = Outcome(row.seq, ACCEPTED, replies=[reply])
    if trip is not None:
        row.trip_id = outcome.trip_id = trip.id
        _apply(session, trip, decoded, row, outcome)
        live.announce(session, live_subject(trip.id))
    return outcome


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
        alert = next((a for a in known if _overlaps(a, episode)), None)
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


def _overlaps(alert: ElockAlert, episode: Episode) -> bool:
    return (alert.ended_at is None or episode.started_at <= alert.ended_at) and (
        episode.ended_at is None or alert.started_at <= episode.ended_at
    )


def replay_sentence(session: Session, *, seq: int) -> Outcome:
    """Applies a failed or rejected frame again (after a fix of the code or the registry)."""
    row = session.get(ElockSentence, seq)
    if row is None:
        raise NotFound("no such e-lock sentence", data={"seq": seq})
    text = row.raw.strip()
    garbage = not (text.startswith(eseal.START) and text.endswith(eseal.END))
    return receive_frame(session, peer=row.peer, frame=eseal.Frame(row.raw, garbage=garbage), replay_of=seq)
