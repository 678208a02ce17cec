"""A vessel call's times and position follow the cargo on it, whatever its publisher shares by grant.

The carrier shares its Master B/L with its customer (the forwarder) only. The SME holds the
forwarder's House B/L, linked to that Master B/L: it sees when and where the ship is, not the
carrier's events about the cargo, unless the carrier withholds its vessel calls.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from harbourlink import vessels
from harbourlink.kernel import Database, utcnow
from tests.port import CARRIER_HEADER, CONTAINER, HBL, MBL, VOYAGE, Port, grant, open_port, send

SHIP_MMSI = "477123400"
OTHER_MBL = "PONU0999999"
# The same call also carries another customer's Master B/L, whose copy of the call's estimate is the newest,
# and the ship's next voyage is another call.
OTHER_CARGO = (
    "C6,TRANSPORT,ARRI,EST,2026-11-23T07:00:00+08:00,,PONU0999999,HKHKG,HITHK,9706906,PEARL HARMONY,"
    "026E,VESSEL\n"
    "C7,TRANSPORT,ARRI,PLN,2026-12-02T05:00:00+08:00,,PONU0888888,CNSHK,,9706906,PEARL HARMONY,027W,VESSEL\n"
)


@pytest.fixture
def port(client: TestClient, db: Database) -> Port:
    port = open_port(client, db, carrier_csv=VOYAGE + OTHER_CARGO)
    link = client.post("/api/v1/bl-links", headers=port.forwarder.auth, json={"master_bl": MBL, "house_bl": HBL})
    assert link.status_code == 201, link.text
    grant(client, port.forwarder, "HBL", HBL, port.sme)
    return port


def _arrivals(view: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (entry["location"], estimate["classifier"], estimate["time"])
        for entry in view["schedule"]
        if entry["event_code"] == "ARRI"
        for estimate in entry["estimates"]
    ]


def test_the_sme_sees_the_call_of_its_house_bl_and_none_of_the_carriers_cargo_events(
    client: TestClient, port: Port
) -> None:
    answer = client.get(f"/api/v1/track/{HBL}", headers=port.sme.auth)
    assert answer.status_code == 200, answer.text
    view = answer.json()
    assert {(m["kind"], m["value"]) for m in view["matched"]} == {("HBL", HBL), ("MBL", MBL)}
    assert view["vessel"]["imo"] == "9706906" and view["vessel"]["name"] == "PEARL HARMONY"
    # The carrier's word on the call's arrival: its plan, and its newest estimate (sent with another B/L) …
    assert sorted(_arrivals(view)) == [
        ("HKHKG", "EST", "2026-11-22T23:00:00Z"),
        ("HKHKG", "PLN", "2026-11-22T21:00:00Z"),
    ]
    assert [(leg["origin"], leg["destination"]) for leg in view["legs"]] == [("CNYTN", "HKHKG")]
    # … but no event of the carrier's, no box, no other call, and no other customer's number.
    assert (view["events"], view["containers"]) == ([], [])
    assert OTHER_MBL not in answer.text and "027W" not in answer.text and CONTAINER not in answer.text


def test_the_ships_ais_position_comes_with_the_call(client: TestClient, db: Database, port: Port) -> None:
    now = utcnow()
    with db.transaction() as session:
        vessels.record_statics(
            session,
            [
                vessels.VesselStatic(
                    mmsi=SHIP_MMSI,
                    imo="9706906",
                    name="PEARL HARMONY",
                    destination="HKHKG",
                    eta=now + timedelta(hours=3),
                )
            ],
        )
        vessels.record_positions(
            session,
            [
                vessels.PositionReport(
                    mmsi=SHIP_MMSI,
                    at=now - timedelta(minutes=5),
                    latitude=22.21,
                    longitude=113.95,
                    speed_knots=12.0,
                    course=45.0,
                )
            ],
            message_id=None,
        )
    view = client.get(f"/api/v1/track/{HBL}", headers=port.sme.auth).json()
    assert view["vessel"]["position"]["latitude"] == pytest.approx(22.21)
    assert view["vessel"]["mmsi"] == SHIP_MMSI


def test_a_company_with_no_cargo_on_the_call_sees_nothing_of_it(client: TestClient, port: Port) -> None:
    for number in (HBL, MBL):  # the stranger may type both numbers: neither is its cargo
        assert client.get(f"/api/v1/track/{number}", headers=port.stranger.auth).status_code == 404
    # Its own cargo on the ship's other voyage shows that call, and not the SME's.
    send(
        client,
        port.stranger,
        "csv",
        (
            CARRIER_HEADER + "N1,EQUIPMENT,LOAD,ACT,2026-11-29T10:00:00+08:00,,NPMBL0001,"
            "HKHKG,HITHK,9706906,PEARL HARMONY,027W,VESSEL\n"
        ).encode(),
    )
    view = client.get("/api/v1/track/NPMBL0001", headers=port.stranger.auth).json()
    assert _arrivals(view) == [("CNSHK", "PLN", "2026-12-01T21:00:00Z")]
    assert {leg["voyage"] for leg in view["legs"]} == {"027W"}


def test_the_carrier_withholding_its_vessel_calls_hides_them(client: TestClient, port: Port) -> None:
    policy = client.get("/api/v1/sharing-policy", headers=port.carrier.auth).json()
    assert policy == {"share_vessel_calls": True, "updated_at": None}
    changed = client.put("/api/v1/sharing-policy", headers=port.carrier.auth, json={"share_vessel_calls": False})
    assert changed.status_code == 200 and changed.json()["share_vessel_calls"] is False
    assert client.get(f"/api/v1/track/{HBL}", headers=port.sme.auth).status_code == 404
    # Its grants still count: the forwarder it shares the Master B/L with sees the whole voyage.
    forwarder = client.get(f"/api/v1/track/{MBL}", headers=port.forwarder.auth).json()
    assert ("HKHKG", "PLN", "2026-11-22T21:00:00Z") in _arrivals(forwarder)
    client.put("/api/v1/sharing-policy", headers=port.carrier.auth, json={"share_vessel_calls": True})
    assert client.get(f"/api/v1/track/{HBL}", headers=port.sme.auth).status_code == 200


def test_a_box_the_terminal_shares_puts_its_holder_on_the_carriers_call(client: TestClient, port: Port) -> None:
    """The terminal shares the box with anyone who holds its number; the carrier's load list has it on the call."""
    view = client.get(f"/api/v1/track/{CONTAINER}", headers=port.stranger.auth).json()
    assert {event["source"] for event in view["events"]} == {"Kwai Tsing Terminal"}  # not the carrier's LOAD
    assert ("HKHKG", "EST", "2026-11-22T23:00:00Z") in _arrivals(view)
    client.put("/api/v1/sharing-policy", headers=port.carrier.auth, json={"share_vessel_calls": False})
    withheld = client.get(f"/api/v1/track/{CONTAINER}", headers=port.stranger.auth).json()
    assert _arrivals(withheld) == [] and withheld["vessel"] is None


