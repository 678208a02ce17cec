"""At the boundary on 390 px phones in zh-HK: a driver binds the truck; the customs officer's console at Lok Ma
Chau shows the binding, the officer gives GO; the driver's app, left open, shows GO without a reload. Screenshots are kept
under ``artifacts``."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, expect

from harbourlink import identity
from harbourlink.kernel import create_database
from tests.browser.conftest import ARTIFACTS, PHONE, LiveSite, first_login, phone, watched_page
from tests.browser.haulage import api
from tests.conftest import STRONG_PASSWORD, make_company
from tests.road.support import cargo, opt_in

DRIVER = "driver@lok-ma-chau-haulage.example.hk"


def test_the_officer_gives_go_and_the_drivers_app_shows_it(
    live_site: LiveSite, chromium: Browser, tmp_path: Path
) -> None:
    db = create_database(f"sqlite:///{tmp_path / 'harbourlink.db'}")
    try:
        trucker = make_company(db, "Lok Ma Chau Haulage", "trucking")
        opt_in(db, trucker, identity.Service.ADVANCE_CARGO_INFO, identity.Service.ROAD_BINDING, agent=True)
        shipper = opt_in(db, make_company(db, "Kowloon Books", "cargo_owner"), identity.Service.ADVANCE_CARGO_INFO)
        customs = make_company(db, "Customs and Excise", "customs_hk")
    finally:
        db.engine.dispose()
    api(
        live_site,
        trucker,
        "POST",
        f"/api/v1/orgs/{trucker.org_id}/users",
        json={"email": DRIVER, "display_name": "陳大文", "role": "driver", "password": STRONG_PASSWORD},
    )
    ccrn = api(live_site, shipper, "POST", "/api/v1/road/consignments", json=cargo())["ccrn"]
    problems: list[str] = []

    cab = phone(chromium, locale="zh-HK")
    driver = watched_page(cab, problems)
    first_login(driver, live_site.base_url, DRIVER, lang="zh-HK", log_in="登入", confirm="確認")
    driver.goto(f"{live_site.base_url}/road/bind?ccrn={ccrn}")
    driver.fill("#f-vehicle", "FC117")
    driver.select_option("#f-point", "LMC")
    driver.get_by_role("button", name="捆綁", exact=True).click()
    expect(driver.locator("#ubr")).to_have_text(re.compile(r"^9\d{10}$"))
    ubr = driver.locator("#ubr").inner_text()
    driver.goto(f"{live_site.base_url}/trips")
    expect(driver.locator(f"#ubr-{ubr} .instruction")).to_contain_text("等候海關指示")

    office = phone(chromium, locale="zh-HK")
    officer = watched_page(office, problems)
    first_login(officer, live_site.base_url, customs.admin_email, lang="zh-HK", log_in="登入", confirm="確認")
    officer.goto(f"{live_site.base_url}/road/boundary?control_point=LMC")
    card = officer.locator(f"#b-{ubr}")
    expect(card).to_contain_text("FC117")
    expect(card.locator(".suggestion")).to_contain_text("放行")
    expect(card.locator(".position")).to_contain_text("沒有分享位置")
    assert officer.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    card.get_by_label("備註（可選填）").fill("封條完好")
    card.get_by_role("button", name="給予放行").click()
    expect(officer.locator(f"#b-{ubr} .decision")).to_contain_text("放行")
    expect(officer.locator(f"#b-{ubr} .decision")).to_contain_text("封條完好")
    officer.screenshot(path=str(ARTIFACTS / "road-boundary-console-zh-HK.png"), full_page=True)

    expect(driver.locator(f"#ubr-{ubr} .instruction")).to_contain_text("放行")  # the page left open, no reload
    expect(driver.locator(f"#ubr-{ubr} .instruction")).to_contain_text("請駛過管制站")
    assert driver.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    driver.screenshot(path=str(ARTIFACTS / "road-boundary-driver-go-zh-HK.png"), full_page=True)
    cab.close()
    office.close()
    assert problems == []
