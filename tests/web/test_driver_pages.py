"""The driver's pages and the trucks on the tracking page, in the three languages."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from harbourlink.kernel import Database
from tests.trucking.support import CONTAINER, drive, haulage, plan_trip
from tests.web.conftest import csrf_of, log_in, text_of

WORDS = {
    "zh-HK": ("今日工作", "已提貨：開始行程", "貨倉已收貨：結束行程", "運送中"),
    "en": ("Today's jobs", "Cargo picked up: start the trip", "Received at the warehouse: end the trip", "On the road"),
    "zh-CN": ("今日任务", "已提货：开始行程", "仓库已收货：结束行程", "运送中"),
}


@pytest.mark.parametrize("lang", ["zh-HK", "en", "zh-CN"])
def test_a_driver_starts_and_ends_a_trip_from_the_phone(client: TestClient, db: Database, lang: str) -> None:
    world = haulage(client, db)
    trip = plan_trip(client, world)
    jobs_title, start, finish, on_the_road = WORDS[lang]
    log_in(client, world.driver_email)
    jobs = client.get("/trips", params={"lang": lang})
    assert jobs.status_code == 200 and jobs_title in jobs.text and f'href="/trips/{trip["id"]}"' in jobs.text
    assert 'href="/trips" aria-current="page"' in jobs.text  # the driver's tab in the menu

    page = client.get(f"/trips/{trip['id']}")
    assert start in text_of(page.text) and 'id="sharing"' not in page.text
    started = client.post(f"/trips/{trip['id']}/start", data={"csrf_token": csrf_of(page.text)})
    assert started.status_code == 200 and started.url.path == f"/trips/{trip['id']}"
    assert on_the_road in text_of(started.text) and finish in text_of(started.text)
    sharing = re.search(r'<section class="card sharing" id="sharing"[^>]*>', started.text)
    assert (
        sharing
        and 'data-watch="1"' in sharing.group(0)
        and f'data-api="/api/v1/trips/{trip["id"]}/positions"' in sharing.group(0)
        and f'data-csrf="{csrf_of(started.text)}"' in sharing.group(0)
    )
    assert "/static/driver.js" in started.text

    ended = client.post(f"/trips/{trip['id']}/finish", data={"csrf_token": csrf_of(started.text)})
    assert 'data-watch="0"' in ended.text and finish not in text_of(ended.text)
    assert client.get("/api/v1/trips/" + trip["id"], headers=world.trucker.auth).json()["status"] == "finished"


def test_a_form_without_its_token_changes_nothing(client: TestClient, db: Database) -> None:
    world = haulage(client, db)
    trip = plan_trip(client, world)
    log_in(client, world.driver_email)
    assert client.post(f"/trips/{trip['id']}/start", data={"csrf_token": "forged"}).status_code == 403
    assert client.get(f"/api/v1/trips/{trip['id']}").json()["status"] == "planned"


def test_another_companys_trip_page_is_not_found(client: TestClient, db: Database) -> None:
    world = haulage(client, db)
    trip = plan_trip(client, world)
    log_in(client, world.forwarder.admin_email)
    assert client.get(f"/trips/{trip['id']}").status_code == 404
    assert 'href="/trips"' not in client.get("/track").text  # no trips tab for a forwarder
    token = csrf_of(client.get("/track").text)
    assert client.post(f"/trips/{trip['id']}/start", data={"csrf_token": token}).status_code == 404


@pytest.mark.parametrize("lang", ["zh-HK", "en", "zh-CN"])
def test_the_tracking_page_shows_the_truck_with_its_trail_and_eta(client: TestClient, db: Database, lang: str) -> None:
    world = haulage(client, db)
    trip = plan_trip(client, world)
    client.post(f"/api/v1/trips/{trip['id']}/positions", headers=world.trucker.auth, json=drive())
    log_in(client, world.forwarder.admin_email)
    page = client.get(f"/track/{CONTAINER}", params={"lang": lang})
    assert page.status_code == 200
    card = re.search(rf'<article class="card truck" id="truck-{trip["id"]}"[^>]*>', page.text)
    assert card and f'data-stream="/api/v1/trips/{trip["id"]}/stream?reference={CONTAINER}"' in card.group(0)
    assert 'class="truck-marker"' in page.text and 'class="track trail" points="' in page.text
    assert 'class="destination"' in page.text
    shown = text_of(page.text)
    assert WORDS[lang][3] in shown and "XY1234" in shown
    assert {"zh-HK": "到達", "en": "Arrives at Tsuen Wan warehouse about", "zh-CN": "到达"}[lang] in shown
    outsider = client.get(
        f"/api/v1/trips/{trip['id']}/stream", params={"reference": CONTAINER}, headers=world.outsider.auth
    )
    assert outsider.status_code == 404
