"""The API docs page renders in a real browser under its Content-Security-Policy, loading nothing from
elsewhere (a CSP violation would show as a console error)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import LiveSite, watched_page

pytestmark = pytest.mark.browser


def test_the_api_docs_render_under_their_csp(live_site: LiveSite, chromium: Browser) -> None:
    context = chromium.new_context()
    problems: list[str] = []
    foreign: list[str] = []
    page = watched_page(context, problems)
    page.on(
        "request", lambda request: None if request.url.startswith(live_site.base_url) else foreign.append(request.url)
    )
    page.goto(f"{live_site.base_url}/api/docs")
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/track/{reference}")).to_be_visible()
    page.locator(".opblock-summary", has_text="/api/v1/track/{reference}").click()
    expect(page.locator(".try-out__btn")).to_be_visible()
    context.close()
    assert problems == [], problems
    assert foreign == [], foreign
