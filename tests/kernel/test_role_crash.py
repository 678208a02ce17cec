"""Every process role of the port-scale topology, killed with SIGKILL mid-work, loses nothing and doubles nothing.

``harbourlink serve`` and one ``harbourlink worker --role R`` per role run as separate processes on
PostgreSQL, linked by NATS, as ``harbourlink run`` starts them. A partner posts messages to the API
process the whole time (CSV batches for volume, and reefer feeds that open alerts delivered to its
webhook). Each role is killed once while it has work in hand, then started again:

* the API process, while messages are arriving (a request cut off is not acknowledged);
* ``inbound``, while it is reading a message;
* ``consumers``, while it holds leased work items of stored events;
* ``sequencer``, while the ledger has entries waiting to be sequenced;
* ``dispatch``, with a webhook POST received and not yet answered.

At the end: every acknowledged message is accepted; the items the archived messages hold, the
stored events and the events the ledger commits to are the same number; every ledger entry is
sequenced once; every alert notification arrived, and any second arrival carries the first one's
``webhook-id`` (the Standard Webhooks receiver's deduplication key).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from bench.generators import GENERATORS, check_digit
from sqlalchemy import func, select

from harbourlink import alerts, events, inbound
from harbourlink.kernel import Database, utcnow
from harbourlink.kernel.workqueue import WorkItem
from harbourlink.ledger.models import LedgerEntry, LedgerEvent, LedgerPending
from harbourlink.settings import Settings
from tests.alerts.support import Request, receiver
from tests.browser.conftest import _free_port
from tests.conftest import Company
from tests.kernel.test_bus import NATS_URL

MESSAGES = 10
CSV_EVENTS = 1500
REEFERS_EACH = 2
DEADLINE_SECONDS = 150


def _count(db: Database, query: object) -> int:
    with db.transaction() as session:
        return int(session.scalar(query) or 0)  # type: ignore[call-overload]


def _wait_for(condition: Callable[[], bool], what: str, logs: Path) -> None:
    """Waits on the other processes' progress, read from the database or the network, up to the deadline."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            tails = "\n".join(f"--- {log.name}\n{log.read_text()[-1500:]}" for log in sorted(logs.glob("*.log")))
            pytest.fail(f"timed out waiting for {what}\n{tails}")
        time.sleep(0.1)


def _reefers_off(first: int) -> bytes:
    """A terminal feed: reefers found without power an hour ago, one alert each."""
    at = (utcnow() - timedelta(hours=1)).isoformat()
    containers = [f"TEMU{n:06d}" for n in range(first, first + REEFERS_EACH)]
    items = [{"container": c + str(check_digit(c)), "at": at, "setpoint": 5.0, "power": "OFF"} for c in containers]
    return json.dumps({"terminal": "HITHK", "location": "HKHKG", "reefer_readings": items}).encode()


