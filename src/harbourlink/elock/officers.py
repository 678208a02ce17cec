"""Use cases of the customs officers: the console (trips by state, the alert queue), acknowledging an alert and
recording how it ended, and the one inspection of a trip with the other authority's answer.

Each authority reaches only its own segment: an alert of the other segment, or the other authority's control
point, answers 404 as if it did not exist; the trucking company reaches none of this. An inspection is the one
thing shared across the boundary: both authorities read it, which is the point of inspecting once. Every change
announces the authority's console subject, so open consoles update without a reload.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbourlink.elock.domain import LOCK_OF, SEGMENT_OF, Segment, TripState
from harbourlink.elock.errors import AlertDisposed, FollowUpRefused, InspectedOnce
from harbourlink.elock.models import ElockAlert, ElockAlertHandling, ElockInspection, ElockTrip
from harbourlink.elock.oversight import CONTROL_POINT, SEGMENT_AT, Disposition, FollowUp, explain, needs_note
from harbourlink.elock.schemas import (
    ElockAlertCase,
    ElockConsoleRead,
    ElockConsoleTrip,
    ElockDispositionCreate,
    ElockExplanationRead,
    ElockFollowUpCreate,
    ElockHandlingRead,
    ElockInspectionCreate,
    ElockInspectionRead,
)
from harbourlink.elock.service import HK_CUSTOMS, MAINLAND_CUSTOMS, _check_customs, _view, read_trip
from harbourlink.kernel import Actor, NotFound, ValidationFailed, live, utcnow


def console_subject(org_id: str) -> str:
    """Announced when something on the authority's console changed that no lock sentence announced."""
    return f"elock-console:{org_id}"


def _authority(session: Session, actor: Actor, trip_id: str) -> tuple[ElockTrip, Segment]:
    """The trip and the caller's segment, for one of its two customs authorities; 404 for anyone else, the
    trucking company too."""
    view = _view(session, actor, trip_id)
    if view.segment is None:
        raise NotFound("no such e-lock trip", data={"trip_id": trip_id})
    return view.trip, view.segment


def _org_of(trip: ElockTrip, segment: Segment) -> str:
    return trip.hk_org_id if segment is Segment.HK else trip.mainland_org_id


# --- alerts -----------------------------------------------------------------------------------------


def _case(alert: ElockAlert, trip: ElockTrip, handling: ElockHandlingRead | None, now: datetime) -> ElockAlertCase:
    told = explain(details=alert.details, started_at=alert.started_at, ended_at=alert.ended_at, now=now)
    status = "open" if handling is None else "disposed" if handling.disposition else "acknowledged"
    return ElockAlertCase(
        id=alert.id,
        trip_id=trip.id,
        vehicle=trip.vehicle,
        kind=alert.kind,
        segment=alert.segment,
        status=status,
        started_at=alert.started_at,
        ended_at=alert.ended_at,
        raised_at=alert.raised_at,
        details=alert.details,
        explanation=ElockExplanationRead(
            off_route_m=told.off_route_m, duration_s=told.duration_s, ongoing=told.ongoing, lat=told.lat, lon=told.lon
        ),
        handling=handling,
    )


def _handling(row: ElockAlertHandling | None) -> ElockHandlingRead | None:
    return None if row is None else ElockHandlingRead.model_validate(row, from_attributes=True)


def _own_alert(session: Session, actor: Actor, alert_id: str) -> tuple[ElockAlert, ElockTrip]:
    """The alert when the caller is its segment's authority; 404 otherwise (the other authority included)."""
    alert = session.get(ElockAlert, alert_id)
    if alert is not None:
        trip = session.get(ElockTrip, alert.trip_id)
        if trip is not None and actor.org_id == _org_of(trip, Segment(alert.segment)):
            return alert, trip
    raise NotFound("no such e-lock alert", data={"alert_id": alert_id})


def get_alert(session: Session, actor: Actor, *, alert_id: str) -> ElockAlertCase:
    alert, trip = _own_alert(session, actor, alert_id)
    return _case(alert, trip, _handling(session.get(ElockAlertHandling, alert.id)), utcnow())


