"""The security audit log: logins, failures, lockouts, keys, roles. Never holds a secret."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbourlink.identity.models import AuditEvent
from harbourlink.kernel import Actor


class AuditKind(StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOCKED_OUT = "locked_out"
    UNLOCKED = "unlocked"
    LOGOUT = "logout"
    TOTP_ENROLLED = "totp_enrolled"
    TOTP_FAILED = "totp_failed"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - an event name, not a password
    OIDC_LINKED = "oidc_linked"
    ORG_REGISTERED = "org_registered"
    REGISTRATION_DUPLICATE = "registration_duplicate"
    ORG_APPROVED = "org_approved"
    ORG_REJECTED = "org_rejected"
    USER_CREATED = "user_created"
    ROLE_CHANGED = "role_changed"
    USER_DISABLED = "user_disabled"
    API_KEY_CREATED = "api_key_created"
    API_KEY_REVOKED = "api_key_revoked"
    SERVICE_REQUESTED = "service_requested"
    SERVICE_DECIDED = "service_decided"
    LEDGER_ERASED = "ledger_erased"


def record(
    session: Session,
    kind: AuditKind,
    *,
    org_id: str | None,
    user_id: str | None = None,
    actor: Actor | None = None,
    ip: str | None = None,
    **detail: Any,
) -> None:
    """Adds one security event; the caller's transaction keeps it with the change it describes."""
    if actor is not None:
        detail.setdefault("by_user", actor.user_id)
        detail.setdefault("by_org", actor.org_id)
    session.add(
        AuditEvent(
            kind=kind.value,
            org_id=org_id,
            user_id=user_id,
            api_key_id=actor.api_key_id if actor else None,
            ip=ip or (actor.ip if actor else None),
            detail=detail,
        )
    )


def list_audit_events(session: Session, *, org_id: str | None, limit: int = 200) -> list[AuditEvent]:
    """The newest security events of one company (``None``: of the whole platform)."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc()).limit(limit)
    if org_id is not None:
        query = query.where(AuditEvent.org_id == org_id)
    return list(session.scalars(query))
