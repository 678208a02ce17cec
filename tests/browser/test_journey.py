"""A company's first day, on a phone, in zh-HK and in English: apply, be approved, enrol TOTP,
log in again with a fresh code, add a colleague and connect a system with an API key."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pyotp
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import ARTIFACTS, LiveSite, phone, watched_page
from tests.conftest import STRONG_PASSWORD

pytestmark = pytest.mark.browser

WORDS = {
    "zh-HK": {
        "apply": "申請帳戶",
        "submit": "提交申請",
        "received": "已收到申請",
        "log_in": "登入",
        "log_out": "登出",
        "enrol": "設定雙重認證",
        "confirm": "確認",
        "totp": "雙重認證",
        "continue": "繼續",
        "console": "營運者控制台",
        "approve": "批准",
        "approved": "公司已獲批准，現可登入。",
        "admin": "公司管理",
        "users": "用戶",
        "add_user_form": "新增用戶",
        "add_user": "新增用戶",
        "keys": "API 密鑰",
        "issue": "發出密鑰",
        "home": "你可以做的事",
        "offline": "你目前處於離線狀態",
    },
    "en": {
        "apply": "Apply for an account",
        "submit": "Submit application",
        "received": "Application received",
        "log_in": "Log in",
        "log_out": "Log out",
        "enrol": "Set up two-factor authentication",
        "confirm": "Confirm",
        "totp": "Two-factor authentication",
        "continue": "Continue",
        "console": "Operator console",
        "approve": "Approve",
        "approved": "The company is approved and can log in.",
        "admin": "Company administration",
        "users": "Users",
        "add_user_form": "Add a user",
        "add_user": "Add user",
        "keys": "API keys",
        "issue": "Issue key",
        "home": "What you can do",
        "offline": "You are offline",
    },
}


@pytest.fixture
def phones(chromium: Browser) -> Iterator[tuple[BrowserContext, BrowserContext]]:
    """Two phones: the applicant's and the operator's, each with its own cookies."""
    applicant, operator = phone(chromium), phone(chromium)
    yield applicant, operator
    applicant.close()
    operator.close()


def _apply(page: Page, site: LiveSite, lang: str, words: dict[str, str], email: str) -> None:
    page.goto(f"{site.base_url}/signup" + ("" if lang == "zh-HK" else f"?lang={lang}"))
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.get_by_role("heading", level=1)).to_have_text(words["apply"])
    page.fill("#f-name", "Tsing Yi Logistics Limited")
    page.fill("#f-name_local", "青衣物流有限公司")
    page.check("input[name=types][value=forwarder]")
    page.select_option("#f-operation_mode", "agent")
    page.fill("#f-business_registration", "87654321")
    page.fill("#f-contact_email", "office@tsingyi.example.hk")
    for kind, number in (
        ("identity_proof", "C112233(4)"),
        ("business_registration", "87654321-000"),
        ("authorisation_letter", "TY-AUTH-1"),
    ):
        page.fill(f"#f-doc-{kind}-number", number)
        page.fill(f"#f-doc-{kind}-issuer", "HKSAR")
    page.fill("#f-applicant-display_name", "Wong Ka Yan")
    page.fill("#f-applicant-email", email)
    page.fill("#f-applicant-password", STRONG_PASSWORD)
    page.fill("#f-applicant-password_confirm", STRONG_PASSWORD)
    page.get_by_role("button", name=words["submit"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["received"])


def _log_in(page: Page, site: LiveSite, words: dict[str, str], email: str) -> None:
    page.goto(f"{site.base_url}/login")
    expect(page.get_by_role("heading", level=1)).to_have_text(words["log_in"])
    page.fill("#f-login", email)
    page.fill("#f-password", STRONG_PASSWORD)
    page.get_by_role("button", name=words["log_in"], exact=True).click()


def _enter_code(page: Page, words: dict[str, str], secret: str, button: str) -> int:
    """Types the current code; returns its time step (the server refuses to accept it twice)."""
    step = int(time.time()) // 30
    page.fill("#f-code", pyotp.TOTP(secret).at(step * 30))
    page.get_by_role("button", name=words[button]).click()
    return step


def _approve(page: Page, site: LiveSite, words: dict[str, str]) -> None:
    _log_in(page, site, words, site.operator_email)
    expect(page.get_by_role("heading", level=1)).to_have_text(words["totp"])
    _enter_code(page, words, site.operator_totp_secret, "continue")
    expect(page.get_by_role("heading", level=2, name=words["home"])).to_be_visible()
    page.goto(f"{site.base_url}/operator")
    expect(page.get_by_role("heading", level=1)).to_have_text(words["console"])
    application = page.locator("li.application", has_text="Tsing Yi Logistics Limited")
    expect(application).to_contain_text("TY-AUTH-1")
    application.get_by_role("button", name=words["approve"], exact=True).click()
    expect(page.get_by_role("status")).to_have_text(words["approved"])


def _wait_for_next_step(used: int) -> None:
    while int(time.time()) // 30 <= used:
        time.sleep(0.5)


@pytest.mark.parametrize("lang", ["zh-HK", "en"])
def test_a_company_joins_and_connects_its_system(
    live_site: LiveSite,
    phones: tuple[BrowserContext, BrowserContext],
    lang: str,
) -> None:
    words = WORDS[lang]
    problems: list[str] = []
    applicant_phone, operator_phone = phones
    email = f"wong.{lang.lower()}@tsingyi.example.hk"
    page = watched_page(applicant_phone, problems)
    _apply(page, live_site, lang, words, email)
    operator = watched_page(operator_phone, problems)
    operator.goto(f"{live_site.base_url}/login" + ("" if lang == "zh-HK" else f"?lang={lang}"))
    _approve(operator, live_site, words)

    _log_in(page, live_site, words, email)
    expect(page.get_by_role("heading", level=1)).to_have_text(words["enrol"])
    expect(page.locator(".qr-box svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().strip()
    used = _enter_code(page, words, secret, "confirm")
    expect(page.get_by_role("heading", level=2, name=words["home"])).to_be_visible()
    page.get_by_role("button", name=words["log_out"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["log_in"])

    _wait_for_next_step(used)
    _log_in(page, live_site, words, email)
    expect(page.get_by_role("heading", level=1)).to_have_text(words["totp"])
    _enter_code(page, words, secret, "continue")
    expect(page.get_by_role("heading", level=2, name=words["home"])).to_be_visible()

    page.goto(f"{live_site.base_url}/admin")
    expect(page.get_by_role("heading", level=1)).to_have_text(words["admin"])
    page.get_by_role("navigation").get_by_role("link", name=words["users"], exact=True).click()
    page.get_by_text(words["add_user_form"], exact=True).first.click()
    page.fill("#f-email", f"clerk.{lang.lower()}@tsingyi.example.hk")
    page.fill("#f-display_name", "Lam Clerk")
    page.get_by_role("button", name=words["add_user"], exact=True).click()
    expect(page.locator("#temporary-password")).to_be_visible()

    page.get_by_role("navigation").get_by_role("link", name=words["keys"], exact=True).click()
    page.fill("#f-name", "Warehouse system")
    page.get_by_role("button", name=words["issue"], exact=True).click()
    key = page.locator("#new-api-key").inner_text().strip()
    assert key.startswith("hlk_")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"admin-keys-{lang}.png"), full_page=True)

    page.reload()
    expect(page.locator("#new-api-key")).to_have_count(0)
    assert key not in page.content()
    me = httpx.get(f"{live_site.base_url}/api/v1/me", headers={"Authorization": f"Bearer {key}"}, timeout=10)
    assert me.status_code == 200
    assert me.json()["organisation"]["name"] == "Tsing Yi Logistics Limited"
    assert problems == []  # among them any Content-Security-Policy violation
    _check_offline_page(page, applicant_phone, live_site, words)


def _check_offline_page(page: Page, context: BrowserContext, site: LiveSite, words: dict[str, str]) -> None:
    """The service worker installed itself and answers navigations with the offline page."""
    assert page.evaluate("() => navigator.serviceWorker.ready.then((registration) => Boolean(registration.active))")
    context.set_offline(True)
    try:
        page.goto(f"{site.base_url}/admin")
        expect(page.get_by_role("heading", level=1)).to_have_text(words["offline"])
    finally:
        context.set_offline(False)
