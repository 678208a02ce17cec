"""Track by any number: an SME holding only a House B/L sees the voyage once its forwarder links it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from harbourlink.kernel import Database
from tests.conftest import Company, make_company

SAMPLES = Path(__file__).parent.parent / "samples"
MBL, HBL, CONTAINER, DECLARATION = "PONU0123456", "VFFHKG001", "MSCU1234566", "CN2026112300042"

CARRIER_CSV = """event_id,event_type,event_code,classifier,event_time,container,mbl,location,facility,vessel_imo,vessel_name,voyage,mode
C1,TRANSPORT,DEPA,ACT,2026-11-20T22:00:00+08:00,,PONU0123456,CNYTN,,9706906,PEARL HARMONY,026E,VESSEL
C2,TRANSPORT,ARRI,PLN,2026-11-23T05:00:00+08:00,,PONU0123456,HKHKG,HITHK,9706906,PEARL HARMONY,026E,VESSEL
C3,TRANSPORT,ARRI,EST,2026-11-23T06:30:00+08:00,,PONU0123456,HKHKG,HITHK,9706906,PEARL HARMONY,026E,VESSEL
C4,EQUIPMENT,LOAD,ACT,2026-11-20T18:00:00+08:00,MSCU1234566,PONU0123456,CNYTN,,9706906,PEARL HARMONY,026E,VESSEL
C5,EQUIPMENT,DISC,ACT,2026-11-23T09:40:00+08:00,MSCU1234566,PONU0123456,HKHKG,HITHK,9706906,PEARL HARMONY,026E,VESSEL
"""
CUSTOMS_CSV = """event_id,event_type,event_code,event_time,declaration,container
D1,CUSTOMS,SUBM,2026-11-22T10:00:00+08:00,CN2026112300042,MSCU1234566
D2,CUSTOMS,CUSR,2026-11-23T08:00:00+08:00,CN2026112300042,MSCU1234566
"""


@dataclass
class Port:
    carrier: Company
    terminal: Company
    customs: Company
    forwarder: Company
    sme: Company
    stranger: Company


def _send(client: TestClient, company: Company, fmt: str, raw: bytes) -> None:
    outcome = client.post("/api/v1/messages", params={"format": fmt}, headers=company.auth, content=raw).json()
    assert outcome["status"] == "accepted", outcome


def _grant(client: TestClient, owner: Company, kind: str, value: str, grantee: Company | None) -> str:
    body: dict[str, object] = {"reference_type": kind, "reference": value}
    body.update({"grantee_org_id": grantee.org_id} if grantee else {"anyone_with_reference": True})
    response = client.post("/api/v1/grants", headers=owner.auth, json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.fixture
def port(client: TestClient, db: Database) -> Port:
    port = Port(*(make_company(db, name, kind) for name, kind in [
        ("Pearl Ocean Lines", "shipping_line"), ("Kwai Tsing Terminal", "terminal_operator"),
        ("Shenzhen Customs", "customs_mainland"), ("Victoria Freight", "forwarder"), ("Lantau Trading", "cargo_owner"),
        ("Nosy Parker Ltd", "cargo_owner")]))
    _send(client, port.carrier, "csv", CARRIER_CSV.encode())
    _send(client, port.terminal, "terminal-json", (SAMPLES / "terminal" / "hit_feed.json").read_bytes())
    _send(client, port.customs, "csv", CUSTOMS_CSV.encode())
    _grant(client, port.carrier, "MBL", MBL, port.forwarder)          # the carrier's customer
    _grant(client, port.terminal, "CONTAINER", CONTAINER, None)       # public container enquiry
    _grant(client, port.customs, "DECLARATION", DECLARATION, port.sme)  # the declarant
    return port


def test_sme_tracks_by_house_bl_after_the_link(client: TestClient, port: Port) -> None:
    assert client.get(f"/api/v1/track/{HBL}", headers=port.sme.auth).status_code == 404
    link = client.post("/api/v1/bl-links", headers=port.forwarder.auth, json={"master_bl": MBL, "house_bl": HBL})
    assert link.status_code == 201, link.text
    _grant(client, port.forwarder, "HBL", HBL, port.sme)
    assert client.get(f"/api/v1/track/{HBL}", headers=port.sme.auth).status_code == 404  # carrier shares MBL by name
    _grant(client, port.carrier, "MBL", MBL, None)  # the carrier opens its MBL to holders of the number
    view = client.get(f"/api/v1/track/{HBL.lower()}", headers=port.sme.auth).json()
    assert {(m["kind"], m["value"]) for m in view["matched"]} == {("HBL", HBL), ("MBL", MBL)}
    assert view["vessel"]["imo"] == "9706906" and view["vessel"]["name"] == "PEARL HARMONY"
    arrival = next(s for s in view["schedule"] if s["event_code"] == "ARRI")
    assert [(e["classifier"], e["source"]) for e in arrival["estimates"]] == [
        ("PLN", "Pearl Ocean Lines"), ("EST", "Pearl Ocean Lines")]
    [box] = view["containers"]
    assert box["number"] == CONTAINER and box["release"]["status"] == "RELEASED"
    assert box["release"]["source"] == "Kwai Tsing Terminal" and box["setpoint"] == 5.0
    assert [r["temperature"] for r in box["readings"]] == [4.8, 5.1, None]
    assert view["legs"][0]["origin"] == "CNYTN" and view["legs"][0]["destination"] == "HKHKG"
    # The SME is the declarant: its declaration names the same container, so its status shows here too.
    assert [(c["declaration"], c["status"]) for c in view["customs"]] == [(DECLARATION, "released")]
    assert client.get(f"/api/v1/track/{HBL}", headers=port.stranger.auth).status_code == 404
    log = client.get("/api/v1/access-log", headers=port.forwarder.auth).json()
    assert any(e["viewer_org_id"] == port.sme.org_id and e["reference"] == HBL for e in log)


def test_revoking_the_house_grant_ends_it(client: TestClient, port: Port) -> None:
    client.post("/api/v1/bl-links", headers=port.forwarder.auth, json={"master_bl": MBL, "house_bl": HBL})
    _grant(client, port.carrier, "MBL", MBL, None)
    grant = _grant(client, port.forwarder, "HBL", HBL, port.sme)
    assert client.get(f"/api/v1/track/{HBL}", headers=port.sme.auth).status_code == 200
    client.delete(f"/api/v1/grants/{grant}", headers=port.forwarder.auth)
    assert client.get(f"/api/v1/track/{HBL}", headers=port.sme.auth).status_code == 404


def test_customs_status_by_declaration_number(client: TestClient, port: Port) -> None:
    view = client.get(f"/api/v1/track/{DECLARATION}", headers=port.sme.auth).json()
    [declaration] = view["customs"]
    assert (declaration["status"], declaration["source"]) == ("released", "Shenzhen Customs")
    assert [e["event_code"] for e in declaration["history"]] == ["SUBM", "CUSR"]
    assert client.get(f"/api/v1/track/{DECLARATION}", headers=port.stranger.auth).status_code == 404


def test_public_container_enquiry_and_private_mbl(client: TestClient, port: Port) -> None:
    view = client.get(f"/api/v1/track/{CONTAINER}", headers=port.stranger.auth).json()
    assert {e["source"] for e in view["events"]} == {"Kwai Tsing Terminal"}  # not the carrier's moves
    assert client.get(f"/api/v1/track/{MBL}", headers=port.stranger.auth).status_code == 404
    forwarder_view = client.get(f"/api/v1/track/{MBL}", headers=port.forwarder.auth).json()
    assert {e["source"] for e in forwarder_view["events"]} == {"Pearl Ocean Lines", "Kwai Tsing Terminal"}


def test_linking_needs_entitlement_to_the_master(client: TestClient, port: Port) -> None:
    refused = client.post("/api/v1/bl-links", headers=port.stranger.auth, json={"master_bl": MBL, "house_bl": "NP001"})
    assert refused.status_code == 404 and refused.json()["error"] == "master_bl_not_visible"
    _grant(client, port.carrier, "MBL", MBL, None)
    typed = client.post("/api/v1/bl-links", headers=port.stranger.auth, json={"master_bl": MBL, "house_bl": "NP001"})
    assert typed.status_code == 404  # knowing a public number is no entitlement
    assert client.get("/api/v1/bl-links", headers=port.stranger.auth).json() == []
    made = client.post("/api/v1/bl-links", headers=port.forwarder.auth, json={"master_bl": MBL, "house_bl": HBL})
    again = client.post("/api/v1/bl-links", headers=port.forwarder.auth, json={"master_bl": MBL, "house_bl": HBL})
    assert made.json()["id"] == again.json()["id"]
    assert json.dumps(client.get("/api/v1/bl-links", headers=port.carrier.auth).json()) == "[]"


def test_a_mistyped_number_gets_suggestions_the_caller_may_see(client: TestClient, port: Port) -> None:
    typo = client.get("/api/v1/track/PONU0I23456", headers=port.forwarder.auth)  # I for 1
    assert typo.status_code == 404
    assert typo.json()["data"]["suggestions"][0] == MBL
    assert client.get("/api/v1/track/MSCU1234565", headers=port.forwarder.auth).json()["data"]["suggestions"] == [
        CONTAINER]
    stranger = client.get("/api/v1/track/PONU0I23456", headers=port.stranger.auth).json()
    assert stranger["data"]["suggestions"] == []  # not shared with it: never suggested
