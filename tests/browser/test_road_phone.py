"""Road cargo on a 390 px phone in zh-HK: a trucking company's person lodges a consignment and saves it as a
template, lodges today's consignment from the template, binds the vehicle and sees the UBR, the earliest crossing
and the printout's link. Screenshots are kept under ``artifacts``."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, expect

from harbourlink import identity
from harbourlink.kernel import create_database
from tests.browser.conftest import ARTIFACTS, PHONE, LiveSite, first_login, phone, watched_page
from tests.conftest import make_company
from tests.road.support import opt_in


def test_a_vehicle_is_bound_from_a_templates_consignment_on_a_phone(
    live_site: LiveSite, chromium: Browser, tmp_path: Path
) -> None:
    db = create_database(f"sqlite:///{tmp_path / 'harbourlink.db'}")
    try:
        trucker = make_company(db, "Lok Ma Chau Haulage", "trucking")
        opt_in(db, trucker, identity.Service.ADVANCE_CARGO_INFO, identity.Service.ROAD_BINDING, agent=True)
    finally:
        db.engine.dispose()
    problems: list[str] = []
    screen = phone(chromium, locale="zh-HK")
    page = watched_page(screen, problems)
    first_login(page, live_site.base_url, trucker.admin_email, lang="zh-HK", log_in="登入", confirm="確認")

    page.goto(f"{live_site.base_url}/road/lodge")
    page.get_by_label("進口", exact=True).check()
    page.fill("#f-packages", "12")
    page.fill("#f-package-description", "紙箱")
    page.fill("#f-goods", "印刷書籍")
    page.fill("#f-consignor-name", "深圳印刷有限公司")
    page.fill("#f-consignor-address", "深圳福田")
    page.fill("#f-consignee-name", "九龍書局")
    page.fill("#f-consignee-address", "九龍旺角")
    page.fill("#f-save-as", "每週書籍")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="提交並取得海關貨物編號").click()
    expect(page.locator("#ccrn")).to_have_text(re.compile(r"^[1-8]\d{10}$"))

    page.goto(f"{live_site.base_url}/road")
    page.get_by_role("link", name="使用範本「每週書籍」提交").click()
    expect(page.locator("#from-template")).to_contain_text("每週書籍")
    expect(page.locator("#f-goods")).to_have_value("印刷書籍")
    page.get_by_role("button", name="提交並取得海關貨物編號").click()
    ccrn = page.locator("#ccrn").inner_text()

    page.get_by_role("link", name="捆綁車輛").click()
    expect(page.locator("#f-ccrns")).to_have_value(ccrn)
    page.fill("#f-vehicle", "FC117")
    page.select_option("#f-point", "LMC")
    page.screenshot(path=str(ARTIFACTS / "road-bind-zh-HK.png"), full_page=True)
    page.get_by_role("button", name="捆綁", exact=True).click()
    expect(page.locator("#ubr")).to_have_text(re.compile(r"^9\d{10}$"))
    expect(page.locator("#binding")).to_contain_text("落馬洲")
    expect(page.locator("#earliest-crossing")).not_to_be_empty()
    expect(page.locator("#print")).to_have_attribute("href", re.compile(r"/api/v1/road/bindings/9\d{10}/print\.pdf$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(ARTIFACTS / "road-bound-zh-HK.png"), full_page=True)
    screen.close()
    assert problems == []
