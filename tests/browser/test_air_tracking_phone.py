"""A shipper on a phone tracks its air cargo by the house air waybill alone, in zh-HK, English and
zh-CN: the route with airport names, the flight planned against actual in each airport's local time,
late, the offload and the statuses; nothing wider than the phone."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from harbourlink.kernel import create_database
from tests.browser.conftest import ARTIFACTS, LiveSite, first_login, phone, watched_page
from tests.web.test_air_tracking_page import AWB, HAWB, seed_air

pytestmark = pytest.mark.browser

WORDS = {
    "zh-HK": {
        "log_in": "登入",
        "confirm": "確認",
        "hkg": "香港國際機場",
        "late": "延誤 1 小時 45 分鐘",
        "delivered": "已交付收貨人",
    },
    "en": {
        "log_in": "Log in",
        "confirm": "Confirm",
        "hkg": "Hong Kong International Airport",
        "late": "1 hour, 45 minutes late",
        "delivered": "Delivered to the consignee",
    },
    "zh-CN": {
        "log_in": "登录",
        "confirm": "确认",
        "hkg": "香港国际机场",
        "late": "延误 1小时45分钟",
        "delivered": "已交付收货人",
    },
}


@pytest.mark.parametrize("lang", ["zh-HK", "en", "zh-CN"])
def test_a_shipper_tracks_air_cargo_by_house_air_waybill_on_a_phone(
    live_site: LiveSite,
    chromium: Browser,
    tmp_path: Path,
    lang: str,
) -> None:
    db = create_database(f"sqlite:///{tmp_path / 'harbourlink.db'}")
    try:
        with httpx.Client(base_url=live_site.base_url, timeout=30) as http:
            shipper, _ = seed_air(http, db)
    finally:
        db.engine.dispose()
    words = WORDS[lang]
    screen = phone(chromium)
    problems: list[str] = []
    page = watched_page(screen, problems)
    try:
        first_login(page, live_site.base_url, shipper, lang=lang, log_in=words["log_in"], confirm=words["confirm"])
        page.goto(f"{live_site.base_url}/track?q={HAWB.lower()}")
        expect(page.get_by_role("heading", level=1)).to_have_text(HAWB)
        card = page.locator(f"#awb-{AWB}")
        expect(card).to_be_visible()
        expect(card.locator(".air-route")).to_contain_text(words["hkg"])
        expect(card.locator(".flight .tag").first).to_have_text(words["late"])
        expect(card.locator(".air-latest .tag")).to_have_text(words["delivered"])
        expect(card.locator(".air-status")).to_have_count(10)
        expect(card.locator(".air-status .tone-bad")).to_have_count(1)  # the offload
        # Nothing sticks out of the phone's width.
        widest = page.evaluate(
            "Math.max(...[...document.querySelectorAll('#track *')].map(e => e.getBoundingClientRect().right))"
        )
        assert widest <= 390.5, widest
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        ARTIFACTS.mkdir(exist_ok=True)
        card.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"air-tracking-phone-{lang}.png"), full_page=True)
        page.locator(".glance").screenshot(path=str(ARTIFACTS / f"air-glance-phone-{lang}.png"))
        card.screenshot(path=str(ARTIFACTS / f"air-card-phone-{lang}.png"))
        assert problems == []
    finally:
        screen.close()
