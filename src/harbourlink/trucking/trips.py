"""Trips: created by a trucking company for one of its drivers, started at pickup, finished at the warehouse.

A trip belongs to the trucking company. Others see it, its trail and its arrival estimate exactly
while they may see the cargo it carries (``repository.visible_trips``): the cargo's owners decide,
through the grants they gave for its reference. A driver sees only the trips they drive.

Its start and its end are events in the event store (DCSA equipment events ``PICK`` and ``DROP``,
mode ``TRUCK``, owned by the trucking company), published through the event seam so alerts, the
ledger and DCSA subscriptions hear of them like of any stored event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from harbourlink import access, events, identity
from harbourlink.access import AccessScope
from harbourlink.identity import AccountKind, KeyScope, OrgType, Role
from harbourlink.kernel import Actor, Conflict, Forbidden, NotFound, ValidationFailed, live, new_id, utcnow
from harbourlink.references import ReferenceType, normalise_reference
from harbourlink.trucking import repository
from harbourlink.trucking.domain import Fix, TripStatus, estimate_arrival
from harbourlink.trucking.errors import CargoNotVisible, NotADriver, NotATruckingCompany, TripFinished
from harbourlink.trucking.models import Trip, TruckPosition
from harbourlink.trucking.schemas import Destination, EtaRead, PositionRead, TripRead

TRAIL = 500
"""Positions a trip's answer carries by default: the newest, drawn as its trail."""
KIND_ORDER = (
    ReferenceType.CONTAINER,
    ReferenceType.HBL,
    ReferenceType.MBL,
    ReferenceType.BOOKING,
    ReferenceType.AWB,
    ReferenceType.DECLARATION,
)
"""The kinds a bare number is looked for under, when the trip does not say: a truck carries a box first."""


def live_subject(trip_id: str) -> str:
    """What open pages and streams of one trip wait on (``kernel.live``)."""
    return f"trips.{trip_id}"


def is_driver(actor: Actor) -> bool:
    return not actor.is_machine and Role.DRIVER.value in actor.roles


def check_write(actor: Actor) -> None:
    if not actor.has_scope(KeyScope.CARGO_WRITE):
        raise Forbidden(
            "this API key lacks the cargo:write scope", code="missing_scope", data={"scope": KeyScope.CARGO_WRITE.value}
        )


def own_trip(session: Session, actor: Actor, trip_id: str) -> Trip:
    """A trip of the caller's company that the caller may drive or dispatch; any other answers not found."""
    trip = session.get(Trip, trip_id)
    if trip is None or trip.org_id != actor.org_id or (is_driver(actor) and trip.driver_user_id != actor.user_id):
        raise NotFound("no such trip", data={"trip_id": trip_id})
    return trip


def find_cargo(session: Session, scope: AccessScope, raw: str, kind: ReferenceType | None) -> tuple[str, str]:
    """The cargo's (kind, number), which the company must see: a truck is never tied to cargo it was not shown."""
    for candidate in (kind,) if kind is not None else KIND_ORDER:
        value = normalise_reference(candidate, raw)
        if repository.cargo_visible(session, scope.holding(candidate.value, value), kind=candidate.value, value=value):
            return candidate.value, value
    shown = normalise_reference(kind or ReferenceType.CONTAINER, raw)
    raise CargoNotVisible(
        f"nothing about {shown} is shared with your company", data={"field": "reference", "value": shown}
    )


def _check_driver(session: Session, actor: Actor, user_id: str) -> None:
    user = identity.user_by_id(session, user_id)
    if user is None or user.org_id != actor.org_id or user.status != "active":
        raise NotADriver(
            "no active driver of your company has this id", data={"field": "driver_user_id", "value": user_id}
        )
    org = identity.get_organisation(session, actor, org_id=actor.org_id)
    if user.role != Role.DRIVER.value and org.account_kind != AccountKind.DRIVER.value:
        raise NotADriver(
            "this person is not a driver: give them the driver role first",
            data={"field": "driver_user_id", "value": user_id},
        )


def create_trip(
    session: Session,
    actor: Actor,
    *,
    reference: str,
    vehicle: str,
    driver_user_id: str,
    reference_type: ReferenceType | None = None,
    destination: Destination | None = None,
    vouched: bool = False,
    packages: int | None = None,
) -> Trip:
    """Plans a trip of one of the company's trucks and drivers, carrying cargo the company sees.

    ``vouched``: the cargo's holder nominated the company for this leg (``legs``), which ties the
    truck to the cargo even before anything about it is shared with the company.
    """
    check_write(actor)
    if OrgType.TRUCKING.value not in actor.org_types or is_driver(actor):
        raise NotATruckingCompany("only a trucking company's dispatchers plan trips")
    if vouched and reference_type is not None:
        kind, value = reference_type.value, normalise_reference(reference_type, reference)
    else:
        kind, value = find_cargo(session, access.scope_for(actor), reference, reference_type)
    _check_driver(session, actor, driver_user_id)
    trip = Trip(
        org_id=actor.org_id,
        reference_type=kind,
        reference=value,
        driver_user_id=driver_user_id,
        vehicle=normalise_vehicle(vehicle),
        status=TripStatus.PLANNED.value,
        created_by=actor.user_id,
        destination_name=destination.name if destination else None,
        destination_latitude=destination.latitude if destination else None,
        destination_longitude=destination.longitude if destination else None,
        packages=packages,
    )
    session.add(trip)
    session.flush()
    return trip


