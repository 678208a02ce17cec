"""The chain rule in Python and in SQL decide alike; the pickup window is planned against the ship."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from harbourlink.kernel import Database
from harbourlink.legs import Leg, LegStatus, plan_pickup_window, sees_leg
from harbourlink.legs.domain import LegFacts
from harbourlink.legs.repository import visible
from tests.conftest import make_company

ARRIVAL = datetime(2026, 11, 23, 6, tzinfo=UTC)

leg_strategy = st.fixed_dictionaries(
    {
        "parent": st.none() | st.integers(0, 5),
        "by": st.integers(0, 3),
        "to": st.integers(0, 3),
        "status": st.sampled_from(list(LegStatus)),
    }
)


@pytest.fixture
def orgs(db: Database) -> list[str]:
    return [make_company(db, f"Chain {n}", "forwarder").org_id for n in range(4)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=st.lists(leg_strategy, min_size=1, max_size=6), viewer=st.integers(0, 3))
def test_the_sql_clause_sees_exactly_the_legs_the_rule_sees(
    db: Database, orgs: list[str], drawn: list[dict[str, Any]], viewer: int
) -> None:
    facts: list[LegFacts] = []
    for index, leg in enumerate(drawn):
        parent = facts[leg["parent"]] if leg["parent"] is not None and leg["parent"] < index else None
        facts.append(
            LegFacts(
                id=f"leg-{index}",
                root_id=parent.root_id if parent else f"leg-{index}",
                nominated_by=orgs[leg["by"]],
                party=orgs[leg["to"]],
                status=leg["status"],
            )
        )
    try:
        with db.transaction() as session:
            for fact in facts:
                session.add(
                    Leg(
                        id=fact.id,
                        root_id=fact.root_id,
                        reference_type="CONTAINER",
                        reference="MSCU1234566",
                        mode="TRUCK",
                        status=fact.status.value,
                        nominated_by_org_id=fact.nominated_by,
                        party_org_id=fact.party,
                    )
                )
            session.flush()
            seen = set(session.scalars(select(Leg.id).where(visible(orgs[viewer]))))
        assert seen == {fact.id for fact in facts if sees_leg(orgs[viewer], fact, facts)}
    finally:
        with db.transaction() as session:
            session.execute(delete(Leg))


def test_the_window_opens_when_the_box_is_off_the_ship_and_released() -> None:
    late_release = ARRIVAL + timedelta(hours=20)
    window = plan_pickup_window(
        given=(None, None), vessel_arrival=ARRIVAL, released_at=late_release, free_time_ends=ARRIVAL + timedelta(days=4)
    )
    assert window is not None and (window.opens, window.closes, window.planned) == (
        late_release,
        ARRIVAL + timedelta(days=4),
        True,
    )
    early = plan_pickup_window(given=(None, None), vessel_arrival=ARRIVAL, released_at=None, free_time_ends=None)
    assert early is not None and (early.opens, early.closes) == (
        ARRIVAL + timedelta(hours=8),
        ARRIVAL + timedelta(hours=56),
    )


def test_the_nominators_window_wins_and_nothing_known_plans_nothing() -> None:
    given = plan_pickup_window(
        given=(ARRIVAL, None), vessel_arrival=ARRIVAL - timedelta(days=3), released_at=None, free_time_ends=None
    )
    assert given is not None and (given.opens, given.closes, given.planned) == (
        ARRIVAL,
        ARRIVAL + timedelta(hours=48),
        False,
    )
    assert plan_pickup_window(given=(None, None), vessel_arrival=None, released_at=None, free_time_ends=None) is None
    # Free time that ran out before the box could be collected does not close the window before it opens.
    expired = plan_pickup_window(given=(None, None), vessel_arrival=ARRIVAL, released_at=None, free_time_ends=ARRIVAL)
    assert expired is not None and expired.closes == expired.opens + timedelta(hours=48)
