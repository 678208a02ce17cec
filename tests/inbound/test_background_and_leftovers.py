"""Large messages in the background, and what a crash leaves: nothing archived is lost or stuck.

* A message larger than the inline limit is answered 202 at once; a worker reads it in chunks,
  with its progress on the message, and the outcome is the same as read inline.
* A message archived and queued by a process that died before reading it is read by the next
  worker (the queue item outlived the process); one whose reading keeps being cut short ends
  ``failed`` after three tries, listed among the failures and replayable.
* On SQLite, a long message read in chunks, and its ledger entries written in chunks, leave room
  for other senders: none of them loses a message to ``database is locked``.
"""

from __future__ import annotations

import gc
import threading
from pathlib import Path
from typing import Any

import pytest
from bench.generators import GENERATORS
from fastapi.testclient import TestClient
from sqlalchemy import event, select

from harbourlink import events, inbound
from harbourlink.app import create_app
from harbourlink.inbound import service
from harbourlink.inbound.service import MAX_ATTEMPTS, process_archived, process_key
from harbourlink.kernel import Actor, Database, work
from harbourlink.kernel.workqueue import WorkItem
from harbourlink.settings import Settings
from tests.conftest import Company

SAMPLES = Path(__file__).parent.parent / "samples"


def _stored(db: Database, message_id: str) -> int:
    with db.transaction() as session:
        return len(session.scalars(select(events.Event.seq).where(events.Event.message_id == message_id)).all())


def test_a_large_message_is_answered_at_once_and_read_in_chunks(
    settings: Settings, db: Database, company_a: Company
) -> None:
    quiet = settings.model_copy(update={"inline_message_bytes": 10_000})
    app = create_app(quiet)
    app.state.runtime.db.bell = lambda _db, _queues: None  # no worker runs in this process
    raw = GENERATORS["csv"](2500, 3)
    assert len(raw) > quiet.inline_message_bytes
    with TestClient(app) as client:
        answer = client.post("/api/v1/messages", params={"format": "csv"}, content=raw, headers=company_a.auth)
        assert answer.status_code == 202, answer.text
        queued = answer.json()
        assert (queued["status"], queued["accepted"]) == ("queued", 0)
        assert answer.headers["location"] == f"/api/v1/messages/{queued['id']}"
        assert _stored(db, queued["id"]) == 0
        shown = client.get(f"/api/v1/messages/{queued['id']}", headers=company_a.auth).json()
        assert (shown["status"], shown["items_done"], shown["items_total"]) == ("queued", 0, None)

        outcome = process_archived(db, queued["id"], chunk=1000)  # what the worker's consumer runs
        assert (outcome.status, outcome.accepted) == ("accepted", 2500)
        shown = client.get(f"/api/v1/messages/{queued['id']}", headers=company_a.auth).json()
        assert (shown["status"], shown["items_done"], shown["items_total"]) == ("accepted", 2500, 2500)
    assert _stored(db, queued["id"]) == 2500


def test_a_message_whose_process_died_before_reading_it_is_read_by_the_next_worker(
    db: Database, company_a: Company
) -> None:
    db.bell = lambda _db, _queues: None  # the sending process dies right after the archive commits
    raw = (SAMPLES / "csv" / "hkg_import.csv").read_bytes()
    queued = inbound.receive(
        db, Actor(org_id=company_a.org_id), format_name="csv", raw=raw, channel="api", background=True
    )
    with db.transaction() as session:
        assert session.get(inbound.InboundMessage, queued.id).status == "queued"  # type: ignore[union-attr]
    worker = work.Worker(db, roles=["inbound", "consumers"])  # the next worker process, after a restart
    while work.run_round(db, worker.queues(), worker="next"):
        pass
    with db.transaction() as session:
        message = session.get(inbound.InboundMessage, queued.id)
        assert message is not None and (message.status, message.accepted) == ("accepted", 5)
        items = {item.queue: item.status for item in session.scalars(select(WorkItem))}
    assert items["inbound.process"] == "done"
    assert items["stored.ledger"] == "done", "the consumers of its events ran too"


class _Killed(BaseException):
    """Stands for SIGKILL: no ``except Exception`` of the code under test handles it."""