def normalise_vehicle(raw: str) -> str:
    """A registration mark as stored: the identity rule, without spaces, so ``XY 1234`` on a trip is the
    ``XY1234`` a tracker was issued to; an error names the field ``vehicle``."""
    try:
        return identity.normalise_vehicle_registration(raw).replace(" ", "")
    except ValidationFailed as refused:
        raise ValidationFailed(refused.message, code=refused.code, data={"field": "vehicle", "value": raw}) from None


def _publish(session: Session, trip: Trip, *, code: str, at: datetime, step: str) -> None:
    """The trip's start (``PICK``) or end (``DROP``) as an event of the trucking company, told to every consumer."""
    message_id = new_id()
    details: dict[str, object] = {"trip_id": trip.id, "vehicle": trip.vehicle}
    if trip.destination_name:
        details["destination"] = trip.destination_name
    draft = events.EventDraft(
        source_key=f"trip:{trip.id}:{step}",
        event_type=events.EventType.EQUIPMENT,
        event_code=code,
        classifier=events.Classifier.ACT,
        event_time=at,
        mode_of_transport="TRUCK",
        references=[events.Reference(trip.reference_type, trip.reference)],
        details=details,
    )
    stored = events.append_events(session, owner_org_id=trip.org_id, message_id=message_id, drafts=[draft])
    if stored.event_ids:
        events.publish_stored(session, message_id=message_id, owner_org_id=trip.org_id, received_at=utcnow())


def begin(session: Session, trip: Trip, *, at: datetime) -> None:
    """Starts a planned trip at ``at``: the driver tapped Start at pickup, or its first position came."""
    trip.status, trip.started_at = TripStatus.STARTED.value, at
    _publish(session, trip, code="PICK", at=at, step="start")
    live.announce(session, live_subject(trip.id))


def start_trip(session: Session, actor: Actor, *, trip_id: str) -> Trip:
    """The driver picked the cargo up: the trip runs; starting it again changes nothing."""
    check_write(actor)
    trip = own_trip(session, actor, trip_id)
    if trip.status == TripStatus.FINISHED.value:
        raise TripFinished("this trip has ended", data={"trip_id": trip_id})
    if trip.status == TripStatus.PLANNED.value:
        begin(session, trip, at=utcnow())
    return trip


def finish_trip(session: Session, actor: Actor, *, trip_id: str) -> Trip:
    """The cargo was received at the warehouse: the trip ends; finishing it again changes nothing."""
    check_write(actor)
    trip = own_trip(session, actor, trip_id)
    if trip.status == TripStatus.PLANNED.value:
        raise Conflict("this trip has not started", code="trip_not_started", data={"trip_id": trip_id})
    if trip.status == TripStatus.STARTED.value:
        _end(session, trip, at=utcnow())
    return trip


def _end(session: Session, trip: Trip, *, at: datetime) -> None:
    trip.status, trip.finished_at = TripStatus.FINISHED.value, at
    _publish(session, trip, code="DROP", at=at, step="finish")
    live.announce(session, live_subject(trip.id))


def end_trips_at_receipt(session: Session, *, reference_type: str, reference: str, at: datetime) -> list[Trip]:
    """A warehouse received the consignment: every running trip carrying it ends there, whoever's truck it is."""
    trips = repository.running_trips(session, reference_type=reference_type, reference=reference)
    for trip in trips:
        _end(session, trip, at=at)
    return trips


def running_trip_of(session: Session, actor: Actor, *, reference_type: str, reference: str) -> Trip | None:
    """The caller's running (else planned) trip carrying the reference: a driver's own, a dispatcher's company's."""
    return repository.trip_carrying(
        session,
        actor.org_id,
        driver_user_id=actor.user_id if is_driver(actor) else None,
        reference_type=reference_type,
        reference=reference,
    )


def readable_trip(session: Session, actor: Actor, *, trip_id: str, reference: str | None = None) -> Trip:
    """A trip the caller may read: its company's (a driver: their own), or one carrying cargo the caller sees.

    ``reference``: the cargo's number, which the caller holds (a tracking page presents it), so an
    owner who shares the cargo with anyone holding its number shares its truck with them too.
    """
    scope = access.scope_for(actor)
    trip = session.get(Trip, trip_id)
    if trip is not None and reference is not None and reference == trip.reference:
        scope = scope.holding(trip.reference_type, trip.reference)
    if trip is not None and trip.org_id == actor.org_id:
        return own_trip(session, actor, trip_id)
    found = repository.visible_trip(session, scope, trip_id)
    if found is None:
        raise NotFound("no such trip", data={"trip_id": trip_id})
    _log_views(session, scope, [found])
    return found


VIEW_CHANNEL = "trip"


