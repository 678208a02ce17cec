"""The visibility rules, stated once in plain Python.

The SQL clauses in ``repository`` must decide exactly as ``is_visible`` and ``sees_vessel_call``
do; property tests hold each pair together. A record is visible to a company when the company
owns it, or the owner granted it for the record's reference (to that company, or to anyone who
presents the reference), or the owner has the standing rule "named parties" and named that
company as a party on the reference. Revoked and expired grants count for nothing.

A vessel call's schedule and position follow the trade instead: carriers publish schedules and
ships broadcast AIS, so whoever may see cargo on the call sees when and where the ship is,
unless the company that published the call's times withholds them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

_SCOPE_KEY = object()

NAMED_PARTIES_RULE = "named_parties"

VIEW_LOG_WINDOW = timedelta(minutes=15)
"""A page that refreshes itself, or a system that polls, is one viewing, not hundreds: the same
viewer, reference and channel within this window is logged once."""


class PartyRole(StrEnum):
    SHIPPER = "shipper"
    CONSIGNEE = "consignee"
    NOTIFY_PARTY = "notify_party"
    FORWARDER = "forwarder"
    CARRIER = "carrier"
    TERMINAL = "terminal"
    TRUCKER = "trucker"
    WAREHOUSE = "warehouse"
    CUSTOMS_BROKER = "customs_broker"
    BANK = "bank"


@dataclass(frozen=True, slots=True)
class AccessScope:
    """What one caller may see: its company, and the references it presented in this request.

    Only the access module makes one (``scope_for``); every repository read on owned data takes
    one, so a query that forgot access control does not type-check.
    """

    org_id: str
    user_id: str | None
    held: frozenset[tuple[str, str]]
    _key: object = field(repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._key is not _SCOPE_KEY:
            raise TypeError("an AccessScope is made only by harbourlink.access.scope_for")

    def holding(self, reference_type: str, reference: str) -> AccessScope:
        """The same caller, who also presents this reference (e.g. typed it into the search box)."""
        return AccessScope(self.org_id, self.user_id, self.held | {(reference_type, reference)}, _SCOPE_KEY)


def make_scope(org_id: str, user_id: str | None) -> AccessScope:
    return AccessScope(org_id, user_id, frozenset(), _SCOPE_KEY)


@dataclass(frozen=True)
class GrantFacts:
    owner: str
    reference_type: str | None
    reference: str | None
    grantee: str | None
    anyone_with_reference: bool
    rule: str | None
    expires_at: datetime | None
    revoked_at: datetime | None

    def live(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


@dataclass(frozen=True)
class PartyFacts:
    owner: str
    reference_type: str
    reference: str
    party: str


def is_visible(
    scope: AccessScope,
    *,
    owner: str,
    reference_type: str,
    reference: str,
    grants: list[GrantFacts],
    parties: list[PartyFacts],
    now: datetime,
) -> bool:
    """Whether a record owned by ``owner`` about one reference is visible to ``scope``."""
    if owner == scope.org_id:
        return True
    for grant in grants:
        if grant.owner != owner or not grant.live(now):
            continue
        if grant.rule == NAMED_PARTIES_RULE:
            if any(
                p.owner == owner
                and p.reference_type == reference_type
                and p.reference == reference
                and p.party == scope.org_id
                for p in parties
            ):
                return True
            continue
        if (grant.reference_type, grant.reference) != (reference_type, reference):
            continue
        if grant.grantee == scope.org_id:
            return True
        if grant.anyone_with_reference and (reference_type, reference) in scope.held:
            return True
    return False


@dataclass(frozen=True)
class RecordFacts:
    """One owner's record about one reference, e.g. a carrier's event naming a Master B/L."""

    owner: str
    reference_type: str
    reference: str


def sees_vessel_call(
    scope: AccessScope,
    *,
    owner: str,
    cargo: list[RecordFacts],
    withholding: frozenset[str],
    grants: list[GrantFacts],
    parties: list[PartyFacts],
    now: datetime,
) -> bool:
    """Whether a vessel call's times and position, published by ``owner``, are visible to ``scope``.

    ``cargo`` are the records that put cargo on the call (an event of the call naming a B/L or a
    container, another record about that number, a link from a House B/L to a Master B/L on the
    call): when ``scope`` may see any of them, its cargo is on the call and the call's times
    follow it, unless ``owner`` (another company) is among those ``withholding`` their vessel
    calls. Only the call's times and position: cargo-level records stay under their owners' grants.
    """
    if owner != scope.org_id and owner in withholding:
        return False
    return any(
        is_visible(
            scope,
            owner=record.owner,
            reference_type=record.reference_type,
            reference=record.reference,
            grants=grants,
            parties=parties,
            now=now,
        )
        for record in cargo
    )
