"""On a phone, an SME proves one event of its cargo: the timeline's ledger mark leads to the event's proof,
the person picks the fields to reveal and downloads the file, which checks against the ledger's key; and
the page that tells the bank how to check it fits the screen too."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from harbourlink_verify import verify_bundle
from tests.browser.conftest import ARTIFACTS, PHONE, LiveSite, phone, watched_page
from tests.browser.test_tracking_phone import _log_in, _seed
from tests.port import HBL

pytestmark = pytest.mark.browser

WORDS = {
    "zh-HK": {"logged": "已存證", "download": "下載證明檔案", "how": "如何核對證明檔案", "guide": "自行核對我們的記錄"},
    "en": {
        "logged": "In the ledger",
        "download": "Download the proof file",
        "how": "How to check a proof file",
        "guide": "Check our records yourself",
    },
}
PHONE_WIDTH = PHONE["width"]


def _fits(page: Page) -> None:
    """Nothing on the page is wider than the phone: no sideways scrolling."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


@pytest.mark.parametrize("lang", ["zh-HK", "en"])
def test_an_sme_downloads_the_proof_of_an_event_on_a_phone(
    live_site: LiveSite,
    chromium: Browser,
    tmp_path: Path,
    lang: str,
) -> None:
    port = _seed(live_site, tmp_path)
    words = WORDS[lang]
    screen = phone(chromium, accept_downloads=True)
    problems: list[str] = []
    page = watched_page(screen, problems)
    page.clock.install()  # the page's 30-second refresh, which turns queued marks into logged ones, comes at once
    try:
        _log_in(page, live_site, lang, port.sme.admin_email)
        page.goto(f"{live_site.base_url}/track/{HBL}")
        queued = page.locator(".ledger-mark a.ledger-queued")
        for _ in range(20):  # the app's sequencer logs new events every 2 s
            if queued.count() == 0:
                break
            page.clock.fast_forward("00:31")
            page.wait_for_timeout(500)
        expect(queued).to_have_count(0)
        mark = page.locator(".ledger-mark a.ledger-logged").first
        expect(mark).to_have_text(words["logged"])
        box = mark.bounding_box()
        assert box and box["x"] + box["width"] <= PHONE_WIDTH and box["height"] >= 30  # a thumb can hit it
        _fits(page)

        mark.click()
        expect(page.locator("#ledger-status")).to_have_text(words["logged"])
        ticked = page.locator('#bundle-form input[name="field"]:checked')
        expect(ticked).to_have_count(5)
        page.locator('#bundle-form input[value="event_type"]').uncheck()
        page.locator('#bundle-form input[value="vessel_name"]').check()
        _fits(page)
        with page.expect_download() as download:
            page.get_by_role("button", name=words["download"]).click()
        saved = tmp_path / "proof.json"
        download.value.save_as(saved)
        key = httpx.get(f"{live_site.base_url}/api/v1/ledger/key").json()["vkey"]
        disclosed = {claim[2] for claim in verify_bundle(saved.read_bytes(), key).claims}
        assert disclosed == {"event_code", "classifier", "event_time", "location", "vessel_name"}

        page.get_by_role("link", name=words["how"]).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(words["guide"])
        assert int(page.locator("#checkpoint-size").inner_text()) >= 1
        expect(page.locator("#ledger-key")).to_have_text(key)
        _fits(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"ledger-guide-phone-{lang}.png"), full_page=True)
        assert problems == []  # among them any Content-Security-Policy violation
    finally:
        screen.close()
