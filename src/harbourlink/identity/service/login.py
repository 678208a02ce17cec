"""Logging in: password with lockout, TOTP second factor, OpenID Connect, server-side sessions.

Failures must be remembered even though the login fails, so these functions return an
outcome instead of raising: the edge commits the failure count, then shows the error. Each
guess is counted by one atomic statement before it is checked, so parallel guesses cannot
slip past the lockout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from sqlalchemy import delete
from sqlalchemy.orm import Session

from harbourlink.identity import repository
from harbourlink.identity.audit import AuditKind, record
from harbourlink.identity.crypto import (
    Sealer,
    digest,
    hash_password,
    new_session_token,
    password_needs_rehash,
    verify_decoy,
    verify_password,
)
from harbourlink.identity.domain import OrgStatus, normalise_hk_mobile
from harbourlink.identity.models import ExternalIdentity, User, WebSession
from harbourlink.kernel import Conflict, ValidationFailed, utcnow
from harbourlink.kernel.clock import as_utc

TOTP_ISSUER = "HarbourLink"


@dataclass(frozen=True)
class LoginOutcome:
    """A user on success; otherwise an error code (``invalid_credentials``, ``account_locked`` …)."""

    user: User | None
    error: str | None = None
    locked_until: datetime | None = None


@dataclass(frozen=True)
class PasswordGuess:
    """A password guess, counted before it is checked (see ``count_password_guess``)."""

    user_id: str | None
    """None: no account has this login."""
    number: int | None
    """Which failure in a row it is if wrong; None: the account is locked and the guess is not checked."""
    locks: bool
    """Wrong, it locks the account (the lock is already set, and lifted if it is right)."""


def _is_locked(user: User, now: datetime) -> bool:
    return user.locked_until is not None and as_utc(user.locked_until) > now


def _check_usable(session: Session, user: User, now: datetime) -> LoginOutcome | None:
    if _is_locked(user, now):
        return LoginOutcome(None, "account_locked", user.locked_until)
    org = repository.org_by_id(session, user.org_id)
    if user.status != "active" or org is None or org.status != OrgStatus.ACTIVE.value:
        return LoginOutcome(None, "account_not_active")
    return None


def count_password_guess(
    session: Session, *, login: str, now: datetime, attempts: int, lock_minutes: int
) -> PasswordGuess:
    """Counts a password guess before it is checked, in one statement.

    The pages commit this at once, before the slow check: parallel guesses each get their own
    number, the one that reaches ``attempts`` sets the lock, and none past it is ever checked.
    """
    user = repository.user_by_login(session, login_name(login))
    if user is None:
        return PasswordGuess(None, None, locks=False)
    number = repository.count_attempt(
        session, user.id, now=now, attempts=attempts, until=now + timedelta(minutes=lock_minutes)
    )
    return PasswordGuess(user.id, number, locks=number is not None and number >= attempts)


def check_password_guess(
    session: Session, guess: PasswordGuess, *, password: str, now: datetime, ip: str | None
) -> LoginOutcome:
    """Checks a counted guess. An unknown login, a locked account and a wrong password answer the
    same, after the same work, so neither the words nor the time tell them apart."""
    user = repository.user_by_id(session, guess.user_id) if guess.user_id else None
    if user is None or guess.number is None:
        verify_decoy(password)
        record(
            session,
            AuditKind.LOGIN_FAILED,
            org_id=user.org_id if user else None,
            user_id=user.id if user else None,
            ip=ip,
            reason="locked" if user else "unknown_login",
        )
        return LoginOutcome(None, "invalid_credentials")
    if user.password_hash:
        right = verify_password(user.password_hash, password)
    else:
        right = False
        verify_decoy(password)
    if not right:
        record(session, AuditKind.LOGIN_FAILED, org_id=user.org_id, user_id=user.id, ip=ip, attempt=guess.number)
        if guess.locks and user.locked_until is not None:
            # The company learns of the lock from this event and its administrators' list of users;
            # the login page says nothing that would tell a guesser.
            record(
                session,
                AuditKind.LOCKED_OUT,
                org_id=user.org_id,
                user_id=user.id,
                ip=ip,
                until=as_utc(user.locked_until).isoformat(),
            )
        return LoginOutcome(None, "invalid_credentials")
    repository.clear_failures(session, user.id)
    if user.password_hash and password_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return _check_usable(session, user, now) or LoginOutcome(user)


def authenticate_password(
    session: Session, *, login: str, password: str, now: datetime, ip: str | None, attempts: int, lock_minutes: int
) -> LoginOutcome:
    """Counts and checks a password in one transaction; the fifth wrong one in a row locks the account.

    The pages count in a transaction of their own instead, so no lock is held while the hash is checked.
    """
    guess = count_password_guess(session, login=login, now=now, attempts=attempts, lock_minutes=lock_minutes)
    return check_password_guess(session, guess, password=password, now=now, ip=ip)


def needs_second_factor(user: User, *, demo_mode: bool) -> bool:
    return not (user.totp_exempt and demo_mode)


def begin_totp_enrolment(user: User, sealer: Sealer) -> str:
    """Draws a new TOTP seed for the user (not yet active) and returns its otpauth:// URI.

    An enrolled user cannot start again here: that would let a password alone replace the
    second factor. Resetting a lost authenticator is an administrator's act.
    """
    if user.totp_enabled:
        raise Conflict("a second factor is already enrolled", code="totp_already_enrolled")
    seed = pyotp.random_base32()
    user.totp_secret_sealed = sealer.seal(seed)
    user.totp_enabled = False
    label = user.email or user.mobile or user.id
    return str(pyotp.TOTP(seed).provisioning_uri(name=label, issuer_name=TOTP_ISSUER))


def pending_totp_uri(user: User, sealer: Sealer) -> str | None:
    """The otpauth:// URI of a seed drawn but not yet confirmed, so a reload shows the same one."""
    seed = None if user.totp_enabled else totp_seed(user, sealer)
    if seed is None:
        return None
    return str(pyotp.TOTP(seed).provisioning_uri(name=user.email or user.mobile or user.id, issuer_name=TOTP_ISSUER))


