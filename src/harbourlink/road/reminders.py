"""Bind in time: a driver nearing the control point with cargo still unbound is reminded, in the app and
on the alerts' channels (SMS among them).

Which cargo and which control point: the submitter names, when lodging, the crossing it plans (the
vehicle and the control point, ``RoadConsignment.planned_*``). A consumer of stored positions
(``trucking.seam``, queue ``positions.road-reminders``) looks, for each report stored on a running
trip, at the consignments planned for the trip's vehicle that are still unbound and expected at the
boundary within 12 hours of the truck's arrival; when the arrival estimate at their control point falls
under 45 minutes, the trip's driver is reminded once per trip and consignment (``RoadReminder``, its
primary key the trip and the CCRN, so a replayed item or a second report reminds nobody twice).

The reminder is an event of the trip's company about the CCRN (``TRANSPORT`` ``ARRI``, estimated: the
truck's arrival at the control point), published through the seam, where the alerts consumer's
``road_bind_reminder`` rule tells the company's subscribers (a driver subscribing with their phone gets
the SMS); the driver's app hears of it live (``live_subject``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from harbourlink import events, trucking
from harbourlink.kernel import Actor, live, new_id, utcnow
from harbourlink.kernel.clock import start_of_port_day
from harbourlink.road import repository
from harbourlink.road.binding import describe_binding, list_bindings
from harbourlink.road.domain import CONTROL_POINT_NAMES, CONTROL_POINT_POSITIONS, ControlPoint, due_to_bind
from harbourlink.road.models import RoadConsignment, RoadReminder
from harbourlink.road.schemas import BindingRead

TRAIL = 50
"""Positions the estimate reads: the last quarter of an hour of a phone sending every few seconds."""
ARRIVAL_CODE = "ARRI"


def live_subject(org_id: str) -> str:
    """What the driver's app of a company waits on: customs' decision, a crossing, a reminder to bind."""
    return f"road.{org_id}"


@dataclass(frozen=True)
class Reminder:
    ccrn: str
    vehicle: str
    control_point: ControlPoint
    control_point_name: str
    eta: datetime


def remind(session: Session, payload: Mapping[str, Any]) -> None:
    """The work item's handler: runs in the transaction that marks the item done."""
    told = trucking.PositionsStored.from_payload(payload)
    found = trucking.trip_fixes(session, trip_id=told.trip_id, limit=TRAIL)
    if found is None:
        return
    trip, fixes = found
    if trip.status != trucking.TripStatus.STARTED.value or not fixes:
        return
    planned = repository.unbound_planned_for(session, vehicle=trip.vehicle)
    reminded = repository.reminded(session, trip.id)
    for consignment in planned:
        if consignment.ccrn in reminded or consignment.planned_control_point is None:
            continue
        point = ControlPoint(consignment.planned_control_point)
        arrival = trucking.estimate_arrival(fixes, CONTROL_POINT_POSITIONS[point])
        if arrival is None:
            continue
        if due_to_bind(arrival=arrival.arrival, position_at=fixes[-1].at, expected_at=consignment.expected_at):
            _remind(session, trip, consignment, point, arrival.arrival)


def _remind(
    session: Session, trip: trucking.Trip, consignment: RoadConsignment, point: ControlPoint, eta: datetime
) -> None:
    row = RoadReminder(
        trip_id=trip.id,
        ccrn=consignment.ccrn,
        driver_user_id=trip.driver_user_id,
        org_id=trip.org_id,
        vehicle=trip.vehicle,
        control_point=point.value,
        eta=eta,
        reminded_at=utcnow(),
    )
    try:
        with session.begin_nested():  # another report of the same trip reminded first: nothing more to do
            session.add(row)
    except IntegrityError:
        return
    draft = events.EventDraft(
        source_key=f"road-reminder:{trip.id}:{consignment.ccrn}",
        event_type=events.EventType.TRANSPORT,
        event_code=ARRIVAL_CODE,
        classifier=events.Classifier.EST,
        event_time=eta,
        facility=point.value,
        mode_of_transport="TRUCK",
        references=[events.Reference("CCRN", consignment.ccrn)],
        details={
            "road": "bind_reminder",
            "trip_id": trip.id,
            "vehicle": trip.vehicle,
            "control_point": point.value,
            "eta": eta.isoformat(),
        },
    )
    message_id, now = new_id(), utcnow()
    events.append_events(session, owner_org_id=trip.org_id, message_id=message_id, drafts=[draft])
    events.publish_stored(session, message_id=message_id, owner_org_id=trip.org_id, received_at=now)
    live.announce(session, live_subject(trip.org_id))


def reminders_for(session: Session, actor: Actor, *, since: datetime) -> list[Reminder]:
    """The reminders of ``since`` whose consignment is still unbound: a driver's own, or the company's."""
    mine = trucking.is_driver(actor)
    rows = repository.reminders(
        session, org_id=actor.org_id, driver_user_id=actor.user_id if mine else None, since=since
    )
    return [
        Reminder(
            ccrn=row.ccrn,
            vehicle=row.vehicle,
            control_point=ControlPoint(row.control_point),
            control_point_name=CONTROL_POINT_NAMES[ControlPoint(row.control_point)],
            eta=row.eta,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class DriverView:
    """What the driver's app shows of road cargo: bindings to cross (or crossed since the day began) with
    customs' instruction, and the reminders to bind; ``version`` changes whenever any of it does."""

    bindings: list[BindingRead]
    reminders: list[Reminder]

    @property
    def version(self) -> str:
        shown = [b.model_dump_json() for b in self.bindings] + [repr(r) for r in self.reminders]
        return hashlib.sha256("\n".join(shown).encode()).hexdigest()[:16]


def driver_view(session: Session, actor: Actor, *, now: datetime | None = None) -> DriverView:
    """The driver's (or the trucking company's) view of the day, which began at midnight in Hong Kong."""
    since = start_of_port_day(now or utcnow())
    bindings = [
        describe_binding(bound)
        for bound in list_bindings(session, actor, limit=20)
        if bound.binding.cancelled_at is None
        and (bound.binding.crossed_at is None or bound.binding.crossed_at >= since)
    ]
    return DriverView(bindings, reminders_for(session, actor, since=since))
