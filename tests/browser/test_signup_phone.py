"""Applying to join on a 390 px phone, in zh-HK, English and zh-CN: the password's strength is judged while it is
typed, by the server's rule; a form sent half filled shows every field's error at once, before it leaves
the phone; the server, asked without the script's checks, names them all at once too. Photographed."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from harbourlink import identity
from tests.browser.conftest import ARTIFACTS, LiveSite, phone, watched_page

pytestmark = pytest.mark.browser

WORDS = {
    "zh-HK": {
        "submit": "提交申請",
        "strong": "這個密碼夠強。",
        "weak": "請使用最少 10 個字元",
        "required": "必須填寫此欄。",
        "types": "請最少選擇一種公司類別。",
        "mismatch": "兩次輸入的密碼不相同。",
    },
    "zh-CN": {
        "submit": "提交申请",
        "strong": "这个密码足够强。",
        "weak": "请使用至少 10 个字符",
        "required": "此项为必填项。",
        "types": "请至少选择一种公司类别。",
        "mismatch": "两次输入的密码不一致。",
    },
    "en": {
        "submit": "Submit application",
        "strong": "This password is strong enough.",
        "weak": "Use at least 10 characters",
        "required": "This field is required.",
        "types": "Choose at least one company type.",
        "mismatch": "The two passwords are not the same.",
    },
}
# Passwords the page and the server must judge alike: long enough or not, three kinds of character or two.
SAMPLES = ("abcdefghij", "abcdefghi1", "Abcdefghi1", "Abcdefgh1", "ABCDEFGH!1", "пароль-Пароль-1", "🚢🚢🚢🚢🚢aA1!x")


def _error(page: Page, field: str) -> str:
    return page.locator(f"#f-{field.replace('.', '-')}-error").inner_text()


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("lang", ["zh-HK", "en", "zh-CN"])
def test_a_half_filled_application_shows_every_error_at_once(live_site: LiveSite, chromium: Browser, lang: str) -> None:
    words = WORDS[lang]
    screen = phone(chromium, locale={"en": "en-GB"}.get(lang, lang))  # its browser asks for the language
    problems: list[str] = []
    page = watched_page(screen, problems)
    try:
        page.goto(f"{live_site.base_url}/signup")  # the phone's own language chooses the page's
        expect(page.locator("html")).to_have_attribute("lang", lang)
        offered = page.locator("input[name=types]").evaluate_all("boxes => boxes.map(box => box.value)")
        assert sorted(offered) == sorted(kind.value for kind in identity.SELF_SERVICE_TYPES)

        verdict = page.locator("#f-applicant-password-verdict")
        for sample in SAMPLES:
            page.fill("#f-applicant-password", sample)
            expected = words["strong"] if identity.PASSWORD_RULE.is_strong(sample) else words["weak"]
            expect(verdict).to_contain_text(expected)

        page.fill("#f-name", "Kowloon Freight Limited")
        page.fill("#f-applicant-password", "abcdefghij")
        page.fill("#f-applicant-password_confirm", "abcdefghi")
        page.get_by_role("button", name=words["submit"]).click()
        expect(page.locator("#f-applicant-password-error")).to_contain_text(words["weak"])
        assert page.url.endswith("/signup")  # nothing was sent
        assert _error(page, "applicant.password_confirm") == words["mismatch"]
        assert _error(page, "types") == words["types"]
        for field in (
            "business_registration",
            "applicant.display_name",
            "doc.identity_proof.number",
            "doc.business_registration.number",
            "doc.authorisation_letter.number",
        ):
            assert _error(page, field) == words["required"], field
        assert page.locator("main .alert").is_visible()
        _fits(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"signup-errors-{lang}.png"), full_page=True)

        page.fill("#f-applicant-password", "Harbour-Link-2026")
        expect(verdict).to_have_text(words["strong"])
        expect(page.locator("#f-applicant-password-error")).to_have_count(0)  # typing clears the field's error

        page.evaluate("document.querySelector('form.signup').noValidate = true")
        page.evaluate("HTMLFormElement.prototype.submit.call(document.querySelector('form.signup'))")
        expect(page.locator("#f-types-error")).to_have_text(words["types"])  # the server's answer, all at once
        assert _error(page, "applicant.password_confirm") == words["mismatch"]
        assert _error(page, "doc.authorisation_letter.number")
        assert _error(page, "business_registration")
        _fits(page)
        page.screenshot(path=str(ARTIFACTS / f"signup-server-errors-{lang}.png"), full_page=True)
        assert [problem for problem in problems if "status of 422" not in problem] == []  # the refusal itself
    finally:
        screen.close()
