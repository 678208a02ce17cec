"""Use cases of legs: nominate, decide, withdraw, assign a truck, and the trucking company's pickup jobs.

Each function takes the session and the acting company, and never commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from harbourlink import access, identity, tracking, trucking
from harbourlink.identity import KeyScope, OrgStatus, OrgType
from harbourlink.kernel import Actor, Forbidden, NotFound, new_id, utcnow
from harbourlink.legs import repository
from harbourlink.legs.domain import (
    NOMINEE_TYPES,
    PARTY_ROLES,
    LegMode,
    LegStatus,
    may_carry,
    may_decide,
    may_withdraw,
    plan_pickup_window,
)
from harbourlink.legs.errors import CargoNotHeld, LegClosed, WrongNominee
from harbourlink.legs.models import Leg
from harbourlink.legs.schemas import LegCreate, LegRead, PickupJob, TripAssignment
from harbourlink.references import ReferenceType, validate_reference


def _check_write(actor: Actor) -> None:
    if not actor.has_scope(KeyScope.CARGO_WRITE):
        raise Forbidden(
            "this API key lacks the cargo:write scope", code="missing_scope", data={"scope": KeyScope.CARGO_WRITE.value}
        )


def nominate(session: Session, actor: Actor, *, body: LegCreate) -> Leg:
    """Nominates a company for a leg of cargo the caller's company holds.

    The caller holds the cargo when it sees something about it, or carries an accepted leg of it (it
    was nominated itself: the new leg joins that chain). The nominee is named a party on the
    caller's own data about the cargo, so the caller's standing rule for named parties shares it.
    """
    _check_write(actor)
    value = validate_reference(body.reference_type, body.reference)
    kind = body.reference_type.value
    parent = repository.accepted_leg_of(session, actor.org_id, kind=kind, value=value)
    if parent is None and not repository.sees_cargo(session, access.scope_for(actor), kind=kind, value=value):
        raise CargoNotHeld(
            f"your company holds no {value}: nothing about it is shared with you and no one nominated you for it",
            data={"field": "reference", "value": value},
        )
    _check_nominee(session, actor, body.party_org_id, body.mode)
    leg = Leg(
        reference_type=kind,
        reference=value,
        mode=body.mode.value,
        status=LegStatus.NOMINATED.value,
        nominated_by_org_id=actor.org_id,
        nominated_by_user_id=actor.user_id,
        party_org_id=body.party_org_id,
        parent_id=parent.id if parent else None,
        window_opens=body.window_opens,
        window_closes=body.window_closes,
        destination_name=body.destination.name if body.destination else None,
        destination_latitude=body.destination.latitude if body.destination else None,
        destination_longitude=body.destination.longitude if body.destination else None,
        packages=body.packages,
        note=body.note,
    )
    leg.id = new_id()
    leg.root_id = parent.root_id if parent else leg.id
    leg.party_id = access.name_nominee(
        session,
        actor,
        reference_type=body.reference_type,
        reference=value,
        party_org_id=body.party_org_id,
        party_role=PARTY_ROLES[body.mode],
    )
    session.add(leg)
    session.flush()
    return leg


def _check_nominee(session: Session, actor: Actor, org_id: str, mode: LegMode) -> None:
    try:
        nominee = identity.get_organisation(session, identity.SYSTEM_ACTOR, org_id=org_id)
    except NotFound:
        nominee = None
    if nominee is None or nominee.status != OrgStatus.ACTIVE.value or org_id == actor.org_id:
        raise WrongNominee("no other active company has this id", data={"field": "party_org_id", "value": org_id})
    if not may_carry(mode, identity.org_types(session, org_id)):
        kinds = ", ".join(sorted(kind.value for kind in NOMINEE_TYPES[mode]))
        raise WrongNominee(
            f"a {mode.value} leg goes to a company of type {kinds}",
            data={"field": "party_org_id", "value": org_id, "mode": mode.value, "types": kinds},
        )


def get_leg(session: Session, actor: Actor, *, leg_id: str) -> Leg:
    """A leg on a chain the caller's company is part of; any other answers not found."""
    leg = repository.visible_leg(session, actor.org_id, leg_id)
    if leg is None:
        raise NotFound("no such leg", data={"leg_id": leg_id})
    return leg


