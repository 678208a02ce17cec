"""Importing an older road-cargo system's export on a 390 px phone in zh-HK: the administrator picks the three
CSV files and sees each file's counts, the rejected row by file, line and field, and the temporary password."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from harbourlink import identity
from harbourlink.kernel import create_database
from tests.browser.conftest import ARTIFACTS, PHONE, LiveSite, first_login, phone, watched_page
from tests.conftest import make_company
from tests.road.support import opt_in

CARGO = "import,3,紙箱,印刷書籍,深圳印刷有限公司,深圳福田,九龍書局,九龍旺角"
EXPORT = {
    "accounts.csv": "account_id,email,name,role\nU1,chan@kowloon-books.example.hk,陳小明,user\nU2,,何家欣,user\n",
    "templates.csv": "template_id,account_id,name,direction,packages,package_description,goods_description,"
    f"consignor_name,consignor_address,consignee_name,consignee_address\nT1,U1,每週書籍,{CARGO}\n",
    "consignments.csv": "reference,account_id,direction,packages,package_description,goods_description,"
    "consignor_name,consignor_address,consignee_name,consignee_address,expected_at\n"
    f"OLD-1,U1,{CARGO},2026-11-01T10:00:00+08:00\n",
}


def test_an_administrator_imports_an_export_on_a_phone(live_site: LiveSite, chromium: Browser, tmp_path: Path) -> None:
    db = create_database(f"sqlite:///{tmp_path / 'harbourlink.db'}")
    try:
        shipper = make_company(db, "Kowloon Books", "cargo_owner")
        opt_in(db, shipper, identity.Service.ADVANCE_CARGO_INFO)
    finally:
        db.engine.dispose()
    problems: list[str] = []
    screen = phone(chromium, locale="zh-HK")
    page = watched_page(screen, problems)
    first_login(page, live_site.base_url, shipper.admin_email, lang="zh-HK", log_in="登入", confirm="確認")

    page.goto(f"{live_site.base_url}/admin")
    page.get_by_role("link", name="匯入道路貨物").click()
    for name, text in EXPORT.items():
        page.set_input_files(
            f"#f-{name.replace('.', '-')}", {"name": name, "mimeType": "text/csv", "buffer": text.encode()}
        )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="匯入匯出資料").click()

    expect(page.get_by_role("heading", name="匯出資料已匯入")).to_be_visible()
    accounts = page.locator("#tally-accounts-csv")
    expect(accounts.locator('[data-count="read"]')).to_have_text("2")
    expect(accounts.locator('[data-count="created"]')).to_have_text("1")
    expect(accounts.locator('[data-count="rejected"]')).to_have_text("1")
    for file in ("templates-csv", "consignments-csv"):
        expect(page.locator(f'#tally-{file} [data-count="created"]')).to_have_text("1")
    expect(page.locator("#rejected")).to_contain_text("accounts.csv，第 3 行，email：必須填寫，但留空")
    expect(page.locator("#temporary-passwords")).to_contain_text("chan@kowloon-books.example.hk")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(ARTIFACTS / "road-import-zh-HK.png"), full_page=True)
    screen.close()
    assert problems == []
