"""The one durable work queue: consumers, enqueueing in the cause's transaction, running items.

A *consumer* names a queue and a handler. Domains declare theirs under the entry-point group
``harbourlink.consumers`` (a value-added module adds its own the same way, with no change to the
core); ``register`` adds one at run time. ``enqueue`` writes an item in the caller's transaction
and, once that transaction commits, the database's bell rings for the queue: in one process the
items run at once (``drain``), at port scale a worker process hears it (see ``worker`` and
``bus``). Delivery is at least once; a handler runs in the transaction that marks its item done,
so what it writes to the database happens exactly once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from importlib.metadata import entry_points
from typing import Any

from sqlalchemy import Insert, bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningUpdate

from harbourlink.kernel.clock import utcnow
from harbourlink.kernel.db import WORK_RUNG as RUNG
from harbourlink.kernel.db import Database
from harbourlink.kernel.workqueue.lease import (
    DEFAULT_LEASE,
    TOKEN,
    claim_statement,
    claim_with,
    failed,
    revive,
    succeeded,
    succeeded_statement,
)
from harbourlink.kernel.workqueue.models import WorkItem

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "harbourlink.consumers"

Handler = Callable[[Session, Mapping[str, Any]], None]
Manager = Callable[[Database, Mapping[str, Any], int], object]
"""A handler that opens its own transactions (a long job done in steps); given the attempt's number. What it
returns reaches the caller of ``run_now``. It must be idempotent: a worker killed after its steps but before
the item is marked done runs it again."""


@dataclass(frozen=True)
class Consumer:
    """Who works a queue: ``handle`` (in the transaction that marks the item done) or ``manage``.

    ``role`` decides which worker processes run it (``harbourlink worker --role``).
    """

    queue: str
    handle: Handler | None = None
    manage: Manager | None = None
    role: str = "consumers"
    max_attempts: int = 8
    batch: int = 20


_registered: dict[str, Consumer] = {}


@cache
def _declared() -> dict[str, Consumer]:
    found: dict[str, Consumer] = {}
    for point in entry_points(group=ENTRY_POINT_GROUP):
        declared = point.load()
        for consumer in declared if isinstance(declared, list | tuple) else [declared]:
            if not isinstance(consumer, Consumer):
                raise TypeError(f"entry point {point.name} of {ENTRY_POINT_GROUP} must give Consumer objects")
            found[consumer.queue] = consumer
    return found


def consumers() -> dict[str, Consumer]:
    """Every consumer, by queue: those the installed packages declare, then those registered at run time."""
    return {**_declared(), **_registered}


def register(consumer: Consumer) -> None:
    """Adds a consumer at run time (a plug-in without an entry point, or a test)."""
    _registered[consumer.queue] = consumer


def unregister(queue: str) -> None:
    _registered.pop(queue, None)


@dataclass(frozen=True)
class Item:
    """One item to enqueue: its queue, what its consumer is told, and the key that makes it happen once."""

    queue: str
    payload: Mapping[str, Any]
    key: str


def enqueue(
    session: Session,
    queue: str,
    payload: Mapping[str, Any],
    *,
    key: str,
    now: datetime | None = None,
    ring: bool = True,
) -> None:
    """Writes one item in the caller's transaction; an item with the same ``key`` already there makes this a no-op.

    ``ring=False``: the caller runs the item itself right after the commit (``run_now``); workers
    take it only if the caller dies first.
    """
    enqueue_all(session, [Item(queue, payload, key)], now=now, ring=ring)


def enqueue_all(session: Session, items: Iterable[Item], *, now: datetime | None = None, ring: bool = True) -> None:
    """``enqueue`` for several items in one statement: one round trip, however many consumers are told."""
    moment = now or utcnow()
    rows = [
        {
            "queue": item.queue,
            "key": item.key,
            "payload": dict(item.payload),
            "status": "pending",
            "attempts": 0,
            "created_at": moment,
            "next_attempt_at": moment,
        }
        for item in items
    ]
    if not rows:
        return
    session.execute(_insert_new(session.get_bind().dialect.name), rows)
    if ring:
        session.info.setdefault(RUNG, set()).update(row["queue"] for row in rows)


@cache
def _insert_new(dialect: str) -> Insert:
    """Built once and sent with the rows as parameters (one multi-row INSERT all the same): the rows as the
    statement's own VALUES made a new statement each time, whose cache key and compilation were a quarter
    of an upload's CPU in the API process."""
    insert = postgresql.insert(WorkItem) if dialect == "postgresql" else sqlite.insert(WorkItem)
    return insert.on_conflict_do_nothing(index_elements=["key"])


