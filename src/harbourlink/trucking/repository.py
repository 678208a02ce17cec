"""Queries of trucking; a read of another company's trips takes an access scope."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, exists, func, or_, select, tuple_
from sqlalchemy.orm import Session, aliased

from harbourlink import events
from harbourlink.access import AccessScope
from harbourlink.events import Event, EventReference
from harbourlink.kernel.bulk import insert_new_rows
from harbourlink.trucking.domain import TIME_SLACK, TripStatus
from harbourlink.trucking.models import Device, PositionReport, Trip, TruckPosition

POSITION_COLUMNS = (
    "track",
    "at",
    "org_id",
    "trip_id",
    "device_id",
    "source",
    "latitude",
    "longitude",
    "accuracy_m",
    "speed_kmh",
    "heading",
    "altitude_m",
    "battery_percent",
    "report_id",
    "received_at",
)


def sees_cargo(
    scope: AccessScope, *, kind: SQLColumnExpression[str] | str, value: SQLColumnExpression[str] | str
) -> ColumnElement[bool]:
    """Some event about the reference (``kind``, ``value``) is visible to ``scope``: the access rule of the
    cargo, decided in the database (``events.visible``)."""
    return exists(
        select(EventReference.event_seq).where(
            EventReference.kind == kind,
            EventReference.value == value,
            Event.seq == EventReference.event_seq,
            events.visible(scope),
        )
    )


def visible_trips(scope: AccessScope) -> ColumnElement[bool]:
    """WHERE clause: the trip is the caller's company's, or the caller may see the cargo it carries."""
    return or_(Trip.org_id == scope.org_id, sees_cargo(scope, kind=Trip.reference_type, value=Trip.reference))


def cargo_visible(session: Session, scope: AccessScope, *, kind: str, value: str) -> bool:
    return bool(session.scalar(select(sees_cargo(scope, kind=kind, value=value))))


def visible_trip(session: Session, scope: AccessScope, trip_id: str) -> Trip | None:
    return session.scalars(select(Trip).where(Trip.id == trip_id, visible_trips(scope))).first()


def trips_about(
    session: Session, scope: AccessScope, references: Iterable[tuple[str, str]], *, limit: int
) -> list[Trip]:
    """The visible trips carrying any of ``references`` ((kind, value) pairs), newest first."""
    pairs = sorted(set(references))
    if not pairs:
        return []
    return list(
        session.scalars(
            select(Trip)
            .where(tuple_(Trip.reference_type, Trip.reference).in_(pairs), visible_trips(scope))
            .order_by(Trip.created_at.desc(), Trip.id)
            .limit(limit)
        )
    )


def trips_of(
    session: Session,
    org_id: str,
    *,
    driver_user_id: str | None,
    since: datetime | None,
    statuses: Sequence[str] | None,
    limit: int,
) -> list[Trip]:
    """A company's trips (or one driver's), the running ones first, then the newest."""
    query = select(Trip).where(Trip.org_id == org_id)
    if driver_user_id is not None:
        query = query.where(Trip.driver_user_id == driver_user_id)
    if statuses:
        query = query.where(Trip.status.in_(list(statuses)))
    if since is not None:
        query = query.where(or_(Trip.status != TripStatus.FINISHED.value, Trip.finished_at >= since))
    running_first = (Trip.status == TripStatus.STARTED.value).desc()
    return list(session.scalars(query.order_by(running_first, Trip.created_at.desc(), Trip.id).limit(limit)))


def running_trip(session: Session, *, org_id: str, vehicle: str, at: datetime) -> Trip | None:
    """The company's trip of this vehicle under way at ``at`` (a tracker's position belongs to it)."""
    return session.scalars(
        select(Trip)
        .where(
            Trip.org_id == org_id,
            Trip.vehicle == vehicle,
            Trip.started_at.is_not(None),
            Trip.started_at <= at + TIME_SLACK,
            or_(Trip.finished_at.is_(None), Trip.finished_at >= at - TIME_SLACK),
        )
        .order_by(Trip.started_at.desc())
        .limit(1)
    ).first()


def started_trip_of_vehicle(session: Session, vehicle: str) -> Trip | None:
    """The vehicle's trip under way now, of any company (the newest started, if several)."""
    return session.scalars(
        select(Trip)
        .where(Trip.vehicle == vehicle, Trip.status == TripStatus.STARTED.value)
        .order_by(Trip.started_at.desc())
        .limit(1)
    ).first()


