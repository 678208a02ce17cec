"""Crashes lose nothing and double nothing a receiver cannot drop: processes killed with SIGKILL.

Two moments matter. Killed right after the ingest commit (before any dispatcher ran): the outbox
rows were written in that transaction, so a fresh process delivers every message exactly once.
Killed during delivery (the receiver has the POST, the outbox row is not yet marked): the row's
lease expires and the message goes again with the *same* ``webhook-id``; Standard Webhooks
receivers deduplicate on that id, which is the contract (docs/alerts.md).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from stdnum import iso6346

from harbourlink import alerts
from harbourlink.kernel import Database, utcnow
from harbourlink.kernel.workqueue.lease import DEFAULT_LEASE as CLAIM_LEASE
from harbourlink.settings import Settings
from tests.alerts.support import Request, add_endpoint, channels, deliver, receiver, send_feed, subscribe
from tests.conftest import Company

CONTAINERS = [f"MSCU{n}{iso6346.calc_check_digit(f'MSCU{n}')}" for n in ("400001", "400002", "400003")]

INGEST = """
import os, signal, sys
from fastapi.testclient import TestClient
from harbourlink.app import create_app
from harbourlink.settings import Settings

with TestClient(create_app(Settings())) as client:
    answer = client.post("/api/v1/messages", params={"format": "terminal-json"}, content=sys.stdin.buffer.read(),
                         headers={"Authorization": "Bearer " + os.environ["ALERT_TEST_KEY"]})
    assert answer.status_code == 201 and answer.json()["status"] == "accepted", answer.text
    print(answer.json()["id"], flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # the response came after the commit: die before anything else runs
"""

DELIVER = """
import httpx
from harbourlink import alerts, identity
from harbourlink.integrations.webhooks import CallbackPolicy
from harbourlink.kernel import create_database
from harbourlink.settings import Settings

settings = Settings()
db = create_database(settings.resolved_database_url())
channels = alerts.Channels(base_url=settings.base_url, sealer=identity.Sealer(settings.resolved_secret_key()),
                           policy=CallbackPolicy(allow_private_networks=True, timeout_seconds=60))
with httpx.Client() as http:
    print(alerts.deliver_notifications(db, http, channels).delivered, flush=True)
"""


@pytest.fixture
def env(database_url: str, settings: Settings, tmp_path: Path) -> dict[str, str]:
    """A child process on the test database, without background dispatchers."""
    return {
        **os.environ,
        "HARBOURLINK_DATABASE_URL": database_url,
        "HARBOURLINK_DATA_DIR": str(tmp_path),
        "HARBOURLINK_SECRET_KEY": settings.secret_key,
        "HARBOURLINK_RUN_DISPATCHERS": "false",
        "HARBOURLINK_WEBHOOK_ALLOW_PRIVATE_NETWORKS": "true",
        "HARBOURLINK_BASE_URL": "https://harbourlink.example.hk",
    }  # as support.channels, so bodies compare


def _power_off_feed() -> bytes:
    """One terminal message: three reefers found without power an hour ago (three alerts)."""
    at = (utcnow() - timedelta(hours=1)).isoformat()
    items = [{"container": c, "at": at, "setpoint": 5.0, "power": "OFF"} for c in CONTAINERS]
    return json.dumps({"terminal": "HITHK", "location": "HKHKG", "reefer_readings": items}).encode()


def _child(script: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", script], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def _outbox(db: Database) -> dict[str, str]:
    """Every notification's ``webhook-id`` and status."""
    with db.transaction() as session:
        return {row.public_id: row.status for row in session.scalars(select(alerts.AlertNotification))}


def _subscribe_with_two_endpoints(client: TestClient, company: Company, url: str) -> list[str]:
    secrets = [add_endpoint(client, company, f"{url}?receiver={n}")["secret"] for n in (1, 2)]
    subscribe(client, company, alert_types=["reefer_power_off"], channels=["webhook", "inbox"])
    return secrets


def test_killed_right_after_the_ingest_commit_loses_nothing_and_doubles_nothing(
    client: TestClient, db: Database, company_a: Company, env: dict[str, str]
) -> None:
    with receiver() as server:
        _subscribe_with_two_endpoints(client, company_a, server.url)
        ingest = _child(INGEST, {**env, "ALERT_TEST_KEY": company_a.api_key})
        out, err = ingest.communicate(_power_off_feed(), timeout=120)
        assert ingest.returncode == -signal.SIGKILL, err.decode()[-2000:]
        assert out.strip(), "the message was not accepted before the kill"
        owed = _outbox(db)
        assert len(owed) == len(CONTAINERS) * 2 and set(owed.values()) == {"pending"}
        assert server.received == []  # nothing ran after the commit: dispatchers were off
        fresh = _child(DELIVER, env)
        out, err = fresh.communicate(timeout=120)
        assert fresh.returncode == 0, err.decode()[-2000:]
        assert int(out) == len(owed)
        assert deliver(db, channels(client), later=CLAIM_LEASE * 2).delivered == 0  # a later round owes nothing
        arrived = Counter(request.headers["webhook-id"] for request in server.received)
    assert arrived == Counter(set(owed))  # every message, each exactly once
    assert set(_outbox(db).values()) == {"delivered"}


def test_killed_during_delivery_resends_with_the_same_webhook_id(
    client: TestClient, db: Database, company_a: Company, env: dict[str, str]
) -> None:
    dispatcher: list[subprocess.Popen[bytes]] = []

    def kill_the_sender(request: Request) -> None:
        """The POST has arrived and the sender waits for the answer: kill it before it records anything."""
        del request
        if dispatcher and dispatcher[0].poll() is None:
            os.kill(dispatcher[0].pid, signal.SIGKILL)
            dispatcher[0].wait(30)

    with receiver(before_answer=kill_the_sender) as server:
        _subscribe_with_two_endpoints(client, company_a, server.url)
        send_feed(client, company_a, _power_off_feed())
        owed = _outbox(db)
        dispatcher.append(_child(DELIVER, env))
        _, err = dispatcher[0].communicate(timeout=120)
        assert dispatcher[0].returncode == -signal.SIGKILL, err.decode()[-2000:]
        [first] = server.received
        assert set(_outbox(db).values()) == {"pending"}  # nothing recorded: the kill came first
        assert deliver(db, channels(client)).delivered == 0  # the dead sender's lease still holds the rows
        report = deliver(db, channels(client), later=CLAIM_LEASE + timedelta(seconds=1))
        assert report.delivered == len(owed)
        arrived = Counter(request.headers["webhook-id"] for request in server.received)
    assert set(arrived) == set(owed)  # nothing lost
    assert arrived[first.headers["webhook-id"]] == 2  # the one in flight went again, under the same id …
    assert [
        request.body for request in server.received[1:] if request.headers["webhook-id"] == first.headers["webhook-id"]
    ] == [first.body]  # … with the same body
    assert sum(arrived.values()) == len(owed) + 1  # and only that one
    assert set(_outbox(db).values()) == {"delivered"}
