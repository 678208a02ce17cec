"""The API answers with its documented shapes on both databases."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Company


def test_me_names_the_company_of_the_key(client: TestClient, company_a: Company) -> None:
    body = client.get("/api/v1/me", headers=company_a.auth).json()
    assert body["organisation"]["id"] == company_a.org_id
    assert body["organisation"]["types"] == ["forwarder"]


def test_unknown_key_is_refused_with_the_error_shape(client: TestClient) -> None:
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer hlk_nope_nope"})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_api_key"
    assert set(response.json()) == {"error", "detail", "data"}
