"""A sealed trip's page, in the three languages, as each authority and the trucking company see it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from harbourlink import elock
from harbourlink.kernel import Database
from tests.elock.support import Scheme, approve, scheme, seed_fixes, seed_sentences
from tests.web.conftest import log_in


@pytest.fixture
def sealed(client: TestClient, db: Database) -> tuple[Scheme, str]:
    world = scheme(db)
    trip_id = approve(client, world)
    assert client.post("/api/v1/subscriptions", headers=world.hk.auth, json={}).status_code == 201
    off_route = elock.Deviation(start_s=600, duration_s=180, offset_m=400)
    for line in seed_sentences(seed_fixes(deviation=off_route)[:90]):
        with db.transaction() as session:
            elock.receive_frame(session, peer="test", frame=elock.Frame(line.strip()))
    return world, trip_id


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "zh-HK",
            ["電子鎖行程 XY1234", "已上鎖，前往香港出境口岸", "香港段", "離開起點", "貨車偏離原定路線", "最遠偏離路線"],
        ),
        (
            "en",
            [
                "Sealed trip XY1234",
                "Locked, on its way to the Hong Kong exit",
                "Hong Kong segment",
                "left the origin",
                "m off the route",
            ],
        ),
        ("zh-CN", ["电子锁行程 XY1234", "已上锁，前往香港出境口岸", "香港段", "离开起点", "最远偏离路线"]),
    ],
)
def test_hk_customs_sees_its_segment_in_each_language(
    client: TestClient, sealed: tuple[Scheme, str], lang: str, words: list[str]
) -> None:
    world, trip_id = sealed
    log_in(client, world.hk.admin_email)
    page = client.get(f"/elock/trips/{trip_id}" + ("" if lang == "zh-HK" else f"?lang={lang}"))
    assert page.status_code == 200, page.text
    for word in words:
        assert word in page.text, word
    assert 'id="elock-alerts"' in page.text
    assert 'name="viewport"' in page.text
    history = client.get("/alerts?status=resolved" + ("" if lang == "zh-HK" else f"&lang={lang}"))
    assert history.status_code == 200
    assert {"zh-HK": "貨車偏離原定路線", "en": "Truck left its approved route", "zh-CN": "货车偏离原定路线"}[
        lang
    ] in history.text


def test_the_trucking_company_sees_no_alerts_and_others_nothing(client: TestClient, sealed: tuple[Scheme, str]) -> None:
    world, trip_id = sealed
    log_in(client, world.trucker.admin_email)
    page = client.get(f"/elock/trips/{trip_id}?lang=en")
    assert page.status_code == 200 and "Locked" in page.text
    assert 'id="elock-alerts"' not in page.text
    client.cookies.clear()
    log_in(client, world.outsider.admin_email)
    assert client.get(f"/elock/trips/{trip_id}").status_code == 404
