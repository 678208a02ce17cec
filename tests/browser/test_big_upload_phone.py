"""A big file on a 390 px phone, in zh-HK and English: a 50,000-row CSV upload is read in the
background while the person browses other pages, its progress bar moves live (no reload) when
they are back, and the outcome is said in words at the end. A long tracking timeline shows its
newest events first and the earlier ones a page at a time. Screenshots go to the test's tmp dir."""

from __future__ import annotations

import itertools
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, FilePayload, Page, expect

from harbourlink.kernel import create_database
from tests.browser.conftest import LiveSite, first_login, phone, watched_page
from tests.conftest import Company, make_company

pytestmark = pytest.mark.browser

ROWS = 50_000
MBL = "PONU0123456"
HEADER = "event_id,event_type,event_code,classifier,event_time,container,mbl,location,facility,mode\n"
WORDS = {
    "zh-HK": {
        "log_in": "登入",
        "confirm": "確認",
        "upload": "上載",
        "accepted": "已接受",
        "outcome": f"已接受 {ROWS} 項，已有記錄 0 項，錯誤 0 項",
        "earlier": "顯示較早的事件",
        "newest": "返回最新",
    },
    "en": {
        "log_in": "Log in",
        "confirm": "Confirm",
        "upload": "Upload",
        "accepted": "Accepted",
        "outcome": f"{ROWS} accepted, 0 already known, 0 errors",
        "earlier": "Show earlier events",
        "newest": "Back to the newest",
    },
}


def _rows(count: int, *, prefix: str = "UP") -> bytes:
    """Gate moves of one box, a minute apart: ``count`` rows of a CSV message."""
    lines = [
        f"{prefix}-{n:05d},EQUIPMENT,{'GTIN' if n % 2 else 'GTOT'},ACT,2026-11-{1 + n // 1440 % 28:02d}T"
        f"{n // 60 % 24:02d}:{n % 60:02d}:00+08:00,MSCU1234566,{MBL},HKHKG,HITHK,TRUCK"
        for n in range(count)
    ]
    return (HEADER + "\n".join(lines) + "\n").encode()


def _company(tmp_path: Path) -> Company:
    db = create_database(f"sqlite:///{tmp_path / 'harbourlink.db'}")
    try:
        return make_company(db, "Tsing Yi Logistics", "forwarder")
    finally:
        db.engine.dispose()


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


RECORDER = """() => {
  const bar = document.getElementById("message-progress");
  window.progressSeen = [bar.value];
  window.progressMax = bar.max;
  window.stillTheSamePage = true;
  setInterval(() => { window.progressSeen.push(bar.value); window.progressMax = bar.max; }, 50);
}"""


@pytest.mark.parametrize("lang", ["zh-HK", "en"])
def test_a_big_upload_shows_its_progress_and_finishes_while_the_person_browses(
    live_site: LiveSite, chromium: Browser, tmp_path: Path, lang: str
) -> None:
    company = _company(tmp_path)
    words = WORDS[lang]
    problems: list[str] = []
    screen = phone(chromium, locale=lang)
    try:
        page = watched_page(screen, problems)
        first_login(
            page, live_site.base_url, company.admin_email, lang=lang, log_in=words["log_in"], confirm=words["confirm"]
        )
        page.goto(f"{live_site.base_url}/messages")
        page.select_option("#f-format", "csv")
        page.set_input_files(
            "#f-file", files=[FilePayload(name="gate-moves.csv", mimeType="text/csv", buffer=_rows(ROWS))]
        )
        page.get_by_role("button", name=words["upload"], exact=True).click()
        expect(page.locator("#message-reading")).to_be_visible()
        message_url = page.url
        _fits(page)
        page.screenshot(path=str(tmp_path / f"upload-reading-{lang}.png"), full_page=True)

        # Browsing meanwhile: the search page, then the list, where the file is still being read.
        page.goto(f"{live_site.base_url}/track")
        expect(page.locator("input[name=q]")).to_be_visible()
        page.goto(f"{live_site.base_url}/messages")
        expect(page.locator(".cards.messages .card").first).to_contain_text("gate-moves.csv")
        _fits(page)
        page.screenshot(path=str(tmp_path / f"upload-list-{lang}.png"), full_page=True)
        page.goto(message_url)
        expect(page.locator("#message-reading")).to_be_visible()  # back while it is still being read
        page.evaluate(RECORDER)

        expect(page.locator("#message-done")).to_be_visible(timeout=240_000)
        expect(page.locator("#message-outcome")).to_contain_text(words["outcome"])
        expect(page.locator("#message-status")).to_have_text(words["accepted"])
        seen: list[float] = page.evaluate("window.progressSeen")
        total = page.evaluate("window.progressMax")
        assert total == ROWS
        assert any(0 < value < ROWS for value in seen), seen[:20]  # a step on the way, before completion
        assert any(later > earlier for earlier, later in itertools.pairwise(seen))
        assert seen[-1] == ROWS
        assert page.evaluate("window.stillTheSamePage") is True  # moved live, not reloaded
        _fits(page)
        page.screenshot(path=str(tmp_path / f"upload-done-{lang}.png"), full_page=True)
    finally:
        screen.close()
    assert problems == []


@pytest.mark.parametrize("lang", ["zh-HK", "en"])
def test_a_long_timeline_shows_the_newest_and_pages_to_earlier_events(
    live_site: LiveSite, chromium: Browser, tmp_path: Path, lang: str
) -> None:
    company = _company(tmp_path)
    answer = httpx.post(
        f"{live_site.base_url}/api/v1/messages",
        params={"format": "csv"},
        content=_rows(260, prefix="TL"),
        headers=company.auth,
        timeout=60,
    )
    assert answer.status_code == 201 and answer.json()["status"] == "accepted", answer.text
    words = WORDS[lang]
    problems: list[str] = []
    screen = phone(chromium, locale=lang)
    try:
        page = watched_page(screen, problems)
        first_login(
            page, live_site.base_url, company.admin_email, lang=lang, log_in=words["log_in"], confirm=words["confirm"]
        )
        page.goto(f"{live_site.base_url}/track/{MBL}")
        expect(page.locator("ol.timeline > li")).to_have_count(100)
        _fits(page)
        page.screenshot(path=str(tmp_path / f"timeline-first-{lang}.png"), full_page=True)
        page.get_by_role("link", name=words["earlier"]).click()
        expect(page.locator("ol.timeline > li")).to_have_count(100)
        page.get_by_role("link", name=words["earlier"]).click()
        expect(page.locator("ol.timeline > li")).to_have_count(60)
        expect(page.get_by_role("link", name=words["earlier"])).to_have_count(0)
        expect(page.get_by_role("link", name=words["newest"])).to_be_visible()
        _fits(page)
        page.screenshot(path=str(tmp_path / f"timeline-earlier-{lang}.png"), full_page=True)
    finally:
        screen.close()
    assert problems == []
