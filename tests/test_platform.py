"""Migrations, health, metrics, request size limits and the documented API contract."""

from __future__ import annotations

from collections.abc import Iterator

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from harbourlink.kernel.partitions import is_partition_name
from harbourlink.schema import metadata, version_tables
from tests.conftest import Company


def test_migrations_from_empty_produce_the_models_schema(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        # Each plug-in counts its own chain in a version table of its own, which no model describes; nor
        # does any model describe the monthly partitions of a partitioned table (PostgreSQL).
        plugins_chains = version_tables() - {"alembic_version"}
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_name": lambda name, kind, _parents: (
                    not (kind == "table" and (name in plugins_chains or is_partition_name(name or "")))
                ),
            },
        )
        assert compare_metadata(context, metadata) == []
    engine.dispose()


def test_health_readiness_and_metrics(client: TestClient, company_a: Company) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}
    client.get("/api/v1/grants", headers=company_a.auth)
    client.get(f"/api/v1/orgs/{company_a.org_id}", headers=company_a.auth)
    metrics = TestClient(client.app, client=("127.0.0.1", 50000)).get("/metrics").text
    assert 'route="/api/v1/grants"' in metrics and 'route="/api/v1/orgs/{org_id}"' in metrics
    assert company_a.org_id not in metrics


def test_oversized_bodies_are_refused(client: TestClient, company_a: Company) -> None:
    limit = client.app.state.runtime.settings.max_request_bytes  # type: ignore[attr-defined]
    response = client.post("/api/v1/grants", headers=company_a.auth, content=b"x" * (limit + 1))
    assert response.status_code == 413
    assert response.json() == {
        "error": "payload_too_large",
        "detail": f"the request body exceeds {limit} bytes",
        "data": {"max_bytes": limit},
    }

    def chunks() -> Iterator[bytes]:
        for _ in range(limit // 65536 + 2):
            yield b"y" * 65536

    streamed = client.post("/api/v1/grants", headers=company_a.auth, content=chunks())
    assert streamed.status_code == 413


def test_openapi_documents_the_contract(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    paths = document["paths"]
    for path, method in [
        ("/api/v1/grants", "post"),
        ("/api/v1/grants", "get"),
        ("/api/v1/grants/{grant_id}", "delete"),
        ("/api/v1/api-keys", "post"),
        ("/api/v1/registrations", "post"),
        ("/healthz", "get"),
    ]:
        assert method in paths[path], f"{method.upper()} {path} missing from OpenAPI"
    grant = document["components"]["schemas"]["GrantCreate"]["properties"]
    assert {"reference_type", "reference", "grantee_org_id", "anyone_with_reference"} <= set(grant)
    assert document["components"]["schemas"]["Error"]["required"] == ["error", "detail", "data"]
    assert client.get("/api/docs").status_code == 200


def test_unknown_routes_use_the_error_shape(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.json()["error"] == "not_found"
