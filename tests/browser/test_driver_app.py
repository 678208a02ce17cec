"""The driver's app on a 390 px phone, with Chromium's geolocation emulation, and the forwarder watching.

The driver starts the trip at pickup and the phone's positions arrive; the phone goes offline and
its positions queue in its storage; back online, the first upload's answer is lost on the way (the
server stored it, the phone never heard), so the phone sends the queue again: each position is
stored exactly once. Meanwhile the forwarder's open tracking page moves the truck without a reload,
and shows it delivered when the driver ends the trip at the warehouse.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Error, Page, Route, expect

from tests.browser.conftest import ARTIFACTS, LiveSite, first_login, phone, watched_page
from tests.browser.haulage import DRIVER_EMAIL, api, live_haulage
from tests.conftest import Company
from tests.trucking.support import CONTAINER, PICKUP, WAREHOUSE

OFFLINE = ("net::ERR_INTERNET_DISCONNECTED", "net::ERR_CONNECTION_RESET")
"""What the browser reports of the uploads tried in the tunnel and of the answer lost: expected, nothing else."""
ROUTE = [(round(PICKUP[0] + 0.0045 * step, 4), round(PICKUP[1] - 0.002 * step, 4)) for step in range(6)]
"""The truck's positions, north from the terminal towards the warehouse in Tsuen Wan."""


def _haulage(site: LiveSite, tmp_path: Path) -> tuple[Company, Company, str]:
    """The forwarder's container, shared with the trucking company, and a trip planned for its driver."""
    world = live_haulage(site, tmp_path)
    trip = api(
        site,
        world.trucker,
        "POST",
        "/api/v1/trips",
        json={
            "reference": CONTAINER,
            "vehicle": "XY 1234",
            "driver_user_id": world.driver_id,
            "destination": WAREHOUSE,
        },
    )
    return world.forwarder, world.trucker, trip["id"]


def _move(context: BrowserContext, step: int) -> None:
    latitude, longitude = ROUTE[step]
    context.set_geolocation({"latitude": latitude, "longitude": longitude, "accuracy": 8})


@contextmanager
def _phones(chromium: Browser, site: LiveSite, *, at: int) -> Iterator[tuple[BrowserContext, BrowserContext]]:
    """The driver's phone in the cab (its position at ``ROUTE[at]``, the site allowed to read it) and the
    forwarder's phone in the office."""
    cab, office = phone(chromium), phone(chromium)
    cab.grant_permissions(["geolocation"], origin=site.base_url)
    _move(cab, at)
    try:
        yield cab, office
    finally:
        cab.close()
        office.close()


def _queued(page: Page, count: int) -> None:
    expect(page.locator("#sharing")).to_have_attribute("data-queued", str(count), timeout=30_000)


def _stored(site: LiveSite, trucker: Company, trip_id: str) -> list[dict[str, Any]]:
    positions: list[dict[str, Any]] = api(site, trucker, "GET", f"/api/v1/trips/{trip_id}")["positions"]
    return positions