def list_legs(session: Session, actor: Actor, *, reference: str | None = None, limit: int = 200) -> list[Leg]:
    """The legs of every chain the company is on (of one consignment, when given), newest first."""
    return repository.visible_legs(session, actor.org_id, reference=reference, limit=limit)


def _decide(session: Session, actor: Actor, leg_id: str, status: LegStatus) -> Leg:
    _check_write(actor)
    leg = get_leg(session, actor, leg_id=leg_id)
    if leg.party_org_id != actor.org_id:
        raise NotFound("no such nomination of your company", data={"leg_id": leg_id})
    if leg.status == status.value:
        return leg
    if not may_decide(LegStatus(leg.status)):
        raise LegClosed(f"this leg is {leg.status} already", data={"leg_id": leg_id, "status": leg.status})
    leg.status, leg.decided_at, leg.decided_by_user_id = status.value, utcnow(), actor.user_id
    if status is LegStatus.DECLINED:
        _unname(session, leg)
    return leg


def accept(session: Session, actor: Actor, *, leg_id: str) -> Leg:
    return _decide(session, actor, leg_id, LegStatus.ACCEPTED)


def decline(session: Session, actor: Actor, *, leg_id: str) -> Leg:
    return _decide(session, actor, leg_id, LegStatus.DECLINED)


def withdraw(session: Session, actor: Actor, *, leg_id: str) -> Leg:
    """The nominator takes a leg back; the legs its nominee passed on lose their mandate with it."""
    _check_write(actor)
    leg = get_leg(session, actor, leg_id=leg_id)
    if leg.nominated_by_org_id != actor.org_id:
        raise NotFound("no such nomination by your company", data={"leg_id": leg_id})
    if leg.status == LegStatus.WITHDRAWN.value:
        return leg
    chain = [leg, *repository.descendants(session, leg)]
    if not all(
        may_withdraw(LegStatus(each.status), trip_started=_trip_started(session, each))
        for each in chain
        if each.status != LegStatus.WITHDRAWN.value
    ):
        raise LegClosed(
            "the truck has collected the cargo: the leg can no longer be withdrawn",
            data={"leg_id": leg_id, "status": leg.status},
        )
    now = utcnow()
    for each in chain:
        if each.status in (LegStatus.NOMINATED.value, LegStatus.ACCEPTED.value):
            each.status, each.decided_at, each.decided_by_user_id = LegStatus.WITHDRAWN.value, now, actor.user_id
            _unname(session, each)
    return leg


def _unname(session: Session, leg: Leg) -> None:
    if leg.party_id is not None:
        access.forget_nominee(session, owner_org_id=leg.nominated_by_org_id, party_id=leg.party_id)
        leg.party_id = None


def _trip(session: Session, leg: Leg) -> trucking.Trip | None:
    return session.get(trucking.Trip, leg.trip_id) if leg.trip_id else None


def _trip_started(session: Session, leg: Leg) -> bool:
    trip = _trip(session, leg)
    return trip is not None and trip.status != trucking.TripStatus.PLANNED.value


def assign_trip(session: Session, actor: Actor, *, leg_id: str, assignment: TripAssignment) -> Leg:
    """The trucking company names the truck and driver for a truck leg it accepted: a trip is planned."""
    leg = get_leg(session, actor, leg_id=leg_id)
    if leg.party_org_id != actor.org_id or leg.mode != LegMode.TRUCK.value:
        raise NotFound("no such truck leg of your company", data={"leg_id": leg_id})
    if leg.status != LegStatus.ACCEPTED.value:
        raise LegClosed(f"accept the leg first: it is {leg.status}", data={"leg_id": leg_id, "status": leg.status})
    if _trip_started(session, leg):
        raise LegClosed("the truck has collected the cargo already", data={"leg_id": leg_id, "status": leg.status})
    replaced = _trip(session, leg)
    if replaced is not None:
        session.delete(replaced)  # planned only: it has no positions and published nothing yet
    trip = trucking.create_trip(
        session,
        actor,
        reference=leg.reference,
        reference_type=ReferenceType(leg.reference_type),
        vehicle=assignment.vehicle,
        driver_user_id=assignment.driver_user_id,
        vouched=True,
        packages=leg.packages,
        destination=_place(leg),
    )
    leg.trip_id = trip.id
    return leg