@dataclass
class Topology:
    """The processes, by role, and how to start one again."""

    env: dict[str, str]
    logs: Path
    port: int
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    starts: Counter[str] = field(default_factory=Counter)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, role: str) -> None:
        self.starts[role] += 1
        argv = ["serve", "--port", str(self.port)] if role == "api" else ["worker", "--role", role, "--idle", "0.2"]
        log = (self.logs / f"{role}-{self.starts[role]}.log").open("wb")
        self.processes[role] = subprocess.Popen(
            [sys.executable, "-m", "harbourlink", *argv], env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        if role == "api":
            _wait_for(self.answers, "the API process to answer", self.logs)

    def answers(self) -> bool:
        try:
            return httpx.get(f"{self.base_url}/healthz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def kill(self, role: str) -> None:
        process = self.processes[role]
        process.send_signal(signal.SIGKILL)
        assert process.wait(30) == -signal.SIGKILL, f"{role} had already ended"


@contextmanager
def topology(settings: Settings, tmp_path: Path) -> Iterator[Topology]:
    env = {
        **os.environ,
        "HARBOURLINK_DATABASE_URL": settings.resolved_database_url(),
        "HARBOURLINK_DATA_DIR": str(tmp_path),
        "HARBOURLINK_SECRET_KEY": settings.secret_key,
        "HARBOURLINK_RUN_DISPATCHERS": "false",
        "HARBOURLINK_NATS_URL": NATS_URL,
        "HARBOURLINK_NATS_PREFIX": f"test-{uuid.uuid4().hex[:12]}",
        "HARBOURLINK_WORK_LEASE_SECONDS": "4",
        "HARBOURLINK_LEDGER_SEQUENCE_SECONDS": "0.5",
        "HARBOURLINK_WEBHOOK_ALLOW_PRIVATE_NETWORKS": "true",
    }
    running = Topology(env, tmp_path, _free_port())
    try:
        for role in ("api", "inbound", "consumers", "sequencer", "dispatch"):
            running.start(role)
        yield running
    finally:
        for process in running.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in running.processes.values():
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()


@dataclass
class Partner:
    """Posts its messages one after another, asynchronously answered; notes which were acknowledged."""

    top: Topology
    company: Company
    acknowledged: list[str] = field(default_factory=list)
    cut_off: int = 0
    done: threading.Event = field(default_factory=threading.Event)

    def post_all(self) -> None:
        try:
            for n in range(MESSAGES):
                self._post("csv", GENERATORS["csv"](CSV_EVENTS, 900 + n))
                self._post("terminal-json", _reefers_off(100 * n))
        finally:
            self.done.set()

    def _post(self, fmt: str, raw: bytes) -> None:
        if not self.top.answers():
            _wait_for(self.top.answers, "the API process to come back", self.top.logs)
        try:
            answer = httpx.post(
                f"{self.top.base_url}/api/v1/messages",
                params={"format": fmt},
                content=raw,
                headers={**self.company.auth, "Prefer": "respond-async"},
                timeout=60,
            )
        except httpx.TransportError:
            self.cut_off += 1  # the API process died with the request in hand: never acknowledged
            return
        assert answer.status_code == 202, answer.text
        self.acknowledged.append(answer.json()["id"])


def _message_statuses(db: Database) -> Counter[str]:
    with db.transaction() as session:
        return Counter(session.scalars(select(inbound.InboundMessage.status)))


def _settled(db: Database, partner: Partner) -> bool:
    if not partner.done.is_set():
        return False
    with db.transaction() as session:
        unfinished = session.scalar(select(func.count()).select_from(WorkItem).where(WorkItem.status != "done"))
        unsequenced = session.scalar(select(func.count()).select_from(LedgerPending))
        undelivered = session.scalar(
            select(func.count())
            .select_from(alerts.AlertNotification)
            .where(alerts.AlertNotification.status != "delivered")
        )
    return unfinished == 0 and unsequenced == 0 and undelivered == 0


@pytest.mark.postgres
def test_each_role_killed_mid_work_loses_and_doubles_nothing(
    db: Database, settings: Settings, company_a: Company, tmp_path: Path
) -> None:
    if db.is_sqlite:
        pytest.skip("the port-scale topology runs on PostgreSQL")
    dispatch_killed = threading.Event()
    holder: list[Topology] = []

    def kill_the_sender(request: Request) -> None:
        """A POST arrived and the dispatcher waits for the answer: kill it before it records anything (once)."""
        del request
        if holder and not dispatch_killed.is_set():
            dispatch_killed.set()
            holder[0].kill("dispatch")

    with receiver(before_answer=kill_the_sender) as hooks, topology(settings, tmp_path) as top:
        for path, body in (
            ("webhook-endpoints", {"url": hooks.url}),
            ("subscriptions", {"alert_types": ["reefer_power_off"], "channels": ["webhook"]}),
        ):
            made = httpx.post(f"{top.base_url}/api/v1/{path}", json=body, headers=company_a.auth, timeout=30)
            assert made.status_code == 201, made.text
        holder.append(top)
        partner = Partner(top, company_a)
        poster = threading.Thread(target=partner.post_all, daemon=True)
        poster.start()

        _wait_for(lambda: len(partner.acknowledged) >= 3, "messages to arrive", tmp_path)
        top.kill("api")
        top.start("api")

        # A message of CSV_EVENTS is stored in one chunk, committed a moment before the message is
        # marked accepted; "processing" (from the moment the reader takes it) is the window to kill in.
        reading = (
            select(func.count())
            .select_from(inbound.InboundMessage)
            .where(inbound.InboundMessage.status == "processing")
        )
        _wait_for(lambda: _count(db, reading) > 0, "the inbound worker to be reading a message", tmp_path)
        top.kill("inbound")
        top.start("inbound")

        leased = (
            select(func.count())
            .select_from(WorkItem)
            .where(WorkItem.queue.like("stored.%"), WorkItem.status == "pending", WorkItem.claimed_until > func.now())
        )
        _wait_for(lambda: _count(db, leased) > 0, "the consumers to hold work", tmp_path)
        top.kill("consumers")
        top.start("consumers")

        waiting = select(func.count()).select_from(LedgerPending)
        _wait_for(lambda: _count(db, waiting) > 0, "ledger entries waiting for the sequencer", tmp_path)
        top.kill("sequencer")
        top.start("sequencer")

        _wait_for(dispatch_killed.is_set, "the dispatcher to be sending", tmp_path)
        top.start("dispatch")

        _wait_for(lambda: _settled(db, partner), "every message, ledger entry and alert to be done", tmp_path)
        poster.join(30)
        arrivals = Counter(request.headers["webhook-id"] for request in hooks.received)

    assert sorted(top.starts.values()) == [2] * 5, "each role was killed once and started again"
    with db.transaction() as session:
        archived = {m.id: m for m in session.scalars(select(inbound.InboundMessage))}
        assert set(partner.acknowledged) <= set(archived), "every acknowledged message was archived"
        assert {m.status for m in archived.values()} == {"accepted"}
        assert len(archived) >= len(partner.acknowledged) >= 2 * MESSAGES - partner.cut_off
        items = sum(m.items_total or 0 for m in archived.values())
        stored = session.scalar(select(func.count()).select_from(events.Event))
        distinct = session.scalar(select(func.count(func.distinct(events.Event.source_key))))
        committed = session.scalar(select(func.count()).select_from(LedgerEvent))
        assert items == stored == distinct == committed, (
            "archived items = stored events = ledger commitments",
            items,
            stored,
            distinct,
            committed,
        )
        entries = session.scalar(select(func.count()).select_from(LedgerEntry))
        identities = session.scalar(select(func.count(func.distinct(LedgerEntry.identity_hash))))
        built = session.scalar(select(func.count(func.distinct(LedgerEvent.identity_hash))))
        assert entries == identities == built, "each entry built was sequenced, once"
        notifications = set(session.scalars(select(alerts.AlertNotification.public_id)))
        opened = session.scalar(select(func.count()).select_from(alerts.Alert))
        assert session.scalar(select(func.count()).select_from(WorkItem).where(WorkItem.status == "dead")) == 0
    reefer_messages = sum(1 for m in archived.values() if m.format == "terminal-json")
    assert opened == len(notifications) == reefer_messages * REEFERS_EACH
    assert set(arrivals) == notifications, "every alert notification arrived"
    assert sum(arrivals.values()) - len(arrivals) <= 1, "only the one in flight when the dispatcher died went twice"
