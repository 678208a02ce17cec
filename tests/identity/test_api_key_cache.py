"""Who an API key is stays cached briefly per process; a revoked key is refused on the very next request."""

from __future__ import annotations

from fastapi.testclient import TestClient

from harbourlink import identity
from harbourlink.app import create_app
from harbourlink.kernel import Database, utcnow
from harbourlink.settings import Settings
from tests.conftest import Company
from tests.statements import counted, in_transaction_or_not


def _key_id(client: TestClient, company: Company) -> str:
    [key] = client.get("/api/v1/api-keys", headers=company.auth).json()
    return str(key["id"])


def test_a_key_revoked_through_one_process_is_refused_by_another_at_once(
    settings: Settings,
    company_a: Company,
) -> None:
    with TestClient(create_app(settings)) as first, TestClient(create_app(settings)) as second:
        for client in (first, second, first, second):  # both processes now hold the key in their caches
            assert client.get("/api/v1/me", headers=company_a.auth).status_code == 200
        revoked = first.delete(f"/api/v1/api-keys/{_key_id(first, company_a)}", headers=company_a.auth)
        assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
        refused = second.get("/api/v1/me", headers=company_a.auth)
        assert refused.status_code == 401 and refused.json()["error"] == "invalid_api_key"
        assert first.get("/api/v1/me", headers=company_a.auth).status_code == 401


def test_a_suspended_company_is_refused_at_once(settings: Settings, db: Database, company_a: Company) -> None:
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/v1/me", headers=company_a.auth).status_code == 200
        with db.transaction() as session:
            org = identity.get_organisation(session, identity.SYSTEM_ACTOR, org_id=company_a.org_id)
            org.status = identity.OrgStatus.SUSPENDED.value
        assert client.get("/api/v1/me", headers=company_a.auth).status_code == 401


def test_a_cached_key_costs_one_read(db: Database, company_a: Company) -> None:
    clock = [0.0]
    cache = identity.ApiKeyCache(ttl=30, monotonic=lambda: clock[0])
    with counted(db) as full, db.transaction() as session:
        first = cache.authenticate(session, company_a.api_key, now=utcnow(), ip="192.0.2.1")
    with counted(db) as cached, db.transaction() as session:
        again = cache.authenticate(session, company_a.api_key, now=utcnow(), ip="192.0.2.2")
    assert first is not None and again is not None
    assert (again.org_id, again.api_key_id, again.scopes, again.ip) == (
        first.org_id,
        first.api_key_id,
        first.scopes,
        "192.0.2.2",
    )
    assert len(full) >= 3 and len(cached) == 1, (full, cached)
    clock[0] = 31.0  # past the time to live: checked in full again
    with counted(db) as expired, db.transaction() as session:
        assert cache.authenticate(session, company_a.api_key, now=utcnow(), ip=None) is not None
    assert len(expired) >= 3


def test_a_wrong_secret_with_a_known_prefix_is_never_served_from_the_cache(db: Database, company_a: Company) -> None:
    cache = identity.ApiKeyCache(ttl=30)
    with db.transaction() as session:
        assert cache.authenticate(session, company_a.api_key, now=utcnow(), ip=None) is not None
        assert cache.authenticate(session, company_a.api_key[:-2] + "xx", now=utcnow(), ip=None) is None


def test_a_keys_check_is_one_read_committed_by_itself(client: TestClient, company_a: Company) -> None:
    """No BEGIN and COMMIT around the check: its read is a transaction of its own, apart from the handler's."""
    engine = client.app.state.runtime.db.engine  # type: ignore[attr-defined]
    assert client.get("/api/v1/me", headers=company_a.auth).status_code == 200  # the key now cached
    with in_transaction_or_not(engine) as seen:
        assert client.get("/api/v1/me", headers=company_a.auth).status_code == 200
    inside = [in_transaction for statement, in_transaction in seen if "FROM api_keys" in statement]
    assert inside == [False]