def list_alerts(
    session: Session, actor: Actor, *, include_disposed: bool = False, limit: int = 200
) -> list[ElockAlertCase]:
    """The caller's queue: the alerts of its segments, newest first; disposed ones only when asked."""
    _check_customs(actor, HK_CUSTOMS, MAINLAND_CUSTOMS)
    own = ((ElockAlert.segment == Segment.HK.value) & (ElockTrip.hk_org_id == actor.org_id)) | (
        (ElockAlert.segment == Segment.MAINLAND.value) & (ElockTrip.mainland_org_id == actor.org_id)
    )
    query = (
        select(ElockAlert, ElockTrip, ElockAlertHandling)
        .join(ElockTrip, ElockTrip.id == ElockAlert.trip_id)
        .outerjoin(ElockAlertHandling, ElockAlertHandling.alert_id == ElockAlert.id)
        .where(own)
        .order_by(ElockAlert.raised_at.desc(), ElockAlert.id)
        .limit(limit)
    )
    if not include_disposed:
        query = query.where(ElockAlertHandling.disposition.is_(None))
    now = utcnow()
    return [_case(alert, trip, _handling(handling), now) for alert, trip, handling in session.execute(query)]


def _acknowledged(session: Session, actor: Actor, alert: ElockAlert) -> ElockAlertHandling:
    row = session.get(ElockAlertHandling, alert.id)
    if row is None:
        row = ElockAlertHandling(alert_id=alert.id, acknowledged_at=utcnow(), acknowledged_by=actor.user_id)
        session.add(row)
        session.flush()
        live.announce(session, console_subject(actor.org_id))
    return row


def do_acknowledge(session: Session, actor: Actor, *, alert_id: str) -> ElockAlertCase:
    """An officer of the alert's segment is on it; acknowledging again changes nothing."""
    alert, trip = _own_alert(session, actor, alert_id)
    row = _acknowledged(session, actor, alert)
    return _case(alert, trip, _handling(row), utcnow())


def do_dispose(session: Session, actor: Actor, *, alert_id: str, body: ElockDispositionCreate) -> ElockAlertCase:
    """Records how the alert ended (acknowledging it first if nobody had); once."""
    alert, trip = _own_alert(session, actor, alert_id)
    disposition, note = Disposition(body.disposition), (body.note or "").strip() or None
    if needs_note(disposition) and note is None:
        raise ValidationFailed("note: say what happened", code="elock_note_required", data={"field": "note"})
    row = _acknowledged(session, actor, alert)
    if row.disposition is not None:
        raise AlertDisposed("this alert's disposition is recorded", data={"disposition": row.disposition})
    row.disposition, row.note, row.disposed_at, row.disposed_by = disposition.value, note, utcnow(), actor.user_id
    session.flush()
    live.announce(session, console_subject(actor.org_id))
    return _case(alert, trip, _handling(row), utcnow())


# --- inspect once -----------------------------------------------------------------------------------


def _inspection(row: ElockInspection) -> ElockInspectionRead:
    return ElockInspectionRead.model_validate(row, from_attributes=True)


def get_inspection(session: Session, actor: Actor, *, trip_id: str) -> ElockInspectionRead:
    """The trip's inspection, for either authority; 404 while none is recorded."""
    trip, _ = _authority(session, actor, trip_id)
    row = session.scalar(select(ElockInspection).where(ElockInspection.trip_id == trip.id))
    if row is None:
        raise NotFound("no inspection of this trip is recorded", data={"trip_id": trip_id})
    return _inspection(row)


@dataclass(frozen=True)
class InspectionDesk:
    """An authority's side of inspecting once: its control point and the trip's inspection, if recorded."""

    place: str
    place_name: str
    inspection: ElockInspectionRead | None


def find_desk(session: Session, actor: Actor, *, trip_id: str) -> InspectionDesk | None:
    """For the trip's page: None for the trucking company, which is not shown inspections."""
    view = _view(session, actor, trip_id)
    if view.segment is None:
        return None
    place = CONTROL_POINT[view.segment]
    row = session.scalar(select(ElockInspection).where(ElockInspection.trip_id == view.trip.id))
    return InspectionDesk(place, view.trip.route[place]["name"], None if row is None else _inspection(row))


