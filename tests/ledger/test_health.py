"""How far the ledger is behind the event store, its growth per hour, and each witness's newest cosignature."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select

from harbourlink import events, ledger
from harbourlink.kernel import Database, utcnow, work
from harbourlink.kernel.workqueue import WorkItem
from tests.conftest import Company
from tests.ledger.conftest import ingest_csv, sequence_all
from tests.ledger.test_witness import _witnessed, witness_url  # noqa: F401 - the fixture is used by name

LEDGER_QUEUE = events.seam.queue_name("ledger")
ONE_MORE = (
    b"event_id,event_type,event_code,classifier,event_time,container\n"
    b"W-1,EQUIPMENT,GTOT,ACT,2026-11-24T01:00:00Z,MSCU1234566\n"
)


def _lag(db: Database, current: ledger.Ledger) -> ledger.SequencerLag:
    with db.transaction() as session:
        return ledger.sequencer_lag(session, current)


def _refuse(_db: Database, _payload: Mapping[str, Any], _attempt: int) -> None:
    raise RuntimeError("the ledger's consumer is down")


def test_events_wait_for_their_entry_then_for_the_sequencer(
    db: Database, company_a: Company, test_ledger: ledger.Ledger
) -> None:
    empty = _lag(db, test_ledger)
    assert (empty.size, empty.checkpoint_at, empty.events_waiting, empty.entries_queued, empty.oldest_waiting_at) == (
        0,
        None,
        0,
        0,
        None,
    )
    before = utcnow()
    work.register(work.Consumer(LEDGER_QUEUE, manage=_refuse, max_attempts=1))
    try:
        outcome = ingest_csv(db, company_a.org_id)  # its ledger item dies: the events have no entry
    finally:
        work.unregister(LEDGER_QUEUE)
    stuck = _lag(db, test_ledger)
    assert (stuck.events_waiting, stuck.entries_queued) == (outcome.accepted, 0) == (5, 0)
    assert stuck.oldest_waiting_at is not None and before <= stuck.oldest_waiting_at <= utcnow()

    with db.transaction() as session:
        item = session.scalars(select(WorkItem).where(WorkItem.queue == LEDGER_QUEUE)).one()
        assert item.status == "dead"
        work.replay(session, item.id)  # the declared consumer writes the entries after the commit
    queued = _lag(db, test_ledger)
    assert (queued.events_waiting, queued.entries_queued) == (0, 5)

    assert sequence_all(db, test_ledger) == 5
    done = _lag(db, test_ledger)
    assert (done.size, done.events_waiting, done.entries_queued, done.oldest_waiting_at) == (5, 0, 0, None)
    assert done.checkpoint_at is not None and before <= done.checkpoint_at
    with db.transaction() as session:
        growth = ledger.log_growth(session, test_ledger, now=utcnow())
    assert len(growth.logged) == 24 and sum(growth.logged) == 5
    assert growth.logged[-1] + growth.logged[-2] == 5  # this hour (or the last, at a change of hour)


def test_growth_counts_only_the_hours_it_shows(db: Database, company_a: Company, test_ledger: ledger.Ledger) -> None:
    ingest_csv(db, company_a.org_id)
    assert sequence_all(db, test_ledger) == 5
    with db.transaction() as session:
        tomorrow = ledger.log_growth(session, test_ledger, now=utcnow() + timedelta(days=1, hours=1))
        yesterday = ledger.log_growth(session, test_ledger, now=utcnow() - timedelta(days=1))
    assert sum(tomorrow.logged) == 0  # logged before the window: the size it started from
    assert sum(yesterday.logged) == 0


def test_each_witness_shows_its_newest_cosignature(db: Database, company_a: Company, witness_url: str) -> None:  # noqa: F811
    current = _witnessed(witness_url)
    with db.transaction() as session:
        [never] = ledger.witness_standing(session, current)
    assert (never.name, never.url, never.cosigned_size, never.cosigned_at) == (
        "witness.test.example",
        witness_url,
        None,
        None,
    )
    ingest_csv(db, company_a.org_id)
    sequence_all(db, current)
    with httpx.Client(timeout=10) as client:
        assert ledger.submit_all(db, current, client) == 1
    ingest_csv(db, company_a.org_id, ONE_MORE)
    assert sequence_all(db, current) == 6
    with db.transaction() as session:
        [behind] = ledger.witness_standing(session, current)
    assert behind.cosigned_size == 5 and behind.cosigned_at is not None
    assert _lag(db, current).size - behind.cosigned_size == 1