@dataclass(frozen=True)
class Held:
    """An item as its claim read it back: what its consumer is told and which attempt this is."""

    payload: Mapping[str, Any]
    attempt: int


HELD_COLUMNS = (WorkItem.payload, WorkItem.attempts)
"""What a claim of work items reads back (``lease.claim``'s ``fetch``), in ``Held``'s order."""


def run_item(
    db: Database, consumer: Consumer, item_id: int, token: datetime, *, worker: str, held: Held | None = None
) -> bool:
    """Runs one claimed item; True when it is done. A failure is recorded for a later retry (or dead-letter).

    ``held``: the item as its claim read it, when it runs straight after that claim; a managing consumer
    then starts without first reading the item again (its lease cannot have run out yet).
    """
    return _run(db, consumer, item_id, token, worker=worker, held=held) is not None


@dataclass(frozen=True)
class Ran:
    """An item run to its end, with what its consumer's ``manage`` returned (None for ``handle``)."""

    result: object


def _run(
    db: Database, consumer: Consumer, item_id: int, token: datetime, *, worker: str, held: Held | None
) -> Ran | None:
    """``run_item``, answering the item's end, or None when it is not done."""
    result: object = None
    try:
        if consumer.manage is not None:
            if held is None:
                with db.transaction() as session:
                    item = session.get(WorkItem, item_id)
                    if item is None or item.status != "pending" or item.claimed_until != token:
                        return None
                    held = Held(dict(item.payload), item.attempts)
            result = consumer.manage(db, held.payload, held.attempt)
            with db.autocommitting() as session:
                ended = session.execute(
                    _succeeded(), {"of_id": item_id, TOKEN: token, "worker": worker, "ended_at": utcnow()}
                ).first()
            return None if ended is None else Ran(result)
        with db.transaction() as session:
            query = select(WorkItem).where(WorkItem.id == item_id, WorkItem.claimed_until == token)
            if db.engine.dialect.name == "postgresql":
                query = query.with_for_update()
            item = session.scalars(query).first()
            if item is None or item.status != "pending":
                return None  # the lease ran out and another worker took it
            if consumer.handle is not None:
                consumer.handle(session, item.payload)
            succeeded(item)
            item.claimed_by, item.finished_at = worker, utcnow()
        return Ran(result)
    except Exception as exc:
        log.exception("work item %s of %s failed", item_id, consumer.queue)
        with db.transaction() as session:
            item = session.get(WorkItem, item_id)
            if item is not None and item.claimed_until == token:
                item.claimed_by = worker
                failed(item, f"{type(exc).__name__}: {exc}", now=utcnow(), max_attempts=consumer.max_attempts)
        return None


# A worker claims many times a second: its statements are built once (building one cost more than running it).
# Each is one statement, run in a transaction of its own (``autocommitting``): no BEGIN and COMMIT round trips.
@cache
def _succeeded() -> ReturningUpdate[Any]:
    """A managed item's end: it did its own transactions, so marking it done is all that is left."""
    return succeeded_statement(WorkItem, claimed_by=bindparam("worker"), finished_at=bindparam("ended_at"))


@cache
def _claim_oldest() -> ReturningUpdate[Any]:
    oldest = select(WorkItem.id).where(WorkItem.queue == bindparam("of_queue")).order_by(WorkItem.id)
    return claim_statement(WorkItem, oldest.limit(bindparam("batch")), HELD_COLUMNS)


@cache
def _claim_by_key() -> ReturningUpdate[Any]:
    keyed = select(WorkItem.id).where(
        WorkItem.key == bindparam("of_key"), WorkItem.queue.in_(bindparam("queues", expanding=True))
    )
    return claim_statement(WorkItem, keyed, (WorkItem.queue, *HELD_COLUMNS))


