"""Claiming, retrying and dead-lettering leased rows: written once for every queue and outbox.

A worker *claims* due rows by stamping ``claimed_until`` with a token of its own (and counting
the attempt then, so an attempt cut short by a crash counts too) and keeps the ones whose stamp
it reads back (on PostgreSQL the candidates are also locked ``SKIP LOCKED``,
so concurrent workers pass each other instead of queueing). A worker that dies holding a lease
loses nothing: the lease expires and the row is due again. Each failure pushes the next attempt
back exponentially (30 s, 1 min, 2 min … at most 6 h) until the last attempt makes the row ``dead``,
where ``revive`` can take it from again.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select, update
from sqlalchemy.orm import Session

from harbourlink.kernel.workqueue.models import Leased

FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=6)
DEFAULT_LEASE = timedelta(minutes=2)
ERROR_LENGTH = 500


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the n-th failed attempt: 30 s, 1 min, 2 min … at most 6 h."""
    return min(FIRST_RETRY * (1 << min(max(attempts - 1, 0), 20)), LONGEST_RETRY)


def due(model: type[Leased], now: datetime) -> ColumnElement[bool]:
    """Rows waiting for an attempt now: pending, due, and not leased by a live worker."""
    return and_(
        model.status == "pending",
        model.next_attempt_at <= now,
        or_(model.claimed_until.is_(None), model.claimed_until < now),
    )


@dataclass(frozen=True)
class Claim:
    """The rows one caller won, and the lease stamp that proves they are still its own."""

    token: datetime
    ids: list[int]


def claim(
    session: Session, model: Any, candidates: Select[Any], *, now: datetime, lease: timedelta = DEFAULT_LEASE
) -> Claim:
    """Leases the due rows among ``candidates`` (a select of ``model.id``); returns the ones this caller won.

    Commit the caller's transaction before working on them, so other workers see the lease.
    """
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    token = now + lease + timedelta(microseconds=secrets.randbelow(1_000_000))
    ids = list(session.scalars(candidates.where(due(model, now))))
    if not ids:
        return Claim(token, [])
    session.execute(
        update(model).where(model.id.in_(ids), due(model, now)).values(claimed_until=token, attempts=model.attempts + 1)
    )
    won = session.scalars(select(model.id).where(model.id.in_(ids), model.claimed_until == token).order_by(model.id))
    return Claim(token, list(won))


def succeeded(row: Leased, *, status: str = "done") -> None:
    """Marks an attempt that worked; the lease ends."""
    row.status, row.claimed_until, row.last_error = status, None, None


def failed(row: Leased, error: str, *, now: datetime, max_attempts: int) -> bool:
    """Records a failed attempt: due again after the back-off, or ``dead`` after the last; True when dead."""
    row.claimed_until, row.last_error = None, error[:ERROR_LENGTH]
    if row.attempts >= max_attempts:
        row.status = "dead"
        return True
    row.next_attempt_at = now + retry_delay(row.attempts)
    return False


def revive(row: Leased, *, now: datetime) -> None:
    """Takes a dead (or any finished) row back into the queue, due at once, with a fresh count of attempts."""
    row.status, row.attempts, row.next_attempt_at, row.claimed_until = "pending", 0, now, None
