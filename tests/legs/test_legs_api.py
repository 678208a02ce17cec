"""Legs nominated along the chain: consignee's forwarder → agent → trucking company, pickup jobs, a truck assigned."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from harbourlink.kernel import Database
from tests.conftest import Company, make_company
from tests.trucking.support import CONTAINER, WAREHOUSE, haulage


def _nominate(client: TestClient, by: Company, party: Company, mode: str, **extra: Any) -> dict[str, Any]:
    body = {"reference": CONTAINER.lower(), "reference_type": "CONTAINER", "mode": mode, "party_org_id": party.org_id}
    created = client.post("/api/v1/legs", headers=by.auth, json=body | extra)
    assert created.status_code == 201, created.text
    return created.json()  # type: ignore[no-any-return]


def _act(client: TestClient, who: Company, leg: dict[str, Any], action: str) -> Any:
    return client.post(f"/api/v1/legs/{leg['id']}/{action}", headers=who.auth)


def _ids(client: TestClient, who: Company) -> set[str]:
    return {leg["id"] for leg in client.get("/api/v1/legs", headers=who.auth).json()}


def test_the_chain_passes_the_cargo_on_and_each_company_on_it_sees_every_leg(client: TestClient, db: Database) -> None:
    world = haulage(client, db, share=False)
    agent = make_company(db, "Kowloon Agency", "forwarder")
    handling = _nominate(client, world.forwarder, agent, "FORWARDING", note="clear and deliver")
    assert (handling["status"], handling["reference"], handling["party"]) == ("nominated", CONTAINER, "Kowloon Agency")

    # The agent sees nothing of the cargo; it holds it only once it accepted the nomination.
    early = client.post(
        "/api/v1/legs",
        headers=agent.auth,
        json={
            "reference": CONTAINER,
            "reference_type": "CONTAINER",
            "mode": "TRUCK",
            "party_org_id": world.trucker.org_id,
        },
    )
    assert (early.status_code, early.json()["error"]) == (404, "cargo_not_held")
    assert _act(client, agent, handling, "accept").json()["status"] == "accepted"
    truck = _nominate(client, agent, world.trucker, "TRUCK", destination=WAREHOUSE, packages=40)
    assert truck["parent_id"] == handling["id"]

    for company in (world.forwarder, agent, world.trucker):
        assert _ids(client, company) == {handling["id"], truck["id"]}, company
    assert _ids(client, world.outsider) == set()
    assert client.get(f"/api/v1/legs/{truck['id']}", headers=world.outsider.auth).status_code == 404

    # Withdrawing the first leg takes the mandate from the legs passed on below it.
    assert _act(client, world.forwarder, handling, "withdraw").json()["status"] == "withdrawn"
    assert client.get(f"/api/v1/legs/{truck['id']}", headers=world.trucker.auth).json()["status"] == "withdrawn"
    refused = _act(client, world.trucker, truck, "accept")
    assert (refused.status_code, refused.json()["error"]) == (409, "leg_closed")


def test_a_nomination_names_the_nominee_a_party_until_it_ends(client: TestClient, db: Database) -> None:
    world = haulage(client, db, share=False)
    rule = client.post("/api/v1/grants", headers=world.forwarder.auth, json={"rule": "named_parties"})
    assert rule.status_code == 201, rule.text
    assert client.get(f"/api/v1/track/{CONTAINER}", headers=world.trucker.auth).status_code == 404
    leg = _nominate(client, world.forwarder, world.trucker, "TRUCK")
    parties = client.get("/api/v1/parties", headers=world.forwarder.auth).json()
    assert [(p["party_org_id"], p["party_role"]) for p in parties] == [(world.trucker.org_id, "trucker")]
    assert client.get(f"/api/v1/track/{CONTAINER}", headers=world.trucker.auth).status_code == 200
    assert _act(client, world.trucker, leg, "decline").json()["status"] == "declined"
    assert client.get("/api/v1/parties", headers=world.forwarder.auth).json() == []
    assert client.get(f"/api/v1/track/{CONTAINER}", headers=world.trucker.auth).status_code == 404


def test_the_trucking_company_gets_a_pickup_job_and_assigns_a_truck(client: TestClient, db: Database) -> None:
    world = haulage(client, db)  # the forwarder shares the container with the trucking company
    leg = _nominate(client, world.forwarder, world.trucker, "TRUCK", destination=WAREHOUSE, packages=40)
    [job] = client.get("/api/v1/pickup-jobs", headers=world.trucker.auth).json()
    assert job["leg"]["id"] == leg["id"]
    assert (job["terminal"], job["release_status"]) == ("HITHK", "RELS")
    # Planned against the ship: it came in at 06:00 (Hong Kong), its boxes are off 8 hours later (after the
    # release at 10:02), and with no free time known the window stays open two days.
    assert job["vessel_arrival"] == "2026-11-22T22:00:00Z" and job["window_planned"] is True
    assert (job["window_opens"], job["window_closes"]) == ("2026-11-23T06:00:00Z", "2026-11-25T06:00:00Z")
    assert client.get("/api/v1/pickup-jobs", headers=world.forwarder.auth).json() == []

    assignment = {"vehicle": "xy 1234", "driver_user_id": world.driver_id}
    early = client.post(f"/api/v1/legs/{leg['id']}/trip", headers=world.trucker.auth, json=assignment)
    assert (early.status_code, early.json()["error"]) == (409, "leg_closed")
    _act(client, world.trucker, leg, "accept")
    assigned = client.post(f"/api/v1/legs/{leg['id']}/trip", headers=world.trucker.auth, json=assignment).json()
    assert assigned["trip_status"] == "planned"
    trip = client.get(f"/api/v1/trips/{assigned['trip_id']}", headers=world.trucker.auth).json()
    assert (trip["reference"], trip["vehicle"], trip["destination"]["name"], trip["packages"]) == (
        CONTAINER,
        "XY1234",
        WAREHOUSE["name"],
        40,
    )
    again = client.post(
        f"/api/v1/legs/{leg['id']}/trip", headers=world.trucker.auth, json=assignment | {"vehicle": "ab 99"}
    ).json()
    assert again["trip_id"] != assigned["trip_id"]
    assert client.get(f"/api/v1/trips/{assigned['trip_id']}", headers=world.trucker.auth).status_code == 404

    started = client.post(f"/api/v1/trips/{again['trip_id']}/start", headers=world.trucker.auth)
    assert started.status_code == 200, started.text
    assert client.get("/api/v1/pickup-jobs", headers=world.trucker.auth).json() == []
    seen = client.get(f"/api/v1/legs/{leg['id']}", headers=world.forwarder.auth).json()
    assert (seen["trip_status"], seen["party"]) == ("started", "Tai Kok Trucking")
    kept = _act(client, world.forwarder, leg, "withdraw")
    assert (kept.status_code, kept.json()["error"]) == (409, "leg_closed")


def test_a_truck_leg_without_a_shared_box_still_becomes_a_trip(client: TestClient, db: Database) -> None:
    """The nomination vouches for the tie: the trucking company need not see the box to plan its truck."""
    world = haulage(client, db, share=False)
    leg = _nominate(
        client,
        world.forwarder,
        world.trucker,
        "TRUCK",
        window_opens="2026-11-24T08:00:00+08:00",
        window_closes="2026-11-24T12:00:00+08:00",
    )
    [job] = client.get("/api/v1/pickup-jobs", headers=world.trucker.auth).json()
    assert (job["terminal"], job["release_status"], job["window_planned"]) == (None, None, False)
    assert job["window_opens"].startswith("2026-11-24T00:00:00")
    _act(client, world.trucker, leg, "accept")
    assigned = client.post(
        f"/api/v1/legs/{leg['id']}/trip",
        headers=world.trucker.auth,
        json={"vehicle": "xy 1234", "driver_user_id": world.driver_id},
    )
    assert assigned.status_code == 200, assigned.text
    trips = client.get("/api/v1/trips", headers=world.trucker.auth).json()
    assert [trip["id"] for trip in trips] == [assigned.json()["trip_id"]]


def test_wrong_nominees_and_cargo_not_held_are_named(client: TestClient, db: Database) -> None:
    world = haulage(client, db)
    warehouse = make_company(db, "Tsuen Wan Warehouse", "warehouse")

    def refused(by: Company, **body: str) -> tuple[int, str, Any]:
        sent = {
            "reference": CONTAINER,
            "reference_type": "CONTAINER",
            "mode": "TRUCK",
            "party_org_id": world.trucker.org_id,
        } | body
        answer = client.post("/api/v1/legs", headers=by.auth, json=sent)
        return answer.status_code, answer.json()["error"], answer.json()["data"]

    assert refused(world.forwarder, party_org_id=warehouse.org_id)[:2] == (422, "wrong_nominee")
    assert refused(world.forwarder, party_org_id=warehouse.org_id)[2]["types"] == "trucking"
    assert refused(world.forwarder, party_org_id=world.forwarder.org_id)[:2] == (422, "wrong_nominee")
    assert refused(world.forwarder, party_org_id="no-such-company")[:2] == (422, "wrong_nominee")
    assert refused(world.outsider)[:2] == (404, "cargo_not_held")
    assert refused(world.forwarder, reference="MSCU1234567")[:2] == (422, "invalid_container_number")
    warehouse_leg = _nominate(client, world.forwarder, warehouse, "WAREHOUSE", packages=40)
    assert (warehouse_leg["mode"], warehouse_leg["packages"]) == ("WAREHOUSE", 40)
    for action in ("accept", "decline"):  # only the nominee decides, only the nominator withdraws
        assert _act(client, world.forwarder, warehouse_leg, action).status_code == 404
    assert _act(client, warehouse, warehouse_leg, "withdraw").status_code == 404
    assert _act(client, warehouse, warehouse_leg, "accept").json()["status"] == "accepted"
    assert _act(client, warehouse, warehouse_leg, "accept").json()["status"] == "accepted"
    assert _act(client, warehouse, warehouse_leg, "decline").status_code == 409
