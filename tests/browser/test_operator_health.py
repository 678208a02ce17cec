"""The operator's health view on a 390 px phone: a work item whose handler failed every attempt shows as a dead
letter, is replayed from the page, and the running worker then does it (zh-HK and English). The console's pages
are photographed in the three languages."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from harbourlink.kernel import Database, create_database, utcnow, work
from harbourlink.kernel.workqueue import WorkItem
from tests.browser.conftest import ARTIFACTS, PHONE, LiveSite, phone, watched_page
from tests.conftest import STRONG_PASSWORD, Company, make_company
from tests.operations.support import QUEUE, Refusing, enqueue, refusing_queue

pytestmark = pytest.mark.browser

ATTEMPTS = 3
WORDS = {
    "zh-HK": {
        "log_in": "登入",
        "continue": "繼續",
        "health": "平台狀況",
        "replay": "重新處理",
        "replayed": "已放回佇列，工作程序稍後便會處理。",
        "no_dead": "沒有死信。",
    },
    "en": {
        "log_in": "Log in",
        "continue": "Continue",
        "health": "Platform health",
        "replay": "Replay",
        "replayed": "Put back in its queue: a worker takes it shortly.",
        "no_dead": "No dead letters.",
    },
}


@pytest.fixture
def site_db(live_site: LiveSite, tmp_path: Path) -> Iterator[Database]:
    """The live site's database, opened by the test; its bell is silent, so only the site's worker works."""
    db = create_database(f"sqlite:///{tmp_path / 'harbourlink.db'}")
    db.bell = lambda _db, _queues: None
    yield db
    db.engine.dispose()


def _status(db: Database, key: str) -> tuple[str, int]:
    with db.transaction() as session:
        item = session.scalars(select(WorkItem).where(WorkItem.key == key)).one()
        return item.status, item.attempts


def _wait_for(db: Database, key: str, status: str) -> tuple[str, int]:
    deadline = time.monotonic() + 20
    while (found := _status(db, key))[0] != status:
        assert time.monotonic() < deadline, f"{key} is {found}, not {status}"
        time.sleep(0.1)
    return found


def _kill(db: Database, key: str) -> None:
    """Runs the item until its handler has failed every attempt; each round is past the last one's back-off (the
    site's own worker may take the first attempt, which fails the same way)."""
    for hours in range(1, ATTEMPTS + 3):
        if _status(db, key)[0] == "dead":
            break
        work.run_round(db, [QUEUE], worker="test", now=utcnow() + timedelta(hours=hours))
    assert _status(db, key) == ("dead", ATTEMPTS)


def _log_in(page: Page, site: LiveSite, lang: str) -> None:
    words = WORDS.get(lang, WORDS["en"])
    page.goto(f"{site.base_url}/login" + ("" if lang == "zh-HK" else f"?lang={lang}"))
    page.fill("#f-login", site.operator_email)
    page.fill("#f-password", STRONG_PASSWORD)
    page.get_by_role("button", name=words["log_in"], exact=True).click()
    page.fill("#f-code", pyotp.TOTP(site.operator_totp_secret).now())
    page.get_by_role("button", name=words["continue"]).click()
    expect(page.locator("nav.main-nav")).to_be_visible()


def _fits(page: Page) -> None:
    """Nothing is wider than the phone: no sideways scrolling."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _traffic(site: LiveSite, tmp_path: Path) -> Company:
    """A forwarder whose one message is accepted and one refused, so the page has traffic and a failure."""
    db = create_database(f"sqlite:///{tmp_path / 'harbourlink.db'}")
    try:
        company = make_company(db, "Kwai Chung Forwarding", "forwarder")
    finally:
        db.engine.dispose()
    sample = Path(__file__).parent.parent / "samples" / "csv" / "hkg_import.csv"
    for raw in (sample.read_bytes(), b"not,the,template\n1,2,3\n"):
        httpx.post(
            f"{site.base_url}/api/v1/messages", params={"format": "csv"}, content=raw, headers=company.auth, timeout=30
        ).raise_for_status()
    return company


@pytest.mark.parametrize("lang", ["zh-HK", "en"])
def test_the_operator_replays_a_dead_letter_from_the_phone(
    live_site: LiveSite, site_db: Database, chromium: Browser, tmp_path: Path, lang: str
) -> None:
    words = WORDS[lang]
    company = _traffic(live_site, tmp_path)
    problems: list[str] = []
    with refusing_queue(max_attempts=ATTEMPTS) as refusing:
        enqueue(site_db, "booking-confirmation-1", owner_org_id=company.org_id)
        _kill(site_db, "booking-confirmation-1")
        screen = phone(chromium)
        try:
            page = watched_page(screen, problems)
            _log_in(page, live_site, lang)
            page.goto(f"{live_site.base_url}/operator/health")
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            expect(page.get_by_role("link", name=words["health"])).to_have_attribute("aria-current", "page")
            letter = page.locator("li.dead-letter")
            expect(letter).to_have_count(1)
            expect(letter).to_contain_text(QUEUE)
            expect(letter).to_contain_text("Kwai Chung Forwarding")
            expect(letter).to_contain_text("RuntimeError: the receiving system answered 500")
            expect(page.locator("#failures")).to_contain_text("Kwai Chung Forwarding")
            _fits(page)
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"operator-health-dead-letter-{lang}.png"), full_page=True)

            _replay(page, site_db, refusing, words)
            _fits(page)
        finally:
            screen.close()
    assert problems == []


def _replay(page: Page, db: Database, refusing: Refusing, words: dict[str, str]) -> None:
    """The receiving system is back: replay from the page, and the site's worker does the item."""
    refusing.refusing = False
    page.locator("li.dead-letter").get_by_role("button", name=words["replay"]).click()
    expect(page.get_by_role("status")).to_have_text(words["replayed"])
    expect(page.locator("li.dead-letter")).to_have_count(0)
    expect(page.locator("#dead-letters")).to_contain_text(words["no_dead"])
    assert _wait_for(db, "booking-confirmation-1", "done") == ("done", 1)
    assert [payload["owner_org_id"] for payload in refusing.handled] != []


def test_the_console_is_photographed_in_three_languages(
    live_site: LiveSite, site_db: Database, chromium: Browser, tmp_path: Path
) -> None:
    company = _traffic(live_site, tmp_path)
    problems: list[str] = []
    with refusing_queue(max_attempts=ATTEMPTS):
        enqueue(site_db, "booking-confirmation-2", owner_org_id=company.org_id)
        _kill(site_db, "booking-confirmation-2")
        screen = phone(chromium)
        try:
            page = watched_page(screen, problems)
            _log_in(page, live_site, "zh-HK")
            ARTIFACTS.mkdir(exist_ok=True)
            for lang in ("zh-HK", "en", "zh-CN"):
                for path, name in (("/operator", "operator-console"), ("/operator/health", "operator-health")):
                    page.goto(f"{live_site.base_url}{path}?lang={lang}")
                    expect(page.locator("html")).to_have_attribute("lang", lang)
                    _fits(page)
                    page.screenshot(path=str(ARTIFACTS / f"{name}-{lang}.png"), full_page=True)
            expect(page.locator("#workers")).to_be_visible()
        finally:
            screen.close()
    assert problems == []
