"""The jobs people come for, on a 390 px phone in zh-HK and English: a forwarder links House B/Ls by
form and by CSV file and the SME then tracks by House B/L alone, seeing the ship's arrival though
the carrier shares its Master B/L with the forwarder only, and finds the House B/L in My cargo;
an SME subscribes, its alert arrives on the open history, and once resolved it is still there; a ship's
delay alert leads to the ship's page.
The new and changed pages are photographed in zh-HK, English and zh-CN (tests/browser/artifacts)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, FilePayload, Page, expect

from harbourlink import alerts
from harbourlink.kernel import Actor, create_database, utcnow
from tests.alerts.support import CONTAINER, readings_feed
from tests.browser.conftest import ARTIFACTS, LiveSite, first_login, phone, watched_page
from tests.conftest import Company, make_company
from tests.port import HBL, MBL, Port, grant, open_port, send
from tests.web.test_alert_history import IMO, LATE

pytestmark = pytest.mark.browser

WORDS = {
    "zh-HK": {
        "log_in": "登入",
        "confirm": "確認",
        "link": "連結",
        "link_pairs": "連結這些配對",
        "links_tile": "連結分提單",
        "linked": "已連結 1 對，1 行未連結。",
        "bad_row": "第 3 行：",
        "subscribe": "訂閱",
        "subscribed": "已訂閱",
        "reefer": "冷藏櫃溫度偏離",
        "resolved": "已解除",
        "container": "貨櫃號碼",
        "arrival": "抵達 HKHKG",
        "linked_chip": "已連結主提單",
        "shared_by": "來自 Victoria Freight",
    },
    "en": {
        "log_in": "Log in",
        "confirm": "Confirm",
        "link": "Link",
        "link_pairs": "Link the pairs",
        "links_tile": "Link House B/Ls",
        "linked": "1 pairs linked, 1 rows not linked.",
        "bad_row": "Row 3:",
        "subscribe": "Subscribe",
        "subscribed": "Subscribed",
        "reefer": "Reefer temperature out of range",
        "resolved": "Resolved",
        "container": "Container number",
        "arrival": "Arrival at HKHKG",
        "linked_chip": "Linked to its Master B/L",
        "shared_by": "From Victoria Freight",
    },
    "zh-CN": {"log_in": "登录", "confirm": "确认"},
}


def _log_in(page: Page, site: LiveSite, lang: str, email: str) -> None:
    """A first login on this phone: password, then enrolling the authenticator."""
    first_login(page, site.base_url, email, lang=lang, log_in=WORDS[lang]["log_in"], confirm=WORDS[lang]["confirm"])


def _fits(page: Page) -> None:
    """Nothing is wider than the phone: no sideways scrolling."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _port(site: LiveSite, tmp_path: Path) -> Port:
    """The port's data through the API. The carrier shares its Master B/L with its customer, the forwarder,
    and nobody else; the forwarder shares its House B/L with the SME (the link is what the forwarder will do
    on the phone)."""
    db = create_database(f"sqlite:///{tmp_path / 'harbourlink.db'}")
    try:
        with httpx.Client(base_url=site.base_url, timeout=30) as http:
            port = open_port(http, db)
            grant(http, port.forwarder, "HBL", HBL, port.sme)
            return port
    finally:
        db.engine.dispose()


