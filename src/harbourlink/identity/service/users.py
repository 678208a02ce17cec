"""People of a company: created and managed by its administrators; passwords and their history."""

from __future__ import annotations

import secrets
import string

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from harbourlink.identity import repository
from harbourlink.identity.audit import AuditKind, record
from harbourlink.identity.crypto import digest, hash_password, verify_password
from harbourlink.identity.domain import (
    ADMIN_ROLES,
    PASSWORD_HISTORY_DEPTH,
    Role,
    check_password_strength,
    check_role_allowed,
)
from harbourlink.identity.errors import EmailTaken, InvalidCredentials, PasswordReused
from harbourlink.identity.models import PasswordHistory, User, WebSession
from harbourlink.identity.permissions import check_admin_of
from harbourlink.kernel import Actor, Conflict, NotFound


def set_password(session: Session, user: User, password: str) -> None:
    """Sets a password that is strong enough and none of the user's last eight."""
    check_password_strength(password)
    history = list(
        session.scalars(
            select(PasswordHistory)
            .where(PasswordHistory.user_id == user.id)
            .order_by(PasswordHistory.created_at.desc(), PasswordHistory.id)
        )
    )
    if any(verify_password(old.password_hash, password) for old in history[:PASSWORD_HISTORY_DEPTH]):
        raise PasswordReused(
            "this password was one of your last 8; choose another",
            data={"field": "password", "history": PASSWORD_HISTORY_DEPTH},
        )
    user.password_hash = hash_password(password)
    session.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash))
    for stale in history[PASSWORD_HISTORY_DEPTH - 1 :]:
        session.delete(stale)


def temporary_password() -> str:
    """A random password that satisfies the policy, to be changed at first login."""
    alphabet = string.ascii_letters + string.digits
    body = "".join(secrets.choice(alphabet) for _ in range(14))
    return f"{body}-{secrets.choice(string.digits)}{secrets.choice(string.ascii_uppercase)}a"


def create_user(
    session: Session,
    actor: Actor,
    *,
    org_id: str,
    email: str,
    display_name: str,
    role: Role,
    password: str | None = None,
) -> tuple[User, str | None]:
    """Adds a person to a company; without a password, returns a temporary one to hand over."""
    check_admin_of(actor, org_id)
    if repository.org_by_id(session, org_id) is None:
        raise NotFound("no such company", data={"org_id": org_id})
    check_role_allowed(role, org_types=repository.org_types(session, org_id))
    if repository.email_taken(session, email):
        raise EmailTaken("this e-mail address already has an account", data={"field": "email"})
    user = User(
        org_id=org_id,
        email=email.lower(),
        display_name=display_name.strip(),
        role=role.value,
        must_change_password=password is None,
    )
    session.add(user)
    session.flush()
    issued = temporary_password() if password is None else None
    set_password(session, user, password or issued or "")
    record(session, AuditKind.USER_CREATED, org_id=org_id, user_id=user.id, actor=actor, role=role.value)
    return user, issued


def get_user(session: Session, actor: Actor, *, user_id: str) -> User:
    """A user of the caller's own company (or any, for the operator)."""
    user = repository.user_by_id(session, user_id)
    if user is None or (user.org_id != actor.org_id and not actor.is_operator):
        raise NotFound("no such user", data={"user_id": user_id})
    return user


def list_users(session: Session, actor: Actor, *, org_id: str) -> list[User]:
    """The people of a company, for its administrators."""
    check_admin_of(actor, org_id)
    return repository.users_of(session, org_id)


def list_drivers(session: Session, actor: Actor) -> list[User]:
    """The active drivers of the caller's company, for whoever dispatches its trucks."""
    return [
        user
        for user in repository.users_of(session, actor.org_id)
        if user.role == Role.DRIVER.value and user.status == "active"
    ]


def update_user(
    session: Session, actor: Actor, *, user_id: str, role: Role | None = None, status: str | None = None
) -> User:
    """Changes a user's role or disables them, keeping at least one active administrator."""
    user = get_user(session, actor, user_id=user_id)
    check_admin_of(actor, user.org_id)
    demoting = role is not None and role not in ADMIN_ROLES and user.role in ADMIN_ROLES
    disabling = status == "disabled" and user.role in ADMIN_ROLES
    if (demoting or disabling) and repository.count_admins(session, user.org_id, ADMIN_ROLES) <= 1:
        raise Conflict("a company keeps at least one active principal or administrator", code="last_admin")
    if role is not None and role.value != user.role:
        check_role_allowed(role, org_types=repository.org_types(session, user.org_id))
        record(
            session,
            AuditKind.ROLE_CHANGED,
            org_id=user.org_id,
            user_id=user.id,
            actor=actor,
            old=user.role,
            new=role.value,
        )
        user.role = role.value
    if status is not None and status != user.status:
        user.status = status
        if status == "disabled":
            record(session, AuditKind.USER_DISABLED, org_id=user.org_id, user_id=user.id, actor=actor)
    return user


def unlock_user(session: Session, actor: Actor, *, user_id: str) -> User:
    """Clears a lockout before it expires by itself."""
    user = get_user(session, actor, user_id=user_id)
    check_admin_of(actor, user.org_id)
    user.failed_attempts = 0
    user.locked_until = None
    record(session, AuditKind.UNLOCKED, org_id=user.org_id, user_id=user.id, actor=actor)
    return user


def change_password(
    session: Session, user: User, *, current_password: str, new_password: str, keep_token: str | None = None
) -> None:
    """The user replaces their own password, proving they know the current one; other sessions end."""
    if not user.password_hash or not verify_password(user.password_hash, current_password):
        raise InvalidCredentials("the current password is wrong", data={"field": "current_password"})
    set_password(session, user, new_password)
    user.must_change_password = False
    session.execute(
        delete(WebSession).where(WebSession.user_id == user.id, WebSession.token_hash != digest(keep_token or ""))
    )
    record(session, AuditKind.PASSWORD_CHANGED, org_id=user.org_id, user_id=user.id)