def _log_views(session: Session, scope: AccessScope, trips: list[Trip]) -> None:
    """A trip is its trucking company's data: another company's view of it goes to that company's access log."""
    access.record_views(
        session,
        scope,
        channel=VIEW_CHANNEL,
        seen=[(trip.org_id, trip.reference_type, trip.reference) for trip in trips],
    )


def list_trips(
    session: Session,
    actor: Actor,
    *,
    since: datetime | None = None,
    statuses: list[str] | None = None,
    limit: int = 200,
) -> list[Trip]:
    """The company's trips (a driver's own: today's jobs), running first, then newest."""
    return repository.trips_of(
        session,
        actor.org_id,
        driver_user_id=actor.user_id if is_driver(actor) else None,
        since=since,
        statuses=statuses,
        limit=limit,
    )


def trips_about(
    session: Session, scope: AccessScope, references: set[tuple[str, str]], *, limit: int = 5
) -> list[Trip]:
    """The trips carrying any of these references that ``scope`` may see (a tracking page's trucks)."""
    trips = repository.trips_about(session, scope, references, limit=limit)
    _log_views(session, scope, trips)
    return trips


def _position(row: TruckPosition) -> PositionRead:
    return PositionRead(
        time=row.at,
        lat=row.latitude,
        lon=row.longitude,
        accuracy=row.accuracy_m,
        speed_kmh=row.speed_kmh,
        heading=row.heading,
        source=row.source,
    )


def _fix(row: TruckPosition) -> Fix:
    return Fix(at=row.at, latitude=row.latitude, longitude=row.longitude, speed_kmh=row.speed_kmh)


@dataclass(frozen=True)
class Marks:
    """What changes when a trip moves on: its status and its newest position."""

    status: str
    positions: int
    newest: datetime | None


def marks(session: Session, trip: Trip) -> Marks:
    count, newest = repository.trail_marks(session, trip.id)
    return Marks(trip.status, count, newest)


def describe(session: Session, actor: Actor, trip: Trip, *, limit: int = TRAIL) -> TripRead:
    """A trip as the API shows it: its trail (the newest ``limit`` positions), latest position and ETA."""
    rows = repository.trail(session, trip.id, limit=limit) if limit else []
    return _read(
        actor, trip, rows, company=identity.display_names(session, [trip.org_id]).get(trip.org_id, ""), with_eta=True
    )


def describe_all(session: Session, actor: Actor, trips: list[Trip]) -> list[TripRead]:
    """Trips as a list shows them: each with its latest position only (no trail, no ETA), in two queries."""
    names = identity.display_names(session, sorted({trip.org_id for trip in trips}))
    latest = repository.latest_positions(session, [trip.id for trip in trips])
    return [
        _read(
            actor,
            trip,
            [latest[trip.id]] if trip.id in latest else [],
            company=names.get(trip.org_id, ""),
            with_eta=False,
        )
        for trip in trips
    ]


def _read(actor: Actor, trip: Trip, rows: list[TruckPosition], *, company: str, with_eta: bool) -> TripRead:
    destination = None
    if trip.destination_latitude is not None and trip.destination_longitude is not None:
        destination = Destination(
            name=trip.destination_name, latitude=trip.destination_latitude, longitude=trip.destination_longitude
        )
    eta = None
    if with_eta and destination is not None and trip.status == TripStatus.STARTED.value and rows:
        arrival = estimate_arrival([_fix(row) for row in rows], (destination.latitude, destination.longitude))
        if arrival is not None:
            eta = EtaRead(
                arrival=arrival.arrival,
                distance_km=round(arrival.distance_km, 2),
                speed_kmh=round(arrival.speed_kmh, 1),
            )
    positions = [_position(row) for row in rows]
    return TripRead(
        id=trip.id,
        org_id=trip.org_id,
        company=company,
        reference_type=trip.reference_type,
        reference=trip.reference,
        vehicle=trip.vehicle,
        driver_user_id=trip.driver_user_id if trip.org_id == actor.org_id else None,
        status=trip.status,
        created_at=trip.created_at,
        started_at=trip.started_at,
        finished_at=trip.finished_at,
        destination=destination,
        packages=trip.packages,
        position=positions[-1] if positions else None,
        positions=positions,
        eta=eta,
    )


def trip_fixes(session: Session, *, trip_id: str, limit: int = TRAIL) -> tuple[Trip, list[Fix]] | None:
    """A trip and its newest positions (oldest first), for a consumer of stored positions (``seam``), which
    knows the trip from its work item and acts for no company: it checks what it may tell whom."""
    trip = session.get(Trip, trip_id)
    return None if trip is None else (trip, [_fix(row) for row in repository.trail(session, trip.id, limit=limit)])


def shared_fixes(session: Session, *, vehicle: str, limit: int = TRAIL) -> list[Fix]:
    """The newest positions (oldest first) of the vehicle's running trip, whichever company runs it.

    For customs at the boundary, whose officers see every truck bound to cross there: the caller
    checks that right, this function does not know the actor.
    """
    trip = repository.started_trip_of_vehicle(session, vehicle)
    return [] if trip is None else [_fix(row) for row in repository.trail(session, trip.id, limit=limit)]