def test_a_message_cut_short_after_a_committed_chunk_still_tells_its_consumers(
    db: Database, company_a: Company, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last chunk is stored in the transaction that publishes, so a worker that dies while publishing leaves
    the earlier chunks stored and nobody told. The next attempt finds every item a duplicate, stores nothing new,
    and still publishes what the first stored."""
    db.bell = lambda _db, _queues: None
    lines = (SAMPLES / "csv" / "hkg_import.csv").read_bytes().splitlines(keepends=True)
    raw = b"".join([*lines, lines[1]])  # five events, then the first again: a last chunk of one duplicate
    queued = inbound.receive(
        db, Actor(org_id=company_a.org_id), format_name="csv", raw=raw, channel="api", background=True
    )
    real_publish = events.publish_stored

    def die_before_publishing(*args: object, **kwargs: object) -> int:
        raise _Killed

    monkeypatch.setattr(events, "publish_stored", die_before_publishing)
    with pytest.raises(_Killed):
        process_archived(db, queued.id, chunk=5)  # the first chunk committed, the worker died in the last
    monkeypatch.setattr(events, "publish_stored", real_publish)
    assert _stored(db, queued.id) == 5
    with db.transaction() as session:
        assert not session.scalars(select(WorkItem).where(WorkItem.queue.like("stored.%"))).all()
    again = process_archived(db, queued.id, attempt=2, chunk=5)  # the next worker: all six are duplicates now
    assert (again.status, again.accepted, again.duplicates) == ("accepted", 0, 6)
    with db.transaction() as session:
        told = {item.queue for item in session.scalars(select(WorkItem).where(WorkItem.queue.like("stored.%")))}
    assert told == {queue for queue in work.consumers() if queue.startswith("stored.")}


def test_a_message_that_keeps_killing_its_worker_ends_failed_and_replayable(db: Database, company_a: Company) -> None:
    db.bell = lambda _db, _queues: None
    raw = (SAMPLES / "csv" / "hkg_import.csv").read_bytes()
    actor = Actor(org_id=company_a.org_id)
    queued = inbound.receive(db, actor, format_name="csv", raw=raw, channel="api", background=True)
    with db.transaction() as session:  # each try claimed the item, then the worker was killed
        item = session.scalars(select(WorkItem).where(WorkItem.key == process_key(queued.id))).one()
        item.attempts = MAX_ATTEMPTS
        session.get(inbound.InboundMessage, queued.id).status = "processing"  # type: ignore[union-attr]
    assert work.run_now(db, process_key(queued.id))
    with db.transaction() as session:
        failed = inbound.list_messages(session, actor, failed_only=True)
        assert [m.id for m in failed] == [queued.id]
        assert "interrupted 3 times" in failed[0].errors[0]["message"]
    replayed = inbound.replay(db, actor, message_id=queued.id)
    assert (replayed.status, replayed.accepted) == ("accepted", 5)


def test_on_sqlite_a_long_message_leaves_room_for_other_senders(
    db: Database, company_a: Company, company_b: Company
) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite's single writer is the case; PostgreSQL writers do not wait on each other here")
    # Senders give up after 2 s here (10 s in production), so that a transaction holding the write lock
    # for many seconds, as reading the whole message in one would, leaves their messages queued instead
    # of accepted at once; a chunk's or a consumer batch's transaction stays well under 2 s, even on a
    # machine shared with other work.
    db.engine.dispose()
    event.listen(db.engine, "connect", lambda connection, _record: connection.execute("PRAGMA busy_timeout=2000"))
    actor = Actor(org_id=company_a.org_id)
    db.bell = lambda _db, _queues: None
    queued = inbound.receive(
        db, actor, format_name="csv", raw=GENERATORS["csv"](20_000, 9), channel="upload", background=True
    )

    def read_and_react() -> None:  # a worker: reads the message, then runs the consumers of its events
        process_archived(db, queued.id, chunk=1000)
        work.drain(db)

    reader = threading.Thread(target=read_and_react)
    outcomes: list[inbound.Outcome] = []
    reader.start()
    sender = Actor(org_id=company_b.org_id)
    while reader.is_alive() and len(outcomes) < 500:  # another sender, busy the whole time the worker is
        outcomes.append(
            inbound.receive(
                db, sender, format_name="csv", raw=GENERATORS["csv"](5, 1000 + len(outcomes)), channel="api"
            )
        )
    reader.join(300)
    assert len(outcomes) > 5, "the other sender was sending while the long message was read and logged"
    assert {o.status for o in outcomes} == {"accepted"}, [o.errors for o in outcomes if o.errors][:3]
    assert _stored(db, queued.id) == 20_000
    with db.transaction() as session:
        assert {item.status for item in session.scalars(select(WorkItem))} == {"done"}


def test_a_message_is_read_and_stored_with_the_collector_held_off_and_it_comes_back_after(
    db: Database, company_a: Company, monkeypatch: pytest.MonkeyPatch
) -> None:
    collecting: list[bool] = []
    store = service._store

    def watched(*args: Any, **kwargs: Any) -> None:
        collecting.append(gc.isenabled())
        store(*args, **kwargs)

    monkeypatch.setattr(service, "_store", watched)
    gc.enable()
    raw = GENERATORS["csv"](30, 3)
    outcome = inbound.receive(db, Actor(org_id=company_a.org_id), format_name="csv", raw=raw, channel="api")
    assert (outcome.status, outcome.accepted) == ("accepted", 30)
    assert collecting == [False]
    assert gc.isenabled()

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(service, "_store", broken)
    outcome = inbound.receive(db, Actor(org_id=company_a.org_id), format_name="csv", raw=raw + b"\n", channel="api")
    assert outcome.status == "failed"
    assert gc.isenabled()
