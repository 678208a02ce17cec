"""The SQL visibility clause decides exactly as the plain rule does, for random grants and parties."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import literal, select

from harbourlink.access import (
    AccessScope,
    is_visible,
    scope_for,
    scope_parameters,
    visibility_clause,
    visibility_template,
)
from harbourlink.kernel import Actor, Database, utcnow
from tests.access.facts import REFERENCES, grants_strategy, parties_strategy, rows, store, wipe


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    grants=grants_strategy,
    parties=parties_strategy,
    viewer=st.integers(0, 2),
    owner=st.integers(0, 2),
    row_reference=st.sampled_from(REFERENCES),
    held=st.sets(st.sampled_from(REFERENCES), max_size=2),
)
def test_sql_clause_matches_the_rule(
    db: Database,
    orgs: list[str],
    grants: list[dict[str, Any]],
    parties: list[dict[str, Any]],
    viewer: int,
    owner: int,
    row_reference: tuple[str, str],
    held: set[tuple[str, str]],
) -> None:
    now = utcnow()
    with db.transaction() as session:
        grant_facts, party_facts = store(session, orgs, grants, parties, now)
    scope: AccessScope = scope_for(Actor(org_id=orgs[viewer]))
    for kind, value in sorted(held):
        scope = scope.holding(kind, value)
    expected = is_visible(
        scope,
        owner=orgs[owner],
        reference_type=row_reference[0],
        reference=row_reference[1],
        grants=grant_facts,
        parties=party_facts,
        now=now,
    )
    try:
        with db.transaction() as session:
            clause = visibility_clause(
                scope,
                owner=literal(orgs[owner]),
                reference_type=literal(row_reference[0]),
                reference=literal(row_reference[1]),
                now=now,
            )
            actual = bool(session.scalar(select(clause)))
            # The same rule for a statement built once: the caller bound, the presented references as rows.
            template = visibility_template(
                owner=literal(orgs[owner]),
                reference_type=literal(row_reference[0]),
                reference=literal(row_reference[1]),
                held=rows(held),
            )
            bound = bool(session.scalar(select(template), scope_parameters(scope, now=now)))
    finally:
        with db.transaction() as session:
            wipe(session)
    assert actual == bound == expected


def test_only_access_makes_a_scope() -> None:
    with pytest.raises(TypeError):
        AccessScope("org", None, frozenset(), object())
