"""Locks reporting with a token (the JSON API, OsmAnd), and each authority's own seal session on the lock."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from harbourlink import elock
from harbourlink.elock.models import ElockSealSession, ElockSessionEntry  # to alter the log behind its back
from harbourlink.identity import Sealer
from harbourlink.kernel import Database
from tests.elock.support import Scheme, approve, scheme, seed_fixes, seed_sentences, sentence, trip_body

JSON_LOCK, OSMAND_LOCK = "JL1", "OL1"


def register(client: TestClient, world: Scheme, device_id: str, protocol: str) -> str:
    made = client.post(
        "/api/v1/elock/devices", headers=world.hk.auth, json={"device_id": device_id, "protocol": protocol}
    )
    assert made.status_code == 201, made.text
    token = made.json()["token"]
    assert (
        token is not None
        and len(token) == 24
        and token not in str(client.get("/api/v1/elock/devices", headers=world.hk.auth).json())
    )
    return str(token)


def json_report(at: Any, lat: float | None, lon: float | None, **more: Any) -> dict[str, Any]:
    return {"at": at.isoformat(), "lat": lat, "lon": lon, "lock": "locked", **more}


def test_a_json_lock_reports_with_its_token_and_is_supervised_like_an_eseal_one(
    client: TestClient, db: Database
) -> None:
    world = scheme(db)
    token = register(client, world, JSON_LOCK, "json")
    other = register(client, world, "JL2", "json")
    created = client.post("/api/v1/elock/trips", headers=world.hk.auth, json=trip_body(world, device_id=JSON_LOCK))
    trip_id = created.json()["id"]
    url = f"/api/v1/elock/devices/{JSON_LOCK}/reports"
    fixes = seed_fixes()
    for fix in fixes:
        sent = client.post(url, headers={"X-Device-Token": token}, json=json_report(fix.at, fix.lat, fix.lon))
        assert sent.status_code == 200 and sent.json()["status"] == "accepted", sent.text
    again = client.post(
        url, headers={"X-Device-Token": token}, json=json_report(fixes[-1].at, fixes[-1].lat, fixes[-1].lon)
    )
    assert again.json()["status"] == "duplicate"
    trip = client.get(f"/api/v1/elock/trips/{trip_id}", headers=world.hk.auth).json()
    assert trip["state"] == "arrived"
    assert [t["trigger"] for t in trip["transitions"]] == ["left_origin", "arrived_hk_exit"]

    last = fixes[-1]
    for headers in ({"X-Device-Token": other}, {"X-Device-Token": "0" * 24}, {}):
        refused = client.post(url, headers=headers, json=json_report(last.at, last.lat, last.lon))
        assert (refused.status_code, refused.json()["error"]) == (404, "unknown_device")
    with db.transaction() as session:  # eSeal carries no credential: it cannot speak for a lock with a token
        [spoofed] = [
            elock.receive_frame(
                session,
                peer="test",
                frame=elock.Frame(sentence("Normal", 5, last.at, last.lat, last.lon, device_id=JSON_LOCK).strip()),
            )
        ]
    assert spoofed.status == "rejected" and "reports by json" in (spoofed.error or "")


def test_a_json_door_event_on_the_road_is_tampering(client: TestClient, db: Database) -> None:
    world = scheme(db)
    token = register(client, world, JSON_LOCK, "json")
    client.post("/api/v1/elock/trips", headers=world.hk.auth, json=trip_body(world, device_id=JSON_LOCK))
    url = f"/api/v1/elock/devices/{JSON_LOCK}/reports"
    fixes = seed_fixes()[:40]
    for fix in fixes:
        client.post(url, headers={"X-Device-Token": token}, json=json_report(fix.at, fix.lat, fix.lon, battery_v=3.9))
    road = fixes[-1]
    opened = client.post(
        url,
        headers={"X-Device-Token": token},
        json=json_report(road.at, None, None, event="door", lock="unlocked"),
    )
    assert opened.json()["status"] == "accepted" and len(opened.json()["alerts"]) == 1


def test_an_osmand_lock_reports_to_the_trackers_endpoint(client: TestClient, db: Database) -> None:
    world = scheme(db)
    token = register(client, world, OSMAND_LOCK, "osmand")
    trip_id = client.post(
        "/api/v1/elock/trips", headers=world.hk.auth, json=trip_body(world, device_id=OSMAND_LOCK)
    ).json()["id"]
    fixes = seed_fixes()[:30]
    for fix in fixes:
        sent = client.get(
            f"/osmand?id={token}&lat={fix.lat}&lon={fix.lon}&timestamp={int(fix.at.timestamp())}&speed=30"
        )
        assert sent.status_code == 200, sent.text
    positions = client.get(f"/api/v1/elock/trips/{trip_id}/positions", headers=world.hk.auth).json()
    assert len(positions) == len(fixes) and positions[0]["speed_kmh"] == 55.56
    trip = client.get(f"/api/v1/elock/trips/{trip_id}", headers=world.hk.auth).json()
    assert trip["state"] == "hk_transit"
    bad = client.get(f"/osmand?id={token}&lat=north&lon=1")
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_position"
    assert client.get("/osmand?id=999999999999999999999999&lat=22&lon=114").status_code == 404


def test_each_authority_reads_and_verifies_only_its_own_seal_session(client: TestClient, db: Database) -> None:
    world = scheme(db)
    trip_id = approve(client, world)
    with db.transaction() as session:
        for line in seed_sentences(seed_fixes()):
            elock.receive_frame(session, peer="test", frame=elock.Frame(line.strip()))
    base = f"/api/v1/elock/trips/{trip_id}/sessions"
    hk = client.get(f"{base}/hk", headers=world.hk.auth).json()
    mainland = client.get(f"{base}/mainland", headers=world.mainland.auth).json()
    for own, authority in ((hk, world.hk), (mainland, world.mainland)):
        assert own["verified"] is True and own["first_broken"] is None and own["org_id"] == authority.org_id
        assert {e["kind"] for e in own["entries"]} == {"position", "event"}
        assert [e["n"] for e in own["entries"]] == list(range(len(own["entries"])))
    assert hk["key"] != mainland["key"]
    assert {e["body"]["code"] for e in hk["entries"] if e["kind"] == "event"} == {"RSEA", "RMVD"}
    positions = client.get(f"/api/v1/elock/trips/{trip_id}/positions", headers=world.hk.auth).json()
    assert len([e for e in hk["entries"] if e["kind"] == "position"]) == len(positions)
    assert elock.seal.first_broken(hk["key"], [(e["n"], e["body"], e["mac"]) for e in hk["entries"]]) is None

    for company, segment in (
        (world.mainland, "hk"),
        (world.hk, "mainland"),
        (world.trucker, "hk"),
        (world.outsider, "hk"),
    ):
        assert client.get(f"{base}/{segment}", headers=company.auth).status_code == 404

    with db.transaction() as session:
        kept = session.scalar(
            select(ElockSealSession).where(ElockSealSession.trip_id == trip_id, ElockSealSession.segment == "hk")
        )
        assert (
            kept is not None and hk["key"] not in kept.key_sealed and Sealer("another").unseal(kept.key_sealed) is None
        )
        entry = session.scalar(
            select(ElockSessionEntry).where(ElockSessionEntry.session_id == kept.id, ElockSessionEntry.n == 7)
        )
        assert entry is not None
        entry.body = {**entry.body, "lat": 22.0}
    changed = client.get(f"{base}/hk", headers=world.hk.auth).json()
    assert (changed["verified"], changed["first_broken"]) == (False, 7)
    assert client.get(f"{base}/mainland", headers=world.mainland.auth).json()["verified"] is True
