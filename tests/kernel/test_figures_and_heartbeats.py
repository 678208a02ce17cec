"""How a queue stands (waiting, leased, retrying, dead, oldest pending), and the worker loops' heartbeats."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from harbourlink.kernel import Database, utcnow, work
from harbourlink.kernel.workqueue import WorkerHeartbeat, WorkItem
from harbourlink.kernel.workqueue.heartbeat import beat
from tests.operations.support import QUEUE, enqueue, refusing_queue


def _figures(db: Database) -> dict[str, work.QueueFigures]:
    with db.transaction() as session:
        return {f.queue: f for f in work.queue_figures(session, WorkItem, by=WorkItem.queue, now=utcnow())}


def test_each_item_counts_in_the_state_it_is_in(db: Database) -> None:
    with refusing_queue(max_attempts=2):
        first = utcnow()
        enqueue(db, "dies")
        work.run_round(db, [QUEUE], worker="test")  # its first failure
        enqueue(db, "retries")
        # Past the back-off: "dies" fails a second time (dead), "retries" a first time (due again later).
        assert work.run_round(db, [QUEUE], worker="test", now=utcnow() + timedelta(minutes=1)) == 2
        enqueue(db, "held")
        with db.transaction() as session:
            assert work.claim(session, WorkItem, select(WorkItem.id).where(WorkItem.key == "held"), now=utcnow()).ids
        enqueue(db, "waits")
        figures = _figures(db)[QUEUE]
    assert (figures.waiting, figures.leased, figures.retrying, figures.dead) == (1, 1, 1, 1)
    assert figures.pending == 3
    with db.transaction() as session:
        retries = session.scalars(select(WorkItem).where(WorkItem.key == "retries")).one()
        assert figures.oldest_pending_at == retries.created_at  # the dead one is not pending
    assert first < figures.oldest_pending_at


def test_a_queue_with_nothing_pending_or_dead_is_absent_and_an_outbox_is_one_queue(db: Database) -> None:
    assert QUEUE not in _figures(db)
    with db.transaction() as session:
        [whole] = work.queue_figures(session, WorkItem, now=utcnow(), name="everything")
    assert (whole.queue, whole.pending, whole.dead, whole.oldest_pending_at) == ("everything", 0, 0, None)


def test_a_worker_loop_beats_while_it_runs_and_leaves_no_row_when_it_stops(db: Database) -> None:
    worker = work.Worker(db, roles=["consumers"], idle=0.05, heartbeat=0.05)
    worker.start()
    try:
        deadline = utcnow() + timedelta(seconds=20)
        seen: list[datetime] = []
        while len(seen) < 2 and utcnow() < deadline:  # two beats: the row is written, then updated
            with db.transaction() as session:
                row = session.get(WorkerHeartbeat, worker.name)
                if row is not None and row.seen_at not in seen:
                    seen.append(row.seen_at)
        assert len(seen) == 2, "the loop wrote no second heartbeat"
        with db.transaction() as session:
            row = session.get(WorkerHeartbeat, worker.name)
            assert row is not None and row.roles == "consumers" and row.started_at == worker.started_at
    finally:
        worker.stop()
    with db.transaction() as session:
        assert session.get(WorkerHeartbeat, worker.name) is None


def test_a_silent_worker_stays_listed_for_a_day(db: Database) -> None:
    now = utcnow()
    with db.transaction() as session:
        beat(
            session,
            name="killed",
            roles=["inbound"],
            started_at=now - timedelta(hours=30),
            attempted=7,
            now=now - timedelta(hours=25),
        )
        beat(
            session,
            name="silent",
            roles=["dispatch", "consumers"],
            started_at=now - timedelta(hours=2),
            attempted=3,
            now=now - timedelta(minutes=10),
        )
        beat(session, name="alive", roles=["sequencer"], started_at=now - timedelta(hours=1), attempted=0, now=now)
    with db.transaction() as session:
        rows = [(row.name, row.roles, row.attempted) for row in work.recent_workers(session)]
    assert rows == [("alive", "sequencer", 0), ("silent", "consumers,dispatch", 3)]  # "killed" was pruned