def login_name(raw: str) -> str:
    """What people type to log in, as accounts store it: a Hong Kong mobile becomes +852XXXXXXXX."""
    typed = raw.strip()
    if "@" in typed:
        return typed
    try:
        return normalise_hk_mobile(typed)
    except ValidationFailed:
        return typed


def totp_seed(user: User, sealer: Sealer) -> str | None:
    return sealer.unseal(user.totp_secret_sealed) if user.totp_secret_sealed else None


def matching_totp_step(seed: str, code: str, now: datetime) -> int | None:
    """The time step (RFC 6238, 30 s) within one step of now whose code matches, if any."""
    totp = pyotp.TOTP(seed)
    step_now = int(now.timestamp()) // totp.interval
    cleaned = code.strip().replace(" ", "")
    for step in (step_now, step_now - 1, step_now + 1):
        if pyotp.utils.strings_equal(totp.generate_otp(step), cleaned):
            return step
    return None


def verify_totp(
    session: Session,
    user: User,
    sealer: Sealer,
    *,
    code: str,
    now: datetime,
    ip: str | None,
    attempts: int,
    lock_minutes: int,
) -> LoginOutcome:
    """Checks a TOTP code, refusing a code already used; wrong codes count towards lockout.

    The caller already gave the right password, so a lock is named as such here.
    """
    unusable = _check_usable(session, user, now)
    if unusable is not None:
        return unusable
    number = repository.count_attempt(
        session, user.id, now=now, attempts=attempts, until=now + timedelta(minutes=lock_minutes)
    )
    if number is None:
        return LoginOutcome(None, "account_locked", user.locked_until)
    seed = totp_seed(user, sealer)
    step = matching_totp_step(seed, code, now) if seed else None
    if step is None or not repository.claim_totp_step(session, user.id, step):
        record(session, AuditKind.TOTP_FAILED, org_id=user.org_id, user_id=user.id, ip=ip, attempt=number)
        if number < attempts or user.locked_until is None:
            return LoginOutcome(None, "invalid_totp")
        record(
            session,
            AuditKind.LOCKED_OUT,
            org_id=user.org_id,
            user_id=user.id,
            ip=ip,
            until=as_utc(user.locked_until).isoformat(),
        )
        return LoginOutcome(None, "account_locked", user.locked_until)
    repository.clear_failures(session, user.id)
    if not user.totp_enabled:
        user.totp_enabled = True
        record(session, AuditKind.TOTP_ENROLLED, org_id=user.org_id, user_id=user.id, ip=ip)
    return LoginOutcome(user)


