"""Advance cargo information through the API: a CCRN for the legal data set within its window, every version
kept, changes refused once bound, templates private to their person, batches of one's own CCRNs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from harbourlink.kernel import Database
from harbourlink.road import parse_ccrn
from tests.conftest import make_company
from tests.road.support import bind, cargo, lodge, road


def test_a_consignment_gets_a_ccrn_and_only_its_submitter_and_customs_see_it(client: TestClient, db: Database) -> None:
    world = road(db)
    lodged = client.post("/api/v1/road/consignments", headers=world.shipper.auth, json=cargo())
    assert lodged.status_code == 201, lodged.text
    body = lodged.json()
    assert parse_ccrn(body["ccrn"]) == body["ccrn"] and (body["status"], body["version"]) == ("lodged", 1)
    path = f"/api/v1/road/consignments/{body['ccrn']}"
    for company in (world.shipper, world.customs):
        assert client.get(path, headers=company.auth).json()["goods_description"] == "printed books"
    for company in (world.outsider, world.trucker):
        assert client.get(path, headers=company.auth).status_code == 404
        assert client.patch(path, headers=company.auth, json={"packages": 1}).status_code == 404
        assert client.delete(path, headers=company.auth).status_code == 404
    assert [c["ccrn"] for c in client.get("/api/v1/road/consignments", headers=world.shipper.auth).json()] == [
        body["ccrn"]
    ]
    assert client.get("/api/v1/road/consignments", headers=world.outsider.auth).json() == []


def test_a_mistyped_ccrn_is_refused_as_such(client: TestClient, db: Database) -> None:
    world = road(db)
    ccrn = lodge(client, world.shipper)
    slip = ccrn[:5] + str((int(ccrn[5]) + 1) % 10) + ccrn[6:]
    refused = client.get(f"/api/v1/road/consignments/{slip}", headers=world.shipper.auth)
    assert refused.status_code == 422 and refused.json()["error"] == "invalid_ccrn"


def test_lodging_needs_the_opt_in_the_data_set_and_the_window(client: TestClient, db: Database) -> None:
    world = road(db)
    never = make_company(db, "Not Opted In", "cargo_owner")
    refused = client.post("/api/v1/road/consignments", headers=never.auth, json=cargo())
    assert refused.status_code == 403 and refused.json()["error"] == "service_not_active"

    blank = client.post("/api/v1/road/consignments", headers=world.shipper.auth, json=cargo(consignee_address="  "))
    assert blank.status_code == 422 and blank.json()["data"]["field"] == "consignee_address"
    soon = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()
    late = client.post("/api/v1/road/consignments", headers=world.shipper.auth, json=cargo(expected_at=soon))
    assert late.status_code == 422 and late.json()["error"] == "too_late_to_lodge"
    far = (datetime.now(UTC) + timedelta(days=15)).isoformat()
    early = client.post("/api/v1/road/consignments", headers=world.shipper.auth, json=cargo(expected_at=far))
    assert early.status_code == 422 and early.json()["error"] == "too_early_to_lodge"
    naive = client.post(
        "/api/v1/road/consignments", headers=world.shipper.auth, json=cargo(expected_at="2026-12-08T10:00")
    )
    assert naive.status_code == 422


def test_every_version_is_kept_and_a_bound_consignment_cannot_change(client: TestClient, db: Database) -> None:
    world = road(db)
    ccrn = lodge(client, world.shipper)
    path = f"/api/v1/road/consignments/{ccrn}"
    amended = client.patch(path, headers=world.shipper.auth, json={"packages": 14})
    assert amended.status_code == 200, amended.text
    versions = amended.json()["versions"]
    assert [(v["version"], v["action"], v["data"]["packages"]) for v in versions] == [
        (1, "lodged", 12),
        (2, "amended", 14),
    ]

    bound = bind(client, world.trucker, ccrns=[ccrn])
    refused = client.patch(path, headers=world.shipper.auth, json={"packages": 15})
    assert refused.status_code == 409 and refused.json()["error"] == "consignment_not_changeable"
    assert "cancel the binding first" in refused.json()["data"]["reason"]
    assert client.delete(path, headers=world.shipper.auth).status_code == 409

    client.post(f"/api/v1/road/bindings/{bound['ubr']}/cancel", headers=world.trucker.auth)
    cancelled = client.delete(path, headers=world.shipper.auth)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert [v["action"] for v in client.get(path, headers=world.shipper.auth).json()["versions"]] == [
        "lodged",
        "amended",
        "cancelled",
    ]


def test_a_template_is_private_to_the_person_who_saved_it(client: TestClient, db: Database) -> None:
    world = road(db)
    fields = cargo()
    del fields["expected_at"]
    saved = client.post("/api/v1/road/templates", headers=world.shipper.auth, json={**fields, "name": "Books weekly"})
    # An API key is no person: a template is a person's own.
    assert saved.status_code == 403 and saved.json()["error"] == "person_only"


def test_a_batch_holds_the_companys_own_live_ccrns(client: TestClient, db: Database) -> None:
    world = road(db)
    mine = [lodge(client, world.shipper), lodge(client, world.shipper)]
    theirs = lodge(client, world.outsider)
    made = client.post("/api/v1/road/batches", headers=world.shipper.auth, json={"ccrns": mine})
    assert made.status_code == 201 and made.json()["ccrns"] == mine
    refused = client.post("/api/v1/road/batches", headers=world.shipper.auth, json={"ccrns": [*mine, theirs]})
    assert refused.status_code == 404 and refused.json()["data"]["ccrn"] == theirs

    bound = bind(client, world.trucker, batch=made.json()["id"])
    assert sorted(bound["ccrns"]) == sorted(mine)
