"""At the boundary (R-ROAD-8): customs' console lists the live bindings at a control point with the trucks
approaching, the rules suggest, an officer decides GO or INSPECT, the driver's app shows it, the crossing is
recorded and told to the shippers. Only customs reads the console or decides; a driver sees only their own."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from fastapi.testclient import TestClient

from harbourlink import identity
from harbourlink.kernel import Database, utcnow
from harbourlink.road.domain import CONTROL_POINT_POSITIONS, ControlPoint, Decision, sample_draw, suggest
from tests.conftest import STRONG_PASSWORD, Company, make_company
from tests.road.support import bind, lodge, opt_in
from tests.trucking.support import Haulage, haulage, plan_trip, position
from tests.web.conftest import log_in, submit, text_of

BOUNDARY = "/api/v1/road/boundary"
SOUTH_OF_LMC = [(22.4300 + 0.0120 * step, 114.0700) for step in range(6)]
"""The truck's positions on the road north to Lok Ma Chau, 1.33 km apart each minute (80 km/h)."""


def _world(client: TestClient, db: Database) -> tuple[Haulage, Company, Company]:
    """A trucking company with a driver (opted in to binding), a shipper and customs."""
    world = haulage(client, db)
    opt_in(db, world.trucker, identity.Service.ADVANCE_CARGO_INFO, identity.Service.ROAD_BINDING, agent=True)
    shipper = opt_in(db, make_company(db, "Kowloon Books", "cargo_owner"), identity.Service.ADVANCE_CARGO_INFO)
    return world, shipper, make_company(db, "Customs and Excise", "customs_hk")


def _driver_binds(client: TestClient, ccrn: str, *, vehicle: str = "XY1234") -> str:
    bound = submit(
        client,
        "/road/bind",
        "/road/bind",
        {"vehicle": vehicle, "ccrns": ccrn, "control_point": "LMC", "direction": "import"},
    )
    found = re.search(r'id="ubr">(\d+)<', bound.text)
    assert found, text_of(bound.text)
    return found.group(1)


