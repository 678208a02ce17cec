"""API keys are shown once, stored as digests, scoped and revocable; no secret reaches the logs or tables."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select, text

from harbourlink import identity
from harbourlink.identity.models import ApiKey
from harbourlink.kernel import Database, utcnow
from harbourlink.schema import metadata
from tests.conftest import STRONG_PASSWORD, Company


def _all_rows_as_text(db: Database) -> str:
    with db.engine.connect() as connection:
        names = set(inspect(connection).get_table_names())
        return "\n".join(
            repr(row)
            for table in metadata.sorted_tables
            if table.name in names
            for row in connection.execute(text(f'SELECT * FROM "{table.name}"'))  # noqa: S608 - our own table names
        )


def test_key_is_shown_once_and_stored_as_digest(client: TestClient, db: Database, company_a: Company) -> None:
    created = client.post("/api/v1/api-keys", headers=company_a.auth, json={"name": "TMS", "scopes": ["cargo:read"]})
    assert created.status_code == 201
    key = created.json()["key"]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}).json()["scopes"] == ["cargo:read"]
    listed = client.get("/api/v1/api-keys", headers=company_a.auth).json()
    assert all("key" not in item for item in listed)
    secret_part = key.split("_", 2)[2]
    dump = _all_rows_as_text(db)
    assert key not in dump and secret_part not in dump
    with db.transaction() as session:
        stored = session.scalars(select(ApiKey).where(ApiKey.id == created.json()["id"])).one()
        assert stored.last_used_at is not None and len(stored.secret_hash) == 64


def test_revoked_and_expired_keys_stop_working(client: TestClient, db: Database, company_a: Company) -> None:
    created = client.post("/api/v1/api-keys", headers=company_a.auth, json={"name": "short"}).json()
    bearer = {"Authorization": f"Bearer {created['key']}"}
    assert client.get("/api/v1/me", headers=bearer).status_code == 200
    assert client.delete(f"/api/v1/api-keys/{created['id']}", headers=company_a.auth).json()["revoked_at"]
    assert client.get("/api/v1/me", headers=bearer).json()["error"] == "invalid_api_key"
    with db.transaction() as session:
        _, full = identity.create_api_key(
            session,
            identity.SYSTEM_ACTOR,
            org_id=company_a.org_id,
            name="old",
            scopes=[identity.KeyScope.CARGO_READ],
            expires_at=utcnow() - timedelta(seconds=1),
        )
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {full}"}).status_code == 401


def test_key_without_scope_cannot_manage(client: TestClient, company_a: Company) -> None:
    key = client.post("/api/v1/api-keys", headers=company_a.auth, json={"name": "ro", "scopes": ["cargo:read"]})
    bearer = {"Authorization": f"Bearer {key.json()['key']}"}
    grant = client.post(
        "/api/v1/grants",
        headers=bearer,
        json={"reference_type": "MBL", "reference": "PONU1234567", "anyone_with_reference": True},
    )
    assert grant.status_code == 403 and grant.json()["error"] == "missing_scope"
    assert client.post("/api/v1/api-keys", headers=bearer, json={"name": "x"}).json()["error"] == "missing_scope"


def test_secrets_never_reach_the_logs(
    client: TestClient, db: Database, company_a: Company, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)  # statements and their parameters
    try:
        created = client.post("/api/v1/api-keys", headers=company_a.auth, json={"name": "log"}).json()
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {created['key']}"})
        user = client.post(
            f"/api/v1/orgs/{company_a.org_id}/users",
            headers=company_a.auth,
            json={"email": "new@alpha.example.hk", "display_name": "New", "password": "Another-Pass-77"},
        )
        assert user.status_code == 201
        with db.transaction() as session:
            identity.authenticate_password(
                session,
                login=company_a.admin_email,
                password=STRONG_PASSWORD,
                now=utcnow(),
                ip=None,
                attempts=5,
                lock_minutes=30,
            )
    finally:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    logged = "\n".join(r.getMessage() + repr(getattr(r, "args", "")) for r in caplog.records)
    assert "INSERT INTO api_keys" in logged or "INSERT INTO" in logged  # the capture really saw the statements
    for secret in (created["key"], created["key"].split("_", 2)[2], "Another-Pass-77", STRONG_PASSWORD):
        assert secret not in logged
    assert "Another-Pass-77" not in _all_rows_as_text(db)