@pytest.mark.parametrize("lang", ["zh-HK", "en"])
def test_the_forwarder_links_by_form_and_by_file_and_the_sme_tracks_by_house_bl(
    live_site: LiveSite, chromium: Browser, tmp_path: Path, lang: str
) -> None:
    port = _port(live_site, tmp_path)
    words = WORDS[lang]
    problems: list[str] = []
    forwarder = phone(chromium)
    try:
        page = watched_page(forwarder, problems)
        _log_in(page, live_site, lang, port.forwarder.admin_email)
        page.get_by_role("link", name=words["links_tile"]).click()
        page.fill("#f-house_bl", HBL)
        page.fill("#f-master_bl", MBL)
        page.locator("#link-one").get_by_role("button", name=words["link"], exact=True).click()
        expect(page.locator("#link-list")).to_contain_text(HBL)
        _fits(page)

        page.locator("summary", has_text="CSV").click()
        page.set_input_files(
            "#f-file",
            files=[
                FilePayload(
                    name="pairs.csv",
                    mimeType="text/csv",
                    buffer=f"master_bl,house_bl\n{MBL},VFFHKG002\n{MBL}\n".encode(),
                )
            ],
        )
        page.get_by_role("button", name=words["link_pairs"]).click()
        report = page.locator("#link-report")
        expect(report).to_contain_text(words["linked"])
        expect(report).to_contain_text(words["bad_row"])
        expect(page.locator("#link-list")).to_contain_text("VFFHKG002")
        _fits(page)
        page.screenshot(path=str(tmp_path / f"links-{lang}.png"), full_page=True)
    finally:
        forwarder.close()

    sme = phone(chromium)
    try:
        page = watched_page(sme, problems)
        _log_in(page, live_site, lang, port.sme.admin_email)
        page.goto(f"{live_site.base_url}/track")
        page.fill("input[name=q]", HBL)
        page.locator("input[name=q]").press("Enter")
        expect(page.locator("#glance-vessel")).to_contain_text("PEARL HARMONY")
        # The carrier's estimate of the call's arrival (6:30 Hong Kong time), though it shares nothing with the SME.
        expect(page.locator(".glance")).to_contain_text(words["arrival"])
        expect(page.locator("#glance-arrival")).to_contain_text(re.compile(r"23/11/2026.*6:30"))
        expect(page.locator("main")).to_contain_text(MBL)
        expect(page.locator("#schedule-only")).to_be_visible()
        _fits(page)

        page.goto(f"{live_site.base_url}/")
        item = page.locator(".cargo-item", has_text=HBL)
        expect(item).to_contain_text(words["linked_chip"])
        expect(item).to_contain_text(words["shared_by"])
        _fits(page)
    finally:
        sme.close()
    assert problems == []


def _sme(tmp_path: Path) -> Company:
    db = create_database(f"sqlite:///{tmp_path / 'harbourlink.db'}")
    try:
        return make_company(db, "Lantau Trading", "cargo_owner")
    finally:
        db.engine.dispose()


def _send(site: LiveSite, company: Company, raw: bytes) -> None:
    answer = httpx.post(
        f"{site.base_url}/api/v1/messages",
        params={"format": "terminal-json"},
        content=raw,
        headers=company.auth,
        timeout=30,
    )
    assert answer.status_code == 201 and answer.json()["status"] == "accepted", answer.text


@pytest.mark.parametrize("lang", ["zh-HK", "en"])
def test_the_sme_subscribes_the_alert_arrives_and_stays_in_the_history_once_resolved(
    live_site: LiveSite, chromium: Browser, tmp_path: Path, lang: str
) -> None:
    company = _sme(tmp_path)
    words = WORDS[lang]
    problems: list[str] = []
    screen = phone(chromium)
    try:
        page = watched_page(screen, problems)
        _log_in(page, live_site, lang, company.admin_email)
        page.goto(f"{live_site.base_url}/alerts/subscriptions")
        page.select_option("#f-reference_type", "CONTAINER")
        page.fill("#f-reference", CONTAINER)
        page.locator("#subscribe").get_by_role("button", name=words["subscribe"], exact=True).click()
        expect(page.locator(".notice")).to_contain_text(words["subscribed"])
        expect(page.locator("#subscription-list")).to_contain_text(CONTAINER)
        _fits(page)
        page.screenshot(path=str(tmp_path / f"subscriptions-{lang}.png"), full_page=True)

        page.goto(f"{live_site.base_url}/alerts")
        expect(page.locator("#alerts-live")).not_to_be_empty()  # the stream is open
        page.evaluate("window.stillTheSamePage = true")
        now = utcnow()
        _send(
            live_site,
            company,
            readings_feed((now - timedelta(minutes=50), 9.5, "ON"), (now - timedelta(minutes=10), 9.8, "ON")),
        )
        item = page.locator(".alert-item")
        expect(item).to_have_count(1, timeout=15_000)
        expect(item).to_contain_text(words["reefer"])
        expect(item.locator(".figures")).to_contain_text("9.8 °C")

        _send(live_site, company, readings_feed((utcnow() - timedelta(minutes=2), 5.1, "ON")))
        expect(item.locator(".tag")).to_have_text(words["resolved"], timeout=15_000)
        assert page.evaluate("window.stillTheSamePage") is True  # changed live, not reloaded
        _fits(page)
        page.screenshot(path=str(tmp_path / f"alerts-{lang}.png"), full_page=True)
        page.reload()
        expect(page.locator(".alert-item")).to_have_count(1)
        expect(page.locator(".alert-item .tag")).to_have_text(words["resolved"])
        assert problems == []
    finally:
        screen.close()


