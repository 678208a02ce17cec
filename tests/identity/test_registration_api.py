"""Applying to join, the operator's decision, opt-in services, and users managed by administrators."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from harbourlink import identity
from harbourlink.identity.models import ServiceOptIn
from harbourlink.kernel import Database, ValidationFailed, plugins, utcnow
from tests.conftest import STRONG_PASSWORD, Company


def company_application(**overrides: Any) -> dict[str, Any]:
    application: dict[str, Any] = {
        "name": "Kowloon Reefer Logistics Ltd",
        "name_local": "九龍冷藏物流有限公司",
        "account_kind": "company",
        "types": ["forwarder", "warehouse"],
        "operation_mode": "agent",
        "business_registration": "12345678-000",
        "documents": [
            {"kind": "identity_proof", "number": "A123456(7)"},
            {"kind": "business_registration", "number": "12345678-000-11-25-1", "issuer": "IRD"},
            {"kind": "authorisation_letter", "number": "AUTH-2026-001"},
        ],
        "applicant": {"display_name": "Mary Chan", "email": "mary@kowloon-reefer.hk", "password": STRONG_PASSWORD},
    }
    application.update(overrides)
    return application


def driver_application() -> dict[str, Any]:
    return {
        "name": "Chan Tai Man",
        "account_kind": "driver",
        "types": ["trucking"],
        "documents": [
            {"kind": "identity_proof", "number": "A1234567"},
            {"kind": "vehicle_registration", "number": "VR-88123"},
            {"kind": "driving_licence", "number": "DL-1234567"},
        ],
        "applicant": {"display_name": "Chan Tai Man", "password": STRONG_PASSWORD},
        "driver": {"vehicle_registration": "ab 1234", "driving_licence": "dl1234567", "mobile": "9123 4567"},
    }


def test_company_applies_and_the_operator_approves(client: TestClient, operator: Company) -> None:
    applied = client.post("/api/v1/registrations", json=company_application())
    assert applied.status_code == 201, applied.text
    org = applied.json()["organisation"]
    assert org["status"] == "pending" and org["types"] == ["forwarder", "warehouse"]
    pending = client.get("/api/v1/orgs", headers=operator.auth, params={"status_filter": "pending"}).json()
    assert [o["id"] for o in pending] == [org["id"]]
    approved = client.post(f"/api/v1/orgs/{org['id']}/approve", headers=operator.auth)
    assert approved.json()["status"] == "active"
    services = client.get(f"/api/v1/orgs/{org['id']}/services", headers=operator.auth).json()
    assert {s["service"]: s["status"] for s in services} == {"tracking": "active"}


def test_only_services_the_platform_has_built_are_offered(
    client: TestClient, db: Database, operator: Company, company_a: Company
) -> None:
    # An application names the core's services; a plug-in is opted in to once the company exists.
    applied = client.post("/api/v1/registrations", json={**driver_application(), "services": ["declarations"]})
    assert applied.status_code == 422
    assert applied.json()["data"]["errors"][0]["location"] == "body.services.0"
    refused = client.post(f"/api/v1/orgs/{company_a.org_id}/services/no_such_service", headers=company_a.auth)
    assert refused.status_code == 422
    assert refused.json()["data"]["offered"] == identity.offered()
    assert {"tracking", "advance_cargo_info", "road_binding"} <= set(identity.offered())
    # Installed plug-ins are offered besides the core's services, so the path takes a name, not a fixed list.
    path = client.get("/openapi.json").json()["paths"]["/api/v1/orgs/{org_id}/services/{service}"]["post"]
    [choice] = [parameter for parameter in path["parameters"] if parameter["name"] == "service"]
    assert choice["schema"]["pattern"] == plugins.NAME_PATTERN
    with db.transaction() as session:  # an opt-in stored before its service was withdrawn
        with pytest.raises(ValidationFailed) as refusal:
            identity.request_service(session, identity.SYSTEM_ACTOR, org_id=company_a.org_id, service="withdrawn")
        assert refusal.value.code == "service_not_offered"
        session.add(ServiceOptIn(org_id=company_a.org_id, service="withdrawn", status="pending", requested_at=utcnow()))
    stored = client.get(f"/api/v1/orgs/{company_a.org_id}/services", headers=company_a.auth).json()
    assert {s["service"]: s["status"] for s in stored} == {"withdrawn": "pending"}


def test_road_services_follow_seed_003(client: TestClient, company_a: Company) -> None:
    """Advance cargo information for every account at once; binding for drivers (after approval) and agents."""
    applied = client.post(
        "/api/v1/registrations", json={**driver_application(), "services": ["road_binding", "advance_cargo_info"]}
    )
    assert applied.status_code == 201, applied.text
    cargo = client.post(f"/api/v1/orgs/{company_a.org_id}/services/advance_cargo_info", headers=company_a.auth)
    assert cargo.status_code in {200, 201} and cargo.json()["status"] == "active"
    binding = client.post(f"/api/v1/orgs/{company_a.org_id}/services/road_binding", headers=company_a.auth)
    assert binding.status_code == 422 and binding.json()["error"] == "service_not_allowed"  # not an agent


def test_application_errors_name_the_field(client: TestClient) -> None:
    missing_docs = client.post("/api/v1/registrations", json=company_application(documents=[]))
    assert missing_docs.status_code == 422
    assert missing_docs.json()["error"] == "missing_documents"
    assert "business_registration" in missing_docs.json()["data"]["missing"]
    bad_brn = client.post("/api/v1/registrations", json=company_application(business_registration="12AB"))
    assert bad_brn.json()["data"]["field"] == "business_registration"
    bad_email = client.post(
        "/api/v1/registrations",
        json=company_application(applicant={"display_name": "X", "email": "not-an-email", "password": STRONG_PASSWORD}),
    )
    assert bad_email.status_code == 422
    assert bad_email.json()["data"]["errors"][0]["location"] == "body.applicant.email"
    weak = client.post(
        "/api/v1/registrations",
        json=company_application(applicant={"display_name": "X", "email": "x@y.hk", "password": "short"}),
    )
    assert weak.json()["error"] == "weak_password"


def test_every_problem_of_an_application_is_answered_at_once(client: TestClient) -> None:
    rules = client.post(
        "/api/v1/registrations",
        json=company_application(
            types=["forwarder", "bank"],
            business_registration="12",
            documents=[],
            applicant={"display_name": "X", "email": "x@y.hk", "password": "abcdefghij"},
        ),
    )
    assert rules.status_code == 422 and rules.json()["error"] == "invalid_org_type"
    assert [(e["location"], e["code"]) for e in rules.json()["data"]["errors"]] == [
        ("types", "invalid_org_type"),
        ("business_registration", "invalid_business_registration"),
        ("documents", "missing_documents"),
        ("applicant.password", "weak_password"),
    ]
    shape_and_rules = client.post(
        "/api/v1/registrations",
        json=company_application(
            name="", documents=[], applicant={"display_name": "X", "email": "not-an-email", "password": "short"}
        ),
    )
    assert shape_and_rules.status_code == 422 and shape_and_rules.json()["error"] == "validation_failed"
    assert {(e["location"], e.get("code")) for e in shape_and_rules.json()["data"]["errors"]} == {
        ("body.name", None),
        ("body.applicant.email", None),
        ("body.documents", "missing_documents"),
        ("body.applicant.password", "weak_password"),
    }


def test_customs_banks_and_the_operator_are_not_applied_for(client: TestClient) -> None:
    for closed in ("customs_hk", "customs_mainland", "bank", "operator"):
        refused = client.post("/api/v1/registrations", json=company_application(types=[closed]))
        assert refused.status_code == 422 and refused.json()["error"] == "invalid_org_type", closed
        assert refused.json()["data"]["value"] == [closed]


def _without_ids(answer: dict[str, Any]) -> dict[str, Any]:
    organisation = {k: v for k, v in answer["organisation"].items() if k not in ("id", "created_at")}
    return {"organisation": organisation, "user_id": len(answer["user_id"])}


def test_an_address_already_taken_answers_as_a_new_application(client: TestClient, operator: Company) -> None:
    first = client.post("/api/v1/registrations", json=company_application())
    again = client.post("/api/v1/registrations", json=company_application())
    assert again.status_code == first.status_code == 201
    assert again.headers.keys() == first.headers.keys()
    assert _without_ids(again.json()) == _without_ids(first.json())
    assert again.json()["organisation"]["id"] != first.json()["organisation"]["id"]
    assert len(client.get("/api/v1/orgs", headers=operator.auth, params={"status_filter": "pending"}).json()) == 1
    audit = client.get("/api/v1/audit-events", headers=operator.auth).json()
    duplicate = [e for e in audit if e["kind"] == "registration_duplicate"]
    assert [e["org_id"] for e in duplicate] == [first.json()["organisation"]["id"]]


def test_a_mobile_already_taken_answers_as_a_new_application(client: TestClient, operator: Company) -> None:
    first = client.post("/api/v1/registrations", json=driver_application())
    again = client.post("/api/v1/registrations", json=driver_application())
    assert again.status_code == first.status_code == 201
    assert _without_ids(again.json()) == _without_ids(first.json())
    assert len(client.get("/api/v1/orgs", headers=operator.auth, params={"status_filter": "pending"}).json()) == 1


def test_a_taken_address_still_gets_the_rules_errors(client: TestClient, company_a: Company) -> None:
    weak = client.post(
        "/api/v1/registrations",
        json=company_application(applicant={"display_name": "X", "email": company_a.admin_email, "password": "short"}),
    )
    assert weak.status_code == 422 and weak.json()["error"] == "weak_password"


def test_only_the_operator_approves(client: TestClient, company_a: Company, company_b: Company) -> None:
    applied = client.post("/api/v1/registrations", json=company_application()).json()
    refused = client.post(f"/api/v1/orgs/{applied['organisation']['id']}/approve", headers=company_a.auth)
    assert refused.status_code == 404
    own = client.post(f"/api/v1/orgs/{company_a.org_id}/approve", headers=company_a.auth)
    assert own.status_code == 403 and own.json()["error"] == "not_operator"


def test_administrators_manage_their_users(client: TestClient, company_a: Company) -> None:
    created = client.post(
        f"/api/v1/orgs/{company_a.org_id}/users",
        headers=company_a.auth,
        json={"email": "clerk@alpha.example.hk", "display_name": "Clerk", "role": "user"},
    )
    assert created.status_code == 201
    assert len(created.json()["temporary_password"]) >= 10
    user_id = created.json()["id"]
    promoted = client.patch(f"/api/v1/users/{user_id}", headers=company_a.auth, json={"role": "message_signer"})
    assert promoted.json()["role"] == "message_signer"
    last_admin = client.patch(f"/api/v1/users/{company_a.admin_id}", headers=company_a.auth, json={"role": "user"})
    assert last_admin.status_code == 409 and last_admin.json()["error"] == "last_admin"
    audit = client.get("/api/v1/audit-events", headers=company_a.auth).json()
    assert {"user_created", "role_changed"} <= {e["kind"] for e in audit}
