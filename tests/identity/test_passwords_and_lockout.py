"""Password policy, history, argon2id storage, lockout after five failures, TOTP."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pyotp
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from harbourlink import identity
from harbourlink.identity import crypto
from harbourlink.identity.crypto import password_needs_rehash
from harbourlink.identity.domain import check_password_strength
from harbourlink.identity.errors import PasswordReused
from harbourlink.identity.models import User
from harbourlink.kernel import Database, ValidationFailed, utcnow
from tests.conftest import STRONG_PASSWORD, Company, make_company


def _login(db: Database, email: str, password: str, *, minutes_later: int = 0) -> identity.LoginOutcome:
    with db.transaction() as session:
        return identity.authenticate_password(
            session,
            login=email,
            password=password,
            now=utcnow() + timedelta(minutes=minutes_later),
            ip="127.0.0.1",
            attempts=5,
            lock_minutes=30,
        )


@pytest.mark.parametrize("weak", ["Short-1a", "alllowercaseletters", "ALLUPPER12345", "abcdefghij1"])
def test_weak_passwords_are_refused(weak: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_password_strength(weak)
    assert caught.value.code == "weak_password"


def test_passwords_are_stored_as_argon2id(db: Database, company_a: Company) -> None:
    with db.transaction() as session:
        stored = session.scalars(select(User.password_hash).where(User.id == company_a.admin_id)).one()
    assert stored is not None and stored.startswith("$argon2id$")
    assert STRONG_PASSWORD not in stored


def test_a_hash_made_with_other_parameters_is_made_again_at_the_next_good_login(
    db: Database, company_a: Company
) -> None:
    older = PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1).hash(STRONG_PASSWORD)
    with db.transaction() as session:
        user = session.get(User, company_a.admin_id)
        assert user is not None
        user.password_hash = older
    assert _login(db, company_a.admin_email, "Wrong-Password-2026").user is None
    with db.transaction() as session:
        assert session.scalars(select(User.password_hash).where(User.id == company_a.admin_id)).one() == older
    assert _login(db, company_a.admin_email, STRONG_PASSWORD).user is not None
    with db.transaction() as session:
        stored = session.scalars(select(User.password_hash).where(User.id == company_a.admin_id)).one()
    assert stored is not None and stored != older and not password_needs_rehash(stored)
    assert _login(db, company_a.admin_email, STRONG_PASSWORD).user is not None, "the new hash checks"


def test_an_unknown_password_profile_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARBOURLINK_PASSWORD_PROFILE", "md5")
    crypto._hasher.cache_clear()
    try:
        with pytest.raises(ValueError, match="HARBOURLINK_PASSWORD_PROFILE='md5' is none of rfc9106-low-memory"):
            crypto.hash_password(STRONG_PASSWORD)
    finally:
        crypto._hasher.cache_clear()


def test_the_last_eight_passwords_cannot_be_reused(db: Database, company_a: Company) -> None:
    passwords = [f"Rotation-{n:02d}-Secret" for n in range(9)]
    with db.transaction() as session:
        user = session.get(User, company_a.admin_id)
        assert user is not None
        for password in passwords[:8]:
            identity.set_password(session, user, password)
        for recent in [STRONG_PASSWORD, *passwords[:8]][-8:]:
            with pytest.raises(PasswordReused):
                identity.set_password(session, user, recent)
        identity.set_password(session, user, STRONG_PASSWORD)  # nine changes ago: allowed again


def test_five_wrong_passwords_lock_the_account(db: Database, company_a: Company) -> None:
    outcomes = [_login(db, company_a.admin_email, "Wrong-Password-1") for _ in range(5)]
    # A locked account answers like a wrong password: only its owner's company is told (audit log).
    assert [o.error for o in outcomes] == ["invalid_credentials"] * 5
    assert _login(db, company_a.admin_email, STRONG_PASSWORD).error == "invalid_credentials"
    assert _login(db, company_a.admin_email, STRONG_PASSWORD, minutes_later=31).user is not None
    with db.transaction() as session:
        kinds = [e.kind for e in identity.list_audit_events(session, org_id=company_a.org_id)]
    assert kinds.count("login_failed") == 6 and kinds.count("locked_out") == 1


def test_a_success_resets_the_failure_count(db: Database, company_a: Company) -> None:
    for _ in range(4):
        _login(db, company_a.admin_email, "Wrong-Password-1")
    assert _login(db, company_a.admin_email, STRONG_PASSWORD).user is not None
    assert _login(db, company_a.admin_email, "Wrong-Password-1").error == "invalid_credentials"


def test_an_administrator_can_unlock(db: Database, company_a: Company) -> None:
    for _ in range(5):
        _login(db, company_a.admin_email, "Wrong-Password-1")
    with db.transaction() as session:
        identity.unlock_user(session, identity.SYSTEM_ACTOR, user_id=company_a.admin_id)
    assert _login(db, company_a.admin_email, STRONG_PASSWORD).user is not None


def test_pending_company_cannot_log_in(db: Database) -> None:
    pending = make_company(db, "Pending Co", "warehouse", approved=False)
    assert _login(db, pending.admin_email, STRONG_PASSWORD).error == "account_not_active"


def test_totp_enrolment_verification_and_replay(db: Database, company_a: Company) -> None:
    sealer = identity.Sealer("test-secret")
    now = utcnow()
    with db.transaction() as session:
        user = session.get(User, company_a.admin_id)
        assert user is not None
        uri = identity.begin_totp_enrolment(user, sealer)
        seed = identity.totp_seed(user, sealer)
        assert seed is not None and seed in uri and seed not in (user.totp_secret_sealed or "")
        code = pyotp.TOTP(seed).at(now)
        ok = identity.verify_totp(session, user, sealer, code=code, now=now, ip=None, attempts=5, lock_minutes=30)
        assert ok.user is not None and user.totp_enabled
        replay = identity.verify_totp(session, user, sealer, code=code, now=now, ip=None, attempts=5, lock_minutes=30)
        assert replay.error == "invalid_totp"
        later = now + timedelta(seconds=30)
        fresh = pyotp.TOTP(seed).at(later)
        assert (
            identity.verify_totp(
                session, user, sealer, code=fresh, now=later, ip=None, attempts=5, lock_minutes=30
            ).user
            is not None
        )


def test_wrong_totp_codes_lock_the_account(db: Database, company_a: Company) -> None:
    sealer = identity.Sealer("test-secret")
    now = utcnow()
    with db.transaction() as session:
        user = session.get(User, company_a.admin_id)
        assert user is not None
        identity.begin_totp_enrolment(user, sealer)
        results = [
            identity.verify_totp(
                session, user, sealer, code="000000", now=now, ip=None, attempts=5, lock_minutes=30
            ).error
            for _ in range(6)
        ]
    assert results == ["invalid_totp"] * 4 + ["account_locked"] * 2


def test_a_fifth_guess_that_is_right_logs_in(db: Database, company_a: Company) -> None:
    for _ in range(4):
        _login(db, company_a.admin_email, "Wrong-Password-1")
    assert _login(db, company_a.admin_email, STRONG_PASSWORD).user is not None
    with db.transaction() as session:
        user = session.get(User, company_a.admin_id)
        assert user is not None and user.failed_attempts == 0 and user.locked_until is None


def test_a_totp_code_works_once_even_sent_twice_at_once(db: Database, company_a: Company) -> None:
    sealer = identity.Sealer("test-secret")
    now = utcnow()
    with db.transaction() as session:
        user = session.get(User, company_a.admin_id)
        assert user is not None
        identity.begin_totp_enrolment(user, sealer)
        seed = identity.totp_seed(user, sealer)
    assert seed is not None
    code = pyotp.TOTP(seed).at(now)
    barrier = threading.Barrier(8, timeout=60)

    def attempt(_: int) -> str | None:
        barrier.wait()
        with db.transaction() as session:
            user = session.get(User, company_a.admin_id)
            assert user is not None
            return identity.verify_totp(
                session, user, sealer, code=code, now=now, ip=None, attempts=50, lock_minutes=30
            ).error

    with ThreadPoolExecutor(8) as pool:
        errors = list(pool.map(attempt, range(8)))
    assert sorted(errors, key=str) == [None] + ["invalid_totp"] * 7
