"""一單多報 on a phone at 390 px, in Traditional Chinese: a message signer uploads the invoice and packing list,
reviews both drafts, fixes the finding the checks name, signs and submits, and sees the official number and
the result."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, FilePayload, expect

from harbourlink.kernel import create_database
from tests.browser.conftest import ARTIFACTS, LiveSite, first_login, phone, watched_page
from tests.browser.haulage import api
from tests.conftest import STRONG_PASSWORD, make_company
from tests.declarations.support import BL, BL_EVENTS, INVOICE, PACKING_LIST

SIGNER = "signer@alpha-forwarding.example.hk"


@pytest.mark.browser
def test_review_fix_a_finding_submit_and_see_the_result(live_site: LiveSite, chromium: Browser, tmp_path: Path) -> None:
    db = create_database(f"sqlite:///{tmp_path / 'harbourlink.db'}")
    try:
        declarant = make_company(db, "Alpha Forwarding", "forwarder")
    finally:
        db.engine.dispose()
    api(live_site, declarant, "POST", "/api/v1/messages", params={"format": "csv"}, content=BL_EVENTS.encode())
    api(live_site, declarant, "POST", f"/api/v1/orgs/{declarant.org_id}/services/declarations")
    api(
        live_site,
        declarant,
        "POST",
        f"/api/v1/orgs/{declarant.org_id}/users",
        json={"email": SIGNER, "display_name": "陳簽署", "role": "message_signer", "password": STRONG_PASSWORD},
    )
    planted = INVOICE.replace(",9405990000,", ",6307900000,")  # line 2's mainland code: another chapter
    problems: list[str] = []
    screen = phone(chromium)
    try:
        page = watched_page(screen, problems)
        first_login(page, live_site.base_url, SIGNER, lang="zh-HK", log_in="登入", confirm="確認")
        page.goto(f"{live_site.base_url}/declarations/new?reference={BL}")
        page.set_input_files(
            "#f-invoice", files=[FilePayload(name="invoice.csv", mimeType="text/csv", buffer=planted.encode())]
        )
        page.set_input_files(
            "#f-packing_list",
            files=[FilePayload(name="packing.csv", mimeType="text/csv", buffer=PACKING_LIST.encode())],
        )
        page.get_by_role("button", name="預填報關單").click()
        expect(page.locator("#findings")).to_contain_text("6307900000")
        page.get_by_role("link", name="CN · 草稿").click()
        flagged = page.locator("#f-lines-1-cn_code")
        expect(flagged).to_have_attribute("aria-invalid", "true")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        flagged.fill("9405990000")
        page.get_by_role("button", name="儲存修改").click()
        expect(page.locator("#findings")).to_have_count(0)
        page.get_by_role("button", name="簽署並遞交").click()
        # The authority answers through the work queue; the page the signer lands on shows where it stands.
        expect(page.locator("#declaration-status")).to_have_text(re.compile("已遞交|已接受"))
        page.reload()
        expect(page.locator("#declaration-status")).to_have_text("已接受")
        number = page.locator("#official-number").inner_text()
        assert len(number) == 18 and number.isdigit()
        page.screenshot(path=str(ARTIFACTS / "declarations-phone-zh-HK.png"), full_page=True)
        page.goto(f"{live_site.base_url}/track/{BL}")
        expect(page.locator("main")).to_contain_text(number)  # the result on the B/L's tracking page
        assert problems == []
    finally:
        screen.close()