def trail(session: Session, trip_id: str, *, limit: int) -> list[TruckPosition]:
    """The trip's newest ``limit`` positions, oldest first."""
    newest = list(
        session.scalars(
            select(TruckPosition)
            .where(TruckPosition.trip_id == trip_id)
            .order_by(TruckPosition.at.desc(), TruckPosition.seq.desc())
            .limit(limit)
        )
    )
    return list(reversed(newest))


def latest_positions(session: Session, trip_ids: Sequence[str]) -> dict[str, TruckPosition]:
    """Each trip's newest position, in one query.

    Driven by the trips: per trip, its newest time is one backward step of the (trip_id, at) index
    (one per month on PostgreSQL), and the position at that time is read from the month holding it
    alone. Grouping all the trips' positions first read every position they ever sent.
    """
    if not trip_ids:
        return {}
    sent = aliased(TruckPosition)
    newest = (
        select(sent.at)
        .where(sent.trip_id == Trip.id)
        .order_by(sent.at.desc())
        .limit(1)
        .correlate(Trip)
        .scalar_subquery()
    )
    rows = session.scalars(
        select(TruckPosition)
        .join(Trip, and_(TruckPosition.trip_id == Trip.id, TruckPosition.at == newest))
        .where(Trip.id.in_(list(trip_ids)))
    )
    return {row.trip_id: row for row in rows if row.trip_id is not None}


def trail_marks(session: Session, trip_id: str) -> tuple[int, datetime | None]:
    """How many positions the trip has and the newest one's time: what tells a watcher something changed."""
    count, newest = session.execute(
        select(func.count(), func.max(TruckPosition.at)).where(TruckPosition.trip_id == trip_id)
    ).one()
    return int(count), newest


def insert_positions(session: Session, rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """Stores the positions not stored yet (same track and time); returns (trip id, time) of the new ones."""
    return insert_new_rows(session, TruckPosition, POSITION_COLUMNS, rows, returning=("trip_id", "at"))


def device_and_trip(session: Session, digest: str, *, at: datetime | None) -> tuple[Device | None, Trip | None]:
    """The device with this id digest, and the trip its vehicle is on at ``at`` (``running_trip``), in one query."""
    if at is None:
        return session.scalars(select(Device).where(Device.digest == digest)).first(), None
    running = and_(
        Trip.org_id == Device.org_id,
        Trip.vehicle == Device.vehicle,
        Trip.started_at.is_not(None),
        Trip.started_at <= at + TIME_SLACK,
        or_(Trip.finished_at.is_(None), Trip.finished_at >= at - TIME_SLACK),
    )
    row = session.execute(
        select(Device, Trip)
        .outerjoin(Trip, running)
        .where(Device.digest == digest)
        .order_by(Trip.started_at.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row is not None else (None, None)


def devices_of(session: Session, org_id: str) -> list[Device]:
    return list(
        session.scalars(
            select(Device)
            .where(Device.org_id == org_id)
            .order_by(Device.revoked_at.is_not(None), Device.vehicle, Device.created_at)
        )
    )


def reports_of(session: Session, org_id: str, *, failed_only: bool, limit: int) -> list[PositionReport]:
    query = select(PositionReport).where(PositionReport.org_id == org_id)
    if failed_only:
        query = query.where(PositionReport.status.in_(("rejected", "partial", "failed")))
    return list(session.scalars(query.order_by(PositionReport.received_at.desc(), PositionReport.id).limit(limit)))


def running_trips(session: Session, *, reference_type: str, reference: str) -> list[Trip]:
    """Every company's started trips carrying one reference (they end at its receipt)."""
    return list(
        session.scalars(
            select(Trip)
            .where(
                Trip.reference_type == reference_type,
                Trip.reference == reference,
                Trip.status == TripStatus.STARTED.value,
            )
            .order_by(Trip.started_at, Trip.id)
        )
    )


def trip_carrying(
    session: Session, org_id: str, *, driver_user_id: str | None, reference_type: str, reference: str
) -> Trip | None:
    """The company's (or one driver's) trip carrying the reference: a running one first, then the newest."""
    query = select(Trip).where(
        Trip.org_id == org_id,
        Trip.reference_type == reference_type,
        Trip.reference == reference,
        Trip.status != TripStatus.FINISHED.value,
    )
    if driver_user_id is not None:
        query = query.where(Trip.driver_user_id == driver_user_id)
    running_first = (Trip.status == TripStatus.STARTED.value).desc()
    return session.scalars(query.order_by(running_first, Trip.created_at.desc()).limit(1)).first()
