"""How inbound stands, for the platform operator: the backlog, messages being read, failures, traffic per hour.

Each answer is one aggregate or one bounded statement on the index over (status, received
time): the backlog reads only the messages not yet read, failures and traffic only the window
asked for. None reads a message's raw bytes. The caller decides who may ask (the operator).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from harbourlink.inbound.models import InboundMessage
from harbourlink.inbound.service import FAILED_STATUSES, PENDING_STATUSES
from harbourlink.kernel.clock import as_utc
from harbourlink.kernel.series import hour_of, hour_starts

STATUSES = (*PENDING_STATUSES, "accepted", *FAILED_STATUSES)
"""Every status a message takes: named, so that a time range over all of them still walks the status index."""


@dataclass(frozen=True)
class Backlog:
    """Messages not read yet, by status (``received``, ``queued``, ``processing``), and the oldest one's arrival."""

    by_status: dict[str, int]
    oldest_received_at: datetime | None

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass(frozen=True)
class MessageInProgress:
    """A message waiting or being read; ``items_done`` of ``items_total`` (None until the count is known)."""

    id: str
    sender_org_id: str
    format: str
    filename: str | None
    size: int
    status: str
    received_at: datetime
    items_done: int
    items_total: int | None


@dataclass(frozen=True)
class CompanyFailures:
    """A sender's messages that failed (wholly or in part) in the window and were not replayed since."""

    org_id: str
    failed: int
    newest_at: datetime


@dataclass(frozen=True)
class Traffic:
    """Messages received in each hour (starting at ``starts``), and how many of them failed."""

    starts: list[datetime]
    received: list[int]
    failed: list[int]


def backlog(session: Session) -> Backlog:
    """The messages not read yet, counted by status."""
    rows = session.execute(
        select(InboundMessage.status, func.count(), func.min(InboundMessage.received_at))
        .where(InboundMessage.status.in_(PENDING_STATUSES))
        .group_by(InboundMessage.status)
    )
    counts = dict.fromkeys(PENDING_STATUSES, 0)
    oldest: list[datetime] = []
    for status, count, first in rows:
        counts[status] = int(count)
        oldest.append(as_utc(first))
    return Backlog(counts, min(oldest, default=None))


def in_progress(session: Session, *, limit: int = 10) -> list[MessageInProgress]:
    """The oldest messages not read yet (being read, or waiting for a worker), oldest first."""
    m = InboundMessage
    rows = session.execute(
        select(
            m.id, m.sender_org_id, m.format, m.filename, m.size, m.status, m.received_at, m.items_done, m.items_total
        )
        .where(m.status.in_(PENDING_STATUSES))
        .order_by(m.received_at, m.id)
        .limit(limit)
    )
    return [
        MessageInProgress(
            row.id,
            row.sender_org_id,
            row.format,
            row.filename,
            row.size,
            row.status,
            as_utc(row.received_at),
            row.items_done,
            row.items_total,
        )
        for row in rows
    ]


def failures_by_company(session: Session, *, since: datetime, limit: int = 10) -> list[CompanyFailures]:
    """Senders with the most failed messages received since ``since`` still needing attention, most first."""
    m = InboundMessage
    failed = func.count().label("failed")
    rows = session.execute(
        select(m.sender_org_id, failed, func.max(m.received_at))
        .where(m.status.in_(FAILED_STATUSES), m.received_at >= since, m.superseded_by.is_(None))
        .group_by(m.sender_org_id)
        .order_by(failed.desc(), m.sender_org_id)
        .limit(limit)
    )
    return [CompanyFailures(org_id, int(count), as_utc(newest)) for org_id, count, newest in rows]


def traffic(session: Session, *, now: datetime, hours: int = 24) -> Traffic:
    """Messages received per hour over the last ``hours`` hours (the current hour last), and the failed ones."""
    m = InboundMessage
    starts = hour_starts(now, hours)
    hour = hour_of(m.received_at, starts).label("hour")
    failed = func.sum(case((m.status.in_(FAILED_STATUSES), 1), else_=0))
    rows = session.execute(
        select(hour, func.count(), failed).where(m.status.in_(STATUSES), m.received_at >= starts[0]).group_by(hour)
    )
    received, failures = [0] * hours, [0] * hours
    for index, count, failed_count in rows:
        received[index], failures[index] = int(count), int(failed_count or 0)
    return Traffic(starts, received, failures)
