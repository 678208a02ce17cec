"""Claiming, retrying and dead-lettering leased rows: written once for every queue and outbox.

A worker *claims* due rows by stamping ``claimed_until`` with a token of its own (and counting
the attempt then, so an attempt cut short by a crash counts too), in one statement that reads back
the rows it stamped (on PostgreSQL the candidates are locked ``SKIP LOCKED``, so concurrent
workers pass each other instead of queueing). A worker that dies holding a lease
loses nothing: the lease expires and the row is due again. Each failure pushes the next attempt
back exponentially (30 s, 1 min, 2 min … at most 6 h) until the last attempt makes the row ``dead``,
where ``revive`` can take it from again.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, literal_column, or_, update
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.sql.dml import ReturningUpdate

from harbourlink.kernel.workqueue.models import Leased

FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=6)
DEFAULT_LEASE = timedelta(minutes=2)
ERROR_LENGTH = 500


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the n-th failed attempt: 30 s, 1 min, 2 min … at most 6 h."""
    return min(FIRST_RETRY * (1 << min(max(attempts - 1, 0), 20)), LONGEST_RETRY)


def due(model: type[Leased], now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    """Rows waiting for an attempt now: pending, due, and not leased by a live worker.

    ``pending`` is written into the statement, not bound: a partial index of pending rows (the work
    queue's) serves only a condition the planner can read, on a generic plan as on SQLite."""
    return and_(
        model.status == literal_column("'pending'"),
        model.next_attempt_at <= now,
        or_(model.claimed_until.is_(None), model.claimed_until < now),
    )


@dataclass(frozen=True)
class Claim:
    """The rows one caller won, and the lease stamp that proves they are still its own.

    ``held``: for each row won, the columns the caller asked ``claim`` to read back (``fetch``).
    """

    token: datetime
    ids: list[int]
    held: dict[int, tuple[Any, ...]] = field(default_factory=dict)


NOW = "claim_now"
TOKEN = "claim_token"  # noqa: S105 - a parameter's name


def claim_statement(
    model: Any, candidates: Select[Any], fetch: Sequence[QueryableAttribute[Any]] = ()
) -> ReturningUpdate[Any]:
    """What ``claim`` runs, for a caller that claims the same way often to build once (``claim_with``).

    One statement: the lease is stamped on the due candidates (a select of ``model.id``, its own
    parameters bound when it runs) and the rows stamped are read back (``RETURNING``) with the columns
    in ``fetch``, so a claim costs one round trip.
    """
    # Materialised, so that the candidates are chosen and locked once whatever plan the update gets: as a
    # subquery joined again for each due row, the choice was made once per row of the table (0.8 s a claim
    # with a few thousand items waiting). The rows it locked are due (PostgreSQL checks the rows it locks
    # against the conditions again; SQLite, which takes no row locks, has one writer), so the update
    # need not ask again.
    chosen = (
        candidates.with_for_update(skip_locked=True)
        .where(due(model, bindparam(NOW)))
        .cte("chosen")
        .prefix_with("MATERIALIZED")
    )
    return (
        update(model)
        .where(model.id == chosen.c.id)
        .values(claimed_until=bindparam(TOKEN), attempts=model.attempts + 1)
        .returning(model.id, *fetch)
        .execution_options(synchronize_session=False)
    )


def claim(
    session: Session,
    model: Any,
    candidates: Select[Any],
    *,
    now: datetime,
    lease: timedelta = DEFAULT_LEASE,
    fetch: Sequence[QueryableAttribute[Any]] = (),
) -> Claim:
    """Leases the due rows among ``candidates`` (a select of ``model.id``); returns the ones this caller won.

    Commit the caller's transaction before working on them, so other workers see the lease.
    """
    return claim_with(session, claim_statement(model, candidates, fetch), now=now, lease=lease)


def claim_with(
    session: Session,
    statement: ReturningUpdate[Any],
    *,
    now: datetime,
    lease: timedelta = DEFAULT_LEASE,
    parameters: Mapping[str, Any] | None = None,
) -> Claim:
    """``claim`` by a statement from ``claim_statement``, with the candidates' ``parameters``."""
    token = now + lease + timedelta(microseconds=secrets.randbelow(1_000_000))
    stamped = session.execute(statement, {**(parameters or {}), NOW: now, TOKEN: token}).all()
    held = {row[0]: tuple(row[1:]) for row in stamped}
    return Claim(token, sorted(held), held)


def succeeded(row: Leased, *, status: str = "done") -> None:
    """Marks an attempt that worked; the lease ends."""
    row.status, row.claimed_until, row.last_error = status, None, None


def succeeded_statement(model: Any, **also: Any) -> ReturningUpdate[Any]:
    """``succeeded`` as one statement, for a caller holding no row: the row (bound ``of_id``) is done, with the
    columns in ``also``, if its lease is still the caller's (bound ``claim_token``); it returns the row's id
    if so, nothing if the lease ran out and another caller took it."""
    return (
        update(model)
        .where(
            model.id == bindparam("of_id"),
            model.claimed_until == bindparam(TOKEN),
            model.status == literal_column("'pending'"),
        )
        .values(status="done", claimed_until=None, last_error=None, **also)
        .returning(model.id)
        .execution_options(synchronize_session=False)
    )


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
