"""Queries of legs; the chain rule of ``domain.sees_leg`` in SQL."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.orm import Session

from harbourlink import events, trucking
from harbourlink.access import AccessScope
from harbourlink.legs.domain import LIVE, LegMode, LegStatus
from harbourlink.legs.models import Leg

LIVE_STATUSES = sorted(status.value for status in LIVE)


def visible(org_id: str) -> ColumnElement[bool]:
    """WHERE clause: the leg is the company's (nominated by or to it), or on a chain where it holds a live leg."""
    chains = select(Leg.root_id).where(
        Leg.status.in_(LIVE_STATUSES), or_(Leg.nominated_by_org_id == org_id, Leg.party_org_id == org_id)
    )
    return or_(Leg.nominated_by_org_id == org_id, Leg.party_org_id == org_id, Leg.root_id.in_(chains))


def visible_leg(session: Session, org_id: str, leg_id: str) -> Leg | None:
    return session.scalars(select(Leg).where(Leg.id == leg_id, visible(org_id))).first()


def visible_legs(session: Session, org_id: str, *, reference: str | None, limit: int) -> list[Leg]:
    query = select(Leg).where(visible(org_id))
    if reference is not None:
        query = query.where(Leg.reference == reference)
    return list(session.scalars(query.order_by(Leg.created_at.desc(), Leg.id).limit(limit)))


def accepted_leg_of(session: Session, org_id: str, *, kind: str, value: str) -> Leg | None:
    """The company's own accepted leg of this cargo, the oldest: the link by which it holds it on a chain."""
    return session.scalars(
        select(Leg)
        .where(
            Leg.party_org_id == org_id,
            Leg.reference_type == kind,
            Leg.reference == value,
            Leg.status == LegStatus.ACCEPTED.value,
        )
        .order_by(Leg.created_at, Leg.id)
        .limit(1)
    ).first()


def sees_cargo(session: Session, scope: AccessScope, *, kind: str, value: str) -> bool:
    """Some event about the cargo is visible to the company itself (without presenting the number)."""
    found = select(events.Event.seq).where(events.visible(scope), events.about(kind, [value])).limit(1)
    return session.scalar(found) is not None


def descendants(session: Session, leg: Leg) -> list[Leg]:
    """The legs passed on below ``leg``: its nominee's nominations, theirs, and so on."""
    found: list[Leg] = []
    parents = [leg.id]
    while parents:
        children = list(session.scalars(select(Leg).where(Leg.parent_id.in_(parents))))
        found.extend(children)
        parents = [child.id for child in children]
    return found


def open_truck_legs(session: Session, org_id: str, *, limit: int) -> list[Leg]:
    """Truck legs nominated to the company and still live whose truck has not yet collected the cargo."""
    planned = exists(
        select(trucking.Trip.id).where(
            trucking.Trip.id == Leg.trip_id, trucking.Trip.status == trucking.TripStatus.PLANNED.value
        )
    )
    return list(
        session.scalars(
            select(Leg)
            .where(
                Leg.party_org_id == org_id,
                Leg.mode == LegMode.TRUCK.value,
                Leg.status.in_(LIVE_STATUSES),
                or_(Leg.trip_id.is_(None), planned),
            )
            .order_by(Leg.created_at.desc())
            .limit(limit)
        )
    )


def trip_statuses(session: Session, trip_ids: list[str]) -> dict[str, str]:
    if not trip_ids:
        return {}
    rows = session.execute(select(trucking.Trip.id, trucking.Trip.status).where(trucking.Trip.id.in_(trip_ids)))
    return {row.id: row.status for row in rows}
