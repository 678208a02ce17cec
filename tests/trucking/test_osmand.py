"""Trackers speaking OsmAnd, in both forms Traccar's decoder accepts; unknown and revoked device ids refused and
counted; a position stored once; a refused report kept and replayable."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from harbourlink.kernel import Database, utcnow
from harbourlink.trucking import OsmandError
from harbourlink.trucking.osmand import parse
from tests.trucking.support import Haulage, haulage, plan_trip

ARRIVED = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


def _query(**params: object) -> str:
    return urlencode({"id": "123456789012345678901234", **params})


def test_the_query_form_reads_every_parameter_traccar_does() -> None:
    report = parse(
        query=_query(
            lat="22.35",
            lon="114.12",
            timestamp="1767225600",
            speed="10",
            bearing="90",
            altitude="8",
            accuracy="5",
            hdop="1.2",
            batt="80",
        ),
        body=b"",
        content_type=None,
        received_at=ARRIVED,
    )
    fix = report.fix
    assert report.device_id == "123456789012345678901234" and report.form == "query"
    assert (fix.latitude, fix.longitude, fix.heading, fix.altitude_m, fix.accuracy_m) == (22.35, 114.12, 90, 8, 5)
    assert fix.at == datetime(2026, 1, 1, tzinfo=UTC) and fix.battery_percent == 80
    assert fix.speed_kmh == pytest.approx(18.52)  # knots


@pytest.mark.parametrize(
    ("timestamp", "expected"),
    [
        ("1767225600", datetime(2026, 1, 1, tzinfo=UTC)),
        ("1767225600500", datetime(2026, 1, 1, 0, 0, 0, 500000, tzinfo=UTC)),
        ("2026-01-01T08:00:00+08:00", datetime(2026, 1, 1, tzinfo=UTC)),
        ("2026-01-01T00:00:00Z", datetime(2026, 1, 1, tzinfo=UTC)),
        ("2026-01-01 00:00:00", datetime(2026, 1, 1, tzinfo=UTC)),
    ],
)
def test_a_timestamp_is_seconds_milliseconds_or_iso_8601(timestamp: str, expected: datetime) -> None:
    fix = parse(
        query=_query(lat=22.3, lon=114.1, timestamp=timestamp), body=b"", content_type=None, received_at=ARRIVED
    ).fix
    assert fix.at == expected


def test_the_query_form_takes_its_variants_and_a_form_encoded_body() -> None:
    report = parse(
        query="",
        body=urlencode({"deviceid": "42", "location": "22.3,114.1", "heading": "45"}).encode(),
        content_type="application/x-www-form-urlencoded",
        received_at=ARRIVED,
    )
    assert (report.device_id, report.fix.latitude, report.fix.longitude, report.fix.heading) == ("42", 22.3, 114.1, 45)
    assert report.fix.at == ARRIVED  # no timestamp: when it arrived
    empty = parse(query=_query(lat=22.3, lon=114.1, speed=""), body=b"", content_type=None, received_at=ARRIVED)
    assert empty.fix.speed_kmh is None  # empty parameters are ignored, as Traccar does


def _json(**location: object) -> bytes:
    body = {
        "location": {
            "timestamp": "2026-01-01T00:00:00.000Z",
            "coords": {
                "latitude": 22.35,
                "longitude": 114.12,
                "accuracy": 6,
                "speed": 5,
                "heading": 180,
                "altitude": -3,
            },
            "is_moving": True,
            "odometer": 1200,
            "event": "motionchange",
            "battery": {"level": 0.55, "is_charging": False},
            "activity": {"type": "in_vehicle"},
            "extras": {},
            **location,
        },
        "device_id": "777",
    }
    return json.dumps(body).encode()


def test_the_json_form_of_the_current_traccar_client() -> None:
    report = parse(query="", body=_json(), content_type="application/json; charset=utf-8", received_at=ARRIVED)
    fix = report.fix
    assert report.form == "json" and report.device_id == "777"
    assert (fix.latitude, fix.longitude, fix.accuracy_m, fix.heading, fix.altitude_m) == (22.35, 114.12, 6, 180, -3)
    assert fix.speed_kmh == pytest.approx(18.0) and fix.battery_percent == pytest.approx(55)  # m/s; 0–1
    unknown = parse(
        query="",
        body=_json(coords={"latitude": 22.3, "longitude": 114.1, "speed": -1, "heading": -1}, battery={"level": -1}),
        content_type="application/json",
        received_at=ARRIVED,
    )
    assert (unknown.fix.speed_kmh, unknown.fix.heading, unknown.fix.battery_percent) == (None, None, None)


@pytest.mark.parametrize(
    ("query", "body", "content_type", "location"),
    [
        (_query(lon="114.1"), b"", None, "lat"),
        (_query(lat="north", lon="114.1"), b"", None, "lat"),
        (_query(lat="nan", lon="114.1"), b"", None, "lat"),
        (_query(location="22.3"), b"", None, "location"),
        (_query(lat="22.3", lon="114.1", timestamp="yesterday"), b"", None, "timestamp"),
        (_query(lat="22.3", lon="114.1", speed="fast"), b"", None, "speed"),
        (urlencode({"lat": 22.3, "lon": 114.1}), b"", None, "id"),
        ("", b"[1, 2]", "application/json", "body"),
        ("", _json(coords={"longitude": 114.1}), "application/json", "location.coords.latitude"),
        ("", _json(coords={"latitude": "22.3", "longitude": 114.1}), "application/json", "location.coords.latitude"),
        ("", _json(timestamp=1767225600), "application/json", "location.timestamp"),
    ],
)
def test_an_unreadable_report_names_the_parameter_at_fault(
    query: str, body: bytes, content_type: str | None, location: str
) -> None:
    with pytest.raises(OsmandError) as refused:
        parse(query=query, body=body, content_type=content_type, received_at=ARRIVED)
    assert refused.value.location == location


def _device(client: TestClient, world: Haulage, vehicle: str = "XY1234") -> str:
    issued = client.post("/api/v1/devices", headers=world.trucker.auth, json={"vehicle": vehicle})
    assert issued.status_code == 201, issued.text
    device_id: str = issued.json()["device_id"]
    assert len(device_id) == 24 and device_id.isdigit() and issued.json()["prefix"] == device_id[:4]
    return device_id


def _refusals(client: TestClient, reason: str) -> float:
    counter = client.app.state.metrics.device_refusals  # type: ignore[attr-defined]
    return float(counter.labels(reason)._value.get())


def test_both_forms_put_the_trackers_positions_on_the_running_trip_once(client: TestClient, db: Database) -> None:
    world = haulage(client, db)
    device_id = _device(client, world)
    trip = plan_trip(client, world, vehicle="XY 1234")
    before = client.get("/osmand", params={"id": device_id, "lat": 22.33, "lon": 114.12})
    assert before.status_code == 200 and before.text == ""  # stored for the device, no trip runs yet
    client.post(f"/api/v1/trips/{trip['id']}/start", headers=world.trucker.auth)

    taken = utcnow() - timedelta(seconds=30)
    query = {
        "id": device_id,
        "lat": "22.3345",
        "lon": "114.1190",
        "timestamp": str(int(taken.timestamp())),
        "speed": "15",
        "bearing": "10",
    }
    assert client.get("/osmand", params=query).status_code == 200
    assert (
        client.post(
            "/osmand", content=urlencode(query), headers={"Content-Type": "application/x-www-form-urlencoded"}
        ).status_code
        == 200
    )  # again
    moved = json.dumps(
        {
            "device_id": device_id,
            "location": {
                "timestamp": utcnow().isoformat(),
                "coords": {
                    "latitude": 22.3380,
                    "longitude": 114.1185,
                    "speed": 8.0,
                    "heading": 12,
                    "accuracy": 4,
                    "altitude": 6,
                },
                "battery": {"level": 0.8, "is_charging": True},
            },
        }
    )
    for _ in range(2):
        sent = client.post("/osmand", content=moved, headers={"Content-Type": "application/json"})
        assert sent.status_code == 200, sent.text

    positions = client.get(f"/api/v1/trips/{trip['id']}", headers=world.forwarder.auth).json()["positions"]
    assert [(p["lat"], p["source"]) for p in positions] == [(22.3345, "device"), (22.338, "device")]
    assert positions[0]["speed_kmh"] == pytest.approx(27.78) and positions[1]["speed_kmh"] == pytest.approx(28.8)
    reports = client.get("/api/v1/position-reports", headers=world.trucker.auth).json()
    assert [r["status"] for r in reports] == ["duplicate", "accepted", "duplicate", "accepted", "accepted"]
    assert {r["channel"] for r in reports} == {"osmand"}


def test_unknown_and_revoked_device_ids_are_refused_and_counted(client: TestClient, db: Database) -> None:
    world = haulage(client, db)
    device_id = _device(client, world)
    unknown_before, revoked_before = _refusals(client, "unknown"), _refusals(client, "revoked")
    unknown = client.get("/osmand", params={"id": "999999999999999999999999", "lat": 22.3, "lon": 114.1})
    assert unknown.status_code == 404 and unknown.json()["error"] == "unknown_device"
    as_json = client.post(
        "/osmand",
        headers={"Content-Type": "application/json"},
        content=json.dumps({"device_id": "nobody", "location": {}}),
    )
    assert as_json.status_code == 404 and as_json.json()["error"] == "unknown_device"
    assert _refusals(client, "unknown") == unknown_before + 2

    [entry] = client.get("/api/v1/devices", headers=world.trucker.auth).json()
    revoked = client.delete(f"/api/v1/devices/{entry['id']}", headers=world.trucker.auth)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    for _ in range(3):
        refused = client.get("/osmand", params={"id": device_id, "lat": 22.3, "lon": 114.1})
        assert refused.status_code == 404 and refused.json() == unknown.json()  # the same answer: no oracle
    assert _refusals(client, "revoked") == revoked_before + 3
    assert client.get("/api/v1/devices", headers=world.trucker.auth).json()[0]["refused"] == 3
    assert client.get("/api/v1/position-reports", headers=world.trucker.auth).json() == []  # nothing kept
    assert client.delete(f"/api/v1/devices/{entry['id']}", headers=world.outsider.auth).status_code == 404


def test_a_bad_value_is_refused_by_name_kept_and_replayable(client: TestClient, db: Database) -> None:
    world = haulage(client, db)
    device_id = _device(client, world)
    bad = client.get("/osmand", params={"id": device_id, "lat": "95", "lon": "114.1"})
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_position", bad.text
    assert bad.json()["data"]["errors"] == [{"location": "lat", "message": "95.0 is outside -90 to 90"}]
    report_id = bad.json()["data"]["report_id"]
    report = client.get(f"/api/v1/position-reports/{report_id}", headers=world.trucker.auth).json()
    assert report["status"] == "rejected" and report["channel"] == "osmand"
    fixed = client.post(
        f"/api/v1/position-reports/{report_id}/replay",
        content=urlencode({"id": device_id, "lat": "22.35", "lon": "114.1"}),
        headers={**world.trucker.auth, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert fixed.status_code == 201 and fixed.json()["status"] == "accepted", fixed.text
    as_it_was = client.post(f"/api/v1/position-reports/{report_id}/replay", headers=world.trucker.auth).json()
    assert as_it_was["status"] == "rejected"
    forged = client.post(f"/api/v1/position-reports/{report_id}/replay", headers=world.outsider.auth)
    assert forged.status_code == 404
    no_id = client.get("/osmand", params={"lat": 22.3, "lon": 114.1})
    assert no_id.status_code == 422 and no_id.json()["error"] == "invalid_report"
