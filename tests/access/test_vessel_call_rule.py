"""The SQL form of the vessel-call rule decides exactly as the plain rule does.

Random grants, parties, companies withholding their vessel calls, and records putting cargo on
the call; the viewer, the call's publisher and the presented references drawn too.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import String, literal, select

from harbourlink.access import AccessScope, scope_for, scope_parameters, sees_vessel_call, vessel_call_template
from harbourlink.access.domain import RecordFacts
from harbourlink.access.models import SharingPolicy
from harbourlink.kernel import Actor, Database, utcnow
from tests.access.facts import REFERENCES, grants_strategy, parties_strategy, rows, store, wipe

record_strategy = st.tuples(st.integers(0, 2), st.sampled_from(REFERENCES))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    grants=grants_strategy,
    parties=parties_strategy,
    viewer=st.integers(0, 2),
    owner=st.integers(0, 2),
    cargo=st.lists(record_strategy, max_size=3),
    policies=st.dictionaries(st.integers(0, 2), st.booleans()),
    held=st.sets(st.sampled_from(REFERENCES), max_size=2),
)
def test_sql_matches_the_vessel_call_rule(
    db: Database,
    orgs: list[str],
    grants: list[dict[str, Any]],
    parties: list[dict[str, Any]],
    viewer: int,
    owner: int,
    cargo: list[tuple[int, tuple[str, str]]],
    policies: dict[int, bool],
    held: set[tuple[str, str]],
) -> None:
    now = utcnow()
    with db.transaction() as session:
        grant_facts, party_facts = store(session, orgs, grants, parties, now)
        for org, withheld in policies.items():  # a row saying "shown" must count as no row at all
            session.add(SharingPolicy(owner_org_id=orgs[org], vessel_calls_withheld=withheld))
    scope: AccessScope = scope_for(Actor(org_id=orgs[viewer]))
    for kind, value in sorted(held):
        scope = scope.holding(kind, value)
    records = [RecordFacts(orgs[org], kind, value) for org, (kind, value) in cargo]
    expected = sees_vessel_call(
        scope,
        owner=orgs[owner],
        cargo=records,
        withholding=frozenset(orgs[org] for org, withheld in policies.items() if withheld),
        grants=grant_facts,
        parties=party_facts,
        now=now,
    )
    queries = [
        select(
            literal(r.owner, String).label("owner"),
            literal(r.reference_type, String).label("kind"),
            literal(r.reference, String).label("value"),
        )
        for r in records
    ]
    try:
        with db.transaction() as session:
            rule = vessel_call_template(owner=literal(orgs[owner], String), cargo=queries, held=rows(held))
            actual = bool(session.scalar(select(rule), scope_parameters(scope, now=now)))
    finally:
        with db.transaction() as session:
            wipe(session)
    assert actual == expected
