"""An SME on a phone tracks its reefer container by the House B/L alone, in zh-HK and in English:
vessel and map, arrival estimates, release at the terminal, temperature chart, customs; and the
ship moves on the map while the page stays open."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from harbourlink.kernel import create_database, utcnow
from harbourlink.vessels import PositionReport, record_positions
from tests.browser.conftest import ARTIFACTS, LiveSite, first_login, phone, watched_page
from tests.port import CONTAINER, DECLARATION, HBL, Port
from tests.web.test_tracking_pages import MMSI, VESSEL, seed_port

pytestmark = pytest.mark.browser

WORDS = {
    "zh-HK": {
        "log_in": "登入",
        "confirm": "確認",
        "track": "追蹤",
        "estimated": "預計",
        "released": "已放行",
        "north": "北緯 22.2150°",
        "carrier_eta": "23/11/2026 上午6:30",
    },
    "en": {
        "log_in": "Log in",
        "confirm": "Confirm",
        "track": "Track",
        "estimated": "Estimated",
        "released": "Released",
        "north": "22.2150° N",
        "carrier_eta": "23/11/2026, 6:30 am",
    },
}


def _seed(site: LiveSite, tmp_path: Path) -> Port:
    """The port's data, sent to the running site through its API, as the companies' systems would."""
    db = create_database(f"sqlite:///{tmp_path / 'harbourlink.db'}")
    try:
        with httpx.Client(base_url=site.base_url, timeout=30) as http:
            return seed_port(http, db)
    finally:
        db.engine.dispose()


def _log_in(page: Page, site: LiveSite, lang: str, email: str) -> None:
    """The SME's first login on this phone: password, then enrolling the authenticator."""
    first_login(page, site.base_url, email, lang=lang, log_in=WORDS[lang]["log_in"], confirm=WORDS[lang]["confirm"])


def _move_ship(tmp_path: Path, latitude: float, longitude: float) -> None:
    db = create_database(f"sqlite:///{tmp_path / 'harbourlink.db'}")
    with db.transaction() as session:
        record_positions(
            session,
            [
                PositionReport(
                    mmsi=MMSI,
                    at=utcnow() - timedelta(seconds=5),
                    latitude=latitude,
                    longitude=longitude,
                    speed_knots=9.0,
                    course=330.0,
                )
            ],
            message_id=None,
        )
    db.engine.dispose()


@pytest.mark.parametrize("lang", ["zh-HK", "en"])
def test_an_sme_tracks_its_reefer_by_house_bl_on_a_phone(
    live_site: LiveSite,
    chromium: Browser,
    tmp_path: Path,
    lang: str,
) -> None:
    port = _seed(live_site, tmp_path)
    words = WORDS[lang]
    screen = phone(chromium)
    problems: list[str] = []
    page = watched_page(screen, problems)
    page.clock.install()  # so the test can let the page's 30-second refresh come at once
    try:
        _log_in(page, live_site, lang, port.sme.admin_email)
        page.locator("nav.main-nav").get_by_role("link", name=words["track"], exact=True).click()
        page.fill("#f-q", HBL.lower())
        page.press("#f-q", "Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text(HBL)

        expect(page.locator("#vessel-name")).to_have_text(VESSEL)
        marker = page.locator("#vessel-marker")
        expect(marker).to_have_count(1)
        expect(marker.locator("title")).to_contain_text(words["north"])
        assert words["north"] in (marker.get_attribute("aria-label") or "")
        ship, land = marker.bounding_box(), page.locator("#vessel-map").bounding_box()
        assert ship and land and land["x"] < ship["x"] < land["x"] + land["width"] - ship["width"]
        assert land["width"] <= 390  # the map fits the phone's width

        arrival = page.locator("#glance-arrival")
        expect(arrival).to_contain_text(words["carrier_eta"])
        expect(arrival).to_contain_text(words["estimated"])
        expect(page.locator(f"#container-{CONTAINER} .release .tag").first).to_have_text(words["released"])
        chart = page.locator(f"#reefer-{CONTAINER}")
        expect(chart).to_be_visible()
        expect(chart.locator("circle.reading")).to_have_count(2)
        expect(chart.locator("polyline.setpoint")).to_have_count(1)
        expect(chart.locator("rect.power-off")).to_have_count(1)
        expect(page.locator(f"#customs-{DECLARATION} .tag")).to_have_text(words["released"])

        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"tracking-phone-{lang}.png"), full_page=True)

        _move_ship(tmp_path, 22.2600, 114.1050)
        page.clock.fast_forward("00:31")
        expect(marker).to_have_attribute("data-latitude", "22.26", timeout=15_000)
        expect(page.locator("#vessel-position")).to_contain_text("22.2600")
        expect(page.locator("#track-news")).to_be_hidden()
        assert problems == []  # among them any Content-Security-Policy violation
    finally:
        screen.close()
