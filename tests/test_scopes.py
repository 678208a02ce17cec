"""Generated from the OpenAPI document: every operation names the API-key scope it needs and holds to it.

Each ``/api`` and ``/v2`` operation states ``x-required-scope`` (a scope, ``authenticated`` or
``public``). A key holding every scope but that one is refused with 403 ``missing_scope``; a key
holding only that one gets past the check (whatever the handler then answers, it is not 401 nor
``missing_scope``). People's sessions keep the rights of their roles.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from harbourlink import identity
from harbourlink.kernel import Database
from tests.conftest import Company
from tests.test_cross_company import EXAMPLE_BODIES, _body_schema, _operations
from tests.web.conftest import log_in

SCOPES = {scope.value for scope in identity.KeyScope}
LABELS = {*SCOPES, "authenticated", "public"}

# Operations only checked for refusal, each with its reason.
ACCEPT_EXEMPT: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/alerts/stream"): "a server-sent event stream never ends; tests/alerts reads it as a client does",
    ("GET", "/api/v1/road/stream"): "a server-sent event stream never ends; the boundary's browser test reads it",
    (
        "GET",
        "/api/v1/elock/console/stream",
    ): "a server-sent event stream never ends; the console's browser test reads it",
}

# Query parameters an operation needs to reach its handler.
PARAMS: dict[tuple[str, str], dict[str, str]] = {
    ("POST", "/api/v1/messages"): {"format": "csv"},
    ("GET", "/api/v1/ledger/consistency"): {"first": "0", "second": "0"},
}


def _key(db: Database, company: Company, scopes: set[str]) -> dict[str, str]:
    with db.transaction() as session:
        _, key = identity.create_api_key(
            session,
            identity.SYSTEM_ACTOR,
            org_id=company.org_id,
            name="scoped",
            scopes=[identity.KeyScope(s) for s in sorted(scopes)],
        )
    return {"Authorization": f"Bearer {key}"}


def _call(client: TestClient, method: str, path: str, operation: dict[str, Any], headers: dict[str, str]) -> Any:
    url = "/".join("nothing-here" if part.startswith("{") else part for part in path.split("/"))
    schema = _body_schema(method, path, operation)
    body = EXAMPLE_BODIES.get(schema or "") if schema else None
    return client.request(method, url, headers=headers, json=body, params=PARAMS.get((method, path)))


def test_every_operation_declares_its_scope(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    for method, path, operation in _operations(client):
        label = operation.get("x-required-scope")
        assert label in LABELS, f"{method} {path}: declare its scope (require_scope or public) on the router"
        if label in SCOPES:
            assert operation["security"] == [{"apiKey": [label]}, {"session": []}], f"{method} {path}"
        if label == "public":
            assert operation["security"] == [], f"{method} {path}"
    track = document["paths"]["/api/v1/track/{reference}"]["get"]
    assert track["x-required-scope"] == "cargo:read"
    assert document["paths"]["/api/v1/bl-links"]["post"]["x-required-scope"] == "cargo:write"


def test_a_key_without_the_scope_is_refused_and_one_with_it_passes(
    client: TestClient, db: Database, company_a: Company
) -> None:
    keys = {scope: (_key(db, company_a, SCOPES - {scope}), _key(db, company_a, {scope})) for scope in SCOPES}
    no_scope = _key(db, company_a, set())
    checked = 0
    for method, path, operation in _operations(client):
        label = operation["x-required-scope"]
        if label == "public":
            response = _call(client, method, path, operation, {})
            assert response.status_code != 401, f"{method} {path} is public: {response.text}"
            continue
        if label == "authenticated":
            response = _call(client, method, path, operation, no_scope)
            assert response.status_code not in {401, 403}, f"{method} {path}: {response.text}"
            continue
        lacking, holding = keys[label]
        refused = _call(client, method, path, operation, lacking)
        assert refused.status_code == 403, f"{method} {path} without {label}: {refused.status_code} {refused.text}"
        assert refused.json()["error"] == "missing_scope" and refused.json()["data"] == {"scope": label}
        checked += 1
        if (method, path) in ACCEPT_EXEMPT:
            continue
        accepted = _call(client, method, path, operation, holding)
        assert accepted.status_code not in {401, 500}, f"{method} {path} with {label}: {accepted.text}"
        assert '"missing_scope"' not in accepted.text, f"{method} {path} with only {label}: {accepted.text}"
    assert checked >= 40


def test_an_org_manage_key_reads_no_cargo(client: TestClient, db: Database, company_a: Company) -> None:
    manager = _key(db, company_a, {"org:manage"})
    for path in ("/api/v1/track/PONU0123456", "/api/v1/alerts", "/api/v1/events", "/v2/events"):
        response = client.get(path, headers=manager)
        assert (response.status_code, response.json()["error"]) == (403, "missing_scope"), path
    subscribe = client.post(
        "/api/v1/subscriptions", headers=manager, json={"reference_type": "CONTAINER", "reference": "MSCU1234566"}
    )
    assert subscribe.status_code == 403
    assert client.get("/api/v1/api-keys", headers=manager).status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/alerts", "/api/v1/track/PONU0123456", "/api/v1/grants"])
def test_a_person_keeps_the_rights_of_their_role(client: TestClient, company_a: Company, path: str) -> None:
    log_in(client, company_a.admin_email)
    response = client.get(path)
    assert response.status_code in {200, 404}, response.text
    assert client.get("/api/v1/api-keys").status_code == 200
