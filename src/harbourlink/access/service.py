"""Use cases of access: owners grant and revoke, name parties, and see who viewed their data."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from harbourlink.access import repository
from harbourlink.access.domain import NAMED_PARTIES_RULE, VIEW_LOG_WINDOW, AccessScope, PartyRole, make_scope
from harbourlink.access.errors import InvalidGrant
from harbourlink.access.models import AccessLogEntry, Grant, Party, SharingPolicy
from harbourlink.access.schemas import SharingPolicyRead
from harbourlink.identity import SYSTEM_ACTOR, KeyScope, OrgStatus, get_organisation
from harbourlink.kernel import Actor, Forbidden, NotFound, utcnow
from harbourlink.kernel.clock import as_utc
from harbourlink.references import ReferenceType, normalise_reference


def scope_for(actor: Actor) -> AccessScope:
    """The access scope of an authenticated caller; the only way to obtain one."""
    return make_scope(actor.org_id, actor.user_id)


def _check_may_share(actor: Actor) -> None:
    if not actor.has_scope(KeyScope.ACCESS_MANAGE):
        raise Forbidden(
            "this API key lacks the access:manage scope",
            code="missing_scope",
            data={"scope": KeyScope.ACCESS_MANAGE.value},
        )


def _check_grantee(session: Session, actor: Actor, grantee_org_id: str) -> None:
    if grantee_org_id == actor.org_id:
        raise InvalidGrant("a company always sees its own data", data={"field": "grantee_org_id"})
    try:
        grantee = get_organisation(session, SYSTEM_ACTOR, org_id=grantee_org_id)
    except NotFound:
        grantee = None
    if grantee is None or grantee.status != OrgStatus.ACTIVE.value:
        raise InvalidGrant(
            "no active company has this id",
            code="unknown_grantee",
            data={"field": "grantee_org_id", "value": grantee_org_id},
        )


def do_grant(
    session: Session,
    actor: Actor,
    *,
    reference_type: ReferenceType | None,
    reference: str | None,
    grantee_org_id: str | None,
    anyone_with_reference: bool,
    rule: str | None,
    expires_at: datetime | None,
) -> Grant:
    """Lets others see the actor's company's data: per reference, or by a standing rule."""
    _check_may_share(actor)
    now = utcnow()
    if expires_at is not None and as_utc(expires_at) <= now:
        raise InvalidGrant("the expiry time has passed", data={"field": "expires_at"})
    if rule is not None:
        if reference_type or reference or grantee_org_id or anyone_with_reference:
            raise InvalidGrant("a standing rule names no reference or grantee", data={"field": "rule"})
        grant = Grant(
            owner_org_id=actor.org_id, rule=NAMED_PARTIES_RULE, created_by=actor.user_id, expires_at=expires_at
        )
    else:
        if reference_type is None or not reference:
            raise InvalidGrant("name the reference_type and reference to share", data={"field": "reference"})
        if anyone_with_reference == (grantee_org_id is not None):
            raise InvalidGrant(
                "give either grantee_org_id or anyone_with_reference, not both or neither",
                data={"field": "grantee_org_id"},
            )
        if grantee_org_id is not None:
            _check_grantee(session, actor, grantee_org_id)
        grant = Grant(
            owner_org_id=actor.org_id,
            reference_type=reference_type.value,
            reference=normalise_reference(reference_type, reference),
            grantee_org_id=grantee_org_id,
            anyone_with_reference=anyone_with_reference,
            created_by=actor.user_id,
            expires_at=expires_at,
        )
    session.add(grant)
    session.flush()
    return grant


def revoke_grant(session: Session, actor: Actor, *, grant_id: str) -> Grant:
    """Ends a grant at once; only its owner can, and revoking twice changes nothing."""
    _check_may_share(actor)
    grant = repository.grant_by_id(session, grant_id)
    if grant is None or grant.owner_org_id != actor.org_id:
        raise NotFound("no such grant", data={"grant_id": grant_id})
    if grant.revoked_at is None:
        grant.revoked_at = utcnow()
        grant.revoked_by = actor.user_id
    return grant


def list_grants(session: Session, actor: Actor, *, direction: str, include_ended: bool = False) -> list[Grant]:
    """Grants the actor's company gave (``given``) or was given (``received``)."""
    if direction == "received":
        return repository.grants_received(session, actor.org_id, now=utcnow())
    return repository.grants_given(session, actor.org_id, include_ended=include_ended)


def name_party(
    session: Session,
    actor: Actor,
    *,
    reference_type: ReferenceType,
    reference: str,
    party_org_id: str,
    party_role: PartyRole,
) -> Party:
    """Names a company as a party on one of the actor's references (used by the standing rule)."""
    _check_may_share(actor)
    _check_grantee(session, actor, party_org_id)
    value = normalise_reference(reference_type, reference)
    existing = repository.find_party(
        session, owner=actor.org_id, reference_type=reference_type.value, reference=value, party=party_org_id
    )
    if existing is not None:
        return existing
    party = Party(
        owner_org_id=actor.org_id,
        reference_type=reference_type.value,
        reference=value,
        party_org_id=party_org_id,
        party_role=party_role.value,
    )
    session.add(party)
    session.flush()
    return party


