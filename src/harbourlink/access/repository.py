"""Queries of the access domain, and the SQL form of the visibility rule for every other domain."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    SQLColumnExpression,
    String,
    and_,
    bindparam,
    exists,
    false,
    literal,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import NamedFromClause

from harbourlink.access.domain import NAMED_PARTIES_RULE, VIEW_LOG_WINDOW, AccessScope
from harbourlink.access.models import AccessLogEntry, Grant, Party, SharingPolicy
from harbourlink.kernel.db import UtcDateTime


def _live(now: ColumnElement[datetime] | datetime) -> ColumnElement[bool]:
    return and_(Grant.revoked_at.is_(None), or_(Grant.expires_at.is_(None), Grant.expires_at > now))


def visibility_clause(
    scope: AccessScope,
    *,
    owner: SQLColumnExpression[str],
    reference_type: SQLColumnExpression[str],
    reference: SQLColumnExpression[str],
    now: datetime,
) -> ColumnElement[bool]:
    """A WHERE clause true exactly for rows ``scope`` may see (see ``domain.is_visible``).

    ``owner``, ``reference_type`` and ``reference`` are the row's columns (or those of its
    reference table); the decision runs in the database, never by filtering in Python.
    """
    held = [and_(Grant.reference_type == kind, Grant.reference == value) for kind, value in sorted(scope.held)]
    return _rule(
        viewer=literal(scope.org_id, String),
        now=literal(now, UtcDateTime()),
        presented=or_(*held) if held else None,
        owner=owner,
        reference_type=reference_type,
        reference=reference,
    )


VIEWER = "access_viewer_org_id"
VIEWER_USER = "access_viewer_user_id"
NOW = "access_now"
LOGGED_SINCE = "access_logged_since"


def visibility_template(
    *,
    owner: SQLColumnExpression[str],
    reference_type: SQLColumnExpression[str],
    reference: SQLColumnExpression[str],
    held: NamedFromClause,
) -> ColumnElement[bool]:
    """The same rule as ``visibility_clause``, for a statement built once and run with ``scope_parameters``.

    The caller and the moment are bound parameters, and the references the caller presented are
    the rows (``kind``, ``value``) of ``held``, a query of the same statement: a lookup that works
    out in SQL which numbers its caller presented keeps one statement shape for every call, so
    SQLAlchemy compiles it once and PostgreSQL can keep its plan.
    """
    presented = exists(select(held.c.kind).where(held.c.kind == Grant.reference_type, held.c.value == Grant.reference))
    return _rule(
        viewer=bound_viewer(),
        now=bound_now(),
        presented=presented,
        owner=owner,
        reference_type=reference_type,
        reference=reference,
    )


def bound_viewer() -> BindParameter[str]:
    """The caller's company in a ``visibility_template`` statement (bound by ``scope_parameters``)."""
    return bindparam(VIEWER, type_=String)


def bound_now() -> BindParameter[datetime]:
    """The moment of a ``visibility_template`` statement (bound by ``scope_parameters``)."""
    return bindparam(NOW, type_=UtcDateTime())


def scope_parameters(scope: AccessScope, *, now: datetime) -> dict[str, object]:
    """The values of a ``visibility_template`` (and ``already_logged``) statement's parameters for ``scope``."""
    return {VIEWER: scope.org_id, VIEWER_USER: scope.user_id, NOW: now, LOGGED_SINCE: now - VIEW_LOG_WINDOW}