def run_round(
    db: Database, queues: Iterable[str], *, worker: str, now: datetime | None = None, lease: timedelta = DEFAULT_LEASE
) -> int:
    """Claims and runs one batch per queue; returns how many items were attempted.

    ``lease``: how long an item is this worker's before another may take it (longer than an item takes).
    """
    attempted = 0
    known = consumers()
    for queue in sorted(set(queues)):
        consumer = known.get(queue)
        if consumer is None:
            continue
        with db.autocommitting() as session:
            won = claim_with(
                session,
                _claim_oldest(),
                now=now or utcnow(),
                lease=lease,
                parameters={"of_queue": queue, "batch": consumer.batch},
            )
        for position, item_id in enumerate(won.ids):
            # The batch's first item runs at once; a later one may have waited out its lease behind the others.
            held = Held(*won.held[item_id]) if position == 0 else None
            run_item(db, consumer, item_id, won.token, worker=worker, held=held)
        attempted += len(won.ids)
    return attempted


def run_now(db: Database, key: str, *, worker: str = "inline") -> Ran | None:
    """Runs the item enqueued under ``key`` in this thread, unless a worker has taken it (then None)."""
    known = consumers()
    with db.autocommitting() as session:
        won = claim_with(session, _claim_by_key(), now=utcnow(), parameters={"of_key": key, "queues": sorted(known)})
    if not won.ids:
        return None
    item_id = won.ids[0]
    queue, payload, attempt = won.held[item_id]
    return _run(db, known[queue], item_id, won.token, worker=worker, held=Held(payload, attempt))


_draining = threading.local()


def drain(db: Database, queues: Iterable[str] | None = None, *, worker: str = "inline") -> int:
    """Runs every due item of ``queues`` (default: all consumers' queues) until none is left; returns how many.

    The in-process bell: a transaction that enqueued rings it after commit. An item enqueued by a
    handler while draining is picked up by the loop already running, not by a nested one.
    """
    wanted = set(queues if queues is not None else consumers())
    if getattr(_draining, "queues", None) is not None:
        _draining.queues |= wanted
        return 0
    _draining.queues = wanted
    total = 0
    try:
        while _draining.queues:
            current, _draining.queues = _draining.queues, set()
            attempted = run_round(db, current, worker=worker)
            total += attempted
            if attempted:
                _draining.queues |= current
    finally:
        _draining.queues = None
    return total


def inline_bell(db: Database, queues: set[str]) -> None:
    """Runs the rung queues' items at once, in this process (embedded installations and tests)."""
    drain(db, queues)


def list_items(
    session: Session, *, status: str | None = None, queue: str | None = None, limit: int = 100
) -> list[WorkItem]:
    """Items newest first, e.g. the dead letters (``status="dead"``) for the operator."""
    query = select(WorkItem).order_by(WorkItem.id.desc()).limit(limit)
    if status is not None:
        query = query.where(WorkItem.status == status)
    if queue is not None:
        query = query.where(WorkItem.queue == queue)
    return list(session.scalars(query))


PURGE_BATCH = 5_000


def purge_done(db: Database, *, keep: timedelta, now: datetime | None = None) -> int:
    """Deletes items done longer ago than ``keep``, a batch at a time; returns how many.

    Without it the table grows by an item per message and consumer for ever. A done item's key
    stops guarding against a second enqueue once it is gone, which is safe because every cause
    enqueues once, at its own moment (a message's processing, its stored events), never days later.
    """
    cut = (now or utcnow()) - keep
    removed = 0
    while True:
        with db.transaction() as session:
            batch = (
                select(WorkItem.id)
                .where(WorkItem.status == "done", WorkItem.finished_at < cut)
                .order_by(WorkItem.id)
                .limit(PURGE_BATCH)
            )
            result = session.execute(delete(WorkItem).where(WorkItem.id.in_(batch.scalar_subquery())))
            count = int(getattr(result, "rowcount", 0) or 0)
        removed += count
        if count < PURGE_BATCH:
            return removed


def replay(session: Session, item_id: int) -> WorkItem | None:
    """Takes an item (a dead letter, or a finished one to run again) back into its queue."""
    item = session.get(WorkItem, item_id)
    if item is not None:
        revive(item, now=utcnow())
        session.info.setdefault(RUNG, set()).add(item.queue)
    return item