def _shoot(page: Page, name: str) -> None:
    """The whole page, and the truck's card alone where there is one (a tracking page is long)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    if page.locator("article.truck").count():
        page.locator("article.truck").first.screenshot(path=str(ARTIFACTS / f"{name}-card.png"))


@pytest.mark.browser
def test_positions_queue_offline_arrive_once_and_move_the_truck_on_the_forwarders_page(
    live_site: LiveSite, chromium: Browser, tmp_path: Path
) -> None:
    forwarder, trucker, trip_id = _haulage(live_site, tmp_path)
    problems: list[str] = []
    with _phones(chromium, live_site, at=0) as (cab, office):
        driver = watched_page(cab, problems)
        first_login(driver, live_site.base_url, DRIVER_EMAIL, lang="zh-HK", log_in="登入", confirm="確認")
        driver.locator("nav.main-nav").get_by_role("link", name="行程", exact=True).click()
        expect(driver.locator("h1")).to_have_text("今日工作")
        driver.locator(f'a[href="/trips/{trip_id}"]').click()
        driver.get_by_role("button", name="已提貨：開始行程").click()
        expect(driver.locator("#trip-status")).to_have_text("運送中")
        _queued(driver, 0)
        expect(driver.locator("#queue-state")).to_contain_text("所有位置已傳送")
        assert [(p["lat"], p["lon"]) for p in _stored(live_site, trucker, trip_id)] == ROUTE[:1]

        watcher = watched_page(office, problems)
        first_login(watcher, live_site.base_url, forwarder.admin_email, lang="zh-HK", log_in="登入", confirm="確認")
        watcher.goto(f"{live_site.base_url}/track/{CONTAINER}")
        card = watcher.locator(f"#truck-{trip_id}")
        marker = card.locator(".truck-marker")
        expect(card.locator('[data-slot="status"]')).to_have_text("運送中")
        expect(marker).to_have_attribute("data-latitude", str(ROUTE[0][0]))
        watcher.evaluate("window.stillTheSamePage = true")

        _move(cab, 1)  # on the road, online: sent at once, and the forwarder's truck moves
        expect(marker).to_have_attribute("data-latitude", str(ROUTE[1][0]), timeout=15_000)
        first_move = marker.get_attribute("transform")

        cab.set_offline(True)  # into a tunnel: the phone keeps its positions
        for step in (2, 3, 4):
            _move(cab, step)
            _queued(driver, step - 1)
        expect(driver.locator("#queue-state")).to_contain_text("3 個位置暫存在這部手機")
        _shoot(driver, "driver-trip-offline-zh-HK")
        assert len(_stored(live_site, trucker, trip_id)) == 2

        lost: list[int] = []

        def lose_the_first_answer(route: Route) -> None:
            if lost:
                route.continue_()
                return
            try:
                answer = route.fetch()  # the server stores the positions …
            except Error:
                route.abort()
                return
            lost.append(answer.status)
            route.abort("connectionreset")  # … and the phone never hears of it

        driver.route("**/api/v1/trips/*/positions", lose_the_first_answer)
        cab.set_offline(False)
        _queued(driver, 0)
        assert lost == [201]
        stored = _stored(live_site, trucker, trip_id)
        assert [(p["lat"], p["lon"]) for p in stored] == ROUTE[:5]  # each once, in the order taken
        reports = api(live_site, trucker, "GET", "/api/v1/position-reports")
        assert (reports[0]["status"], reports[0]["accepted"], reports[0]["duplicates"]) == ("duplicate", 0, 3)

        expect(marker).to_have_attribute("data-latitude", str(ROUTE[4][0]), timeout=15_000)
        assert marker.get_attribute("transform") != first_move

        # The truck's own tracker reports too (OsmAnd, with its speed): the same trip, and an arrival estimate.
        tracker = api(live_site, trucker, "POST", "/api/v1/devices", json={"vehicle": "XY1234"})["device_id"]
        reported = httpx.get(
            f"{live_site.base_url}/osmand",
            params={"id": tracker, "lat": ROUTE[5][0], "lon": ROUTE[5][1], "speed": "20", "bearing": "350"},
            timeout=30,
        )
        assert reported.status_code == 200, reported.text
        expect(marker).to_have_attribute("data-latitude", str(ROUTE[5][0]), timeout=15_000)
        expect(card.locator('[data-slot="arrives"]')).to_contain_text("約")
        _shoot(watcher, "tracking-truck-zh-HK")

        driver.get_by_role("button", name="貨倉已收貨：結束行程").click()
        expect(driver.locator("#trip-status")).to_have_text("已送達")
        expect(card.locator('[data-slot="status"]')).to_have_text("已送達", timeout=15_000)
        expect(card.locator('[data-slot="arrival"]')).to_contain_text("送達")
        assert watcher.evaluate("window.stillTheSamePage") is True  # moved and ended live, never reloaded
        assert [p for p in problems if not any(cut in p for cut in OFFLINE)] == []  # a CSP violation among them


@pytest.mark.browser
@pytest.mark.parametrize(
    ("lang", "log_in", "confirm", "jobs", "start"),
    [
        ("en", "Log in", "Confirm", "Trips", "Cargo picked up: start the trip"),
        ("zh-CN", "登录", "确认", "行程", "已提货：开始行程"),
    ],
)
def test_the_driver_app_and_the_truck_in_english_and_simplified_chinese(
    live_site: LiveSite, chromium: Browser, tmp_path: Path, lang: str, log_in: str, confirm: str, jobs: str, start: str
) -> None:
    forwarder, _trucker, trip_id = _haulage(live_site, tmp_path)
    problems: list[str] = []
    with _phones(chromium, live_site, at=2) as (cab, office):
        driver = watched_page(cab, problems)
        first_login(driver, live_site.base_url, DRIVER_EMAIL, lang=lang, log_in=log_in, confirm=confirm)
        driver.locator("nav.main-nav").get_by_role("link", name=jobs, exact=True).click()
        _shoot(driver, f"driver-jobs-{lang}")
        driver.locator(f'a[href="/trips/{trip_id}"]').click()
        driver.get_by_role("button", name=start).click()
        _queued(driver, 0)
        _shoot(driver, f"driver-trip-{lang}")
        watcher = watched_page(office, problems)
        first_login(watcher, live_site.base_url, forwarder.admin_email, lang=lang, log_in=log_in, confirm=confirm)
        watcher.goto(f"{live_site.base_url}/track/{CONTAINER}")
        expect(watcher.locator(".truck-marker")).to_be_visible()
        _shoot(watcher, f"tracking-truck-{lang}")
        assert problems == []
