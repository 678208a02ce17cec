"""The one durable work queue's table, the lease columns every outbox of the platform shares, and the
heartbeats of the worker loops."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from harbourlink.kernel.clock import utcnow
from harbourlink.kernel.db import Base, SequenceNumber


def pending_index(name: str, *columns: str) -> Index:
    """An index of a leased table's pending rows only, in the order a claim takes them (``lease.claim``).

    Finished rows stay (done work items a day, delivered notifications for good); a claim that walked
    the primary key from the oldest row passed every finished one to reach the first pending."""
    return Index(name, *columns, postgresql_where=text(PENDING), sqlite_where=text(PENDING))


PENDING = "status = 'pending'"


class Leased:
    """Columns of a row that is worked on under a lease: due at ``next_attempt_at`` while ``pending``,
    held by one worker until ``claimed_until``, retried with back-off, ``dead`` after its last attempt.

    The work queue, the alert outbox and the DCSA callback outbox all carry them, so claiming,
    retrying and dead-lettering are written once (``harbourlink.kernel.workqueue.lease``), and so is
    counting how each queue stands (``harbourlink.kernel.workqueue.figures``).
    """

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))


class WorkItem(Leased, Base):
    """One piece of work for one queue, written in the transaction of its cause (an outbox row).

    ``key`` makes enqueueing idempotent: the same cause enqueued twice is one item. An item's
    handler runs in the transaction that marks it ``done``, so its effects and its completion
    commit together; a worker killed mid-item leaves it ``pending`` for the next lease.
    """

    __tablename__ = "work_items"
    __table_args__ = (
        Index("ix_work_items_due", "queue", "status", "next_attempt_at"),
        # Done items stay a day (HARBOURLINK_WORK_KEEP_DONE_HOURS): the figures and the dead
        # letters read the rest by status.
        Index("ix_work_items_status", "status", "next_attempt_at"),
        pending_index("ix_work_items_pending", "queue", "id"),
    )

    id: Mapped[int] = mapped_column(SequenceNumber, primary_key=True, autoincrement=True)
    queue: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(200), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    finished_at: Mapped[datetime | None]


class WorkerHeartbeat(Base):
    """A worker loop's last sign of life: written every few seconds while it runs, removed when it stops.

    A killed worker's row stays, and ages: the operator sees which worker fell silent and when.
    """

    __tablename__ = "worker_heartbeats"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    roles: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime]
    seen_at: Mapped[datetime] = mapped_column(index=True)
    attempted: Mapped[int] = mapped_column(BigInteger, default=0)
    """Work items this loop attempted since it started."""
