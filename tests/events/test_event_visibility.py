"""Stored events are visible exactly as the plain rule says, across owners (no cross-row leaks)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from harbourlink import events
from harbourlink.access import is_visible, scope_for
from harbourlink.access.domain import NAMED_PARTIES_RULE, GrantFacts, PartyFacts
from harbourlink.access.models import Grant, Party
from harbourlink.events import Classifier, EventDraft, EventType, Reference
from harbourlink.events.models import Event
from harbourlink.kernel import Actor, Database, utcnow
from tests.conftest import make_company

REFS = [("MBL", "PONU0001"), ("CONTAINER", "MSCU1234566"), ("HBL", "VFF0001")]

event_strategy = st.fixed_dictionaries(
    {"owner": st.integers(0, 2), "refs": st.sets(st.sampled_from(REFS), min_size=1, max_size=2)}
)
grant_strategy = st.fixed_dictionaries(
    {
        "owner": st.integers(0, 2),
        "rule": st.booleans(),
        "ref": st.sampled_from(REFS),
        "grantee": st.none() | st.integers(0, 2),
        "anyone": st.booleans(),
        "expired": st.booleans(),
    }
)
party_strategy = st.fixed_dictionaries(
    {"owner": st.integers(0, 2), "ref": st.sampled_from(REFS), "party": st.integers(0, 2)}
)


@pytest.fixture
def orgs(db: Database) -> list[str]:
    return [make_company(db, f"Owner {n}", "shipping_line").org_id for n in range(3)]


def _facts(orgs: list[str], grant: dict[str, Any], now: datetime) -> GrantFacts:
    kind, value = grant["ref"]
    rule = bool(grant["rule"])
    return GrantFacts(
        owner=orgs[grant["owner"]],
        reference_type=None if rule else kind,
        reference=None if rule else value,
        rule=NAMED_PARTIES_RULE if rule else None,
        grantee=None if rule or grant["grantee"] is None else orgs[grant["grantee"]],
        anyone_with_reference=bool(grant["anyone"]) and not rule,
        expires_at=now - timedelta(hours=1) if grant["expired"] else None,
        revoked_at=None,
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    stored=st.lists(event_strategy, min_size=1, max_size=5),
    grants=st.lists(grant_strategy, max_size=5),
    parties=st.lists(party_strategy, max_size=3, unique_by=lambda p: (p["owner"], p["ref"], p["party"])),
    viewer=st.integers(0, 2),
    held=st.sets(st.sampled_from(REFS), max_size=2),
)
def test_select_visible_matches_the_rule(
    db: Database,
    orgs: list[str],
    stored: list[dict[str, Any]],
    grants: list[dict[str, Any]],
    parties: list[dict[str, Any]],
    viewer: int,
    held: set[tuple[str, str]],
) -> None:
    now = utcnow()
    grant_facts = [_facts(orgs, g, now) for g in grants]
    party_facts = [
        PartyFacts(owner=orgs[p["owner"]], reference_type=p["ref"][0], reference=p["ref"][1], party=orgs[p["party"]])
        for p in parties
    ]
    scope = scope_for(Actor(org_id=orgs[viewer]))
    for kind, value in sorted(held):
        scope = scope.holding(kind, value)
    try:
        with db.transaction() as session:
            for f in grant_facts:
                session.add(
                    Grant(
                        owner_org_id=f.owner,
                        reference_type=f.reference_type,
                        reference=f.reference,
                        grantee_org_id=f.grantee,
                        anyone_with_reference=f.anyone_with_reference,
                        rule=f.rule,
                        expires_at=f.expires_at,
                    )
                )
            for p in party_facts:
                session.add(
                    Party(
                        owner_org_id=p.owner,
                        reference_type=p.reference_type,
                        reference=p.reference,
                        party_org_id=p.party,
                        party_role="consignee",
                    )
                )
            expected = set()
            for index, item in enumerate(stored):
                owner = orgs[item["owner"]]
                refs = sorted(item["refs"])
                draft = EventDraft(
                    source_key=f"e{index}",
                    event_type=EventType.EQUIPMENT,
                    event_code="DISC",
                    classifier=Classifier.ACT,
                    event_time=now,
                    references=[Reference(k, v) for k, v in refs],
                )
                events.append_events(session, owner_org_id=owner, message_id=None, drafts=[draft])
                if any(
                    is_visible(
                        scope,
                        owner=owner,
                        reference_type=k,
                        reference=v,
                        grants=grant_facts,
                        parties=party_facts,
                        now=now,
                    )
                    for k, v in refs
                ):
                    expected.add((owner, f"e{index}"))
        with db.transaction() as session:
            actual = {(e.owner_org_id, e.source_key) for e in session.scalars(events.select_visible(scope))}
    finally:
        with db.transaction() as session:
            for table in (Event, Grant, Party):
                session.execute(delete(table))
    assert actual == expected