def do_inspection(session: Session, actor: Actor, *, trip_id: str, body: ElockInspectionCreate) -> ElockInspectionRead:
    """The authority of the control point records its inspection of the trip's cargo; once per trip."""
    trip, segment = _authority(session, actor, trip_id)
    if SEGMENT_AT[body.place] is not segment:
        raise NotFound("no such e-lock trip segment", data={"trip_id": trip_id, "place": body.place})
    done = session.scalar(select(ElockInspection.id).where(ElockInspection.trip_id == trip.id))
    if done is not None:
        raise InspectedOnce("this trip's cargo was inspected already", data={"inspection_id": done})
    row = ElockInspection(
        trip_id=trip.id,
        segment=segment.value,
        place=body.place,
        place_name=trip.route[body.place]["name"],
        officer=body.officer.strip(),
        inspected_at=body.inspected_at or utcnow(),
        result=body.result,
        seal_reapplied=body.seal_reapplied,
        note=(body.note or "").strip() or None,
        recorded_by=actor.user_id,
    )
    session.add(row)
    session.flush()
    for org_id in (trip.hk_org_id, trip.mainland_org_id):
        live.announce(session, console_subject(org_id))
    return _inspection(row)


def do_follow_up(session: Session, actor: Actor, *, trip_id: str, body: ElockFollowUpCreate) -> ElockInspectionRead:
    """The other authority answers the inspection: it relies on it, or inspects again; once."""
    trip, segment = _authority(session, actor, trip_id)
    row = session.scalar(select(ElockInspection).where(ElockInspection.trip_id == trip.id))
    if row is None:
        raise NotFound("no inspection of this trip is recorded", data={"trip_id": trip_id})
    if row.segment == segment.value or row.follow_up is not None:
        raise FollowUpRefused(
            "the other authority answers an inspection, once", data={"follow_up": row.follow_up, "segment": row.segment}
        )
    row.follow_up, row.follow_up_at, row.follow_up_by = FollowUp(body.decision).value, utcnow(), actor.user_id
    row.follow_up_note = (body.note or "").strip() or None
    session.flush()
    for org_id in (trip.hk_org_id, trip.mainland_org_id):
        live.announce(session, console_subject(org_id))
    return _inspection(row)


# --- the console ------------------------------------------------------------------------------------


def console_trip_ids(session: Session, actor: Actor, *, limit: int = 200) -> list[str]:
    """The newest trips the caller supervises (the ones its console shows, and whose sentences it waits on)."""
    _check_customs(actor, HK_CUSTOMS, MAINLAND_CUSTOMS)
    return list(
        session.scalars(
            select(ElockTrip.id)
            .where((ElockTrip.hk_org_id == actor.org_id) | (ElockTrip.mainland_org_id == actor.org_id))
            .order_by(ElockTrip.created_at.desc())
            .limit(limit)
        )
    )


def console(session: Session, actor: Actor) -> ElockConsoleRead:
    """The authority's trips by state with its segment's last positions, and its queue of alerts to handle."""
    queue = list_alerts(session, actor)
    waiting: dict[str, int] = {}
    for case in queue:
        waiting[case.trip_id] = waiting.get(case.trip_id, 0) + 1
    trips = []
    for trip_id in console_trip_ids(session, actor):
        seen = read_trip(session, actor, trip_id=trip_id)
        state = TripState(seen.state)
        approved = session.get(ElockTrip, trip_id)  # already loaded by read_trip
        trips.append(
            ElockConsoleTrip(
                id=seen.id,
                vehicle=seen.vehicle,
                state=state.value,
                lock=LOCK_OF[state].value,
                segment=SEGMENT_OF[state].value,
                last_position=seen.last_position,
                open_alerts=waiting.get(trip_id, 0),
                route=[] if approved is None else [(lon, lat) for lon, lat in approved.route["line"]],
            )
        )
    return ElockConsoleRead(trips=trips, alerts=queue)
