"""The officers' side over the API: each authority's alert queue, acknowledging and disposing of an alert,
inspecting once, the console — and who gets 404 or 403 for what."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from harbourlink.kernel import Database
from tests.elock.support import Scheme, supervised

INSPECTION = {"officer": "Officer Chan 4521", "result": "no_finding", "seal_reapplied": True}


@pytest.fixture
def sealed(client: TestClient, db: Database) -> tuple[Scheme, str]:
    return supervised(client, db)


def _queue(client: TestClient, company: object) -> list[dict[str, object]]:
    answer = client.get("/api/v1/elock/alerts", headers=company.auth)  # type: ignore[attr-defined]
    assert answer.status_code == 200, answer.text
    return list(answer.json())


def test_each_customs_handles_its_own_segments_alerts_only(client: TestClient, sealed: tuple[Scheme, str]) -> None:
    world, trip_id = sealed
    [deviation] = _queue(client, world.hk)
    [tamper] = _queue(client, world.mainland)
    assert (deviation["kind"], deviation["segment"], deviation["trip_id"]) == ("deviation", "hk", trip_id)
    assert (tamper["kind"], tamper["segment"]) == ("tamper", "mainland")
    told = deviation["explanation"]
    assert isinstance(told, dict)
    assert 300 <= told["off_route_m"] <= 500 and 120 <= told["duration_s"] <= 240 and told["ongoing"] is False
    assert 22.3 < told["lat"] < 22.6 and 113.8 < told["lon"] < 114.2
    assert tamper["explanation"]["off_route_m"] is None  # type: ignore[index]

    for own, other, alert in ((world.hk, world.mainland, deviation), (world.mainland, world.hk, tamper)):
        path = f"/api/v1/elock/alerts/{alert['id']}"
        for stranger in (other, world.trucker, world.outsider):
            assert client.get(path, headers=stranger.auth).status_code == 404
            assert client.post(f"{path}/acknowledge", headers=stranger.auth).status_code == 404
            disposed = client.post(f"{path}/disposition", headers=stranger.auth, json={"disposition": "false_alarm"})
            assert disposed.status_code == 404
        assert client.get(path, headers=own.auth).json()["status"] == "open"  # nothing the others did stuck

    for company in (world.trucker, world.outsider):
        for path in ("/api/v1/elock/alerts", "/api/v1/elock/console", "/api/v1/elock/console/stream"):
            refused = client.get(path, headers=company.auth)
            assert refused.status_code == 403 and refused.json()["error"] == "not_customs"
    trucker_view = client.get(f"/api/v1/elock/trips/{trip_id}", headers=world.trucker.auth).json()
    assert trucker_view["state"] == "arrived" and trucker_view["alerts"] is None
    assert client.get(f"/api/v1/elock/trips/{trip_id}", headers=world.outsider.auth).status_code == 404


def test_an_officer_acknowledges_then_records_the_outcome_once(client: TestClient, sealed: tuple[Scheme, str]) -> None:
    world, _ = sealed
    [alert] = _queue(client, world.hk)
    path = f"/api/v1/elock/alerts/{alert['id']}"
    first = client.post(f"{path}/acknowledge", headers=world.hk.auth).json()
    assert first["status"] == "acknowledged" and first["handling"]["acknowledged_at"] is not None
    again = client.post(f"{path}/acknowledge", headers=world.hk.auth).json()
    assert again["handling"]["acknowledged_at"] == first["handling"]["acknowledged_at"]

    unsaid = client.post(f"{path}/disposition", headers=world.hk.auth, json={"disposition": "other", "note": " "})
    assert unsaid.status_code == 422 and unsaid.json()["error"] == "elock_note_required"
    done = client.post(f"{path}/disposition", headers=world.hk.auth, json={"disposition": "intercepted", "note": "LMC"})
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["handling"]["disposition"]) == ("disposed", "intercepted")
    twice = client.post(f"{path}/disposition", headers=world.hk.auth, json={"disposition": "false_alarm"})
    assert twice.status_code == 409 and twice.json()["error"] == "elock_alert_disposed"

    assert _queue(client, world.hk) == []  # handled: off the queue, still in the history
    history = client.get("/api/v1/elock/alerts", headers=world.hk.auth, params={"include_disposed": True}).json()
    assert [a["id"] for a in history] == [alert["id"]]
    console = client.get("/api/v1/elock/console", headers=world.hk.auth).json()
    assert console["alerts"] == [] and console["trips"][0]["open_alerts"] == 0


def test_a_disposition_acknowledges_too(client: TestClient, sealed: tuple[Scheme, str]) -> None:
    world, _ = sealed
    [alert] = _queue(client, world.mainland)
    done = client.post(
        f"/api/v1/elock/alerts/{alert['id']}/disposition",
        headers=world.mainland.auth,
        json={"disposition": "other", "note": "the driver opened it at a rest stop, seal re-applied"},
    ).json()
    assert done["handling"]["acknowledged_at"] is not None and done["handling"]["note"].startswith("the driver")


def test_the_cargo_is_inspected_once_and_the_other_customs_sees_it(
    client: TestClient, sealed: tuple[Scheme, str]
) -> None:
    world, trip_id = sealed
    path = f"/api/v1/elock/trips/{trip_id}/inspection"
    assert client.get(path, headers=world.hk.auth).status_code == 404  # none yet
    # neither authority records at the other's control point
    assert client.post(path, headers=world.hk.auth, json={**INSPECTION, "place": "mainland_entry"}).status_code == 404
    assert client.post(path, headers=world.mainland.auth, json={**INSPECTION, "place": "hk_exit"}).status_code == 404
    for company in (world.trucker, world.outsider):
        assert client.post(path, headers=company.auth, json={**INSPECTION, "place": "hk_exit"}).status_code == 404

    made = client.post(path, headers=world.hk.auth, json={**INSPECTION, "place": "hk_exit"})
    assert made.status_code == 201, made.text
    assert (made.json()["place_name"], made.json()["segment"]) == ("Lok Ma Chau control point", "hk")
    seen = client.get(path, headers=world.mainland.auth).json()
    assert (seen["officer"], seen["result"], seen["seal_reapplied"], seen["follow_up"]) == (
        "Officer Chan 4521",
        "no_finding",
        True,
        None,
    )
    again = client.post(path, headers=world.mainland.auth, json={**INSPECTION, "place": "mainland_entry"})
    assert again.status_code == 409 and again.json()["error"] == "elock_inspected_once"

    own = client.post(f"{path}/follow-up", headers=world.hk.auth, json={"decision": "accepted"})
    assert own.status_code == 409 and own.json()["error"] == "elock_follow_up_refused"
    for company in (world.trucker, world.outsider):
        assert client.get(path, headers=company.auth).status_code == 404
        assert client.post(f"{path}/follow-up", headers=company.auth, json={"decision": "accepted"}).status_code == 404
    answered = client.post(f"{path}/follow-up", headers=world.mainland.auth, json={"decision": "accepted"})
    assert answered.status_code == 200 and answered.json()["follow_up"] == "accepted"
    assert client.get(path, headers=world.hk.auth).json()["follow_up"] == "accepted"
    twice = client.post(f"{path}/follow-up", headers=world.mainland.auth, json={"decision": "inspect_again"})
    assert twice.status_code == 409


def test_each_console_shows_its_trips_with_its_own_segment(client: TestClient, sealed: tuple[Scheme, str]) -> None:
    world, trip_id = sealed
    hk = client.get("/api/v1/elock/console", headers=world.hk.auth).json()
    mainland = client.get("/api/v1/elock/console", headers=world.mainland.auth).json()
    [hk_trip], [mainland_trip] = hk["trips"], mainland["trips"]
    assert hk_trip["id"] == mainland_trip["id"] == trip_id
    assert (hk_trip["state"], hk_trip["lock"], hk_trip["open_alerts"]) == ("arrived", "unlocked", 1)
    assert hk_trip["last_position"]["segment"] == "hk" and mainland_trip["last_position"]["segment"] == "mainland"
    assert len(hk_trip["route"]) >= 2
    assert [a["kind"] for a in hk["alerts"]] == ["deviation"] and [a["kind"] for a in mainland["alerts"]] == ["tamper"]
