"""Legs and pickups on the web: the forwarder nominates, the trucking company accepts and assigns a truck."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from harbourlink.kernel import Database
from tests.trucking.support import CONTAINER, haulage
from tests.web.conftest import csrf_of, log_in, submit, text_of

WORDS = {
    "zh-HK": ("運段及提貨", "已指定", "提貨工作", "已放行", "已安排車輛及司機", "未開始"),
    "en": (
        "Legs and pickups",
        "Nominated.",
        "Pickup jobs",
        "Released",
        "The truck and driver are assigned",
        "Not started",
    ),
    "zh-CN": ("运段及提货", "已指定", "提货任务", "已放行", "已安排车辆及司机", "未开始"),
}


@pytest.mark.parametrize("lang", ["zh-HK", "en", "zh-CN"])
def test_a_truck_leg_from_nomination_to_an_assigned_driver(client: TestClient, db: Database, lang: str) -> None:
    title, nominated, jobs, released, assigned, not_started = WORDS[lang]
    world = haulage(client, db)
    log_in(client, world.forwarder.admin_email)
    page = client.get("/legs", params={"lang": lang})
    assert page.status_code == 200 and title in text_of(page.text)
    sent = submit(
        client,
        "/legs",
        "/legs",
        {
            "reference_type": "CONTAINER",
            "reference": "mscu 123456-6",
            "mode": "TRUCK",
            "party_org_id": world.trucker.org_id,
            "window_opens": "2026-11-24T08:00",
            "packages": "40",
        },
    )
    assert sent.status_code == 200 and nominated in text_of(sent.text) and CONTAINER in sent.text
    refused = submit(
        client,
        "/legs",
        "/legs",
        {"reference_type": "CONTAINER", "reference": CONTAINER, "mode": "TRUCK", "party_org_id": world.outsider.org_id},
    )
    assert refused.status_code == 422 and 'role="alert"' in refused.text
    [leg] = client.get("/api/v1/legs", headers=world.forwarder.auth).json()
    assert leg["window_opens"] == "2026-11-24T00:00:00Z" and leg["packages"] == 40

    client.cookies.clear()
    log_in(client, world.trucker.admin_email)
    page = client.get("/legs", params={"lang": lang})
    assert jobs in text_of(page.text) and released in text_of(page.text) and "HITHK" in page.text
    accepted = client.post(f"/legs/{leg['id']}/accept", data={"csrf_token": csrf_of(page.text)})
    assert accepted.status_code == 200
    fields = {f"{leg['id']}.vehicle": "xy 1234", f"{leg['id']}.driver_user_id": world.driver_id}
    missing = client.post(f"/legs/{leg['id']}/trip", data={"csrf_token": csrf_of(accepted.text)})
    assert missing.status_code == 422 and f'id="f-{leg["id"]}-vehicle-error"' in missing.text
    done = client.post(f"/legs/{leg['id']}/trip", data={"csrf_token": csrf_of(accepted.text), **fields})
    assert done.status_code == 200 and assigned in text_of(done.text) and not_started in text_of(done.text)
    assert client.get("/api/v1/legs", headers=world.forwarder.auth).json()[0]["trip_status"] == "planned"


def test_another_company_cannot_answer_or_withdraw_a_leg(client: TestClient, db: Database) -> None:
    world = haulage(client, db)
    leg = client.post(
        "/api/v1/legs",
        headers=world.forwarder.auth,
        json={
            "reference": CONTAINER,
            "reference_type": "CONTAINER",
            "mode": "TRUCK",
            "party_org_id": world.trucker.org_id,
        },
    )
    log_in(client, world.outsider.admin_email)
    token = csrf_of(client.get("/legs").text)
    for action in ("accept", "decline", "withdraw"):
        assert client.post(f"/legs/{leg.json()['id']}/{action}", data={"csrf_token": token}).status_code == 404
    leg_id = leg.json()["id"]
    assigned = client.post(
        f"/legs/{leg_id}/trip",
        data={"csrf_token": token, f"{leg_id}.vehicle": "ab 1", f"{leg_id}.driver_user_id": world.driver_id},
    )
    assert assigned.status_code == 404
    assert CONTAINER not in client.get("/legs").text
    assert client.get(f"/api/v1/legs/{leg.json()['id']}", headers=world.forwarder.auth).json()["status"] == "nominated"
