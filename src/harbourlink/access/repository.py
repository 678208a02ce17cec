"""Queries of the access domain, and the SQL form of the visibility rule for every other domain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, exists, false, or_, select
from sqlalchemy.orm import Session

from harbourlink.access.domain import NAMED_PARTIES_RULE, AccessScope
from harbourlink.access.models import AccessLogEntry, Grant, Party


def _live(now: datetime) -> ColumnElement[bool]:
    return and_(Grant.revoked_at.is_(None), or_(Grant.expires_at.is_(None), Grant.expires_at > now))


def visibility_clause(
    scope: AccessScope, *, owner: SQLColumnExpression[str], reference_type: SQLColumnExpression[str],
    reference: SQLColumnExpression[str], now: datetime,
) -> ColumnElement[bool]:
    """A WHERE clause true exactly for rows ``scope`` may see (see ``domain.is_visible``).

    ``owner``, ``reference_type`` and ``reference`` are the row's columns (or those of its
    reference table); the decision runs in the database, never by filtering in Python.
    """
    held = [and_(Grant.reference_type == kind, Grant.reference == value) for kind, value in sorted(scope.held)]
    presented = and_(Grant.anyone_with_reference.is_(True), or_(*held)) if held else false()
    # correlate_except: the row's own tables (events, references …) come from the enclosing query;
    # left to auto-correlation, a nested subquery would range over every row of them instead.
    by_reference = exists(select(Grant.id).where(
        Grant.owner_org_id == owner, Grant.reference_type == reference_type, Grant.reference == reference,
        _live(now), or_(Grant.grantee_org_id == scope.org_id, presented),
    ).correlate_except(Grant))
    named = exists(select(Party.id).where(
        Party.owner_org_id == owner, Party.reference_type == reference_type, Party.reference == reference,
        Party.party_org_id == scope.org_id,
    ).correlate_except(Party))
    by_rule = exists(select(Grant.id).where(
        Grant.owner_org_id == owner, Grant.rule == NAMED_PARTIES_RULE, _live(now), named,
    ).correlate_except(Grant))
    return or_(owner == scope.org_id, by_reference, by_rule)


def grants_given(session: Session, owner_org_id: str, *, include_ended: bool) -> list[Grant]:
    query = select(Grant).where(Grant.owner_org_id == owner_org_id).order_by(Grant.created_at.desc())
    if not include_ended:
        query = query.where(Grant.revoked_at.is_(None))
    return list(session.scalars(query))


def grants_received(session: Session, org_id: str, *, now: datetime) -> list[Grant]:
    return list(session.scalars(
        select(Grant).where(Grant.grantee_org_id == org_id, _live(now)).order_by(Grant.created_at.desc())
    ))


def grant_by_id(session: Session, grant_id: str) -> Grant | None:
    return session.get(Grant, grant_id)


def parties_named(session: Session, owner_org_id: str) -> list[Party]:
    return list(session.scalars(
        select(Party).where(Party.owner_org_id == owner_org_id).order_by(Party.reference_type, Party.reference)
    ))


def party_by_id(session: Session, party_id: str) -> Party | None:
    return session.get(Party, party_id)


def find_party(session: Session, *, owner: str, reference_type: str, reference: str, party: str) -> Party | None:
    return session.scalars(select(Party).where(
        Party.owner_org_id == owner, Party.reference_type == reference_type, Party.reference == reference,
        Party.party_org_id == party,
    )).first()


def access_log_of(session: Session, owner_org_id: str, *, limit: int) -> list[AccessLogEntry]:
    return list(session.scalars(
        select(AccessLogEntry).where(AccessLogEntry.owner_org_id == owner_org_id)
        .order_by(AccessLogEntry.at.desc()).limit(limit)
    ))


def recent_views(session: Session, *, viewer_org_id: str, viewer_user_id: str | None, channel: str,
                 since: datetime) -> set[tuple[str, str, str]]:
    """(owner, kind, reference) this viewer already has in the access log since a moment, on a channel."""
    rows = session.execute(select(AccessLogEntry.owner_org_id, AccessLogEntry.reference_type, AccessLogEntry.reference)
                           .where(AccessLogEntry.viewer_org_id == viewer_org_id, AccessLogEntry.channel == channel,
                                  AccessLogEntry.viewer_user_id.is_(None) if viewer_user_id is None
                                  else AccessLogEntry.viewer_user_id == viewer_user_id,
                                  AccessLogEntry.at >= since))
    return {(owner, kind, value) for owner, kind, value in rows}
