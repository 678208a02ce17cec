"""Queries of road cargo. Each read that answers a company takes the actor and filters in SQL: a submitter
sees its own consignments, customs sees all; a binding is seen by its maker, by customs and by the
submitters of the consignments in it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Select, exists, or_, select, true
from sqlalchemy.orm import Session, defer

from harbourlink.identity import OrgType, Role
from harbourlink.kernel import Actor
from harbourlink.road.domain import ConsignmentStatus
from harbourlink.road.models import (
    RoadBatch,
    RoadBinding,
    RoadBindingItem,
    RoadConsignment,
    RoadConsignmentVersion,
    RoadQuery,
    RoadQueryAttachment,
    RoadQueryMessage,
    RoadReminder,
    RoadTemplate,
)


def is_customs(actor: Actor) -> bool:
    return OrgType.CUSTOMS_HK.value in actor.org_types


def _sees_consignment(actor: Actor) -> ColumnElement[bool]:
    return true() if is_customs(actor) else RoadConsignment.org_id == actor.org_id


def consignment(session: Session, actor: Actor, ccrn: str) -> RoadConsignment | None:
    return session.scalars(
        select(RoadConsignment).where(RoadConsignment.ccrn == ccrn, _sees_consignment(actor))
    ).first()


def consignments_of(session: Session, actor: Actor, *, limit: int, offset: int) -> list[RoadConsignment]:
    """The company's own consignments, newest first (customs, too, lists only its own here)."""
    query = (
        select(RoadConsignment)
        .where(RoadConsignment.org_id == actor.org_id)
        .order_by(RoadConsignment.created_at.desc(), RoadConsignment.ccrn)
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))


def consignments_by_number(session: Session, ccrns: list[str]) -> dict[str, RoadConsignment]:
    """Consignments by CCRN whoever lodged them: binding needs only the number, as at the boundary."""
    rows = session.scalars(select(RoadConsignment).where(RoadConsignment.ccrn.in_(ccrns)).with_for_update())
    return {row.ccrn: row for row in rows}


def versions(session: Session, ccrn: str) -> list[RoadConsignmentVersion]:
    query = select(RoadConsignmentVersion).where(RoadConsignmentVersion.ccrn == ccrn)
    return list(session.scalars(query.order_by(RoadConsignmentVersion.version)))


def template(session: Session, actor: Actor, template_id: str) -> RoadTemplate | None:
    """A template of the acting person's own: templates are private to the one who saved them."""
    return session.scalars(
        select(RoadTemplate).where(
            RoadTemplate.id == template_id,
            RoadTemplate.org_id == actor.org_id,
            RoadTemplate.user_id == (actor.user_id or ""),
        )
    ).first()


def templates(session: Session, actor: Actor) -> list[RoadTemplate]:
    query = select(RoadTemplate).where(
        RoadTemplate.org_id == actor.org_id, RoadTemplate.user_id == (actor.user_id or "")
    )
    return list(session.scalars(query.order_by(RoadTemplate.name)))


def batch(session: Session, actor: Actor, batch_id: str) -> RoadBatch | None:
    return session.scalars(select(RoadBatch).where(RoadBatch.id == batch_id, RoadBatch.org_id == actor.org_id)).first()


def _sees_binding(actor: Actor) -> ColumnElement[bool]:
    if is_customs(actor):
        return true()
    lodged_by_me = exists(
        select(RoadBindingItem.ubr)
        .join(RoadConsignment, RoadConsignment.ccrn == RoadBindingItem.ccrn)
        .where(RoadBindingItem.ubr == RoadBinding.ubr, RoadConsignment.org_id == actor.org_id)
    )
    made_by_us = RoadBinding.org_id == actor.org_id
    if Role.DRIVER.value in actor.roles:
        # A trucking company's driver sees the bindings they made, not their colleagues'.
        made_by_us = made_by_us & (RoadBinding.made_by == actor.user_id)
    return or_(made_by_us, lodged_by_me)


def binding(session: Session, actor: Actor, ubr: str) -> RoadBinding | None:
    return session.scalars(select(RoadBinding).where(RoadBinding.ubr == ubr, _sees_binding(actor))).first()


def bindings(session: Session, actor: Actor, *, ccrn: str | None, limit: int) -> list[RoadBinding]:
    query: Select[RoadBinding] = select(RoadBinding).where(_sees_binding(actor))
    if ccrn is not None:
        query = query.where(
            exists(
                select(RoadBindingItem.ubr).where(RoadBindingItem.ubr == RoadBinding.ubr, RoadBindingItem.ccrn == ccrn)
            )
        )
    return list(session.scalars(query.order_by(RoadBinding.bound_at.desc()).limit(limit)))