def name_nominee(
    session: Session,
    actor: Actor,
    *,
    reference_type: ReferenceType,
    reference: str,
    party_org_id: str,
    party_role: PartyRole,
) -> str | None:
    """Names the nominee of a leg (``legs``) a party, as ``name_party`` does: the new party's id, or None when
    the company had named it already, so that ending the nomination leaves the older naming in place."""
    value = normalise_reference(reference_type, reference)
    if (
        repository.find_party(
            session, owner=actor.org_id, reference_type=reference_type.value, reference=value, party=party_org_id
        )
        is not None
    ):
        return None
    return name_party(
        session, actor, reference_type=reference_type, reference=value, party_org_id=party_org_id, party_role=party_role
    ).id


def forget_nominee(session: Session, *, owner_org_id: str, party_id: str) -> None:
    """Removes the party a nomination named, whichever company ended the nomination (declined or withdrawn)."""
    party = repository.party_by_id(session, party_id)
    if party is not None and party.owner_org_id == owner_org_id:
        session.delete(party)


def list_parties(session: Session, actor: Actor) -> list[Party]:
    """The parties the actor's company has named on its references."""
    return repository.parties_named(session, actor.org_id)


def remove_party(session: Session, actor: Actor, *, party_id: str) -> None:
    _check_may_share(actor)
    party = repository.party_by_id(session, party_id)
    if party is None or party.owner_org_id != actor.org_id:
        raise NotFound("no such party", data={"party_id": party_id})
    session.delete(party)


def record_views(
    session: Session,
    scope: AccessScope,
    *,
    seen: Iterable[tuple[str, str, str]],
    channel: str,
    now: datetime | None = None,
    recent: set[tuple[str, str, str]] | None = None,
) -> None:
    """Notes that ``scope`` viewed owners' data: one line per (owner, reference type, reference) not its own.

    A page that refreshes itself, or a system that polls, is one viewing, not hundreds: the same
    viewer, reference and channel within a quarter of an hour is not written again. A caller
    that already asked (``already_logged`` in its own query, at ``now``) passes what it found
    as ``recent``, and no further query is made.
    """
    now = now or utcnow()
    fresh = {(owner, kind, value) for owner, kind, value in seen if owner != scope.org_id}
    if not fresh:
        return
    if recent is None:
        recent = repository.recent_views(
            session,
            viewer_org_id=scope.org_id,
            viewer_user_id=scope.user_id,
            channel=channel,
            since=now - VIEW_LOG_WINDOW,
        )
    for owner, reference_type, reference in sorted(fresh - recent):
        if owner != scope.org_id:
            session.add(
                AccessLogEntry(
                    at=now,
                    owner_org_id=owner,
                    viewer_org_id=scope.org_id,
                    viewer_user_id=scope.user_id,
                    reference_type=reference_type,
                    reference=reference,
                    channel=channel,
                )
            )


def list_access_log(session: Session, actor: Actor, *, limit: int = 200) -> list[AccessLogEntry]:
    """Who viewed the actor's company's data, newest first."""
    return repository.access_log_of(session, actor.org_id, limit=limit)


def get_sharing_policy(session: Session, actor: Actor) -> SharingPolicyRead:
    """The actor's company's standing choices (the defaults when it never changed them)."""
    policy = repository.policy_of(session, actor.org_id)
    if policy is None:
        return SharingPolicyRead(share_vessel_calls=True, updated_at=None)
    return SharingPolicyRead(share_vessel_calls=not policy.vessel_calls_withheld, updated_at=policy.updated_at)


def set_sharing_policy(session: Session, actor: Actor, *, share_vessel_calls: bool) -> SharingPolicyRead:
    """Shows the company's vessel calls to companies with cargo on them, or withholds them."""
    _check_may_share(actor)
    policy = repository.policy_of(session, actor.org_id)
    if policy is None:
        policy = SharingPolicy(owner_org_id=actor.org_id)
        session.add(policy)
    policy.vessel_calls_withheld = not share_vessel_calls
    policy.updated_at, policy.updated_by = utcnow(), actor.user_id
    session.flush()
    return get_sharing_policy(session, actor)


def companies_given(session: Session, references: Iterable[tuple[str, str]]) -> set[str]:
    """The companies whom owners share these references with by name (grants to them, named parties)."""
    return repository.companies_given(session, sorted(set(references)), now=utcnow())


def share_with(
    session: Session,
    *,
    owner_org_id: str,
    reference_type: str,
    reference: str,
    grantee_org_ids: Iterable[str],
    created_by: str | None,
) -> list[Grant]:
    """The owner's data about one reference shared with these companies by name, those not yet shared with.

    For an act that is addressed to the parties by its nature (a warehouse's receipt of their
    consignment), so it needs no ``access:manage`` scope; the grants are the owner's to revoke.
    """
    now = utcnow()
    already = repository.live_grantees(
        session, owner_org_id=owner_org_id, reference_type=reference_type, reference=reference, now=now
    ) | {owner_org_id}
    grants = [
        Grant(
            owner_org_id=owner_org_id,
            reference_type=reference_type,
            reference=reference,
            grantee_org_id=org,
            created_by=created_by,
        )
        for org in sorted(set(grantee_org_ids) - already)
    ]
    session.add_all(grants)
    session.flush()
    return grants