def test_changing_the_policy_needs_the_access_manage_scope(client: TestClient, port: Port) -> None:
    key = client.post(
        "/api/v1/api-keys", headers=port.carrier.auth, json={"name": "feeds", "scopes": ["cargo:read", "cargo:write"]}
    ).json()["key"]
    refused = client.put(
        "/api/v1/sharing-policy", headers={"Authorization": f"Bearer {key}"}, json={"share_vessel_calls": False}
    )
    assert refused.status_code == 403
    assert client.put("/api/v1/sharing-policy", headers=port.carrier.auth, json={}).status_code == 422


def test_a_calls_time_repeated_for_each_bl_on_board_is_one_row(client: TestClient, db: Database) -> None:
    repeated = (
        "C8,TRANSPORT,ARRI,EST,2026-11-23T06:30:00+08:00,,PONU0777777,HKHKG,HITHK,9706906,PEARL HARMONY,026E,VESSEL\n"
    )
    port = open_port(client, db, carrier_csv=VOYAGE + repeated)
    view = client.get(f"/api/v1/track/{MBL}", headers=port.forwarder.auth).json()
    assert sorted(_arrivals(view)) == [
        ("HKHKG", "EST", "2026-11-22T22:30:00Z"),
        ("HKHKG", "PLN", "2026-11-22T21:00:00Z"),
    ]
    assert "PONU0777777" not in json.dumps(view)
