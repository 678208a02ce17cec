"""Inputs at the edges answer 4xx with the documented shapes, never 500: NUL characters (PostgreSQL
cannot store them), integers beyond 64 bits, DCSA errors in DCSA's shape, OPTIONS and 405 with
``Allow``, and a company opting in to a service."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Company
from tests.integrations.dcsa.support import schema_validator


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/api/v1/track/AB%00CD", "path.reference"),
        ("/api/v1/messages/a%00", "path.message_id"),
        ("/api/v1/alerts/a%00", "path.alert_id"),
        ("/api/v1/messages?status_filter=a%00", "query.status_filter"),
        ("/api/v1/grants?direction=given%00", "query.direction"),
    ],
)
def test_a_nul_character_answers_422_naming_the_parameter(
    client: TestClient, company_a: Company, path: str, location: str
) -> None:
    response = client.get(path, headers=company_a.auth)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "nul_character" and body["data"]["errors"][0]["location"] == location


def test_a_nul_character_in_a_json_body_answers_422_naming_the_field(client: TestClient, company_a: Company) -> None:
    response = client.post(
        "/api/v1/grants",
        headers=company_a.auth,
        json={"reference_type": "MBL", "reference": "PONU\x001234567", "anyone_with_reference": True},
    )
    assert response.status_code == 422, response.text
    assert response.json()["data"]["errors"] == [
        {"location": "body.reference", "message": "must not contain a NUL character"}
    ]


def test_integers_beyond_64_bits_answer_422_and_are_bounded_in_the_schema(
    client: TestClient, company_a: Company
) -> None:
    huge = str(2**64)
    assert client.get(f"/api/v1/events?cursor={huge}", headers=company_a.auth).status_code == 422
    subscription = client.post(
        "/api/v1/subscriptions",
        headers=company_a.auth,
        json={"escalate_after_minutes": 2**64, "escalate_to": "duty@alpha.example.hk"},
    )
    assert subscription.status_code == 422, subscription.text
    document = client.get("/openapi.json").json()
    [cursor] = [p for p in document["paths"]["/api/v1/events"]["get"]["parameters"] if p["name"] == "cursor"]
    assert cursor["schema"]["maximum"] == 2**63 - 1
    escalate = document["components"]["schemas"]["SubscriptionCreate"]["properties"]["escalate_after_minutes"]
    assert escalate["anyOf"][0]["maximum"] > 0


def test_dcsa_errors_match_dcsa_error_schema(client: TestClient, company_a: Company) -> None:
    validator = schema_validator("error")
    answers = [
        client.get("/v2/events", params={"limit": "0"}, headers=company_a.auth),
        client.get("/v2/events", headers={**company_a.auth, "API-Version": "3"}),
        client.post("/v2/event-subscriptions", headers=company_a.auth, json={}),
        client.post(
            "/v2/event-subscriptions",
            headers={**company_a.auth, "Content-Type": "application/json"},
            content=b"{not json",
        ),
        client.get("/v2/event-subscriptions/nothing-here", headers=company_a.auth),
        client.get("/v2/event-subscriptions/a%00", headers=company_a.auth),
        client.get("/v2/events"),
    ]
    for response in answers:
        assert response.status_code in {400, 401, 404, 422}, response.text
        body = response.json()
        assert not [e.message for e in validator.iter_errors(body)], body
        assert body["statusCode"] == response.status_code and body["errors"][0]["reason"] == body["error"]
        assert response.headers["API-Version"] == "2.2.0"


def test_options_and_405_name_every_allowed_method(client: TestClient, company_a: Company) -> None:
    options = client.options("/api/v1/grants", headers=company_a.auth)
    assert options.status_code == 204 and options.headers["allow"] == "GET, OPTIONS, POST"
    refused = client.put("/api/v1/grants", headers=company_a.auth)
    assert refused.status_code == 405 and refused.headers["allow"] == "GET, OPTIONS, POST"
    assert client.options("/api/v1/nothing-here").status_code == 404


def test_a_company_opts_in_to_a_service(client: TestClient, company_a: Company) -> None:
    response = client.post(f"/api/v1/orgs/{company_a.org_id}/services/tracking", headers=company_a.auth)
    assert response.status_code == 200, response.text
    assert response.json()["service"] == "tracking" and response.json()["requested_at"]
    listed = client.get(f"/api/v1/orgs/{company_a.org_id}/services", headers=company_a.auth).json()
    assert "tracking" in [s["service"] for s in listed]
