"""How queues stand, written once for every table with the ``Leased`` columns (the work queue and the outboxes).

Per queue: items waiting for their first attempt, held by a worker now, waiting to be retried
after a failure, dead; and when the oldest item still pending was written. One aggregate
statement reads only the rows still ``pending`` or ``dead`` (each such table has an index
leading with ``status``), so the cost follows the backlog, not the millions of rows done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, case, func, or_, select
from sqlalchemy.orm import Session

from harbourlink.kernel.clock import as_utc
from harbourlink.kernel.workqueue.models import Leased

OPEN_STATUSES = ("pending", "dead")


@dataclass(frozen=True)
class QueueFigures:
    """One queue: ``waiting`` (never tried), ``leased`` (a worker holds it), ``retrying`` (failed, due again
    after its back-off, or its worker's lease ran out), ``dead`` (retries exhausted, see ``replay``)."""

    queue: str
    waiting: int = 0
    leased: int = 0
    retrying: int = 0
    dead: int = 0
    oldest_pending_at: datetime | None = None

    @property
    def pending(self) -> int:
        """Everything not finished nor dead."""
        return self.waiting + self.leased + self.retrying


def _columns(model: Any, now: datetime) -> list[ColumnElement[Any]]:
    pending = model.status == "pending"
    held = and_(pending, model.claimed_until.is_not(None), model.claimed_until >= now)
    free = and_(pending, or_(model.claimed_until.is_(None), model.claimed_until < now))
    return [
        func.sum(case((and_(free, model.attempts == 0), 1), else_=0)),
        func.sum(case((held, 1), else_=0)),
        func.sum(case((and_(free, model.attempts > 0), 1), else_=0)),
        func.sum(case((model.status == "dead", 1), else_=0)),
        func.min(case((pending, model.created_at))),
    ]


def _figures(queue: str, row: Any) -> QueueFigures:
    waiting, leased, retrying, dead, oldest = row
    return QueueFigures(
        queue,
        int(waiting or 0),
        int(leased or 0),
        int(retrying or 0),
        int(dead or 0),
        as_utc(oldest) if oldest is not None else None,
    )


def queue_figures(
    session: Session, model: type[Leased], *, now: datetime, by: SQLColumnExpression[str] | None = None, name: str = ""
) -> list[QueueFigures]:
    """The figures of ``model``'s rows grouped by ``by`` (each queue named by its value), or, without ``by``,
    of the whole table as one queue called ``name``. Grouped, a queue with nothing pending or dead is absent."""
    columns = _columns(model, now)
    table: Any = model
    if by is None:
        row = session.execute(select(*columns).where(table.status.in_(OPEN_STATUSES))).one()
        return [_figures(name, row)]
    rows = session.execute(select(by, *columns).where(table.status.in_(OPEN_STATUSES)).group_by(by))
    return [_figures(str(row[0]), row[1:]) for row in rows]