def _place(leg: Leg) -> trucking.Destination | None:
    if leg.destination_latitude is None or leg.destination_longitude is None:
        return None
    return trucking.Destination(
        name=leg.destination_name, latitude=leg.destination_latitude, longitude=leg.destination_longitude
    )


def describe(session: Session, legs: list[Leg]) -> list[LegRead]:
    names = identity.display_names(
        session, sorted({leg.nominated_by_org_id for leg in legs} | {leg.party_org_id for leg in legs})
    )
    trips = repository.trip_statuses(session, [leg.trip_id for leg in legs if leg.trip_id])
    return [
        LegRead(
            id=leg.id,
            reference=leg.reference,
            reference_type=leg.reference_type,
            mode=LegMode(leg.mode),
            status=LegStatus(leg.status),
            nominated_by=names.get(leg.nominated_by_org_id, ""),
            nominated_by_org_id=leg.nominated_by_org_id,
            party=names.get(leg.party_org_id, ""),
            party_org_id=leg.party_org_id,
            parent_id=leg.parent_id,
            window_opens=leg.window_opens,
            window_closes=leg.window_closes,
            destination=_place(leg),
            packages=leg.packages,
            note=leg.note,
            trip_id=leg.trip_id,
            trip_status=trips.get(leg.trip_id) if leg.trip_id else None,
            created_at=leg.created_at,
            decided_at=leg.decided_at,
        )
        for leg in legs
    ]


def pickup_jobs(session: Session, actor: Actor, *, limit: int = 100) -> list[PickupJob]:
    """The truck legs nominated to the caller's trucking company and not yet collected, soonest window first.

    What the job says of the box (terminal, release, free time, the ship's arrival) is what the
    company sees itself when it presents the number it was given, under the owners' grants.
    """
    if OrgType.TRUCKING.value not in actor.org_types:
        return []
    legs = repository.open_truck_legs(session, actor.org_id, limit=limit)
    jobs = [_job(session, actor, read, leg) for read, leg in zip(describe(session, legs), legs, strict=True)]
    far = datetime.max.replace(tzinfo=utcnow().tzinfo)
    return sorted(jobs, key=lambda job: job.window_opens or far)


def _job(session: Session, actor: Actor, read: LegRead, leg: Leg) -> PickupJob:
    try:
        view = tracking.build_view(session, tracking.find(session, actor, query=leg.reference))
    except NotFound:
        view = None
    box = next((box for box in view.containers if box.number == leg.reference), None) if view else None
    if box is None and view is not None and view.containers:
        box = view.containers[0]
    release = box.release if box else None
    arrival = _arrival(view) if view else None
    free_time = _moment(release.free_time_ends) if release else None
    released_at = release.at if release and release.status == "RELS" else None
    window = plan_pickup_window(
        given=(leg.window_opens, leg.window_closes),
        vessel_arrival=arrival,
        released_at=released_at,
        free_time_ends=free_time,
    )
    terminal = release.facility if release and release.facility else None
    if terminal is None and box is not None and box.last_event is not None:
        terminal = box.last_event.facility or box.last_event.location
    return PickupJob(
        leg=read,
        terminal=terminal,
        release_status=release.status if release else None,
        holds=release.holds if release else [],
        free_time_ends=free_time,
        vessel_arrival=arrival,
        window_opens=window.opens if window else None,
        window_closes=window.closes if window else None,
        window_planned=window is not None and window.planned,
    )


def _arrival(view: tracking.TrackingView) -> datetime | None:
    """The vessel's latest word on its arrival: the actual when there is one, else the newest estimate."""
    arrivals = [entry for entry in view.schedule if entry.event_code == "ARRI"]
    if not arrivals:
        return None
    estimates = arrivals[-1].estimates
    actual = [estimate.time for estimate in estimates if estimate.classifier == "ACT"]
    if actual:
        return actual[-1]
    newest = max(estimates, key=lambda estimate: estimate.received_at, default=None)
    return newest.time if newest else None


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)
