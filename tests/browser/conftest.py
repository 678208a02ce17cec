"""A real HarbourLink served by uvicorn on 127.0.0.1, and Debian's Chromium to drive it.

Playwright's own browser downloads are never used: Chromium comes from the system package.
Without ``/usr/bin/chromium`` the browser tests are skipped, except under ``CI=true``.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyotp
import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, ViewportSize, expect, sync_playwright

from harbourlink import identity
from harbourlink.app import create_app
from harbourlink.kernel import create_database
from harbourlink.schema import upgrade
from harbourlink.settings import Settings
from tests.conftest import STRONG_PASSWORD, make_company

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).parent / "artifacts"
SECRET_KEY = "browser-test-secret-key-not-for-production"


@dataclass
class LiveSite:
    """The running app, and the operator's administrator who can approve applications."""

    base_url: str
    operator_email: str
    operator_totp_secret: str
    app: FastAPI


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _seed_operator(database_url: str) -> tuple[str, str]:
    """An active operator company whose administrator already enrolled TOTP."""
    db = create_database(database_url)
    operator = make_company(db, "HarbourLink Operations", "operator")
    sealer = identity.Sealer(SECRET_KEY)
    with db.transaction() as session:
        user = identity.user_by_id(session, operator.admin_id)
        assert user is not None
        identity.begin_totp_enrolment(user, sealer)
        user.totp_enabled = True
        seed = identity.totp_seed(user, sealer)
    db.engine.dispose()
    assert seed is not None
    return operator.admin_email, seed


@pytest.fixture
def live_site(tmp_path: Path) -> Iterator[LiveSite]:
    """A fresh, migrated SQLite database and the whole app serving it over real HTTP."""
    database_url = f"sqlite:///{tmp_path / 'harbourlink.db'}"
    upgrade(database_url)
    email, seed = _seed_operator(database_url)
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    app = create_app(Settings(data_dir=tmp_path, database_url=database_url, secret_key=SECRET_KEY, base_url=base_url))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield LiveSite(base_url=base_url, operator_email=email, operator_totp_secret=seed, app=app)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{CHROMIUM} is required under CI=true (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed")
    playwright: Playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


PHONE: ViewportSize = {"width": 390, "height": 844}
"""A 390 × 844 touch screen, the size of a common phone."""


def phone(browser: Browser, *, locale: str = "zh-HK", **options: Any) -> BrowserContext:
    """A phone-sized touch screen set to ``locale``, a Hong Kong phone unless told otherwise: its browser asks
    pages for that language (``accept_downloads=True`` and the like pass through)."""
    return browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, locale=locale, **options
    )


def watched_page(context: BrowserContext, problems: list[str]) -> Page:
    """A page whose console errors (CSP violations among them) and script errors are collected."""
    page = context.new_page()
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page


def first_login(page: Page, base_url: str, email: str, *, lang: str, log_in: str, confirm: str) -> None:
    """A person's first login on this phone, in ``lang``: password, then enrolling the authenticator.

    ``log_in`` and ``confirm`` are the two buttons' words in that language.
    """
    page.goto(f"{base_url}/login" + ("" if lang == "zh-HK" else f"?lang={lang}"))
    page.fill("#f-login", email)
    page.fill("#f-password", STRONG_PASSWORD)
    page.get_by_role("button", name=log_in, exact=True).click()
    secret = page.locator("#totp-secret").inner_text().strip()
    page.fill("#f-code", pyotp.TOTP(secret).now())
    page.get_by_role("button", name=confirm).click()
    expect(page.locator("nav.main-nav")).to_be_visible()
