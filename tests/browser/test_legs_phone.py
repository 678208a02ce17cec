"""Legs and pickups on a 390 px phone: the forwarder nominates a trucking company, which accepts the pickup job
and assigns its driver; in zh-HK and English. Screenshots are kept under ``artifacts``."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import ARTIFACTS, PHONE, LiveSite, first_login, phone, watched_page
from tests.browser.haulage import api, live_haulage
from tests.trucking.support import CONTAINER

WORDS = {
    "zh-HK": {
        "log_in": "登入",
        "confirm": "確認",
        "nominate": "指定",
        "accept": "接受",
        "assign": "安排車輛及司機",
        "assigned": "已安排車輛及司機",
        "released": "已放行",
    },
    "en": {
        "log_in": "Log in",
        "confirm": "Confirm",
        "nominate": "Nominate",
        "accept": "Accept",
        "assign": "Assign truck and driver",
        "assigned": "The truck and driver are assigned",
        "released": "Released",
    },
}


@pytest.mark.parametrize("lang", ["zh-HK", "en"])
def test_a_truck_leg_is_nominated_accepted_and_assigned_on_phones(
    live_site: LiveSite, chromium: Browser, tmp_path: Path, lang: str
) -> None:
    words = WORDS[lang]
    world = live_haulage(live_site, tmp_path)
    forwarder, trucker = world.forwarder, world.trucker
    problems: list[str] = []

    screen = phone(chromium, locale=lang)
    page = watched_page(screen, problems)
    first_login(
        page, live_site.base_url, forwarder.admin_email, lang=lang, log_in=words["log_in"], confirm=words["confirm"]
    )
    page.goto(f"{live_site.base_url}/legs")
    page.locator("#nominate summary").click()
    page.select_option("#f-reference_type", "CONTAINER")
    page.fill("#f-reference", "mscu 123456-6")
    page.select_option("#f-mode", "TRUCK")
    page.select_option("#f-party_org_id", trucker.org_id)
    page.fill("#f-packages", "40")
    page.get_by_role("button", name=words["nominate"], exact=True).click()
    expect(page.locator("#leg-list")).to_contain_text(CONTAINER)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(ARTIFACTS / f"legs-forwarder-{lang}.png"), full_page=True)
    screen.close()

    screen = phone(chromium, locale=lang)
    page = watched_page(screen, problems)
    first_login(
        page, live_site.base_url, trucker.admin_email, lang=lang, log_in=words["log_in"], confirm=words["confirm"]
    )
    page.goto(f"{live_site.base_url}/legs")
    job = page.locator(".pickup-job")
    expect(job).to_contain_text(words["released"])
    expect(job).to_contain_text("HITHK")
    job.get_by_role("button", name=words["accept"], exact=True).click()
    job = page.locator(".pickup-job")
    job.locator("input[name$='.vehicle']").fill("XY 1234")
    job.locator("select[name$='.driver_user_id']").select_option(world.driver_id)
    page.screenshot(path=str(ARTIFACTS / f"legs-trucker-{lang}.png"), full_page=True)
    job.get_by_role("button", name=words["assign"]).click()
    expect(page.locator("p.notice")).to_contain_text(words["assigned"])
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screen.close()
    [leg] = api(live_site, forwarder, "GET", "/api/v1/legs")
    assert (leg["status"], leg["trip_status"], leg["packages"]) == ("accepted", "planned", 40)
    assert problems == []
