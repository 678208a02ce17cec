"""Locks and sealed trips over the API: who may create them, custody driven by sentences, and who sees what."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from harbourlink import elock
from harbourlink.kernel import Database
from tests.elock.support import LOCK, START, approve, scheme, seed_fixes, seed_sentences, sentence, trip_body


def feed(db: Database, lines: list[bytes]) -> list[elock.Outcome]:
    outcomes = []
    for line in lines:
        with db.transaction() as session:
            outcomes.append(elock.receive_frame(session, peer="test", frame=elock.Frame(line.strip())))
    return outcomes


def test_only_customs_registers_locks_and_only_hk_customs_approves_trips(client: TestClient, db: Database) -> None:
    world = scheme(db)
    refused = client.post(
        "/api/v1/elock/devices", headers=world.trucker.auth, json={"device_id": "1", "protocol": "eseal"}
    )
    assert refused.status_code == 403 and refused.json()["error"] == "not_customs"
    mainland = client.post(
        "/api/v1/elock/devices", headers=world.mainland.auth, json={"device_id": "2", "protocol": "eseal"}
    )
    assert mainland.status_code == 201
    again = client.post("/api/v1/elock/devices", headers=world.hk.auth, json={"device_id": "2", "protocol": "eseal"})
    assert again.status_code == 409 and again.json()["error"] == "elock_device_exists"
    by_mainland = client.post("/api/v1/elock/trips", headers=world.mainland.auth, json=trip_body(world, device_id="2"))
    assert by_mainland.status_code == 403
    trip_id = approve(client, world)
    busy = client.post("/api/v1/elock/trips", headers=world.hk.auth, json=trip_body(world))
    assert busy.status_code == 409 and busy.json()["data"]["trip_id"] == trip_id


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"mainland_customs_org_id": "nobody"}, "mainland_customs_org_id"),
        ({"references": [{"reference_type": "AWB", "reference": "160-12345670"}]}, "references[0].reference"),
        ({"references": [{"reference_type": "PASSPORT", "reference": "X"}]}, "references[0].reference_type"),
    ],
)
def test_a_bad_trip_is_refused_naming_its_field(
    client: TestClient, db: Database, change: dict[str, object], field: str
) -> None:
    world = scheme(db)
    client.post("/api/v1/elock/devices", headers=world.hk.auth, json={"device_id": LOCK, "protocol": "eseal"})
    refused = client.post("/api/v1/elock/trips", headers=world.hk.auth, json=trip_body(world) | change)
    assert refused.status_code == 422, refused.text
    assert refused.json()["data"]["field"] == field


def test_the_seed_trip_locks_unlocks_and_relocks_at_the_right_places(client: TestClient, db: Database) -> None:
    world = scheme(db)
    trip_id = approve(client, world)
    outcomes = feed(db, [sentence("Startup", 1, START, None, None), *seed_sentences(seed_fixes())])
    assert {o.status for o in outcomes} == {"accepted"}
    steps = [t for o in outcomes for t in o.transitions]
    assert [(t.after.value, t.trigger.value) for t in steps] == [
        ("hk_transit", "left_origin"),
        ("at_hk_exit", "arrived_hk_exit"),
        ("mainland_transit", "entered_mainland"),
        ("arrived", "arrived_destination"),
    ]
    route = elock.seed_route()
    for step, fence in zip(steps[1:], (route.hk_exit, route.mainland_entry, route.destination), strict=True):
        assert step.lon is not None and step.lat is not None
        assert route.inside(fence, step.lon, step.lat)
    unlocks = [r for o in outcomes for r in o.replies if b"RC-Unlock" in r]
    assert unlocks == [f"##S,eSeal,{LOCK},256,0.0.6,RC-Unlock,E##\r\n".encode()] * 2

    hk = client.get(f"/api/v1/elock/trips/{trip_id}", headers=world.hk.auth).json()
    mainland = client.get(f"/api/v1/elock/trips/{trip_id}", headers=world.mainland.auth).json()
    trucker = client.get(f"/api/v1/elock/trips/{trip_id}", headers=world.trucker.auth).json()
    for seen in (hk, mainland, trucker):
        assert (seen["state"], seen["lock"], seen["segment"]) == ("arrived", "unlocked", "mainland")
    assert [t["trigger"] for t in hk["transitions"]] == ["left_origin", "arrived_hk_exit"]
    assert [t["trigger"] for t in mainland["transitions"]] == ["entered_mainland", "arrived_destination"]
    assert hk["alerts"] == [] and mainland["alerts"] == [] and trucker["alerts"] is None
    assert hk["last_position"]["segment"] == "hk" and mainland["last_position"]["segment"] == "mainland"
    assert hk["last_position"]["lat"] < 22.53 < mainland["last_position"]["lat"]

    hk_positions = client.get(f"/api/v1/elock/trips/{trip_id}/positions", headers=world.hk.auth).json()
    mainland_positions = client.get(f"/api/v1/elock/trips/{trip_id}/positions", headers=world.mainland.auth).json()
    every = client.get(f"/api/v1/elock/trips/{trip_id}/positions", headers=world.trucker.auth).json()
    assert {p["segment"] for p in hk_positions} == {"hk"} and {p["segment"] for p in mainland_positions} == {"mainland"}
    assert len(hk_positions) + len(mainland_positions) == len(every) > 100
    for other, segment in ((world.mainland, "hk"), (world.hk, "mainland")):
        hidden = client.get(f"/api/v1/elock/trips/{trip_id}/positions?segment={segment}", headers=other.auth)
        assert hidden.status_code == 404
    assert client.get(f"/api/v1/elock/trips/{trip_id}", headers=world.outsider.auth).status_code == 404
    assert client.get(f"/api/v1/elock/trips/{trip_id}/positions", headers=world.outsider.auth).status_code == 404
    for company, seen in ((world.hk, hk), (world.mainland, mainland), (world.trucker, trucker)):
        assert client.get("/api/v1/elock/trips", headers=company.auth).json() == [seen]
    assert client.get("/api/v1/elock/trips", headers=world.outsider.auth).json() == []


def test_a_repeated_sentence_is_a_duplicate_and_answered_again(client: TestClient, db: Database) -> None:
    world = scheme(db)
    approve(client, world)
    line = sentence("Normal", 5, START, 22.3060, 113.9385)
    first, second = feed(db, [line, line])
    assert (first.status, second.status) == ("accepted", "duplicate")
    assert first.replies == second.replies == [f"##S,eSeal,{LOCK},256,0.0.6,Normal ACK,5,E##\r\n".encode()]


def test_unknown_locks_garbage_and_bad_sentences_are_kept_and_refused(client: TestClient, db: Database) -> None:
    scheme(db)
    outcomes = feed(
        db,
        [
            sentence("Normal", 1, START, 22.3, 113.9, device_id="999"),
            b"garbage",
            sentence("Normal", 1, START, 22.3, 113.9).replace(b"Close", b"Ajar"),
        ],
    )
    assert [o.status for o in outcomes] == ["rejected"] * 3
    assert [o.replies for o in outcomes] == [[]] * 3
    assert outcomes[0].error == "lock 999 is not registered"
    assert outcomes[2].error is not None and outcomes[2].error.startswith("door:")


def test_a_sentence_without_a_fix_keeps_custody_and_stores_no_position(client: TestClient, db: Database) -> None:
    world = scheme(db)
    trip_id = approve(client, world)
    fixes = seed_fixes()
    feed(db, seed_sentences(fixes[:20]))
    before = client.get(f"/api/v1/elock/trips/{trip_id}", headers=world.hk.auth).json()
    [blind] = feed(db, [sentence("Normal", 500, fixes[20].at, None, None)])
    assert blind.status == "accepted" and blind.replies
    after = client.get(f"/api/v1/elock/trips/{trip_id}", headers=world.hk.auth).json()
    assert (after["state"], after["lock"]) == (before["state"], before["lock"]) == ("hk_transit", "locked")
    assert after["last_position"] == before["last_position"]


def test_tampering_while_locked_on_the_road_is_an_alert_for_that_segment_only(client: TestClient, db: Database) -> None:
    world = scheme(db)
    trip_id = approve(client, world)
    fixes = seed_fixes()
    feed(db, seed_sentences(fixes[:30]))
    road = fixes[30]
    [opened] = feed(db, [sentence("Event-Door", 900, road.at, road.lat, road.lon, door="Open")])
    assert len(opened.alerts) == 1
    [at_origin] = feed(db, [sentence("Event-Shock", 901, START - timedelta(minutes=5), 22.3060, 113.9385)])
    assert at_origin.alerts == []  # inside a geofence: handling, not tampering
    hk = client.get(f"/api/v1/elock/trips/{trip_id}", headers=world.hk.auth).json()
    assert [(a["kind"], a["segment"], a["details"]["event"]) for a in hk["alerts"]] == [("tamper", "hk", "Event-Door")]
    assert client.get(f"/api/v1/elock/trips/{trip_id}", headers=world.mainland.auth).json()["alerts"] == []
    assert client.get(f"/api/v1/elock/trips/{trip_id}", headers=world.trucker.auth).json()["alerts"] is None


def test_a_deviation_is_one_alert_for_the_segment_it_happened_in(client: TestClient, db: Database) -> None:
    world = scheme(db)
    trip_id = approve(client, world)
    fixes = seed_fixes(deviation=elock.Deviation(start_s=600, duration_s=180, offset_m=400))
    feed(db, seed_sentences(fixes[:90]))
    hk = client.get(f"/api/v1/elock/trips/{trip_id}", headers=world.hk.auth).json()
    [alert] = hk["alerts"]
    assert alert["kind"] == "deviation" and alert["segment"] == "hk"
    assert 350 <= alert["details"]["max_outside_m"] <= 450
    assert alert["ended_at"] is not None
    assert client.get(f"/api/v1/elock/trips/{trip_id}", headers=world.mainland.auth).json()["alerts"] == []


def test_a_deviation_reaches_the_segments_inbox_and_resolves_when_back(client: TestClient, db: Database) -> None:
    world = scheme(db)
    approve(client, world)
    for authority in (world.hk, world.mainland):
        assert client.post("/api/v1/subscriptions", headers=authority.auth, json={}).status_code == 201
    fixes = seed_fixes(deviation=elock.Deviation(start_s=600, duration_s=180, offset_m=400))
    off_route = next(n for n, f in enumerate(fixes) if f.true_outside_m > 300) + 4
    feed(db, seed_sentences(fixes[:off_route]))
    [alert] = client.get("/api/v1/alerts", headers=world.hk.auth).json()
    assert (alert["alert_type"], alert["status"]) == ("elock_deviation", "open")
    assert alert["figures"]["outside_m"] >= 300
    feed(db, seed_sentences(fixes)[off_route:90])
    assert client.get("/api/v1/alerts", headers=world.hk.auth).json() == []
    [after] = client.get("/api/v1/alerts?status=resolved", headers=world.hk.auth).json()
    assert after["status"] == "resolved"
    assert client.get("/api/v1/alerts", headers=world.mainland.auth).json() == []


def test_a_late_hong_kong_fix_stays_in_the_hong_kong_segment(client: TestClient, db: Database) -> None:
    world = scheme(db)
    trip_id = approve(client, world)
    fixes = seed_fixes()
    late = fixes[40]
    feed(db, seed_sentences(fixes[:40]) + seed_sentences(fixes[41:]))
    assert client.get(f"/api/v1/elock/trips/{trip_id}", headers=world.hk.auth).json()["state"] == "arrived"
    [outcome] = feed(db, [sentence("Normal", 999, late.at, late.lat, late.lon)])
    assert outcome.status == "accepted" and outcome.transitions == []
    hk = client.get(f"/api/v1/elock/trips/{trip_id}/positions", headers=world.hk.auth).json()
    mainland = client.get(f"/api/v1/elock/trips/{trip_id}/positions", headers=world.mainland.auth).json()
    assert late.at in {datetime.fromisoformat(p["at"]) for p in hk}
    assert late.at not in {datetime.fromisoformat(p["at"]) for p in mainland}
    after_arrival = fixes[-1].at + timedelta(minutes=5)
    [stray] = feed(db, [sentence("Normal", 1000, after_arrival, fixes[-1].lat, fixes[-1].lon)])
    assert stray.status == "accepted" and stray.trip_id is None
