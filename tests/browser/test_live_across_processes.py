"""An alert raised in a worker process reaches a page served by an API process, without a reload.

The port-scale topology in miniature: ``harbourlink serve`` and ``harbourlink worker`` as two
processes on PostgreSQL, linked by NATS. The terminal's feed is sent asynchronously
(``Prefer: respond-async``), so the API process only archives and queues it; the worker reads it,
the alert rule fires there, and the announcement crosses NATS to the API process, whose event
stream wakes. The stream's fallback poll is set to a minute, so only the announcement can bring
the alert within the test's 20 seconds.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from harbourlink.schema import upgrade
from tests.alerts.support import CONTAINER
from tests.browser.conftest import SECRET_KEY, _free_port, phone, watched_page
from tests.browser.test_alerts_live import TYPE_NAME_ZH_HK, _company_following_the_reefer, _log_in, _too_warm
from tests.conftest import Company, _drop_postgres_database, _postgres_database
from tests.kernel.test_bus import NATS_URL


@dataclass
class Topology:
    base_url: str
    company: Company
    logs: Path


def _start(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "harbourlink", *argv], env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )


@pytest.fixture
def topology(tmp_path: Path) -> Iterator[Topology]:
    name = f"harbourlink_live_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    url = _postgres_database(name)
    upgrade(url)
    company = _company_following_the_reefer(tmp_path, database_url=url)
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "HARBOURLINK_DATABASE_URL": url,
        "HARBOURLINK_SECRET_KEY": SECRET_KEY,
        "HARBOURLINK_DATA_DIR": str(tmp_path),
        "HARBOURLINK_BASE_URL": base_url,
        "HARBOURLINK_RUN_DISPATCHERS": "false",
        "HARBOURLINK_NATS_URL": NATS_URL,
        "HARBOURLINK_NATS_PREFIX": f"test-{uuid.uuid4().hex[:12]}",
        "HARBOURLINK_LIVE_POLL_SECONDS": "60",
    }
    api = _start(["serve", "--port", str(port)], env, tmp_path / "api.log")
    worker = _start(["worker", "--idle", "30"], env, tmp_path / "worker.log")
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "api.log").read_text()
            time.sleep(0.2)
        yield Topology(base_url, company, tmp_path)
    finally:
        for process in (api, worker):
            process.terminate()
        for process in (api, worker):
            process.wait(30)
        _drop_postgres_database(name)


@pytest.mark.browser
@pytest.mark.postgres
def test_an_alert_raised_by_a_worker_reaches_a_page_of_an_api_process(topology: Topology, chromium: Browser) -> None:
    screen = phone(chromium)
    problems: list[str] = []
    page = watched_page(screen, problems)
    try:
        _log_in(page, topology, topology.company.admin_email)  # type: ignore[arg-type]
        page.goto(f"{topology.base_url}/alerts")
        expect(page.locator("#alerts-live")).not_to_be_empty()  # the stream is open
        page.evaluate("window.stillTheSamePage = true")

        answer = httpx.post(
            f"{topology.base_url}/api/v1/messages",
            params={"format": "terminal-json"},
            content=_too_warm(),
            headers={**topology.company.auth, "Prefer": "respond-async"},
            timeout=30,
        )
        assert answer.status_code == 202 and answer.json()["status"] == "queued", answer.text

        item = page.locator(".alert-item")
        expect(item).to_have_count(1, timeout=20_000)
        expect(item).to_contain_text(TYPE_NAME_ZH_HK)
        expect(item.locator('[data-slot="subject"]')).to_have_text(CONTAINER)
        assert page.evaluate("window.stillTheSamePage") is True
        assert problems == []
    finally:
        screen.close()
    message = httpx.get(f"{topology.base_url}/api/v1/messages/{answer.json()['id']}", headers=topology.company.auth)
    assert message.json()["status"] == "accepted"
