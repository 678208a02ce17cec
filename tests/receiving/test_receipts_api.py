"""QR tokens and receipts through the API: a token never shows the number, opens only while good, and a
warehouse's receipt reaches every party, ends the trip and raises an alert when short or damaged."""

from __future__ import annotations

from fastapi.testclient import TestClient

from harbourlink.kernel import Database
from tests.receiving.support import delivery, qr
from tests.trucking.support import CONTAINER


def test_a_qr_token_is_signed_and_expiring_and_never_the_number(client: TestClient, db: Database) -> None:
    world = delivery(client, db).world
    issued = qr(client, world.trucker)
    assert CONTAINER not in issued["token"] and CONTAINER not in issued["url"]
    assert issued["url"].endswith(f"/c/{issued['token']}") and issued["expires_at"]
    assert qr(client, world.trucker)["token"] != issued["token"]

    label = client.get(f"/api/v1/consignments/{CONTAINER}/label.pdf", headers=world.trucker.auth)
    assert label.status_code == 200 and label.headers["content-type"] == "application/pdf"
    assert label.content.startswith(b"%PDF-")


def test_a_company_that_does_not_see_the_cargo_gets_no_qr_and_no_label(client: TestClient, db: Database) -> None:
    shipment = delivery(client, db)
    for company in (shipment.world.outsider, shipment.warehouse):
        assert client.post(f"/api/v1/consignments/{CONTAINER}/qr", headers=company.auth).status_code == 404
        assert client.get(f"/api/v1/consignments/{CONTAINER}/label.pdf", headers=company.auth).status_code == 404
        assert client.delete(f"/api/v1/consignments/{CONTAINER}/qr", headers=company.auth).status_code == 404


def test_a_short_receipt_reaches_every_party_ends_the_trip_and_raises_an_alert(
    client: TestClient, db: Database
) -> None:
    shipment = delivery(client, db, packages=10)
    world, warehouse = shipment.world, shipment.warehouse
    token = qr(client, world.trucker)["token"]
    body = {"token": token, "packages": 8, "condition": "good", "note": "two cartons missing"}

    refused = client.post("/api/v1/receipts", headers=world.outsider.auth, json=body)
    assert refused.status_code == 403 and refused.json()["error"] == "not_warehouse"

    received = client.post("/api/v1/receipts", headers=warehouse.auth, json=body)
    assert received.status_code == 201, received.text
    receipt = received.json()
    assert (receipt["packages"], receipt["expected"], receipt["short"], receipt["alert"]) == (8, 10, 2, True)
    assert receipt["trips_ended"] == [shipment.trip["id"]]
    assert receipt["reference"] == CONTAINER

    trip = client.get(f"/api/v1/trips/{shipment.trip['id']}", headers=world.trucker.auth).json()
    assert trip["status"] == "finished"
    for party in (world.forwarder, world.trucker, warehouse):
        events = client.get(f"/api/v1/track/{CONTAINER}", headers=party.auth).json()["events"]
        [gate_in] = [e for e in events if e["event_code"] == "GTIN" and e["source"] == "Tsuen Wan Logistics"]
        assert gate_in["details"]["packages"] == 8 and gate_in["details"]["packages_short"] == 2
    assert client.get(f"/api/v1/track/{CONTAINER}", headers=world.outsider.auth).status_code == 404

    [alert] = client.get("/api/v1/alerts", headers=world.forwarder.auth).json()
    assert alert["alert_type"] == "receipt_discrepancy"
    assert (alert["figures"]["packages_short"], alert["figures"]["packages_expected"]) == (2, 10)


def test_damage_raises_an_alert_whatever_the_count(client: TestClient, db: Database) -> None:
    shipment = delivery(client, db, packages=10)
    token = qr(client, shipment.world.forwarder)["token"]
    received = client.post(
        "/api/v1/receipts",
        headers=shipment.warehouse.auth,
        json={"token": token, "packages": 10, "condition": "damaged"},
    )
    assert received.json()["alert"] is True and received.json()["short"] == 0
    [alert] = client.get("/api/v1/alerts", headers=shipment.world.forwarder.auth).json()
    assert alert["figures"]["condition"] == "damaged"


def test_a_complete_receipt_raises_nothing(client: TestClient, db: Database) -> None:
    shipment = delivery(client, db, packages=10)
    token = qr(client, shipment.world.trucker)["token"]
    received = client.post(
        "/api/v1/receipts", headers=shipment.warehouse.auth, json={"token": token, "packages": 10, "condition": "good"}
    )
    assert received.json()["alert"] is False
    assert client.get("/api/v1/alerts", headers=shipment.world.forwarder.auth).json() == []


def test_a_revoked_or_forged_token_opens_nothing(client: TestClient, db: Database) -> None:
    shipment = delivery(client, db)
    token = qr(client, shipment.world.trucker)["token"]
    revoked = client.delete(f"/api/v1/consignments/{CONTAINER}/qr", headers=shipment.world.trucker.auth)
    assert revoked.json() == {"revoked": 1}
    for attempt in (token, token[:-2] + "AA", CONTAINER):
        answer = client.post(
            "/api/v1/receipts",
            headers=shipment.warehouse.auth,
            json={"token": attempt, "packages": 1, "condition": "good"},
        )
        assert answer.status_code == 404 and answer.json()["error"] == "token_not_valid", attempt


def test_by_number_the_warehouse_must_see_the_cargo(client: TestClient, db: Database) -> None:
    shipment = delivery(client, db)
    body = {"reference": CONTAINER, "packages": 10, "condition": "good"}
    hidden = client.post("/api/v1/receipts", headers=shipment.warehouse.auth, json=body)
    assert hidden.status_code == 404 and hidden.json()["error"] == "cargo_not_visible"
    client.post(
        "/api/v1/grants",
        headers=shipment.world.forwarder.auth,
        json={"reference_type": "CONTAINER", "reference": CONTAINER, "grantee_org_id": shipment.warehouse.org_id},
    )
    shown = client.post("/api/v1/receipts", headers=shipment.warehouse.auth, json=body)
    assert shown.status_code == 201 and shown.json()["expected"] == 10, shown.text


def test_a_receipt_names_its_consignment_once(client: TestClient, db: Database) -> None:
    shipment = delivery(client, db)
    both = client.post(
        "/api/v1/receipts",
        headers=shipment.warehouse.auth,
        json={"token": "x.y", "reference": CONTAINER, "packages": 1, "condition": "good"},
    )
    assert both.status_code == 422
    odd = client.post(
        "/api/v1/receipts", headers=shipment.warehouse.auth, json={"token": "x.y", "packages": -1, "condition": "wet"}
    )
    assert odd.status_code == 422
