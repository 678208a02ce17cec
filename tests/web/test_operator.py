"""The operator's console: applications with their documents, decisions, service approvals."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from harbourlink import identity
from harbourlink.identity.models import ServiceOptIn
from harbourlink.kernel import Database, utcnow
from tests.conftest import Company
from tests.web.conftest import company_form, driver_form, log_in, submit, text_of


def _org_id(html: str, name: str) -> str:
    match = re.search(r'action="/operator/orgs/([0-9a-f-]+)/approve"', html.split(name, 1)[1])
    assert match
    return match.group(1)


def test_the_operator_sees_documents_and_approves(client: TestClient, db: Database, operator: Company) -> None:
    applicant = TestClient(client.app)
    submit(applicant, "/signup", "/signup", company_form())
    log_in(client, operator.admin_email)
    console = client.get("/operator?lang=en")
    text = text_of(console.text)
    assert "Applications waiting for approval" in text
    assert "KF-2026-01" in text and "12345678-000-01-24-1" in text
    assert "Chan Tai Man" in text
    org_id = _org_id(console.text, "Kowloon Freight Limited")
    approved = submit(client, "/operator", f"/operator/orgs/{org_id}/approve", {})
    assert "The company is approved and can log in." in text_of(approved.text)
    with db.transaction() as session:
        org = identity.get_organisation(session, identity.SYSTEM_ACTOR, org_id=org_id)
        assert org.status == "active"
    log_in(applicant, "chan@kowloon-freight.example.hk")


def test_a_rejection_needs_a_reason(client: TestClient, db: Database, operator: Company) -> None:
    submit(TestClient(client.app), "/signup", "/signup", company_form())
    log_in(client, operator.admin_email)
    org_id = _org_id(client.get("/operator").text, "Kowloon Freight Limited")
    no_reason = submit(client, "/operator?lang=en", f"/operator/orgs/{org_id}/reject", {"reason": ""})
    assert no_reason.status_code == 422
    assert "Give the applicant a reason." in text_of(no_reason.text)
    rejected = submit(client, "/operator", f"/operator/orgs/{org_id}/reject", {"reason": "BR does not match"})
    assert "The application is rejected." in text_of(rejected.text)
    assert "BR does not match" in rejected.text
    with db.transaction() as session:
        assert identity.get_organisation(session, identity.SYSTEM_ACTOR, org_id=org_id).status == "rejected"


def test_a_binding_request_stored_before_is_still_decided(client: TestClient, db: Database, operator: Company) -> None:
    """Binding is not offered any more until it is built; a request stored earlier still waits for a decision."""
    submit(TestClient(client.app), "/signup", "/signup", driver_form())
    with db.transaction() as session:
        [driver] = identity.list_organisations(session, identity.SYSTEM_ACTOR, status=identity.OrgStatus.PENDING)
        session.add(ServiceOptIn(org_id=driver.id, service="road_binding", status="pending", requested_at=utcnow()))
    log_in(client, operator.admin_email)
    console = client.get("/operator?lang=en")
    assert "AB 1234" in console.text
    assert "Cross-boundary road cargo binding" in text_of(console.text)
    action = re.search(r'action="(/operator/services/[0-9a-f-]+/road_binding)"', console.text)
    assert action
    decided = submit(client, "/operator", action.group(1), {"decision": "approve"})
    assert "The service request is decided." in text_of(decided.text)
    with db.transaction() as session:
        assert identity.list_pending_services(session, identity.SYSTEM_ACTOR) == []


def test_only_the_operator_opens_the_console(client: TestClient, company_a: Company) -> None:
    log_in(client, company_a.admin_email)
    response = client.get("/operator?lang=en")
    assert response.status_code == 403
    assert "Only the platform operator's administrators may do this." in text_of(response.text)
