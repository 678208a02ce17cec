"""Random grants and parties for the property tests of the access rules, stored and as the plain rules' facts."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hypothesis import strategies as st
from sqlalchemy import CTE, String, delete, false, literal, select, union_all
from sqlalchemy.orm import Session

from harbourlink.access.domain import NAMED_PARTIES_RULE, GrantFacts, PartyFacts
from harbourlink.access.models import Grant, Party, SharingPolicy

REFERENCES = [("MBL", "PONU0001"), ("MBL", "PONU0002"), ("HBL", "VFF0001")]

grant_strategy = st.fixed_dictionaries(
    {
        "owner": st.integers(0, 2),
        "rule": st.booleans(),
        "reference": st.sampled_from(REFERENCES),
        "grantee": st.none() | st.integers(0, 2),
        "anyone": st.booleans(),
        "expired": st.booleans(),
        "revoked": st.booleans(),
    }
)
party_strategy = st.fixed_dictionaries(
    {
        "owner": st.integers(0, 2),
        "reference": st.sampled_from(REFERENCES),
        "party": st.integers(0, 2),
    }
)
grants_strategy = st.lists(grant_strategy, max_size=6)
parties_strategy = st.lists(party_strategy, max_size=4, unique_by=lambda p: (p["owner"], p["reference"], p["party"]))


def store(
    session: Session, orgs: list[str], grants: list[dict[str, Any]], parties: list[dict[str, Any]], now: datetime
) -> tuple[list[GrantFacts], list[PartyFacts]]:
    """Writes the drawn grants and parties, and returns them as the plain rules' facts."""
    grant_facts, party_facts = [], []
    for g in grants:
        reference_type, reference = g["reference"]
        facts = GrantFacts(
            owner=orgs[g["owner"]],
            reference_type=None if g["rule"] else reference_type,
            reference=None if g["rule"] else reference,
            grantee=None if g["rule"] or g["grantee"] is None else orgs[g["grantee"]],
            anyone_with_reference=bool(g["anyone"]) and not g["rule"],
            rule=NAMED_PARTIES_RULE if g["rule"] else None,
            expires_at=now - timedelta(hours=1) if g["expired"] else now + timedelta(hours=1),
            revoked_at=now if g["revoked"] else None,
        )
        grant_facts.append(facts)
        session.add(
            Grant(
                owner_org_id=facts.owner,
                reference_type=facts.reference_type,
                reference=facts.reference,
                grantee_org_id=facts.grantee,
                anyone_with_reference=facts.anyone_with_reference,
                rule=facts.rule,
                expires_at=facts.expires_at,
                revoked_at=facts.revoked_at,
            )
        )
    for p in parties:
        reference_type, reference = p["reference"]
        party_facts.append(PartyFacts(orgs[p["owner"]], reference_type, reference, orgs[p["party"]]))
        session.add(
            Party(
                owner_org_id=orgs[p["owner"]],
                reference_type=reference_type,
                reference=reference,
                party_org_id=orgs[p["party"]],
                party_role="consignee",
            )
        )
    return grant_facts, party_facts


def wipe(session: Session) -> None:
    """Removes what ``store`` (and a test's sharing policies) wrote, before the next example."""
    session.execute(delete(Grant))
    session.execute(delete(Party))
    session.execute(delete(SharingPolicy))


def rows(held: set[tuple[str, str]]) -> CTE:
    """The presented references as the rows (kind, value) of a query, as a statement built once has them."""
    selects = [
        select(literal(kind, String).label("kind"), literal(value, String).label("value"))
        for kind, value in sorted(held)
    ]
    if not selects:
        return select(literal("", String).label("kind"), literal("", String).label("value")).where(false()).cte("held")
    return union_all(*selects).cte("held") if len(selects) > 1 else selects[0].cte("held")
