"""The one work queue: idempotent enqueueing, exactly-once effects, retries, dead letters, replay, concurrency."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from harbourlink.kernel import Database, utcnow, work
from harbourlink.kernel.workqueue import WorkItem
from harbourlink.kernel.workqueue.lease import retry_delay
from harbourlink.vessels import Vessel
from tests.statements import counted, plan_run, rows_read, sent_with_parameters

QUEUE = "test.tally"


class Tally:
    """A consumer that records each payload it handled in the database (so only committed work counts)."""

    def __init__(self, *, fail_first: int = 0) -> None:
        self.fail_first = fail_first
        self.calls = 0
        self.lock = threading.Lock()
        self.handled = threading.Event()

    def handle(self, session: Session, payload: Mapping[str, Any]) -> None:
        with self.lock:
            self.calls += 1
            failing = self.calls <= self.fail_first
        if failing:
            raise RuntimeError("the receiving system is down")
        session.add(Vessel(mmsi=str(payload["n"]).zfill(9), name=f"TALLY {payload['n']}"))
        self.handled.set()


@pytest.fixture
def tally() -> Iterator[Tally]:
    consumer = Tally()
    work.register(work.Consumer(QUEUE, consumer.handle, max_attempts=3))
    yield consumer
    work.unregister(QUEUE)


def _handled(db: Database) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(Vessel).where(Vessel.name.like("TALLY %"))) or 0


def _items(db: Database) -> list[tuple[str, int]]:
    with db.transaction() as session:
        return [(i.status, i.attempts) for i in session.scalars(select(WorkItem).where(WorkItem.queue == QUEUE))]


def test_an_item_enqueued_in_a_transaction_runs_once_after_it_commits(db: Database, tally: Tally) -> None:
    with db.transaction() as session:
        work.enqueue(session, QUEUE, {"n": 1}, key="tally:1")
        work.enqueue(session, QUEUE, {"n": 1}, key="tally:1")  # the same cause twice is one item
        assert _handled(db) == 0, "nothing runs before the cause commits"
    assert _handled(db) == 1
    assert _items(db) == [("done", 1)]
    assert work.drain(db, [QUEUE]) == 0


def test_several_items_are_enqueued_in_one_statement_and_each_runs_once(db: Database, tally: Tally) -> None:
    items = [work.Item(QUEUE, {"n": n}, f"tally:{n}") for n in (1, 2, 3)]
    with counted(db) as statements, db.transaction() as session:
        work.enqueue_all(session, items)
        work.enqueue_all(session, items[1:])  # already there: nothing more
        assert _handled(db) == 0, "nothing runs before the cause commits"
    assert len([s for s in statements if s.lstrip().startswith("INSERT INTO work_items")]) == 2
    assert _handled(db) == 3
    assert _items(db) == [("done", 1)] * 3


def test_a_rolled_back_cause_leaves_no_work(db: Database, tally: Tally) -> None:
    def cause() -> None:
        with db.transaction() as session:
            work.enqueue(session, QUEUE, {"n": 2}, key="tally:2")
            raise RuntimeError("the cause fails")

    with pytest.raises(RuntimeError):
        cause()
    assert _items(db) == []
    assert tally.calls == 0


def test_failures_back_off_then_dead_letter_then_replay(db: Database, tally: Tally) -> None:
    tally.fail_first = 3
    with db.transaction() as session:
        work.enqueue(session, QUEUE, {"n": 3}, key="tally:3")
    assert _items(db) == [("pending", 1)]
    assert work.drain(db, [QUEUE]) == 0, "not due again before the back-off"
    later = utcnow()
    for attempt in (1, 2):
        later += retry_delay(attempt) + timedelta(seconds=1)
        assert work.run_round(db, [QUEUE], worker="test", now=later) == 1
    assert _items(db) == [("dead", 3)]
    assert _handled(db) == 0
    with db.transaction() as session:
        (dead,) = work.list_items(session, status="dead", queue=QUEUE)
        assert dead.last_error == "RuntimeError: the receiving system is down"
        work.replay(session, dead.id)
    assert _items(db) == [("done", 1)]
    assert _handled(db) == 1


def test_an_expired_lease_is_taken_again_and_the_first_holder_cannot_finish(db: Database, tally: Tally) -> None:
    with db.transaction() as session:
        work.enqueue(session, QUEUE, {"n": 4}, key="tally:4", ring=False)
        first = work.claim(session, WorkItem, select(WorkItem.id).where(WorkItem.key == "tally:4"), now=utcnow())
    assert first.ids
    later = utcnow() + timedelta(minutes=5)
    assert work.run_round(db, [QUEUE], worker="second", now=later) == 1
    consumer = work.consumers()[QUEUE]
    assert not work.queue.run_item(db, consumer, first.ids[0], first.token, worker="first")
    assert _handled(db) == 1


def test_run_now_runs_an_item_here_unless_a_worker_has_it(db: Database, tally: Tally) -> None:
    with db.transaction() as session:
        work.enqueue(session, QUEUE, {"n": 5}, key="tally:5", ring=False)
    assert _items(db) == [("pending", 0)], "not rung: the caller runs it"
    assert work.run_now(db, "tally:5")
    assert not work.run_now(db, "tally:5")
    assert _handled(db) == 1


def test_run_now_claims_in_one_statement_and_hands_a_managing_consumer_what_it_read(db: Database) -> None:
    """The caller that enqueued an item runs it straight after: the claim reads the item back, so the consumer
    starts without another look at it, and what it returns reaches the caller."""
    told: list[tuple[dict[str, Any], int]] = []

    def manage(_db: Database, payload: Mapping[str, Any], attempt: int) -> str:
        told.append((dict(payload), attempt))
        return f"settled {payload['n']}"

    work.register(work.Consumer("test.managed", manage=manage, batch=1))
    try:
        with db.transaction() as session:
            work.enqueue(session, "test.managed", {"n": 6}, key="managed:6", ring=False)
        with counted(db) as statements:
            ran = work.run_now(db, "managed:6")
        assert ran is not None and ran.result == "settled 6"
        assert told == [({"n": 6}, 1)]
        on_items = [s.split(maxsplit=1)[0] for s in statements if "work_items" in s]
        assert on_items == ["WITH", "UPDATE"], "claim (read back), then the item marked done"
        with db.transaction() as session:
            item = session.scalars(select(WorkItem).where(WorkItem.key == "managed:6")).one()
        assert (item.status, item.claimed_by, item.claimed_until) == ("done", "inline", None)
        assert item.finished_at is not None
        assert work.run_now(db, "managed:6") is None
        assert told == [({"n": 6}, 1)]
    finally:
        work.unregister("test.managed")


def test_a_managed_item_whose_lease_ran_out_is_finished_by_its_new_holder_only(db: Database) -> None:
    """A managing consumer's item is marked done by one statement that checks the lease is still the caller's:
    the first holder, slower than its lease, neither marks it done nor hears that it ran."""
    ran: list[str] = []

    def manage(_db: Database, _payload: Mapping[str, Any], _attempt: int) -> None:
        ran.append("ran")

    work.register(work.Consumer("test.managed", manage=manage, batch=1))
    try:
        with db.transaction() as session:
            work.enqueue(session, "test.managed", {"n": 7}, key="managed:7", ring=False)
            first = work.claim(session, WorkItem, select(WorkItem.id).where(WorkItem.key == "managed:7"), now=utcnow())
        later = utcnow() + timedelta(minutes=5)
        assert work.run_round(db, ["test.managed"], worker="second", now=later) == 1
        consumer = work.consumers()["test.managed"]
        held = work.queue.Held({"n": 7}, 1)  # as its claim read it: the first holder runs it without a look
        assert not work.queue.run_item(db, consumer, first.ids[0], first.token, worker="first", held=held)
        assert ran == ["ran", "ran"]
        with db.transaction() as session:
            item = session.scalars(select(WorkItem).where(WorkItem.key == "managed:7")).one()
        assert (item.status, item.claimed_by, item.attempts) == ("done", "second", 2)
    finally:
        work.unregister("test.managed")


@pytest.mark.postgres
def test_a_claim_reads_the_pending_items_only_however_many_are_done(db: Database) -> None:
    """Done items stay a day. The planner took a queue's oldest pending items by walking the items in age order
    from the oldest, past every done one: a claim cost more with each item done that day."""
    if db.is_sqlite:
        pytest.skip("plans are PostgreSQL's")
    with db.transaction() as session:
        for status, count in (("done", 20000), ("pending", 1500)):
            session.execute(text(ITEMS), {"queue": QUEUE, "status": status, "count": count})
        session.execute(text("ANALYZE work_items"))
    candidates = select(WorkItem.id).where(WorkItem.queue == QUEUE).order_by(WorkItem.id).limit(20)
    with sent_with_parameters(db) as sent, db.sessions() as session:  # rolled back: the items stay due below
        assert len(work.claim(session, WorkItem, candidates, now=utcnow()).ids) == 20
    ((statement, parameters),) = sent
    for generic in (False, True):
        assert rows_read(plan_run(db, statement, parameters, generic=generic), "work_items") == 40  # chosen, stamped


ITEMS = (
    "INSERT INTO work_items (queue, key, payload, status, attempts, created_at, next_attempt_at) "
    "SELECT :queue, :status || ':' || n, '{}', :status, 1, now(), now() FROM generate_series(1, :count) n"
)


def test_concurrent_workers_handle_each_item_exactly_once(db: Database, tally: Tally) -> None:
    with db.transaction() as session:
        for n in range(120):
            work.enqueue(session, QUEUE, {"n": 1000 + n}, key=f"tally:{1000 + n}", ring=False)
    errors: list[BaseException] = []

    def drain() -> None:
        try:
            while work.run_round(db, [QUEUE], worker=threading.current_thread().name):
                pass
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=drain, name=f"w{n}") for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    assert _handled(db) == 120
    assert tally.calls == 120, "no item was handled twice"
    assert {status for status, _ in _items(db)} == {"done"}


def test_a_worker_loop_runs_what_its_bell_rings(db: Database, tally: Tally) -> None:
    worker = work.Worker(db, roles=["consumers"], idle=30)
    db.bell = worker.ring
    worker.start()
    try:
        worker.wake.clear()
        with db.transaction() as session:
            work.enqueue(session, QUEUE, {"n": 6}, key="tally:6")
        assert tally.handled.wait(20)
    finally:
        worker.stop()
    assert _handled(db) == 1, "rung, the loop did not wait out its 30 s idle time"


def test_a_ring_makes_the_jobs_it_feeds_due_and_leaves_upkeep_on_its_clock(db: Database) -> None:
    ran: list[str] = []

    def job(name: str, *, rung: bool) -> work.Job:
        def run(_client: httpx.Client) -> bool:
            ran.append(name)
            return False

        return work.Job(name, "consumers", run, every=3600, rung=rung)

    worker = work.Worker(db, roles=["consumers"], jobs=[job("deliveries", rung=True), job("purge", rung=False)])
    with httpx.Client() as client:
        worker.step(client)
        assert ran == ["deliveries", "purge"], "both run at the start"
        worker.step(client)
        worker.ring()
        worker.step(client)
    assert ran == ["deliveries", "purge", "deliveries"], "rung, the deliveries ran again and the purge waited its hour"


def test_unknown_roles_are_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="unknown worker role"):
        work.Worker(db, roles=["consumers", "everything"])


def test_finished_items_are_purged_after_they_are_kept_and_others_never(db: Database, tally: Tally) -> None:
    tally.fail_first = 1
    with db.transaction() as session:
        for n in (1, 2, 3):
            work.enqueue(session, QUEUE, {"n": 10 + n}, key=f"tally:purge:{n}")
    assert sorted(_items(db)) == [("done", 1), ("done", 1), ("pending", 1)]  # one is waiting to be retried
    keep = timedelta(hours=24)
    assert work.purge_done(db, keep=keep) == 0, "finished just now: kept"
    assert work.purge_done(db, keep=keep, now=utcnow() + keep + timedelta(minutes=1)) == 2
    assert _items(db) == [("pending", 1)], "work not finished is never purged"


def test_what_an_item_caused_leaves_before_the_rounds_later_queues(db: Database) -> None:
    order: list[str] = []
    for queue in ("test.a-first", "test.z-later"):
        work.register(work.Consumer(queue, lambda _session, payload: order.append(str(payload["queue"]))))

    def deliver(_client: httpx.Client) -> bool:
        order.append("job")
        return False

    job = work.Job("deliveries", "consumers", deliver)
    worker = work.Worker(db, roles=["consumers"], jobs=[job])
    try:
        with db.transaction() as session:
            for queue in ("test.a-first", "test.z-later"):
                work.enqueue(session, queue, {"queue": queue}, key=queue, ring=False)
        with httpx.Client() as client:
            assert worker.step(client)
    finally:
        work.unregister("test.a-first")
        work.unregister("test.z-later")
    assert order == ["test.a-first", "job", "test.z-later"]
