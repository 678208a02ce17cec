"""The phone simulator on a phone's screen: a bind by keypad, in English chosen with * 2, ends with the UBR shown."""

from __future__ import annotations

from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect

from harbourlink import identity, road
from harbourlink.kernel import Actor, Database, create_database
from harbourlink.settings import Settings
from tests.browser.conftest import ARTIFACTS, SECRET_KEY, LiveSite, first_login, phone, watched_page
from tests.conftest import make_company
from tests.ivr.conftest import Driver, make_driver, opt_in_to_binding
from tests.road.support import cargo, opt_in

pytestmark = pytest.mark.browser


def _lodged(db: Database) -> str:
    """A shipper's consignment, lodged for the driver to bind."""
    shipper = opt_in(db, make_company(db, "Kowloon Books", "cargo_owner"), identity.Service.ADVANCE_CARGO_INFO)
    actor = Actor(org_id=shipper.org_id, user_id=shipper.admin_id, roles=frozenset({"administrator"}))
    with db.transaction() as session:
        return road.do_lodge(session, actor, data=road.data_from_json(cargo())).ccrn


def _bound(db: Database, driver: Driver) -> list[tuple[str, list[str], str]]:
    """The driver's bindings in the store: UBR, CCRNs, channel."""
    with db.transaction() as session:
        return [(b.binding.ubr, b.ccrns, b.binding.channel) for b in road.list_bindings(session, driver.actor)]


def _keys(page: Page, keys: str, *, turns: int) -> int:
    """Presses ``keys`` on the keypad and waits for the hotline's answer (its ``turns``-th line)."""
    for key in keys:
        page.locator(f'.key[data-key="{key}"]').click()
    expect(page.locator("#transcript li.hotline")).to_have_count(turns + 1)
    return turns + 1


def test_a_bind_by_keypad_ends_with_the_ubr_on_screen(live_site: LiveSite, chromium: Browser, tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'harbourlink.db'}"
    db = create_database(database_url)
    driver = opt_in_to_binding(
        db, make_driver(db, Settings(data_dir=tmp_path, database_url=database_url, secret_key=SECRET_KEY))
    )
    ccrn = _lodged(db)
    admin_email = "admin@tai-kok-trucking.example.hk"
    problems: list[str] = []
    with phone(chromium) as context:
        page = watched_page(context, problems)
        first_login(page, live_site.base_url, admin_email, lang="zh-HK", log_in="登入", confirm="確認")
        page.get_by_role("link", name="電話模擬器").click()
        expect(page).to_have_url(f"{live_site.base_url}/phone")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page fits the phone's width"
        page.get_by_role("button", name="致電").click()
        hotline = page.locator("#transcript li.hotline")
        expect(hotline.first).to_contain_text("請輸入你嘅戶口號碼")
        turns = 1
        turns = _keys(page, "*2#", turns=turns)
        expect(hotline.last).to_contain_text("Please enter your account number")
        turns = _keys(page, driver.number + "#", turns=turns)
        turns = _keys(page, driver.password + "#", turns=turns)
        expect(hotline.last).to_contain_text("To bind, press 1")
        expect(page.locator("#transcript li.caller").last).to_have_text("你: ••••••")
        turns = _keys(page, "1", turns=turns)
        turns = _keys(page, ccrn + "#", turns=turns)
        expect(hotline.last).to_contain_text(ccrn)
        turns = _keys(page, "2", turns=turns)
        turns = _keys(page, pyotp.TOTP(driver.seed).now() + "#", turns=turns)
        turns = _keys(page, "3", turns=turns)
        expect(hotline.last).to_contain_text("To confirm, press 1")
        assert _bound(db, driver) == [], "nothing is bound before the read-back is confirmed"
        _keys(page, "1", turns=turns)

        ((ubr, ccrns, channel),) = _bound(db, driver)
        expect(hotline.last).to_contain_text(f"The binding is done. unique binding reference {ubr}")
        assert (ccrns, channel) == ([ccrn], "phone")
        page.screenshot(path=str(ARTIFACTS / "phone-simulator-bound.png"), full_page=True)
        page.get_by_role("button", name="掛線").click()
        expect(page.locator("#transcript li.ended")).to_have_count(1)
    assert problems == []
    db.engine.dispose()
