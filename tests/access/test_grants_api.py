"""Owners grant, list and revoke access; bad grants name what is wrong; owners see who viewed their data."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from harbourlink import access
from harbourlink.kernel import Actor, Database, utcnow
from tests.conftest import Company, make_company


def test_grant_to_a_company_then_revoke(client: TestClient, company_a: Company, company_b: Company) -> None:
    created = client.post(
        "/api/v1/grants",
        headers=company_a.auth,
        json={"reference_type": "HBL", "reference": " vff hkg 001 ", "grantee_org_id": company_b.org_id},
    )
    assert created.status_code == 201, created.text
    grant = created.json()
    assert grant["reference"] == "VFFHKG001" and grant["owner_org_id"] == company_a.org_id
    received = client.get("/api/v1/grants", headers=company_b.auth, params={"direction": "received"}).json()
    assert [g["id"] for g in received] == [grant["id"]]
    assert client.get("/api/v1/grants", headers=company_b.auth).json() == []
    revoked = client.delete(f"/api/v1/grants/{grant['id']}", headers=company_a.auth).json()
    assert revoked["revoked_at"] is not None
    assert client.get("/api/v1/grants", headers=company_b.auth, params={"direction": "received"}).json() == []
    assert client.get("/api/v1/grants", headers=company_a.auth).json() == []
    ended = client.get("/api/v1/grants", headers=company_a.auth, params={"include_ended": True}).json()
    assert [g["id"] for g in ended] == [grant["id"]]


def test_anyone_with_reference_and_standing_rule(client: TestClient, company_a: Company) -> None:
    anyone = client.post(
        "/api/v1/grants",
        headers=company_a.auth,
        json={"reference_type": "MBL", "reference": "PONU1234567", "anyone_with_reference": True},
    )
    assert anyone.status_code == 201 and anyone.json()["grantee_org_id"] is None
    rule = client.post("/api/v1/grants", headers=company_a.auth, json={"rule": "named_parties"})
    assert rule.status_code == 201 and rule.json()["rule"] == "named_parties"


def test_bad_grants_say_what_is_wrong(client: TestClient, db: Database, company_a: Company, company_b: Company) -> None:
    def post(body: dict[str, object]) -> tuple[int, dict[str, object]]:
        response = client.post("/api/v1/grants", headers=company_a.auth, json=body)
        return response.status_code, response.json()

    status, body = post({"reference_type": "MBL", "reference": "X1", "grantee_org_id": company_b.org_id})
    assert (status, body["error"]) == (422, "invalid_reference")
    status, body = post({"reference_type": "BOL", "reference": "ABC123", "grantee_org_id": company_b.org_id})
    assert status == 422 and body["data"]["errors"][0]["location"] == "body.reference_type"  # type: ignore[index]
    status, body = post({"reference_type": "MBL", "reference": "ABC123"})
    assert body["error"] == "invalid_grant"
    status, body = post(
        {
            "reference_type": "MBL",
            "reference": "ABC123",
            "grantee_org_id": company_b.org_id,
            "anyone_with_reference": True,
        }
    )
    assert body["error"] == "invalid_grant"
    status, body = post({"reference_type": "MBL", "reference": "ABC123", "grantee_org_id": "no-such-org"})
    assert body["error"] == "unknown_grantee"
    pending = make_company(db, "Pending Shipper", "cargo_owner", approved=False)
    status, body = post({"reference_type": "MBL", "reference": "ABC123", "grantee_org_id": pending.org_id})
    assert body["error"] == "unknown_grantee"
    status, body = post({"reference_type": "MBL", "reference": "ABC123", "grantee_org_id": company_a.org_id})
    assert body["error"] == "invalid_grant"
    past = (utcnow() - timedelta(minutes=1)).isoformat()
    status, body = post(
        {"reference_type": "MBL", "reference": "ABC123", "grantee_org_id": company_b.org_id, "expires_at": past}
    )
    assert body["error"] == "invalid_grant" and body["data"]["field"] == "expires_at"  # type: ignore[index]
    assert client.get("/api/v1/grants", headers=company_a.auth).json() == []


def test_parties_and_access_log(client: TestClient, db: Database, company_a: Company, company_b: Company) -> None:
    party = client.post(
        "/api/v1/parties",
        headers=company_a.auth,
        json={
            "reference_type": "HBL",
            "reference": "VFF0001",
            "party_org_id": company_b.org_id,
            "party_role": "consignee",
        },
    )
    assert party.status_code == 201
    with db.transaction() as session:
        viewer = access.scope_for(Actor(org_id=company_b.org_id, user_id=company_b.admin_id))
        access.record_views(
            session,
            viewer,
            seen=[(company_a.org_id, "HBL", "VFF0001"), (company_b.org_id, "HBL", "OWN1")],
            channel="api",
        )
    log = client.get("/api/v1/access-log", headers=company_a.auth).json()
    assert [(e["viewer_org_id"], e["reference"]) for e in log] == [(company_b.org_id, "VFF0001")]
    assert client.get("/api/v1/access-log", headers=company_b.auth).json() == []
    assert client.delete(f"/api/v1/parties/{party.json()['id']}", headers=company_a.auth).status_code == 204


def test_repeated_views_are_one_viewing(
    client: TestClient, db: Database, company_a: Company, company_b: Company
) -> None:
    viewer = access.scope_for(Actor(org_id=company_b.org_id, user_id=company_b.admin_id))
    for _ in range(3):
        with db.transaction() as session:
            access.record_views(session, viewer, seen=[(company_a.org_id, "HBL", "VFF0001")], channel="track")
    with db.transaction() as session:
        access.record_views(session, viewer, seen=[(company_a.org_id, "HBL", "VFF0001")], channel="export")
    log = client.get("/api/v1/access-log", headers=company_a.auth).json()
    assert sorted(e["channel"] for e in log) == ["export", "track"]
