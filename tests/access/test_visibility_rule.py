"""The SQL visibility clause decides exactly as the plain rule does, for random grants and parties."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import CTE, String, delete, false, literal, select, union_all

from harbourlink.access import (
    AccessScope,
    is_visible,
    scope_for,
    scope_parameters,
    visibility_clause,
    visibility_template,
)
from harbourlink.access.domain import NAMED_PARTIES_RULE, GrantFacts, PartyFacts
from harbourlink.access.models import Grant, Party
from harbourlink.kernel import Actor, Database, utcnow
from tests.conftest import make_company

REFERENCES = [("MBL", "PONU0001"), ("MBL", "PONU0002"), ("HBL", "VFF0001")]

grant_strategy = st.fixed_dictionaries({
    "owner": st.integers(0, 2), "rule": st.booleans(), "reference": st.sampled_from(REFERENCES),
    "grantee": st.none() | st.integers(0, 2), "anyone": st.booleans(),
    "expired": st.booleans(), "revoked": st.booleans(),
})
party_strategy = st.fixed_dictionaries({
    "owner": st.integers(0, 2), "reference": st.sampled_from(REFERENCES), "party": st.integers(0, 2),
})


@pytest.fixture
def orgs(db: Database) -> list[str]:
    return [make_company(db, f"Org {n}", "forwarder").org_id for n in range(3)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(grants=st.lists(grant_strategy, max_size=6), parties=st.lists(party_strategy, max_size=4, unique_by=lambda p: (
    p["owner"], p["reference"], p["party"])), viewer=st.integers(0, 2), owner=st.integers(0, 2),
    row_reference=st.sampled_from(REFERENCES), held=st.sets(st.sampled_from(REFERENCES), max_size=2))
def test_sql_clause_matches_the_rule(
    db: Database, orgs: list[str], grants: list[dict[str, object]],
                                     parties: list[dict[str, object]], viewer: int, owner: int,
                                     row_reference: tuple[str, str], held: set[tuple[str, str]]) -> None:
    now = utcnow()
    grant_facts, party_facts = [], []
    with db.transaction() as session:
        for g in grants:
            reference_type, reference = g["reference"]  # type: ignore[misc]
            facts = GrantFacts(
                owner=orgs[g["owner"]],  # type: ignore[index]
                reference_type=None if g["rule"] else reference_type, reference=None if g["rule"] else reference,
                grantee=None if g["rule"] or g["grantee"] is None else orgs[g["grantee"]],  # type: ignore[index]
                anyone_with_reference=bool(g["anyone"]) and not g["rule"],
                rule=NAMED_PARTIES_RULE if g["rule"] else None,
                expires_at=now - timedelta(hours=1) if g["expired"] else now + timedelta(hours=1),
                revoked_at=now if g["revoked"] else None,
            )
            grant_facts.append(facts)
            session.add(Grant(owner_org_id=facts.owner, reference_type=facts.reference_type,
                              reference=facts.reference, grantee_org_id=facts.grantee,
                              anyone_with_reference=facts.anyone_with_reference, rule=facts.rule,
                              expires_at=facts.expires_at, revoked_at=facts.revoked_at))
        for p in parties:
            reference_type, reference = p["reference"]  # type: ignore[misc]
            party_facts.append(PartyFacts(orgs[p["owner"]], reference_type, reference, orgs[p["party"]]))  # type: ignore[index]
            session.add(Party(owner_org_id=orgs[p["owner"]], reference_type=reference_type,  # type: ignore[index]
                              reference=reference, party_org_id=orgs[p["party"]], party_role="consignee"))  # type: ignore[index]
    scope: AccessScope = scope_for(Actor(org_id=orgs[viewer]))
    for kind, value in sorted(held):
        scope = scope.holding(kind, value)
    expected = is_visible(scope, owner=orgs[owner], reference_type=row_reference[0], reference=row_reference[1],
                          grants=grant_facts, parties=party_facts, now=now)
    try:
        with db.transaction() as session:
            clause = visibility_clause(scope, owner=literal(orgs[owner]), reference_type=literal(row_reference[0]),
                                       reference=literal(row_reference[1]), now=now)
            actual = bool(session.scalar(select(clause)))
            # The same rule for a statement built once: the caller bound, the presented references as rows.
            template = visibility_template(owner=literal(orgs[owner]), reference_type=literal(row_reference[0]),
                                           reference=literal(row_reference[1]), held=_rows(held))
            bound = bool(session.scalar(select(template), scope_parameters(scope, now=now)))
    finally:
        with db.transaction() as session:
            session.execute(delete(Grant))
            session.execute(delete(Party))
    assert actual == bound == expected


def _rows(held: set[tuple[str, str]]) -> CTE:
    rows = [select(literal(kind, String).label("kind"), literal(value, String).label("value"))
            for kind, value in sorted(held)]
    if not rows:
        return select(literal("", String).label("kind"), literal("", String).label("value")).where(false()).cte("held")
    return union_all(*rows).cte("held") if len(rows) > 1 else rows[0].cte("held")


def test_only_access_makes_a_scope() -> None:
    with pytest.raises(TypeError):
        AccessScope("org", None, frozenset(), object())