def _rule(
    *,
    viewer: ColumnElement[str],
    now: ColumnElement[datetime],
    presented: ColumnElement[bool] | None,
    owner: SQLColumnExpression[str],
    reference_type: SQLColumnExpression[str],
    reference: SQLColumnExpression[str],
) -> ColumnElement[bool]:
    shared_with_viewer = Grant.grantee_org_id == viewer
    if presented is not None:
        shared_with_viewer = or_(shared_with_viewer, and_(Grant.anyone_with_reference.is_(True), presented))
    # correlate_except: the row's own tables (events, references …) come from the enclosing query;
    # left to auto-correlation, a nested subquery would range over every row of them instead.
    # OFFSET 0 keeps each subquery a probe of its index per row: without it PostgreSQL may turn an
    # EXISTS into a hash of every grant of the owner (or to the caller) when its statistics make
    # the table look small, as they do after a bulk grant until autovacuum analyses it.
    by_reference = exists(
        select(Grant.id)
        .where(
            Grant.owner_org_id == owner,
            Grant.reference_type == reference_type,
            Grant.reference == reference,
            _live(now),
            shared_with_viewer,
        )
        .correlate_except(Grant)
        .offset(0)
    )
    named = exists(
        select(Party.id)
        .where(
            Party.owner_org_id == owner,
            Party.reference_type == reference_type,
            Party.reference == reference,
            Party.party_org_id == viewer,
        )
        .correlate_except(Party)
        .offset(0)
    )
    by_rule = exists(
        select(Grant.id)
        .where(
            Grant.owner_org_id == owner,
            Grant.rule == NAMED_PARTIES_RULE,
            _live(now),
            named,
        )
        .correlate_except(Grant)
        .offset(0)
    )
    return or_(owner == viewer, by_reference, by_rule)


def vessel_call_template(
    *,
    owner: SQLColumnExpression[str],
    cargo: Sequence[Select[str, str, str]],
    held: NamedFromClause,
) -> ColumnElement[bool]:
    """``domain.sees_vessel_call`` for a statement built once and run with ``scope_parameters``.

    ``owner`` is the company that published the call's row. Each query of ``cargo`` gives records
    that put cargo on that call, as columns labelled ``owner``, ``kind`` and ``value`` (the caller
    correlates it to the call's row); ``held`` are the references the caller presented, as for
    ``visibility_template``.
    """
    seen = [
        exists(
            query.where(
                visibility_template(
                    owner=query.selected_columns.owner,
                    reference_type=query.selected_columns.kind,
                    reference=query.selected_columns.value,
                    held=held,
                )
            )
        )
        for query in cargo
    ]
    return and_(or_(false(), *seen), or_(owner == bound_viewer(), vessel_calls_open(owner)))


def vessel_calls_open(owner: SQLColumnExpression[str]) -> ColumnElement[bool]:
    """True unless ``owner`` withholds its vessel calls (no policy row: the default, open)."""
    return ~exists(
        select(SharingPolicy.owner_org_id)
        .where(
            SharingPolicy.owner_org_id == owner,
            SharingPolicy.vessel_calls_withheld.is_(True),
        )
        .correlate_except(SharingPolicy)
    )


def shared_by_name(org_id: ColumnElement[str], *, now: ColumnElement[datetime]) -> Select[Any]:
    """The references other companies share with ``org_id`` by name, as rows (``owner``, ``kind``, ``value``,
    ``since``): live grants to it, and references naming it as a party under a live standing rule (the
    company and the moment as SQL: literals, or ``bound_viewer`` and ``bound_now``).

    Not the references shared with anyone who presents them: a company holds those only once it
    presents the number, so they are nobody's list.
    """
    granted = select(
        Grant.owner_org_id.label("owner"),
        Grant.reference_type.label("kind"),
        Grant.reference.label("value"),
        Grant.created_at.label("since"),
    ).where(Grant.grantee_org_id == org_id, Grant.reference.is_not(None), _live(now))
    rule = exists(
        select(Grant.id)
        .where(Grant.owner_org_id == Party.owner_org_id, Grant.rule == NAMED_PARTIES_RULE, _live(now))
        .correlate_except(Grant)
    )
    named = select(Party.owner_org_id, Party.reference_type, Party.reference, Party.created_at).where(
        Party.party_org_id == org_id, rule
    )
    return select(granted.union_all(named).subquery("shared_by_name"))


def policy_of(session: Session, owner_org_id: str) -> SharingPolicy | None:
    return session.get(SharingPolicy, owner_org_id)


