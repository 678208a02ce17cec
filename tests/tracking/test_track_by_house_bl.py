"""Track by any number: an SME holding only a House B/L sees the voyage once its forwarder links it."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from harbourlink.kernel import Database
from tests.conftest import make_company
from tests.port import CONTAINER, DECLARATION, HBL, MBL, VOYAGE, Port, grant, open_port
from tests.web.conftest import log_in

DISCHARGE = (
    "C5,EQUIPMENT,DISC,ACT,2026-11-23T09:40:00+08:00,MSCU1234566,PONU0123456,HKHKG,HITHK,9706906,"
    "PEARL HARMONY,026E,VESSEL\n"
)


@pytest.fixture
def port(client: TestClient, db: Database) -> Port:
    return open_port(client, db, carrier_csv=VOYAGE + DISCHARGE)


def test_sme_tracks_by_house_bl_after_the_link(client: TestClient, port: Port) -> None:
    assert client.get(f"/api/v1/track/{HBL}", headers=port.sme.auth).status_code == 404
    link = client.post("/api/v1/bl-links", headers=port.forwarder.auth, json={"master_bl": MBL, "house_bl": HBL})
    assert link.status_code == 201, link.text
    grant(client, port.forwarder, "HBL", HBL, port.sme)
    # The carrier shares its MBL by name: the SME sees the vessel call its cargo is on, nothing of the cargo.
    call = client.get(f"/api/v1/track/{HBL}", headers=port.sme.auth).json()
    assert (call["events"], call["containers"], call["vessel"]["name"]) == ([], [], "PEARL HARMONY")
    grant(client, port.carrier, "MBL", MBL, None)  # the carrier opens its MBL to holders of the number
    view = client.get(f"/api/v1/track/{HBL.lower()}", headers=port.sme.auth).json()
    assert {(m["kind"], m["value"]) for m in view["matched"]} == {("HBL", HBL), ("MBL", MBL)}
    assert view["vessel"]["imo"] == "9706906" and view["vessel"]["name"] == "PEARL HARMONY"
    arrival = next(s for s in view["schedule"] if s["event_code"] == "ARRI")
    assert [(e["classifier"], e["source"]) for e in arrival["estimates"]] == [
        ("PLN", "Pearl Ocean Lines"),
        ("EST", "Pearl Ocean Lines"),
    ]
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
    grant(client, port.carrier, "MBL", MBL, None)
    house = grant(client, port.forwarder, "HBL", HBL, port.sme)
    assert client.get(f"/api/v1/track/{HBL}", headers=port.sme.auth).status_code == 200
    client.delete(f"/api/v1/grants/{house}", headers=port.forwarder.auth)
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
    # The carrier shares its MBL with its customer by name only: holding the number is no entitlement.
    refused = client.post("/api/v1/bl-links", headers=port.stranger.auth, json={"master_bl": MBL, "house_bl": "NP001"})
    assert refused.status_code == 404 and refused.json()["error"] == "master_bl_not_visible"
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
        CONTAINER
    ]
    stranger = client.get("/api/v1/track/PONU0I23456", headers=port.stranger.auth).json()
    assert stranger["data"]["suggestions"] == []  # not shared with it: never suggested


def test_a_number_typed_with_dashes_or_full_width_characters_is_found(client: TestClient, port: Port) -> None:
    for typed in ("MSCU-123456-6", "ＭＳＣＵ１２３４５６６", "mscu 123456 6"):
        view = client.get(f"/api/v1/track/{typed}", headers=port.stranger.auth)
        assert view.status_code == 200, typed
        assert view.json()["reference"] == CONTAINER
    log_in(client, port.stranger.admin_email)
    page = client.get("/track", params={"q": "ＭＳＣＵ－１２３４５６－６"}, follow_redirects=False)
    assert page.headers["location"].endswith(f"/track/{CONTAINER}")


def test_holding_a_public_master_bl_is_enough_to_link_a_house_bl(client: TestClient, db: Database, port: Port) -> None:
    """A co-loader the carrier never named links its House B/L; its customer then tracks by it alone."""
    co_loader = make_company(db, "Kowloon Consolidators", "forwarder")
    link = {"master_bl": MBL, "house_bl": "KCHKG0042"}
    refused = client.post("/api/v1/bl-links", headers=co_loader.auth, json=link)
    assert refused.status_code == 404 and refused.json()["error"] == "master_bl_not_visible"
    grant(client, port.carrier, "MBL", MBL, None)  # the carrier's public tracking
    made = client.post("/api/v1/bl-links", headers=co_loader.auth, json=link)
    assert made.status_code == 201, made.text
    grant(client, co_loader, "HBL", "KCHKG0042", port.sme)
    view = client.get("/api/v1/track/KCHKG0042", headers=port.sme.auth).json()
    assert {(m["kind"], m["value"]) for m in view["matched"]} == {("HBL", "KCHKG0042"), ("MBL", MBL)}
    carrier_moves = {e["event_code"] for e in view["events"] if e["source"] == "Pearl Ocean Lines"}
    assert carrier_moves == {"DEPA", "ARRI", "LOAD", "DISC"}
    assert client.get("/api/v1/track/KCHKG0042", headers=port.stranger.auth).status_code == 404
