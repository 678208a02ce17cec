"""A reefer's temperature alert reaches the page a person has open, without a reload.

The site is the whole app under uvicorn with its background dispatchers, as deployed. The
terminal's feed arrives through the API while the inbox is open on a phone; the page's
EventSource (``/api/v1/alerts/stream``, authenticated by the session cookie) inserts the alert.
The stream itself is also read with httpx and an API key, as an integrator would.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect

from harbourlink import alerts
from harbourlink.kernel import Actor, create_database, utcnow
from tests.alerts.support import CONTAINER, readings_feed
from tests.browser.conftest import ARTIFACTS, LiveSite, phone, watched_page
from tests.conftest import STRONG_PASSWORD, Company, make_company

TYPE_NAME_ZH_HK = "冷藏櫃溫度偏離"
ACKNOWLEDGED_ZH_HK = "已確認"
RESOLVED_ZH_HK = "已解除"


def _company_following_the_reefer(tmp_path: Path, *, database_url: str | None = None) -> Company:
    """A forwarder whose administrator subscribed to the container's temperature alerts (inbox only)."""
    db = create_database(database_url or f"sqlite:///{tmp_path / 'harbourlink.db'}")
    try:
        company = make_company(db, "Reefer Forwarding", "forwarder")
        with db.transaction() as session:
            alerts.do_subscribe(
                session,
                Actor(org_id=company.org_id, user_id=company.admin_id),
                reference_type="CONTAINER",
                reference=CONTAINER,
                alert_types=["reefer_deviation"],
                channels=["inbox"],
                thresholds={},
            )
        return company
    finally:
        db.engine.dispose()


def _too_warm() -> bytes:
    """Supply air 4.5 °C above the 5 °C set point for 40 minutes (the general tolerance: 2 °C for 30)."""
    now = utcnow()
    return readings_feed((now - timedelta(minutes=50), 9.5, "ON"), (now - timedelta(minutes=10), 9.8, "ON"))


def _send(site: LiveSite, company: Company, raw: bytes) -> None:
    answer = httpx.post(
        f"{site.base_url}/api/v1/messages",
        params={"format": "terminal-json"},
        content=raw,
        headers=company.auth,
        timeout=30,
    )
    assert answer.status_code == 201 and answer.json()["status"] == "accepted", answer.text


def _log_in(page: Page, site: LiveSite, email: str) -> None:
    """First login on this phone, in zh-HK (the default): password, then enrolling the authenticator."""
    page.goto(f"{site.base_url}/login")
    page.fill("#f-login", email)
    page.fill("#f-password", STRONG_PASSWORD)
    page.get_by_role("button", name="登入", exact=True).click()
    secret = page.locator("#totp-secret").inner_text().strip()
    page.fill("#f-code", pyotp.TOTP(secret).now())
    page.get_by_role("button", name="確認").click()
    expect(page.locator("nav.main-nav")).to_be_visible()


@pytest.mark.browser
def test_a_reefer_alert_appears_on_the_open_inbox_without_a_reload(
    live_site: LiveSite, chromium: Browser, tmp_path: Path
) -> None:
    company = _company_following_the_reefer(tmp_path)
    screen = phone(chromium)
    problems: list[str] = []
    page = watched_page(screen, problems)
    try:
        _log_in(page, live_site, company.admin_email)
        page.locator("nav.main-nav").get_by_role("link", name="警報", exact=True).click()
        expect(page.locator("#alerts-empty")).to_be_visible()
        expect(page.locator("#alerts-live")).not_to_be_empty()  # the stream is open
        page.evaluate("window.stillTheSamePage = true")

        _send(live_site, company, _too_warm())

        item = page.locator(".alert-item")
        expect(item).to_have_count(1, timeout=15_000)
        expect(item).to_contain_text(TYPE_NAME_ZH_HK)
        expect(item.locator('[data-slot="subject"]')).to_have_text(CONTAINER)
        expect(item.locator('[data-slot="figures"]')).to_contain_text("9.8 °C")
        expect(page.locator("#alerts-empty")).to_be_hidden()
        assert page.evaluate("window.stillTheSamePage") is True  # inserted live, not reloaded
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "alerts-live-zh-HK.png"), full_page=True)

        item.get_by_role("button", name="確認").click()  # the inserted item's CSRF form works too
        expect(page.locator(".alert-item .tag")).to_have_text(ACKNOWLEDGED_ZH_HK)
        page.locator(".alert-item").get_by_role("button", name="解除").click()
        expect(page.locator(".alert-item .tag")).to_have_text(RESOLVED_ZH_HK)  # still in the history
        assert problems == []  # among them any Content-Security-Policy violation
    finally:
        screen.close()


@pytest.mark.browser
def test_the_alert_appears_on_the_open_tracking_page_of_its_container(
    live_site: LiveSite, chromium: Browser, tmp_path: Path
) -> None:
    company = _company_following_the_reefer(tmp_path)
    _send(live_site, company, readings_feed((utcnow() - timedelta(minutes=70), 5.2, "ON")))
    screen = phone(chromium)
    problems: list[str] = []
    page = watched_page(screen, problems)
    try:
        _log_in(page, live_site, company.admin_email)
        page.goto(f"{live_site.base_url}/track/{CONTAINER}")
        panel = page.locator("section.track-alerts")
        expect(panel).to_be_hidden()  # nothing to say yet: no empty box on the page
        expect(page.locator("#alerts-live")).not_to_be_empty()
        page.evaluate("window.stillTheSamePage = true")

        _send(live_site, company, _too_warm())

        expect(panel).to_be_visible(timeout=15_000)
        expect(panel.locator(".alert-item")).to_contain_text(TYPE_NAME_ZH_HK)
        assert page.evaluate("window.stillTheSamePage") is True
        assert problems == []
    finally:
        screen.close()


def _events(lines: Iterator[str]) -> Iterator[tuple[str, str]]:
    """(event, data) of each server-sent event; comments and the retry line are skipped."""
    name, data = "message", ""
    for line in lines:
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: "):
            data = line.removeprefix("data: ")
        elif line == "" and data:
            yield name, data
            name, data = "message", ""


def test_the_stream_sends_each_alert_change_to_an_api_client(live_site: LiveSite, tmp_path: Path) -> None:
    company = _company_following_the_reefer(tmp_path)
    url = f"{live_site.base_url}/api/v1/alerts/stream"
    assert httpx.get(url, timeout=10).status_code == 401
    before = datetime.now(UTC)
    with httpx.stream("GET", url, headers=company.auth, timeout=30) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.iter_lines()
        assert next(lines) == "retry: 2000"
        threading.Thread(target=_send, args=(live_site, company, _too_warm()), daemon=True).start()
        name, data = next(_events(lines))
    alert = json.loads(data)
    assert name == "alert" and alert["alert_type"] == "reefer_deviation" and alert["subject"] == CONTAINER
    assert alert["status"] == "open" and alert["figures"]["temperature"] == 9.8
    with httpx.stream("GET", url, params={"since": before.isoformat()}, headers=company.auth, timeout=30) as late:
        name, data = next(_events(late.iter_lines()))  # a client that connects late asks for what it missed
    assert json.loads(data)["id"] == alert["id"]
