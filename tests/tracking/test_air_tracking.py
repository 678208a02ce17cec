"""Air cargo by air waybill (R-MM-3): FSU, XFSU and ONE Record statuses in one air timeline, a house
air waybill tracked once the forwarder links it, and nothing for a company nobody shared it with."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from harbourlink.kernel import Database
from tests.conftest import Company, make_company
from tests.port import SAMPLES, grant

AWB = "16012345675"
HAWB = "HLKHKG2611001"
AIR = SAMPLES / "air"
FORMATS = {
    "cargo-imp": "fsu-cx880-hkg-lax.txt",
    "cargo-xml": "xfsu-cx880-arrival-lax.xml",
    "one-record": "one-record-delivery-lax.jsonld",
}


@dataclass
class Air:
    airline: Company
    forwarder: Company
    shipper: Company
    stranger: Company


@pytest.fixture
def air(client: TestClient, db: Database) -> Air:
    parties = Air(
        *(
            make_company(db, name, kind)
            for name, kind in [
                ("Cathay Cargo", "airline"),
                ("Victoria Freight", "forwarder"),
                ("Lantau Trading", "cargo_owner"),
                ("Nosy Parker", "cargo_owner"),
            ]
        )
    )
    for fmt, name in FORMATS.items():
        sent = client.post(
            f"/api/v1/messages?format={fmt}", headers=parties.airline.auth, content=(AIR / name).read_bytes()
        )
        assert sent.status_code == 201 and sent.json()["status"] == "accepted", sent.text
    grant(client, parties.airline, "AWB", AWB, parties.forwarder)
    return parties


def test_three_forms_make_one_air_timeline(client: TestClient, air: Air) -> None:
    view = client.get("/api/v1/track/160-1234 5675", headers=air.forwarder.auth).json()
    [waybill] = view["air"]
    assert (waybill["display"], waybill["origin"], waybill["destination"]) == ("160-12345675", "HKG", "LAX")
    assert (waybill["pieces"], waybill["weight"], waybill["weight_unit"]) == (12, 385.5, "K")
    assert [(s["code"], s["airport"], s["format"]) for s in waybill["statuses"]] == [
        ("RCS", "HKG", "cargo-imp"),
        ("BKD", "HKG", "cargo-imp"),
        ("MAN", "HKG", "cargo-imp"),
        ("DIS", "HKG", "cargo-imp"),
        ("DEP", "HKG", "cargo-imp"),
        ("ARR", "LAX", "cargo-xml"),
        ("RCF", "LAX", "cargo-xml"),
        ("NFD", "LAX", "one-record"),
        ("AWD", "LAX", "one-record"),
        ("DLV", "LAX", "one-record"),
    ]
    assert waybill["latest"]["code"] == "DLV"
    [flight] = waybill["flights"]
    assert (flight["flight"], flight["departs"], flight["arrives"]) == ("CX880", "HKG", "LAX")
    assert (flight["booked_pieces"], flight["departed_pieces"]) == (12, 9)
    # Local times at each airport: Hong Kong +08:00, Los Angeles -08:00 in November.
    assert flight["planned_departure"].endswith("T14:30:00+08:00") and flight["actual_departure"].endswith(
        "T16:15:00+08:00"
    )
    assert flight["planned_arrival"].endswith("T10:55:00-08:00") and flight["actual_arrival"].endswith(
        "T12:40:00-08:00"
    )
    offload = next(s for s in waybill["statuses"] if s["code"] == "DIS")
    assert (offload["discrepancy"], offload["pieces"]) == ("OFLD", 3)
    assert {e["event_type"] for e in view["events"]} == {"AIR"}
    assert all(e["location"] in ("HKHKG", "USLAX") for e in view["events"])


def test_sending_the_same_statuses_again_changes_nothing(client: TestClient, air: Air) -> None:
    again = client.post(
        "/api/v1/messages?format=cargo-imp", headers=air.airline.auth, content=(AIR / FORMATS["cargo-imp"]).read_bytes()
    ).json()
    assert (again["accepted"], again["duplicates"]) == (0, 5)


def test_house_air_waybill_is_tracked_after_the_link(client: TestClient, air: Air) -> None:
    assert client.get(f"/api/v1/track/{HAWB}", headers=air.shipper.auth).status_code == 404
    link = client.post(
        "/api/v1/bl-links",
        headers=air.forwarder.auth,
        json={"master_bl": "160-12345675", "house_bl": HAWB, "kind": "AWB"},
    )
    assert link.status_code == 201, link.text
    assert (link.json()["kind"], link.json()["master_bl"]) == ("AWB", AWB)
    grant(client, air.forwarder, "HAWB", HAWB, air.shipper)
    assert client.get(f"/api/v1/track/{HAWB}", headers=air.shipper.auth).status_code == 404  # AWB shared by name only
    grant(client, air.airline, "AWB", AWB, None)  # the airline's public tracking by number
    view = client.get(f"/api/v1/track/{HAWB.lower()}", headers=air.shipper.auth).json()
    assert {(m["kind"], m["value"]) for m in view["matched"]} == {("HAWB", HAWB), ("AWB", AWB)}
    assert [s["code"] for s in view["air"][0]["statuses"]][-1] == "DLV"
    assert client.get(f"/api/v1/track/{HAWB}", headers=air.stranger.auth).status_code == 404
    by_master = client.get(f"/api/v1/track/{AWB}", headers=air.forwarder.auth).json()
    assert (by_master["linked_house_awbs"], by_master["linked_house_bls"]) == ([HAWB], [])
    log = client.get("/api/v1/access-log", headers=air.forwarder.auth).json()
    assert any(e["viewer_org_id"] == air.shipper.org_id and e["reference"] == HAWB for e in log)


def test_another_company_gets_404(client: TestClient, air: Air) -> None:
    assert client.get(f"/api/v1/track/{AWB}", headers=air.stranger.auth).status_code == 404
    refused = client.post(
        "/api/v1/bl-links", headers=air.stranger.auth, json={"master_bl": AWB, "house_bl": "NP0001", "kind": "AWB"}
    )
    assert refused.status_code == 404 and refused.json()["error"] == "master_bl_not_visible"


def test_a_master_air_waybill_must_pass_its_check_digit(client: TestClient, air: Air) -> None:
    wrong = client.post(
        "/api/v1/bl-links",
        headers=air.forwarder.auth,
        json={"master_bl": "160-12345674", "house_bl": HAWB, "kind": "AWB"},
    )
    assert wrong.status_code == 422 and wrong.json()["data"]["field"] == "master_bl"
    assert "check digit should be 5" in wrong.json()["detail"]


def test_a_mistyped_air_waybill_gets_the_held_one(client: TestClient, air: Air) -> None:
    swapped = client.get("/api/v1/track/160-12354675", headers=air.forwarder.auth)  # 4 and 5 swapped
    assert swapped.status_code == 404 and swapped.json()["data"]["suggestions"] == [AWB]
    assert client.get("/api/v1/track/160-12354675", headers=air.stranger.auth).json()["data"]["suggestions"] == []