def complete_login(session: Session, user: User, *, now: datetime, ip: str | None, method: str) -> None:
    user.last_login_at = now
    record(session, AuditKind.LOGIN, org_id=user.org_id, user_id=user.id, ip=ip, method=method)


def login_with_oidc(
    session: Session,
    *,
    issuer: str,
    subject: str,
    email: str | None,
    email_verified: bool,
    now: datetime,
    ip: str | None,
) -> LoginOutcome:
    """Maps an identity provider's subject to a user: by an earlier link, else by a verified e-mail."""
    link = repository.external_identity(session, issuer, subject)
    user = repository.user_by_id(session, link.user_id) if link else None
    if user is None and email and email_verified:
        user = repository.user_by_login(session, email)
        if user is not None:
            session.add(ExternalIdentity(user_id=user.id, issuer=issuer, subject=subject))
            record(session, AuditKind.OIDC_LINKED, org_id=user.org_id, user_id=user.id, ip=ip, issuer=issuer)
    if user is None:
        record(session, AuditKind.LOGIN_FAILED, org_id=None, ip=ip, reason="oidc_unknown_subject", issuer=issuer)
        return LoginOutcome(None, "no_account")
    unusable = _check_usable(session, user, now)
    return unusable or LoginOutcome(user)


def open_web_session(session: Session, user: User, *, stage: str, now: datetime, hours: int) -> str:
    """Starts a browser session; ``stage`` is ``second_factor`` until TOTP is passed, then ``full``."""
    token = new_session_token()
    session.add(
        WebSession(
            token_hash=digest(token),
            user_id=user.id,
            stage=stage,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    return token


def resume_web_session(session: Session, token: str, *, now: datetime) -> tuple[WebSession, User] | None:
    """The live session behind a cookie, if it has not expired and its user may still log in."""
    web_session = session.query(WebSession).filter_by(token_hash=digest(token)).first()
    if web_session is None or as_utc(web_session.expires_at) <= now:
        return None
    user = repository.user_by_id(session, web_session.user_id)
    if user is None or _check_usable(session, user, now) is not None:
        return None
    if (now - as_utc(web_session.last_seen_at)).total_seconds() > 60:
        web_session.last_seen_at = now
    return web_session, user


def close_web_session(session: Session, token: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == digest(token)))


def logout(session: Session, token: str, *, ip: str | None) -> None:
    """Ends a browser session and notes it in the audit log."""
    resumed = resume_web_session(session, token, now=utcnow())
    if resumed is not None:
        record(session, AuditKind.LOGOUT, org_id=resumed[1].org_id, user_id=resumed[1].id, ip=ip)
    close_web_session(session, token)


def end_other_sessions(session: Session, user: User, *, keep_token: str | None) -> None:
    """Ends every session of a user but the current one (after a password change, say)."""
    query = delete(WebSession).where(WebSession.user_id == user.id)
    if keep_token is not None:
        query = query.where(WebSession.token_hash != digest(keep_token))
    session.execute(query)
