"""On a phone in zh-HK, HK customs opens a sealed trip the lock drove through the listener: locked on its way to
the exit, a tamper alert, and the page fits a 390 px screen; mainland customs sees none of it."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from harbourlink.kernel import create_database
from harbourlink.worker.elock_listener import ElockListener
from tests.browser.conftest import PHONE, LiveSite, first_login, phone, watched_page
from tests.elock.support import scheme, seed_fixes, seed_sentences, sentence, trip_body

pytestmark = pytest.mark.browser


def test_hk_customs_follows_a_sealed_trip_on_a_phone(live_site: LiveSite, chromium: Browser, tmp_path: Path) -> None:
    db = create_database(f"sqlite:///{tmp_path / 'harbourlink.db'}")
    world = scheme(db)
    with httpx.Client(base_url=live_site.base_url, timeout=30) as http:
        lock = {"device_id": "860000000001", "protocol": "eseal"}
        assert http.post("/api/v1/elock/devices", headers=world.hk.auth, json=lock).status_code == 201
        created = http.post("/api/v1/elock/trips", headers=world.hk.auth, json=trip_body(world))
        assert created.status_code == 201, created.text
    trip_id = created.json()["id"]
    fixes = seed_fixes()
    road = fixes[30]
    stream = b"".join(seed_sentences(fixes[:30])) + sentence(
        "Event-Door", 900, road.at, road.lat, road.lon, door="Open"
    )

    async def drive() -> None:
        listener = ElockListener(db, port=0)
        await listener.start()
        assert listener.address is not None
        reader, writer = await asyncio.open_connection(*listener.address)
        writer.write(stream)
        writer.write_eof()
        await reader.read()
        writer.close()
        await listener.stop()

    with ThreadPoolExecutor(1) as aside:  # Playwright's own event loop runs in this thread
        aside.submit(asyncio.run, drive()).result(timeout=120)
    db.engine.dispose()

    screen = phone(chromium)
    problems: list[str] = []
    page = watched_page(screen, problems)
    try:
        first_login(page, live_site.base_url, world.hk.admin_email, lang="zh-HK", log_in="登入", confirm="確認")
        page.goto(f"{live_site.base_url}/elock/trips/{trip_id}")
        expect(page.locator("#elock-state")).to_have_text("已上鎖，前往香港出境口岸")
        expect(page.locator("#elock-lock")).to_have_text("已上鎖")
        expect(page.locator("#elock-transitions")).to_contain_text("離開起點")
        expect(page.locator("#elock-alerts")).to_contain_text("電子鎖被破壞")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert problems == []
    finally:
        screen.close()