def already_logged(
    *,
    owner: SQLColumnExpression[str],
    reference_type: SQLColumnExpression[str],
    reference: SQLColumnExpression[str],
    channel: str,
) -> ColumnElement[bool]:
    """True when the ``scope_parameters`` caller's view of this row is in the access log within
    ``VIEW_LOG_WINDOW`` of the bound moment (what ``record_views`` would not write again)."""
    return exists(
        select(AccessLogEntry.id)
        .where(
            AccessLogEntry.viewer_org_id == bound_viewer(),
            AccessLogEntry.reference == reference,
            AccessLogEntry.owner_org_id == owner,
            AccessLogEntry.reference_type == reference_type,
            AccessLogEntry.channel == literal(channel, String),
            AccessLogEntry.viewer_user_id.is_not_distinct_from(bindparam(VIEWER_USER, type_=String)),
            AccessLogEntry.at >= bindparam(LOGGED_SINCE, type_=UtcDateTime()),
        )
        .correlate_except(AccessLogEntry)
    )


def grants_given(session: Session, owner_org_id: str, *, include_ended: bool) -> list[Grant]:
    query = select(Grant).where(Grant.owner_org_id == owner_org_id).order_by(Grant.created_at.desc())
    if not include_ended:
        query = query.where(Grant.revoked_at.is_(None))
    return list(session.scalars(query))


def grants_received(session: Session, org_id: str, *, now: datetime) -> list[Grant]:
    return list(
        session.scalars(
            select(Grant).where(Grant.grantee_org_id == org_id, _live(now)).order_by(Grant.created_at.desc())
        )
    )


def grant_by_id(session: Session, grant_id: str) -> Grant | None:
    return session.get(Grant, grant_id)


def parties_named(session: Session, owner_org_id: str) -> list[Party]:
    return list(
        session.scalars(
            select(Party).where(Party.owner_org_id == owner_org_id).order_by(Party.reference_type, Party.reference)
        )
    )


def party_by_id(session: Session, party_id: str) -> Party | None:
    return session.get(Party, party_id)


def find_party(session: Session, *, owner: str, reference_type: str, reference: str, party: str) -> Party | None:
    return session.scalars(
        select(Party).where(
            Party.owner_org_id == owner,
            Party.reference_type == reference_type,
            Party.reference == reference,
            Party.party_org_id == party,
        )
    ).first()


def access_log_of(session: Session, owner_org_id: str, *, limit: int) -> list[AccessLogEntry]:
    return list(
        session.scalars(
            select(AccessLogEntry)
            .where(AccessLogEntry.owner_org_id == owner_org_id)
            .order_by(AccessLogEntry.at.desc())
            .limit(limit)
        )
    )


def recent_views(
    session: Session, *, viewer_org_id: str, viewer_user_id: str | None, channel: str, since: datetime
) -> set[tuple[str, str, str]]:
    """(owner, kind, reference) this viewer already has in the access log since a moment, on a channel."""
    rows = session.execute(
        select(AccessLogEntry.owner_org_id, AccessLogEntry.reference_type, AccessLogEntry.reference).where(
            AccessLogEntry.viewer_org_id == viewer_org_id,
            AccessLogEntry.channel == channel,
            AccessLogEntry.viewer_user_id.is_(None)
            if viewer_user_id is None
            else AccessLogEntry.viewer_user_id == viewer_user_id,
            AccessLogEntry.at >= since,
        )
    )
    return {(owner, kind, value) for owner, kind, value in rows}


def companies_given(session: Session, references: Sequence[tuple[str, str]], *, now: datetime) -> set[str]:
    """The companies some owner shares these references with by name: live grants to them, and named parties."""
    if not references:
        return set()
    pairs = [(kind, value) for kind, value in references]
    granted = select(Grant.grantee_org_id).where(
        tuple_(Grant.reference_type, Grant.reference).in_(pairs), Grant.grantee_org_id.is_not(None), _live(now)
    )
    named = select(Party.party_org_id).where(tuple_(Party.reference_type, Party.reference).in_(pairs))
    return {org for org in session.scalars(granted.union(named)) if org}


def live_grantees(
    session: Session, *, owner_org_id: str, reference_type: str, reference: str, now: datetime
) -> set[str]:
    """The companies an owner already shares one reference with by a live grant of its own."""
    return {
        org
        for org in session.scalars(
            select(Grant.grantee_org_id).where(
                Grant.owner_org_id == owner_org_id,
                Grant.reference_type == reference_type,
                Grant.reference == reference,
                Grant.grantee_org_id.is_not(None),
                _live(now),
            )
        )
        if org
    }