def _shoot(page: Page, name: str, lang: str) -> None:
    """A whole-page photograph at phone width, once nothing is wider than the phone."""
    _fits(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{lang}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["zh-HK", "en", "zh-CN"])
def test_the_new_and_changed_pages_on_a_phone(
    live_site: LiveSite, chromium: Browser, tmp_path: Path, lang: str
) -> None:
    """Home for an SME (My cargo first, a search with "did you mean"), a forwarder and a carrier; the SME's
    tracking page showing a call's schedule only; the carrier's choice about its vessel calls."""
    port = _port(live_site, tmp_path)
    with httpx.Client(base_url=live_site.base_url, timeout=30) as http:
        assert (
            http.post(
                "/api/v1/bl-links", headers=port.forwarder.auth, json={"master_bl": MBL, "house_bl": HBL}
            ).status_code
            == 201
        )
    problems: list[str] = []
    for who, company in (("sme", port.sme), ("forwarder", port.forwarder), ("carrier", port.carrier)):
        screen = phone(chromium)
        try:
            page = watched_page(screen, problems)
            _log_in(page, live_site, lang, company.admin_email)
            expect(page.locator("#my-cargo .cargo-item").first).to_be_visible()
            _shoot(page, f"home-{who}", lang)
            if who == "sme":
                page.fill("#f-cargo", "VFFHKG0O1")
                page.locator("#f-cargo").press("Enter")
                expect(page.locator(".suggestions")).to_contain_text(HBL)
                _shoot(page, "home-search", lang)
                page.goto(f"{live_site.base_url}/track/{HBL}")
                expect(page.locator("#schedule-only")).to_be_visible()
                _shoot(page, "track-call-only", lang)
            if who == "carrier":
                page.goto(f"{live_site.base_url}/admin/grants")
                expect(page.locator("#vessel-calls")).to_be_visible()
                _shoot(page, "sharing", lang)
        finally:
            screen.close()
    assert problems == []


VESSEL_WORDS = {"zh-HK": "你在船上的貨物：", "en": "Your cargo aboard:"}


@pytest.mark.parametrize("lang", ["zh-HK", "en"])
def test_a_vessel_alert_leads_to_the_ships_page(
    live_site: LiveSite, chromium: Browser, tmp_path: Path, lang: str
) -> None:
    """The forwarder follows the ship; the carrier's new estimate is 3 h 20 min late: the alert names the ship and
    the forwarder's numbers aboard, and tapping the ship opens its page with that cargo."""
    port = _port(live_site, tmp_path)
    db = create_database(f"sqlite:///{tmp_path / 'harbourlink.db'}")
    try:
        with db.transaction() as session:
            alerts.do_subscribe(
                session,
                Actor(org_id=port.forwarder.org_id, user_id=port.forwarder.admin_id),
                reference_type="VESSEL",
                reference=IMO,
                alert_types=["vessel_delay"],
                channels=["inbox"],
                thresholds={"delay_minutes": 60},
            )
    finally:
        db.engine.dispose()
    with httpx.Client(base_url=live_site.base_url, timeout=30) as http:
        assert (
            http.post(
                "/api/v1/bl-links", headers=port.forwarder.auth, json={"master_bl": MBL, "house_bl": HBL}
            ).status_code
            == 201
        )
        send(http, port.carrier, "csv", LATE.encode())
    problems: list[str] = []
    screen = phone(chromium)
    try:
        page = watched_page(screen, problems)
        _log_in(page, live_site, lang, port.forwarder.admin_email)
        page.goto(f"{live_site.base_url}/alerts")
        item = page.locator(".alert-item")
        expect(item).to_have_count(1)
        expect(item).to_contain_text(f"PEARL HARMONY (IMO {IMO})")
        expect(item).to_contain_text(VESSEL_WORDS[lang])
        _shoot(page, "vessel-alert", lang)
        item.locator('[data-slot="subject"]').click()
        expect(page).to_have_url(re.compile(f"/vessel/{IMO}$"))
        expect(page.locator("main")).to_contain_text("PEARL HARMONY")
        expect(page.locator(f'main a[href="/track/{HBL}"]')).to_be_visible()
        _shoot(page, "vessel-from-alert", lang)
        assert problems == []
    finally:
        screen.close()
