"""A worker process killed with SIGKILL mid-work loses nothing and doubles nothing.

Messages are archived and queued by the API process's path (``receive(..., background=True)``)
with nobody working here; ``harbourlink worker`` processes read them, store their events and
run the consumers of stored events. The first worker is killed while it is busy; a second one
finishes. Then every archived message is processed once, the store holds each event once, and
the ledger commits to each stored event exactly once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from bench.generators import GENERATORS
from sqlalchemy import func, select

from harbourlink import events, inbound
from harbourlink.kernel import Actor, Database
from harbourlink.kernel.workqueue import WorkItem
from harbourlink.ledger.models import LedgerEvent
from harbourlink.settings import Settings
from tests.conftest import Company

MESSAGES = 12
EVENTS_EACH = 1500
DEADLINE_SECONDS = 240


def _count(db: Database, query: object) -> int:
    with db.transaction() as session:
        return int(session.scalar(query) or 0)  # type: ignore[call-overload]


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    """Waits on another process's progress, read from the database, up to the deadline."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.2)


def _worker(env: dict[str, str], tmp_path: Path, name: str) -> subprocess.Popen[bytes]:
    log = (tmp_path / f"{name}.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "harbourlink", "worker", "--idle", "0.2"], env=env, stdout=log, stderr=subprocess.STDOUT
    )


@pytest.mark.postgres
def test_a_worker_killed_mid_work_loses_and_doubles_nothing(
    db: Database, settings: Settings, company_a: Company, tmp_path: Path
) -> None:
    if db.is_sqlite:
        pytest.skip("several worker processes are the port-scale topology, on PostgreSQL")
    db.bell = lambda _db, _queues: None  # this process only archives and queues, as an API process at scale
    actor = Actor(org_id=company_a.org_id)
    for seed in range(MESSAGES):
        outcome = inbound.receive(
            db, actor, format_name="csv", raw=GENERATORS["csv"](EVENTS_EACH, seed), channel="api", background=True
        )
        assert outcome.status == "queued"
    env = {
        **os.environ,
        "HARBOURLINK_DATABASE_URL": settings.resolved_database_url(),
        "HARBOURLINK_DATA_DIR": str(tmp_path),
        "HARBOURLINK_SECRET_KEY": settings.secret_key,
        "HARBOURLINK_NATS_URL": "",
        "HARBOURLINK_RUN_DISPATCHERS": "false",
        "HARBOURLINK_WORK_LEASE_SECONDS": "5",
    }
    stored = select(func.count()).select_from(events.Event)
    first = _worker(env, tmp_path, "first")
    try:
        _wait_for(lambda: _count(db, stored) >= 2 * EVENTS_EACH, "the first worker to be busy")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(30)
    done_before = _count(
        db, select(func.count()).select_from(inbound.InboundMessage).where(inbound.InboundMessage.status == "accepted")
    )
    assert done_before < MESSAGES, "killed mid-work, not after it"
    second = _worker(env, tmp_path, "second")
    try:
        pending = select(func.count()).select_from(WorkItem).where(WorkItem.status != "done")
        _wait_for(lambda: _count(db, pending) == 0, "every work item to be done")
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(60) == 0, (tmp_path / "second.log").read_text()
    with db.transaction() as session:
        statuses = list(session.scalars(select(inbound.InboundMessage.status)))
        assert statuses == ["accepted"] * MESSAGES
        assert session.scalar(stored) == MESSAGES * EVENTS_EACH
        assert session.scalar(select(func.count(func.distinct(events.Event.source_key)))) == MESSAGES * EVENTS_EACH
        logged = session.scalar(select(func.count()).select_from(LedgerEvent))
        assert logged == MESSAGES * EVENTS_EACH, "each stored event committed to by the ledger once"
        assert session.scalar(select(func.count()).select_from(WorkItem).where(WorkItem.status == "dead")) == 0