def test_customs_sees_the_truck_approach_decides_and_the_driver_sees_the_instruction(
    client: TestClient, db: Database
) -> None:
    world, shipper, customs = _world(client, db)
    ccrn = lodge(client, shipper)
    log_in(client, world.driver_email)
    ubr = _driver_binds(client, ccrn)
    trip = plan_trip(client, world, vehicle="XY1234")
    client.post(f"/api/v1/trips/{trip['id']}/start", headers=world.trucker.auth)
    begin = utcnow() - timedelta(minutes=6)
    fixes = [position(begin + timedelta(minutes=i), lat, lon) for i, (lat, lon) in enumerate(SOUTH_OF_LMC)]
    sent = client.post(f"/api/v1/trips/{trip['id']}/positions", headers=world.trucker.auth, json=fixes)
    assert sent.status_code == 201, sent.text

    [approach] = client.get(BOUNDARY, headers=customs.auth, params={"control_point": "LMC"}).json()
    assert approach["binding"]["ubr"] == ubr and approach["binding"]["ccrns"] == [ccrn]
    assert (approach["suggestion"], approach["suggestion_reason"], approach["binding"]["decision"]) == (
        "go",
        "no_rule",
        None,
    )
    seen = approach["position"]
    assert seen["lat"] == SOUTH_OF_LMC[-1][0] and 2.5 < seen["distance_km"] < 3.0
    eta = datetime.fromisoformat(seen["eta"]) - datetime.fromisoformat(seen["at"])
    assert timedelta(minutes=1) < eta < timedelta(minutes=5)  # 2.75 km × 1.3 by road at 80 km/h: 2.7 minutes
    assert client.get(BOUNDARY, headers=customs.auth, params={"control_point": "STK"}).json() == []

    for other in (shipper, world.trucker, world.outsider):
        refused = client.get(BOUNDARY, headers=other.auth, params={"control_point": "LMC"})
        assert refused.status_code == 403 and refused.json()["error"] == "not_customs"
        sneaked = client.post(f"/api/v1/road/bindings/{ubr}/decision", headers=other.auth, json={"decision": "go"})
        crossing = client.post(f"/api/v1/road/bindings/{ubr}/crossed", headers=other.auth)
        if other is world.outsider:  # it cannot see the binding at all
            assert (sneaked.status_code, crossing.status_code) == (404, 404)
        else:
            assert sneaked.status_code == 403 and sneaked.json()["error"] == "not_customs"
            assert crossing.status_code == 403
    assert client.get(f"/api/v1/road/bindings/{ubr}", headers=world.outsider.auth).status_code == 404
    assert "GO" not in text_of(client.get("/trips?lang=en").text).split(ubr)[1]  # no decision yet

    decided = client.post(
        f"/api/v1/road/bindings/{ubr}/decision", headers=customs.auth, json={"decision": "go", "note": "seals intact"}
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["decision"] == "go" and decided.json()["decided_at"]
    [after] = client.get(BOUNDARY, headers=customs.auth, params={"control_point": "LMC"}).json()
    assert (after["binding"]["decision"], after["decision_note"]) == ("go", "seals intact")
    assert "GO Drive on through the control point." in text_of(client.get("/trips?lang=en").text)
    assert client.get(f"/api/v1/road/bindings/{ubr}", headers=shipper.auth).json()["decision"] == "go"

    other_driver = "driver2@tai-kok-trucking.example.hk"
    added = client.post(
        f"/api/v1/orgs/{world.trucker.org_id}/users",
        headers=world.trucker.auth,
        json={"email": other_driver, "display_name": "Lee Ka Ho", "role": "driver", "password": STRONG_PASSWORD},
    )
    assert added.status_code == 201, added.text
    client.cookies.clear()
    log_in(client, other_driver)
    assert ubr not in client.get("/trips?lang=en").text  # a colleague's instruction is not theirs

    crossed = client.post(f"/api/v1/road/bindings/{ubr}/crossed", headers=customs.auth)
    assert crossed.status_code == 200 and crossed.json()["crossed_at"], crossed.text
    assert client.get(BOUNDARY, headers=customs.auth, params={"control_point": "LMC"}).json() == []
    told = [e["event"] for e in client.get("/api/v1/events", headers=shipper.auth).json()["events"]]
    boundary = [(e["event_code"], e["details"]["road"]) for e in told if e["details"].get("ubr") == ubr]
    assert ("CUSR", "decided") in boundary and ("CROS", "crossed") in boundary
    outsider = client.get("/api/v1/events", headers=world.outsider.auth).json()["events"]
    assert [e for e in outsider if e["event"]["details"].get("ubr") == ubr] == []


def test_an_unanswered_query_suggests_inspect_until_the_submitter_answers(client: TestClient, db: Database) -> None:
    world, shipper, customs = _world(client, db)
    ccrn = lodge(client, shipper)
    ubr = bind(client, world.trucker, ccrns=[ccrn])["ubr"]
    query = client.post(
        f"/api/v1/road/consignments/{ccrn}/queries", headers=customs.auth, json={"text": "Invoice value?"}
    ).json()
    [asked] = client.get(BOUNDARY, headers=customs.auth, params={"control_point": "LMC"}).json()
    assert (asked["suggestion"], asked["suggestion_reason"], asked["open_queries"]) == ("inspect", "open_query", 1)
    assert asked["position"] is None  # no running trip of the vehicle shares a position
    client.post(f"/api/v1/road/queries/{query['id']}/replies", headers=shipper.auth, json={"text": "HKD 8,000"})
    [answered] = client.get(BOUNDARY, headers=customs.auth, params={"control_point": "LMC"}).json()
    assert (answered["suggestion"], answered["open_queries"]) == ("go", 0)

    decided = client.post(f"/api/v1/road/bindings/{ubr}/decision", headers=customs.auth, json={"decision": "inspect"})
    assert decided.json()["decision"] == "inspect"
    told = [e["event"] for e in client.get("/api/v1/events", headers=world.trucker.auth).json()["events"]]
    assert [e["event_code"] for e in told if e["details"].get("road") == "decided"] == ["CUSI"]


def test_a_crossing_needs_a_decision_and_a_cancelled_binding_takes_none(client: TestClient, db: Database) -> None:
    world, shipper, customs = _world(client, db)
    ubr = bind(client, world.trucker, ccrns=[lodge(client, shipper)])["ubr"]
    early = client.post(f"/api/v1/road/bindings/{ubr}/crossed", headers=customs.auth)
    assert early.status_code == 409 and early.json()["error"] == "binding_not_crossable"
    bad = client.post(f"/api/v1/road/bindings/{ubr}/decision", headers=customs.auth, json={"decision": "wave"})
    assert bad.status_code == 422
    client.post(f"/api/v1/road/bindings/{ubr}/cancel", headers=world.trucker.auth)
    late = client.post(f"/api/v1/road/bindings/{ubr}/decision", headers=customs.auth, json={"decision": "go"})
    assert late.status_code == 409 and late.json()["error"] == "binding_not_live"
    assert client.get(BOUNDARY, headers=customs.auth, params={"control_point": "LMC"}).json() == []
    assert client.get(BOUNDARY, headers=customs.auth, params={"control_point": "XXX"}).status_code == 422


def test_the_console_page_is_customs_only(client: TestClient, db: Database) -> None:
    world, shipper, customs = _world(client, db)
    ubr = bind(client, world.trucker, ccrns=[lodge(client, shipper)])["ubr"]
    log_in(client, shipper.admin_email)
    assert client.get("/road/boundary?control_point=LMC").status_code == 403
    client.cookies.clear()
    log_in(client, customs.admin_email)
    console = client.get("/road/boundary?control_point=LMC&lang=en")
    assert ubr in console.text and "No shared position" in text_of(console.text)
    given = submit(client, "/road/boundary", f"/road/bindings/{ubr}/decision", {"decision": "inspect", "note": "x"})
    assert given.status_code == 200 and "INSPECT" in text_of(given.text)


def test_the_rules_suggest_inspect_for_an_open_query_or_the_sample() -> None:
    ubr = "90000000000"
    assert suggest(ubr=ubr, open_queries=1, sample_percent=0).decision is Decision.INSPECT
    assert suggest(ubr=ubr, open_queries=0, sample_percent=100).reason == "random_sample"
    assert suggest(ubr=ubr, open_queries=0, sample_percent=0).decision is Decision.GO
    draws = [sample_draw(f"9{n:010d}") for n in range(2000)]
    assert all(0 <= d < 1 for d in draws) and 0.15 < sum(d < 0.2 for d in draws) / len(draws) < 0.25
    assert sample_draw(ubr) == sample_draw(ubr)
    for point in ControlPoint:  # every control point placed, and on Hong Kong's side of the boundary
        latitude, longitude = CONTROL_POINT_POSITIONS[point]
        assert 22.2 < latitude < 22.57 and 113.8 < longitude < 114.3, point
