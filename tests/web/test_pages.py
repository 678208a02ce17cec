"""Every page speaks zh-HK unless asked otherwise (by the browser or ?lang=); ?lang= switches and is remembered."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import STRONG_PASSWORD, Company
from tests.web.conftest import log_in, submit, text_of

PUBLIC_PAGES = {"/login": "登入", "/signup": "申請帳戶", "/offline": "離線"}
# Words each page shows, in zh-HK, en and zh-CN.
MEMBER_PAGES = {
    "/": ("你可以做的事", "What you can do", "您可以做的事"),
    "/account/password": ("更改密碼", "Change password", "更改密码"),
    "/admin": ("公司管理", "Company administration", "公司管理"),
    "/admin/users": ("新增用戶", "Add a user", "添加用户"),
    "/admin/keys": ("API 密鑰", "API keys", "API 密钥"),
    "/admin/grants": ("分享參考編號", "Share a reference", "共享参考编号"),
    "/admin/access-log": ("查閱記錄", "Access log", "访问记录"),
    "/admin/security": ("保安事件", "Security events", "安全事件"),
    "/admin/services": ("網上服務", "Online services", "在线服务"),
    "/operator": ("營運者控制台", "Operator console", "运营方控制台"),
    "/operator/health": ("平台狀況", "Platform health", "平台状况"),
}
LANGUAGES = ("zh-HK", "en", "zh-CN")


@pytest.mark.parametrize(("path", "words"), PUBLIC_PAGES.items())
def test_public_pages_default_to_hong_kong_chinese(client: TestClient, path: str, words: str) -> None:
    response = client.get(path, headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert response.status_code == 200
    assert '<html lang="zh-HK">' in response.text
    assert words in text_of(response.text)


def test_member_pages_speak_every_language_and_default_to_hong_kong_chinese(
    client: TestClient,
    operator: Company,
) -> None:
    log_in(client, operator.admin_email)
    for index, code in enumerate(LANGUAGES):
        for path, words in MEMBER_PAGES.items():
            response = client.get(path if index == 0 else f"{path}?lang={code}")
            assert response.status_code == 200, path
            assert f'<html lang="{code}">' in response.text, path
            assert words[index] in text_of(response.text), (path, code)


def test_the_totp_page_speaks_the_chosen_language(client: TestClient, company_a: Company) -> None:
    response = submit(
        client, "/login?lang=zh-CN", "/login", {"login": company_a.admin_email, "password": STRONG_PASSWORD}
    )
    assert '<html lang="zh-CN">' in response.text
    assert "设置双重认证" in text_of(response.text)


def test_lang_switches_and_is_remembered(client: TestClient) -> None:
    english = client.get("/login?lang=en")
    assert '<html lang="en">' in english.text
    assert "Log in" in text_of(english.text)
    assert client.cookies["hl_lang"] == "en"
    assert '<html lang="en">' in client.get("/signup").text
    simplified = client.get("/signup?lang=zh-CN")
    assert '<html lang="zh-CN">' in simplified.text
    assert "申请账户" in text_of(simplified.text)
    assert '<html lang="zh-CN">' in client.get("/login").text


def test_an_unknown_language_falls_back_to_the_default(client: TestClient) -> None:
    response = client.get("/login?lang=fr")
    assert '<html lang="zh-HK">' in response.text
    assert "hl_lang" not in client.cookies


def test_every_page_offers_every_language(client: TestClient) -> None:
    page = client.get("/signup").text
    for code, name in (("zh-HK", "繁體中文"), ("en", "English"), ("zh-CN", "简体中文")):
        assert f'href="/signup?lang={code}"' in page
        assert name in page


def test_dates_are_written_in_the_page_language(client: TestClient, company_a: Company) -> None:
    log_in(client, company_a.admin_email)
    assert "年" in text_of(client.get("/admin").text)
    english = text_of(client.get("/admin?lang=en").text)
    assert any(
        month in english
        for month in ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    )
