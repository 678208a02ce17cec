"""Guesses sent in parallel through the login page: the lockout holds whatever the concurrency."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from harbourlink import identity
from harbourlink.app import create_app
from harbourlink.identity import crypto
from harbourlink.identity.service import login as login_service
from harbourlink.kernel import Database, utcnow
from harbourlink.settings import Settings
from tests.conftest import STRONG_PASSWORD, Company
from tests.web.conftest import csrf_of

GUESSES = 30


def test_thirty_parallel_wrong_passwords_lock_after_exactly_five(
    settings: Settings,
    db: Database,
    company_a: Company,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checked: list[str] = []
    real_verify = crypto.verify_password

    def counting_verify(password_hash: str, password: str) -> bool:
        checked.append(password)
        return real_verify(password_hash, password)

    monkeypatch.setattr(login_service, "verify_password", counting_verify)
    # No per-address limit here: it would stop the guesses before the lockout is put to the test.
    unlimited = settings.model_copy(update={"rate_limit_login": 0})
    with TestClient(create_app(unlimited), base_url="http://testserver") as client:
        token = csrf_of(client.get("/login").text)
        # A route's first call builds its schema, which is not thread-safe; an unknown login counts nowhere.
        client.post("/login", data={"login": "nobody@nowhere.example.hk", "password": "x", "csrf_token": token})
        checked.clear()
        barrier = threading.Barrier(GUESSES, timeout=60)

        def guess(n: int) -> int:
            barrier.wait()
            return client.post(
                "/login", data={"login": company_a.admin_email, "password": f"Wrong-{n}", "csrf_token": token}
            ).status_code

        with ThreadPoolExecutor(GUESSES) as pool:
            statuses = list(pool.map(guess, range(GUESSES)))
        assert statuses == [401] * GUESSES
        assert len(checked) == settings.lockout_attempts  # the other 25 were never checked
        right = client.post(
            "/login", data={"login": company_a.admin_email, "password": STRONG_PASSWORD, "csrf_token": token}
        )
    assert right.status_code == 401
    assert len(checked) == settings.lockout_attempts
    with db.transaction() as session:
        user = identity.user_by_id(session, company_a.admin_id)
        assert user is not None and user.locked_until is not None
        kinds = [e.kind for e in identity.list_audit_events(session, org_id=company_a.org_id)]
    assert kinds.count("locked_out") == 1 and kinds.count("login_failed") == GUESSES + 1


def test_thirty_parallel_wrong_codes_lock_after_exactly_five(db: Database, company_a: Company) -> None:
    sealer = identity.Sealer("test-secret")
    with db.transaction() as session:
        user = identity.user_by_id(session, company_a.admin_id)
        assert user is not None
        identity.begin_totp_enrolment(user, sealer)
    barrier = threading.Barrier(GUESSES, timeout=60)

    def guess(_: int) -> str | None:
        barrier.wait()
        with db.transaction() as session:
            user = identity.user_by_id(session, company_a.admin_id)
            assert user is not None
            return identity.verify_totp(
                session, user, sealer, code="000000", now=utcnow(), ip=None, attempts=5, lock_minutes=30
            ).error

    with ThreadPoolExecutor(GUESSES) as pool:
        errors = list(pool.map(guess, range(GUESSES)))
    assert errors.count("invalid_totp") == 4 and errors.count("account_locked") == GUESSES - 4
    with db.transaction() as session:
        kinds = [e.kind for e in identity.list_audit_events(session, org_id=company_a.org_id)]
    assert kinds.count("totp_failed") == 5 and kinds.count("locked_out") == 1
