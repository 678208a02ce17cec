"""Metering uses of value-added services, and the monthly statement of a charged one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbourlink import identity
from harbourlink.kernel import Actor, NotFound, plugins, utcnow
from harbourlink.metering.domain import Month, Statement, Use
from harbourlink.metering.models import ServiceUse


def record_use(
    session: Session, *, org_id: str, service: str, key: str, units: int = 1, at: datetime | None = None
) -> bool:
    """Counts a use in the caller's transaction; whether it was new (the same key is counted once)."""
    found = session.scalar(select(ServiceUse.id).where(ServiceUse.service == service, ServiceUse.key == key))
    if found is not None:
        return False
    session.add(ServiceUse(org_id=org_id, service=service, key=key, units=units, used_at=at or utcnow()))
    session.flush()
    return True


def statement(session: Session, actor: Actor, *, service: str, month: str | None = None) -> Statement:
    """A company's administrators read its statement of a charged service for a month (this month by default)."""
    identity.check_admin_of(actor, actor.org_id)
    plugin = plugins.find(service)
    if plugin is None or plugin.charge_per_use is None:
        raise NotFound("no charged service of that name", data={"service": service})
    period = Month.parse(month) if month else Month.of(utcnow())
    rows = session.scalars(
        select(ServiceUse)
        .where(
            ServiceUse.org_id == actor.org_id,
            ServiceUse.service == service,
            ServiceUse.used_at >= period.start,
            ServiceUse.used_at < period.end,
        )
        .order_by(ServiceUse.used_at, ServiceUse.id)
    )
    return Statement(
        org_id=actor.org_id,
        service=service,
        month=period,
        unit_price=plugin.charge_per_use,
        uses=[Use(used_at=row.used_at, key=row.key, units=row.units) for row in rows],
    )


def uses_this_month(session: Session, actor: Actor, *, service: str) -> int:
    """How many units the caller's company used of a service since the month began."""
    period = Month.of(utcnow())
    return sum(
        session.scalars(
            select(ServiceUse.units).where(
                ServiceUse.org_id == actor.org_id,
                ServiceUse.service == service,
                ServiceUse.used_at >= period.start,
            )
        )
    )
