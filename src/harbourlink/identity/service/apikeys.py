"""API keys for companies' systems: shown once, stored as a digest, scoped, revocable."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from harbourlink.identity import repository
from harbourlink.identity.audit import AuditKind, record
from harbourlink.identity.crypto import digest as sha256_digest
from harbourlink.identity.crypto import new_api_key, same_digest, split_api_key
from harbourlink.identity.domain import KeyScope, OrgStatus
from harbourlink.identity.models import ApiKey
from harbourlink.identity.permissions import check_admin_of
from harbourlink.kernel import Actor, NotFound, utcnow
from harbourlink.kernel.clock import as_utc

LAST_USED_RESOLUTION_SECONDS = 60


def create_api_key(
    session: Session,
    actor: Actor,
    *,
    org_id: str,
    name: str,
    scopes: list[KeyScope],
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """Issues a key; the whole key is returned this once and only its digest is kept."""
    check_admin_of(actor, org_id)
    if repository.org_by_id(session, org_id) is None:
        raise NotFound("no such company", data={"org_id": org_id})
    fresh = new_api_key()
    key = ApiKey(
        org_id=org_id,
        name=name.strip(),
        prefix=fresh.prefix,
        secret_hash=sha256_digest(fresh.secret),
        scopes=sorted({scope.value for scope in scopes}),
        created_by=actor.user_id,
        expires_at=expires_at,
    )
    session.add(key)
    session.flush()
    record(
        session,
        AuditKind.API_KEY_CREATED,
        org_id=org_id,
        actor=actor,
        key_id=key.id,
        prefix=key.prefix,
        scopes=key.scopes,
    )
    return key, fresh.full


def list_api_keys(session: Session, actor: Actor, *, org_id: str) -> list[ApiKey]:
    """A company's keys (never their secrets), for its administrators."""
    check_admin_of(actor, org_id)
    return repository.api_keys_of(session, org_id)


def revoke_api_key(session: Session, actor: Actor, *, key_id: str) -> ApiKey:
    """Stops a key working at once; revoking twice changes nothing."""
    key = session.get(ApiKey, key_id)
    if key is None or (key.org_id != actor.org_id and not actor.is_operator):
        raise NotFound("no such API key", data={"key_id": key_id})
    check_admin_of(actor, key.org_id)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        record(session, AuditKind.API_KEY_REVOKED, org_id=key.org_id, actor=actor, key_id=key.id)
    return key


def authenticate_api_key(session: Session, presented: str, *, now: datetime, ip: str | None) -> Actor | None:
    """The company behind a presented key, if the key is genuine, live and its company active."""
    parts = split_api_key(presented)
    if parts is None:
        return None
    key = repository.api_key_by_prefix(session, parts[0])
    if key is None or not same_digest(key.secret_hash, parts[1]) or key.revoked_at is not None:
        return None
    if key.expires_at is not None and as_utc(key.expires_at) <= now:
        return None
    org = repository.org_by_id(session, key.org_id)
    if org is None or org.status != OrgStatus.ACTIVE.value:
        return None
    if _stale(key.last_used_at, now):
        repository.note_api_key_use(session, key.id, now=now)
    return Actor(
        org_id=key.org_id,
        api_key_id=key.id,
        scopes=frozenset(key.scopes),
        org_types=frozenset(repository.org_types(session, key.org_id)),
        ip=ip,
    )


def _stale(last_used_at: datetime | None, now: datetime) -> bool:
    return last_used_at is None or (now - as_utc(last_used_at)).total_seconds() > LAST_USED_RESOLUTION_SECONDS


def still_usable(session: Session, key_id: str, *, now: datetime) -> bool:
    """Whether a key that was genuine a moment ago may still be used: not revoked, not expired, its
    company active. One read by primary key; notes the key's use as a full check does."""
    standing = repository.api_key_standing(session, key_id)
    if standing is None or standing.revoked_at is not None or standing.org_status != OrgStatus.ACTIVE.value:
        return False
    if standing.expires_at is not None and as_utc(standing.expires_at) <= now:
        return False
    if _stale(standing.last_used_at, now):
        repository.note_api_key_use(session, key_id, now=now)
    return True
