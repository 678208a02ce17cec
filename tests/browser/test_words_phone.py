"""A forwarder's clerk on a 390 px phone, in zh-HK, then English and zh-CN (chosen on the page), after the simulated port day: an upload's
parse errors read in the phone's language, place and problem; a box waiting in the yard shows its storage
charges with their currency and its free time in words. Nothing is wider than the phone. Photographed."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from harbourlink.kernel import create_database
from tests.browser.conftest import ARTIFACTS, LiveSite, first_login, phone, watched_page
from tests.conftest import STRONG_PASSWORD
from tests.web.test_pages_in_chinese import PLAIN_USER, port_day_of

pytestmark = pytest.mark.browser

WORDS = {
    "zh-HK": {
        "place": "第 2 行，event_time 欄",
        "problem": "'not-a-time' 不是 ISO 8601 時間",
        "storage": "每日堆存費",
        "free_time": "免費堆存期尚餘",
    },
    "en": {
        "place": "row 2, column event_time",
        "problem": "'not-a-time' is not an ISO 8601 time",
        "storage": "Storage per day",
        "free_time": "Free time left",
    },
    "zh-CN": {
        "place": "第 2 行，event_time 列",
        "problem": "'not-a-time' 不是 ISO 8601 时间",
        "storage": "每日堆存费",
        "free_time": "免费堆存期尚余",
    },
}


def test_errors_and_charges_read_in_the_phones_language(live_site: LiveSite, chromium: Browser, tmp_path: Path) -> None:
    db = create_database(f"sqlite:///{tmp_path / 'harbourlink.db'}")
    try:
        scenario, messages = port_day_of(db, password=STRONG_PASSWORD)
    finally:
        db.engine.dispose()
    failed_csv, failed_edifact = messages[0], messages[1]
    waiting = scenario.yard[0].boxes[0].number
    ARTIFACTS.mkdir(exist_ok=True)
    screen = phone(chromium)
    problems: list[str] = []
    page = watched_page(screen, problems)
    try:
        first_login(page, live_site.base_url, PLAIN_USER, lang="zh-HK", log_in="登入", confirm="確認")
        for lang, words in WORDS.items():
            page.goto(f"{live_site.base_url}{failed_csv}?lang={lang}")
            errors = page.locator("ol.errors")
            expect(errors).to_contain_text(words["place"])
            expect(errors).to_contain_text(words["problem"])
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.screenshot(path=str(ARTIFACTS / f"message-errors-{lang}.png"), full_page=True)
            page.goto(f"{live_site.base_url}{failed_edifact}")
            expect(page.locator("ol.errors")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / f"message-errors-edifact-{lang}.png"), full_page=True)

            page.goto(f"{live_site.base_url}/track/{waiting}")
            alert = page.locator(".alert-item").filter(has_text=words["storage"]).first
            expect(alert).to_contain_text("HK$350.00")
            expect(alert).to_contain_text(words["free_time"])
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.screenshot(path=str(ARTIFACTS / f"tracking-charges-{lang}.png"), full_page=True)
        assert problems == []
    finally:
        screen.close()
