"""On a phone in zh-HK, an HK customs officer has the e-lock console open when a truck leaves its approved
route: the deviation appears in the alert queue without a reload, explained, and the officer acknowledges it.
The page fits a 390 px screen."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from harbourlink.kernel import create_database
from tests.browser.conftest import ARTIFACTS, PHONE, LiveSite, first_login, phone, watched_page
from tests.elock.support import LOCK, OFF_ROUTE, feed, scheme, seed_fixes, seed_sentences, trip_body

pytestmark = pytest.mark.browser


def test_a_deviation_appears_live_on_the_console_and_is_acknowledged(
    live_site: LiveSite, chromium: Browser, tmp_path: Path
) -> None:
    db = create_database(f"sqlite:///{tmp_path / 'harbourlink.db'}")
    world = scheme(db)
    with httpx.Client(base_url=live_site.base_url, timeout=30) as http:
        lock = {"device_id": LOCK, "protocol": "eseal"}
        assert http.post("/api/v1/elock/devices", headers=world.hk.auth, json=lock).status_code == 201
        created = http.post("/api/v1/elock/trips", headers=world.hk.auth, json=trip_body(world))
        assert created.status_code == 201, created.text
    lines = seed_sentences(seed_fixes(deviation=OFF_ROUTE)[:90])
    feed(db, lines[:30])  # out of the airport, on the route

    screen = phone(chromium)
    problems: list[str] = []
    page = watched_page(screen, problems)
    try:
        first_login(page, live_site.base_url, world.hk.admin_email, lang="zh-HK", log_in="登入", confirm="確認")
        page.locator("nav.main-nav").get_by_role("link", name="電子鎖監察台", exact=True).click()
        expect(page.locator("#elock-queue-empty")).to_be_visible()
        expect(page.locator("#elock-live-status")).not_to_be_empty()  # the stream is open
        expect(page.locator("#elock-states")).to_contain_text("已上鎖，前往香港出境口岸")
        page.evaluate("window.stillTheSamePage = true")

        feed(db, lines[30:])  # 400 m off the route for three minutes

        alert = page.locator("#elock-queue .elock-alert")
        expect(alert).to_have_count(1, timeout=20_000)
        expect(alert).to_contain_text("貨車偏離原定路線")
        expect(alert.locator('[data-slot="explanation"]')).to_contain_text("最遠偏離核准路線")
        expect(page.locator("#elock-map .spot-alert")).to_have_count(1)
        assert page.evaluate("window.stillTheSamePage") is True  # put in place live, not reloaded
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "elock-console-zh-HK.png"), full_page=True)

        alert.get_by_role("button", name="確認").click()  # the live part's CSRF form works
        expect(page.locator('#elock-queue .elock-alert [data-slot="status"]')).to_have_text("已確認")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert problems == []  # among them any Content-Security-Policy violation
    finally:
        screen.close()
        db.engine.dispose()
