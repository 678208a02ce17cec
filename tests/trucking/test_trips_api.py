"""Trips through the API: planned by the trucking company, started at pickup, positions stored once, finished at
the warehouse; seen by exactly the companies that may see the cargo."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi.testclient import TestClient

from harbourlink import trucking
from harbourlink.kernel import Database, utcnow
from tests.statements import counted
from tests.trucking.support import CONTAINER, WAREHOUSE, drive, haulage, plan_trip, position
from tests.web.conftest import log_in


def test_a_trip_runs_from_pickup_to_the_warehouse(client: TestClient, db: Database) -> None:
    world = haulage(client, db)
    trip = plan_trip(client, world)
    assert trip["status"] == "planned" and trip["vehicle"] == "XY1234" and trip["reference_type"] == "CONTAINER"
    assert trip["position"] is None and trip["eta"] is None

    started = client.post(f"/api/v1/trips/{trip['id']}/start", headers=world.trucker.auth)
    assert started.status_code == 200 and started.json()["status"] == "started", started.text
    sent = client.post(f"/api/v1/trips/{trip['id']}/positions", headers=world.trucker.auth, json=drive())
    assert sent.status_code == 201, sent.text
    assert sent.json() | {"id": ""} == {"id": "", "status": "accepted", "accepted": 6, "duplicates": 0, "errors": []}

    running = client.get(f"/api/v1/trips/{trip['id']}", headers=world.forwarder.auth).json()
    assert [p["lat"] for p in running["positions"]] == sorted(p["lat"] for p in running["positions"])
    assert running["position"] == running["positions"][-1] and running["position"]["speed_kmh"] == 36.0
    eta = running["eta"]
    assert eta is not None and 2 < eta["distance_km"] < 6 and 20 < eta["speed_kmh"] < 50
    arrival = datetime.fromisoformat(eta["arrival"])
    assert timedelta(minutes=2) < arrival - datetime.fromisoformat(running["position"]["time"]) < timedelta(minutes=20)
    assert running["driver_user_id"] is None  # the forwarder is not told who drives
    assert running["destination"]["name"] == WAREHOUSE["name"]

    finished = client.post(f"/api/v1/trips/{trip['id']}/finish", headers=world.trucker.auth).json()
    assert finished["status"] == "finished" and finished["eta"] is None and finished["finished_at"]
    again = client.post(f"/api/v1/trips/{trip['id']}/finish", headers=world.trucker.auth).json()
    assert again["finished_at"] == finished["finished_at"]

    timeline = client.get(f"/api/v1/track/{CONTAINER}", headers=world.trucker.auth).json()
    trucked = [
        (e["event_code"], e["mode_of_transport"]) for e in timeline["events"] if e["source"] == "Tai Kok Trucking"
    ]
    assert trucked == [("PICK", "TRUCK"), ("DROP", "TRUCK")]


def test_a_position_sent_twice_is_stored_once(client: TestClient, db: Database) -> None:
    world = haulage(client, db)
    trip = plan_trip(client, world)
    batch = drive(count=30)
    first = client.post(f"/api/v1/trips/{trip['id']}/positions", headers=world.trucker.auth, json=batch[:20]).json()
    second = client.post(f"/api/v1/trips/{trip['id']}/positions", headers=world.trucker.auth, json=batch).json()
    assert (first["accepted"], first["duplicates"]) == (20, 0)
    assert (second["status"], second["accepted"], second["duplicates"]) == ("accepted", 10, 20)
    resent = client.post(f"/api/v1/trips/{trip['id']}/positions", headers=world.trucker.auth, json=batch + batch[:1])
    assert (resent.json()["status"], resent.json()["duplicates"]) == ("duplicate", 31)
    stored = client.get(f"/api/v1/trips/{trip['id']}", headers=world.trucker.auth).json()["positions"]
    assert [p["time"] for p in stored] == sorted({p["time"] for p in stored}) and len(stored) == 30


def test_a_planned_trip_starts_at_its_first_position(client: TestClient, db: Database) -> None:
    world = haulage(client, db)
    trip = plan_trip(client, world)
    batch = drive(count=3)
    client.post(f"/api/v1/trips/{trip['id']}/positions", headers=world.trucker.auth, json=batch)
    started = client.get(f"/api/v1/trips/{trip['id']}", headers=world.trucker.auth).json()
    assert started["status"] == "started"
    assert datetime.fromisoformat(started["started_at"]) == datetime.fromisoformat(batch[0]["time"])


def test_each_refused_position_is_named_and_the_others_stored(client: TestClient, db: Database) -> None:
    world = haulage(client, db)
    trip = plan_trip(client, world)
    now = utcnow()
    good = position(now - timedelta(minutes=1), 22.34, 114.11)
    items = [
        good,
        {**good, "time": (now - timedelta(seconds=50)).isoformat(), "lat": 95},
        {"lat": 22.3, "lon": 114.1},
        {**good, "time": "2026-12-01T10:00:00"},
        {**good, "time": (now + timedelta(hours=1)).isoformat()},
        "not a position",
    ]
    answer = client.post(f"/api/v1/trips/{trip['id']}/positions", headers=world.trucker.auth, json=items).json()
    assert (answer["status"], answer["accepted"]) == ("partial", 1)
    assert [e["location"] for e in answer["errors"]] == ["[1].lat", "[2].time", "[3].time", "[4].time", "[5]"]
    assert "in the future" in answer["errors"][3]["message"]
    report = client.get(f"/api/v1/position-reports/{answer['id']}", headers=world.trucker.auth).json()
    assert report["status"] == "partial" and report["channel"] == "trip" and report["trip_id"] == trip["id"]
    failed = client.get("/api/v1/position-reports", params={"failed": "true"}, headers=world.trucker.auth).json()
    assert [r["id"] for r in failed] == [answer["id"]]

    whole = client.post(f"/api/v1/trips/{trip['id']}/positions", headers=world.trucker.auth, content=b"{oops").json()
    assert whole["status"] == "rejected" and whole["errors"][0]["location"] == "body"


def test_a_rejected_report_is_replayed_corrected(client: TestClient, db: Database) -> None:
    world = haulage(client, db)
    trip = plan_trip(client, world)
    fixed = position(utcnow() - timedelta(minutes=2), 22.34, 114.11)
    rejected = client.post(
        f"/api/v1/trips/{trip['id']}/positions", headers=world.trucker.auth, json=[{**fixed, "lat": 122.34}]
    ).json()
    assert rejected["status"] == "rejected"
    replayed = client.post(
        f"/api/v1/position-reports/{rejected['id']}/replay",
        headers=world.trucker.auth,
        content=f"[{__import__('json').dumps(fixed)}]".encode(),
    )
    assert replayed.status_code == 201 and replayed.json()["accepted"] == 1, replayed.text
    again = client.post(f"/api/v1/position-reports/{replayed.json()['id']}/replay", headers=world.trucker.auth).json()
    assert (again["status"], again["duplicates"]) == ("duplicate", 1)


def test_positions_after_the_end_are_refused_and_earlier_ones_still_taken(client: TestClient, db: Database) -> None:
    world = haulage(client, db)
    trip = plan_trip(client, world)
    batch = drive(count=4, start=utcnow() - timedelta(minutes=30))
    client.post(f"/api/v1/trips/{trip['id']}/positions", headers=world.trucker.auth, json=batch[:1])
    client.post(f"/api/v1/trips/{trip['id']}/finish", headers=world.trucker.auth)
    with db.transaction() as session:  # the receipt was twenty minutes ago
        session.get(trucking.Trip, trip["id"]).finished_at = utcnow() - timedelta(minutes=20)  # type: ignore[union-attr]
    late = position(utcnow() - timedelta(minutes=10), 22.36, 114.11)
    answer = client.post(
        f"/api/v1/trips/{trip['id']}/positions", headers=world.trucker.auth, json=[*batch[1:], late]
    ).json()
    assert (answer["status"], answer["accepted"]) == ("partial", 3)  # queued offline, uploaded after the receipt
    assert answer["errors"][0]["location"] == "[3].time" and "after the trip ended" in answer["errors"][0]["message"]


def test_the_cargo_decides_who_sees_the_truck(client: TestClient, db: Database) -> None:
    world = haulage(client, db)
    trip = plan_trip(client, world)
    path = f"/api/v1/trips/{trip['id']}"
    assert client.get(path, headers=world.outsider.auth).status_code == 404
    assert client.get(f"{path}/stream", headers=world.outsider.auth).status_code == 404
    assert client.get(path, headers=world.forwarder.auth).status_code == 200
    assert client.get("/api/v1/trips", headers=world.forwarder.auth).json() == []  # its own trips: none

    grant = client.post(
        "/api/v1/grants",
        headers=world.forwarder.auth,
        json={"reference_type": "CONTAINER", "reference": CONTAINER, "grantee_org_id": world.outsider.org_id},
    ).json()
    assert client.get(path, headers=world.outsider.auth).json()["reference"] == CONTAINER
    client.delete(f"/api/v1/grants/{grant['id']}", headers=world.forwarder.auth)
    assert client.get(path, headers=world.outsider.auth).status_code == 404

    public = client.post(
        "/api/v1/grants",
        headers=world.forwarder.auth,
        json={"reference_type": "CONTAINER", "reference": CONTAINER, "anyone_with_reference": True},
    )
    assert public.status_code == 201
    assert client.get(path, headers=world.outsider.auth).status_code == 404  # not holding the number
    held = client.get(path, params={"reference": CONTAINER}, headers=world.outsider.auth)
    assert held.status_code == 200, held.text
    for action in ("start", "finish"):
        assert client.post(f"{path}/{action}", headers=world.forwarder.auth).status_code == 404
    assert client.post(f"{path}/positions", headers=world.forwarder.auth, json=drive()).status_code == 404


def test_a_trip_needs_cargo_the_trucker_sees_and_one_of_its_drivers(client: TestClient, db: Database) -> None:
    world = haulage(client, db, share=False)
    refused = client.post(
        "/api/v1/trips",
        headers=world.trucker.auth,
        json={"reference": CONTAINER, "vehicle": "XY1234", "driver_user_id": world.driver_id},
    )
    assert refused.status_code == 404 and refused.json()["error"] == "cargo_not_visible"
    client.post(
        "/api/v1/grants",
        headers=world.forwarder.auth,
        json={"reference_type": "CONTAINER", "reference": CONTAINER, "grantee_org_id": world.trucker.org_id},
    )
    not_driver = client.post(
        "/api/v1/trips",
        headers=world.trucker.auth,
        json={"reference": CONTAINER, "vehicle": "XY1234", "driver_user_id": world.trucker.admin_id},
    )
    assert not_driver.status_code == 422 and not_driver.json()["error"] == "not_a_driver"
    bad_vehicle = client.post(
        "/api/v1/trips",
        headers=world.trucker.auth,
        json={"reference": CONTAINER, "vehicle": "XY-1234-5678", "driver_user_id": world.driver_id},
    )
    assert bad_vehicle.status_code == 422 and bad_vehicle.json()["data"]["field"] == "vehicle"
    forwarder_trip = client.post(
        "/api/v1/trips",
        headers=world.forwarder.auth,
        json={"reference": CONTAINER, "vehicle": "XY1234", "driver_user_id": world.driver_id},
    )
    assert forwarder_trip.status_code == 403 and forwarder_trip.json()["error"] == "not_trucking"
    only_trucking = client.post(
        f"/api/v1/orgs/{world.forwarder.org_id}/users",
        headers=world.forwarder.auth,
        json={"email": "driver@harbour-forwarding.example.hk", "display_name": "Driver", "role": "driver"},
    )
    assert only_trucking.status_code == 422 and only_trucking.json()["error"] == "driver_not_trucking"


def test_a_driver_sees_and_drives_only_their_own_trips(client: TestClient, db: Database) -> None:
    world = haulage(client, db)
    other = client.post(
        f"/api/v1/orgs/{world.trucker.org_id}/users",
        headers=world.trucker.auth,
        json={"email": "other@tai-kok-trucking.example.hk", "display_name": "Lee", "role": "driver"},
    ).json()
    mine, theirs = plan_trip(client, world), plan_trip(client, world, driver_user_id=other["id"])
    log_in(client, world.driver_email)
    csrf = {"X-CSRF-Token": client.cookies["hl_csrf"]}
    jobs = client.get("/api/v1/trips").json()
    assert [t["id"] for t in jobs] == [mine["id"]] and jobs[0]["driver_user_id"] == world.driver_id
    assert client.get(f"/api/v1/trips/{theirs['id']}").status_code == 404
    assert client.post(f"/api/v1/trips/{theirs['id']}/start", headers=csrf).status_code == 404
    assert client.post(f"/api/v1/trips/{mine['id']}/start").status_code == 403  # no CSRF token
    assert client.post(f"/api/v1/trips/{mine['id']}/start", headers=csrf).json()["status"] == "started"
    sent = client.post(f"/api/v1/trips/{mine['id']}/positions", headers=csrf, json=drive(count=2))
    assert sent.json()["accepted"] == 2
    assert client.get("/api/v1/position-reports").json() == []  # reports are the office's
    planned = client.post(
        "/api/v1/trips",
        headers=csrf,
        json={"reference": CONTAINER, "vehicle": "XY1234", "driver_user_id": world.driver_id},
    )
    assert planned.status_code == 403


def test_listing_trips_costs_the_same_statements_for_one_or_many(client: TestClient, db: Database) -> None:
    world = haulage(client, db)
    app_db = client.app.state.runtime.db  # type: ignore[attr-defined]

    def statements_to_list() -> int:
        with counted(app_db) as statements:
            assert client.get("/api/v1/trips", headers=world.trucker.auth).status_code == 200
        return len(statements)

    first = plan_trip(client, world)
    client.post(f"/api/v1/trips/{first['id']}/positions", headers=world.trucker.auth, json=drive(count=3))
    one = statements_to_list()
    for _ in range(5):
        trip = plan_trip(client, world)
        client.post(f"/api/v1/trips/{trip['id']}/positions", headers=world.trucker.auth, json=drive(count=2))
    listed = client.get("/api/v1/trips", headers=world.trucker.auth).json()
    assert len(listed) == 6 and all(len(t["positions"]) == 1 and t["eta"] is None for t in listed)
    assert statements_to_list() == one