def items(session: Session, ubrs: list[str]) -> list[RoadBindingItem]:
    query = select(RoadBindingItem).where(RoadBindingItem.ubr.in_(ubrs))
    return list(session.scalars(query.order_by(RoadBindingItem.ccrn)))


def query(session: Session, actor: Actor, query_id: str) -> tuple[RoadQuery, RoadConsignment] | None:
    """A query with its consignment, for customs and for the consignment's submitter."""
    row = session.execute(
        select(RoadQuery, RoadConsignment)
        .join(RoadConsignment, RoadConsignment.ccrn == RoadQuery.ccrn)
        .where(RoadQuery.id == query_id, _sees_consignment(actor))
    ).first()
    return (row[0], row[1]) if row is not None else None


def queries_of(session: Session, ccrn: str) -> list[RoadQuery]:
    return list(session.scalars(select(RoadQuery).where(RoadQuery.ccrn == ccrn).order_by(RoadQuery.raised_at)))


def messages(session: Session, query_ids: list[str]) -> list[RoadQueryMessage]:
    found = select(RoadQueryMessage).where(RoadQueryMessage.query_id.in_(query_ids))
    return list(session.scalars(found.order_by(RoadQueryMessage.query_id, RoadQueryMessage.position)))


def attachments(session: Session, query_ids: list[str]) -> list[RoadQueryAttachment]:
    """The files of these queries' threads, without their bytes."""
    found = select(RoadQueryAttachment).where(RoadQueryAttachment.query_id.in_(query_ids))
    return list(session.scalars(found.options(defer(RoadQueryAttachment.data)).order_by(RoadQueryAttachment.position)))


def attachment(session: Session, query_id: str, attachment_id: str) -> RoadQueryAttachment | None:
    found = select(RoadQueryAttachment).where(
        RoadQueryAttachment.id == attachment_id, RoadQueryAttachment.query_id == query_id
    )
    return session.scalars(found).first()


def live_at(session: Session, control_point: str, *, limit: int) -> list[RoadBinding]:
    """Bindings at a control point still to cross (not cancelled, not crossed), soonest allowed first."""
    query = select(RoadBinding).where(
        RoadBinding.control_point == control_point, RoadBinding.cancelled_at.is_(None), RoadBinding.crossed_at.is_(None)
    )
    return list(session.scalars(query.order_by(RoadBinding.earliest_crossing_at, RoadBinding.ubr).limit(limit)))


def unanswered(session: Session, ccrns: list[str]) -> dict[str, int]:
    """Per CCRN, the queries whose newest message is customs': customs still waits for the submitter."""
    queries = list(session.scalars(select(RoadQuery).where(RoadQuery.ccrn.in_(ccrns))))
    last: dict[str, RoadQueryMessage] = {m.query_id: m for m in messages(session, [q.id for q in queries])}
    counts: dict[str, int] = {}
    for found in queries:
        newest = last.get(found.id)
        if newest is not None and newest.org_id == found.customs_org_id:
            counts[found.ccrn] = counts.get(found.ccrn, 0) + 1
    return counts


def unbound_planned_for(session: Session, *, vehicle: str) -> list[RoadConsignment]:
    """Consignments whose submitter planned them on this vehicle and that are neither bound nor cancelled.

    For the reminders' consumer, which acts for no company: what it finds is told only to the trip of the
    vehicle the submitter named."""
    found = select(RoadConsignment).where(
        RoadConsignment.planned_vehicle == vehicle, RoadConsignment.status == ConsignmentStatus.LODGED.value
    )
    return list(session.scalars(found.order_by(RoadConsignment.expected_at).limit(100)))


def reminded(session: Session, trip_id: str) -> set[str]:
    return set(session.scalars(select(RoadReminder.ccrn).where(RoadReminder.trip_id == trip_id)))


def reminders(session: Session, *, org_id: str, driver_user_id: str | None, since: datetime) -> list[RoadReminder]:
    """A company's reminders since a moment (a driver's own only) whose consignment is still unbound, newest first."""
    found = (
        select(RoadReminder)
        .join(RoadConsignment, RoadConsignment.ccrn == RoadReminder.ccrn)
        .where(
            RoadReminder.org_id == org_id,
            RoadReminder.reminded_at >= since,
            RoadConsignment.status == ConsignmentStatus.LODGED.value,
        )
    )
    if driver_user_id is not None:
        found = found.where(RoadReminder.driver_user_id == driver_user_id)
    return list(session.scalars(found.order_by(RoadReminder.reminded_at.desc()).limit(20)))
