"""My cargo: the numbers a company holds or was shared, newest news first, with each one's status.

A company holds the numbers its own events name (``CargoHolding``, kept by tracking's consumer of
stored events), the House B/Ls it linked, and the numbers other companies share with it by name
(grants to it, or naming it as a party under their standing rule). Numbers shared with "anyone
who presents them" are not listed: presenting them is what makes them visible.

A page is one statement, whatever its length: the company's own numbers come newest first from
an index, the shared ones (a short list beside them) are ranked by their owner's newest news,
and each row's status is the event its holding row points at, which the company may see (its
own, or its owner's about a number shared with it by name). Pages follow a cursor, the last
row's (time, kind, number), so a page never repeats or skips a number when news arrives.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    tuple_,
    type_coerce,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Subquery

from harbourlink import access, events, identity, references
from harbourlink.events import Event
from harbourlink.kernel import Actor, ValidationFailed, utcnow
from harbourlink.kernel.db import UtcDateTime
from harbourlink.references import ReferenceType
from harbourlink.tracking.links import BillOfLadingLink
from harbourlink.tracking.models import CargoHolding

KINDS = tuple(kind.value for kind in ReferenceType)
MAX_PAGE = 200
NEAR_CANDIDATES = 2000
CHANNEL = "cargo"
"""The access-log channel of the statuses shown beside shared numbers."""


@dataclass(frozen=True)
class CargoStatus:
    """The latest news of a number: its newest actual move, else its newest event."""

    event_type: str
    event_code: str
    classifier: str
    event_time: datetime
    location: str | None


@dataclass(frozen=True)
class CargoItem:
    kind: str
    value: str
    last_activity_at: datetime
    """When its newest event arrived, or when it was shared or linked if that came later."""
    shared_by: str | None
    """The company that shares it by name; None for the company's own numbers."""
    status: CargoStatus | None
    linked: bool
    """A House B/L the company may follow to its Master B/L."""


@dataclass(frozen=True)
class CargoPage:
    items: list[CargoItem]
    next_cursor: str | None
    suggestions: list[str]
    """For a search that matched nothing: the company's numbers it may have meant."""


def record_holdings(session: Session, message_id: str) -> None:
    """Notes, in one statement, the numbers a stored message's events name for the company that sent it.

    A number's status is its latest actual move (a temperature reading is no move), else its
    latest plan or estimate: the event ranked first by (actual move, event time, store order),
    across messages, whatever order they arrive in.
    """
    move = and_(Event.classifier == "ACT", Event.event_type != "REEFER")
    joined, ref = events.with_references(session, KINDS)
    number = (Event.owner_org_id, ref.c.kind, ref.c.value)
    ranked = (
        select(
            *number,
            func.max(Event.received_at).over(partition_by=number).label("last_at"),
            Event.seq,
            case((move, True), else_=False).label("act"),
            Event.event_time,
            func.row_number()
            .over(partition_by=number, order_by=(move.desc(), Event.event_time.desc(), Event.seq.desc()))
            .label("rank"),
        )
        .select_from(joined)
        .where(Event.message_id == message_id)
        .subquery("ranked")
    )
    rows = select(
        ranked.c.owner_org_id,
        ranked.c.kind,
        ranked.c.value,
        ranked.c.last_at,
        ranked.c.seq,
        ranked.c.act,
        ranked.c.event_time,
    ).where(ranked.c.rank == 1)
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(CargoHolding).from_select(
        ["org_id", "kind", "value", "last_at", "status_seq", "status_act", "status_time"], rows
    )
    new, old = insert.excluded, CargoHolding.__table__.c
    newer = or_(
        and_(new.status_act, ~old.status_act),
        and_(
            new.status_act == old.status_act,
            or_(
                new.status_time > old.status_time,
                and_(new.status_time == old.status_time, new.status_seq > old.status_seq),
            ),
        ),
    )
    session.execute(
        insert.on_conflict_do_update(
            index_elements=["org_id", "kind", "value"],
            set_={
                "last_at": _greater(new.last_at, old.last_at),
                "status_seq": case((newer, new.status_seq), else_=old.status_seq),
                "status_act": case((newer, new.status_act), else_=old.status_act),
                "status_time": case((newer, new.status_time), else_=old.status_time),
            },
        )
    )


def _greater(new: ColumnElement[Any], old: ColumnElement[Any]) -> ColumnElement[Any]:
    """The larger of two values (GREATEST is not SQLite's, MAX(a, b) not PostgreSQL's)."""
    return case((new > old, new), else_=old)


def encode_cursor(at: datetime, kind: str, value: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([at.isoformat(), kind, value]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str, str]:
    """The position a cursor names, or a ``ValidationFailed`` naming the parameter."""
    try:
        at, kind, value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.fromisoformat(at), str(kind), str(value)
    except (ValueError, TypeError, binascii.Error):
        raise ValidationFailed(
            "cursor: not a cursor this list gave out; start again without it",
            code="invalid_cursor",
            data={"field": "cursor"},
        ) from None


def _later(a: ColumnElement[datetime], b: ColumnElement[datetime]) -> ColumnElement[datetime]:
    return type_coerce(case((a > b, a), else_=b), UtcDateTime())


PATTERN, AT, KIND, VALUE, LIMIT = "cargo_pattern", "cargo_at", "cargo_kind", "cargo_value", "cargo_limit"
"""The page statement's own parameters; the caller and the moment are ``access.scope_parameters``."""


def _own(viewer: ColumnElement[str]) -> Select[str, str, datetime, int, str]:
    held = CargoHolding
    return select(
        held.kind,
        held.value,
        held.last_at.label("at"),
        held.status_seq,
        literal(None, String).label("shared_by"),
    ).where(held.org_id == viewer)


def _shared(viewer: ColumnElement[str], now: ColumnElement[datetime]) -> Select[Any]:
    """Numbers shared with the company by name, and the House B/Ls it linked, that it does not hold itself.

    A number several owners share comes once, with the newest news among them.
    """
    sources = union_all(
        access.shared_by_name(viewer, now=now),
        select(
            BillOfLadingLink.owner_org_id,
            literal(ReferenceType.HBL.value, String),
            BillOfLadingLink.house_bl,
            BillOfLadingLink.created_at,
        ).where(BillOfLadingLink.owner_org_id == viewer),
    ).subquery("sources")
    theirs = CargoHolding.__table__.alias("theirs")
    mine = CargoHolding.__table__.alias("mine")
    at = _later(theirs.c.last_at, sources.c.since)
    ranked = (
        select(
            sources.c.kind,
            sources.c.value,
            at.label("at"),
            theirs.c.status_seq,
            case((sources.c.owner == viewer, None), else_=sources.c.owner).label("shared_by"),
            func.row_number()
            .over(partition_by=(sources.c.kind, sources.c.value), order_by=(at.desc(), sources.c.owner))
            .label("rank"),
        )
        .select_from(sources)
        .outerjoin(
            theirs,
            and_(
                theirs.c.org_id == sources.c.owner, theirs.c.kind == sources.c.kind, theirs.c.value == sources.c.value
            ),
        )
        .where(
            ~exists(
                select(mine.c.value).where(
                    mine.c.org_id == viewer, mine.c.kind == sources.c.kind, mine.c.value == sources.c.value
                )
            )
        )
        .subquery("ranked")
    )
    return select(ranked.c.kind, ranked.c.value, ranked.c.at, ranked.c.status_seq, ranked.c.shared_by).where(
        ranked.c.rank == 1
    )


def _page(*, searching: bool, after: bool) -> Subquery:
    """The page's rows: each branch filtered, ordered and cut first, so the own numbers come from the index."""
    viewer, now = access.bound_viewer(), access.bound_now()
    limit = bindparam(LIMIT, type_=Integer)
    branches = []
    for branch in (_own(viewer).subquery("own"), _shared(viewer, now).subquery("shared")):
        query = select(branch)
        if searching:
            query = query.where(branch.c.value.like(bindparam(PATTERN, type_=String), escape="/"))
        if after:
            position = (
                bindparam(AT, type_=UtcDateTime()),
                bindparam(KIND, type_=String),
                bindparam(VALUE, type_=String),
            )
            query = query.where(tuple_(branch.c.at, branch.c.kind, branch.c.value) < tuple_(*position))
        branches.append(
            query.order_by(branch.c.at.desc(), branch.c.kind.desc(), branch.c.value.desc()).limit(limit).subquery()
        )
    both = union_all(*(select(branch) for branch in branches)).subquery("both")
    return (
        select(both).order_by(both.c.at.desc(), both.c.kind.desc(), both.c.value.desc()).limit(limit).subquery("page")
    )


@cache
def statement(*, searching: bool, after: bool) -> Select[Any]:
    """A page of My cargo, built once per process for each shape (with a search, after a cursor)."""
    page = _page(searching=searching, after=after)
    status = Event.__table__.alias("status")
    nobody = select(literal("", String).label("kind"), literal("", String).label("value")).where(false()).cte("held")
    link_seen = access.visibility_template(
        owner=BillOfLadingLink.owner_org_id,
        reference_type=literal(ReferenceType.HBL.value, String),
        reference=BillOfLadingLink.house_bl,
        held=nobody,
    )
    linked = and_(
        page.c.kind == ReferenceType.HBL.value,
        exists(select(BillOfLadingLink.id).where(BillOfLadingLink.house_bl == page.c.value, link_seen)),
    )
    logged = access.already_logged(
        owner=status.c.owner_org_id, reference_type=page.c.kind, reference=page.c.value, channel=CHANNEL
    )
    return (
        select(
            page.c.kind,
            page.c.value,
            page.c.at,
            page.c.shared_by,
            identity.display_name_of(page.c.shared_by).label("shared_by_name"),
            status.c.owner_org_id,
            status.c.event_type,
            status.c.event_code,
            status.c.classifier,
            status.c.event_time,
            status.c.location,
            linked.label("linked"),
            logged.label("logged"),
        )
        .select_from(page)
        .outerjoin(status, status.c.seq == page.c.status_seq)
        .order_by(page.c.at.desc(), page.c.kind.desc(), page.c.value.desc())
    )


def _like_start(prefix: str) -> str:
    return prefix.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"


def list_cargo(
    session: Session, actor: Actor, *, query: str = "", cursor: str | None = None, limit: int = 20
) -> CargoPage:
    """A page of the company's numbers, newest news first; ``query`` keeps those starting with it.

    One statement; a second writes the access log when it shows another company's status of a
    number shared with the caller, not shown to it within the log's window.
    """
    after = decode_cursor(cursor) if cursor else None
    prefix = references.fold(query)
    limit = min(max(limit, 1), MAX_PAGE)
    scope = access.scope_for(actor)
    now = utcnow()
    parameters: dict[str, object] = {**access.scope_parameters(scope, now=now), LIMIT: limit + 1}
    if prefix:
        parameters[PATTERN] = _like_start(prefix)
    if after is not None:
        parameters.update({AT: after[0], KIND: after[1], VALUE: after[2]})
    rows = session.execute(statement(searching=bool(prefix), after=after is not None), parameters).all()
    more = len(rows) > limit
    rows = rows[:limit]
    items = [_item(row) for row in rows]
    shown = [row for row in rows if row.shared_by and row.owner_org_id]
    access.record_views(
        session,
        scope,
        channel=CHANNEL,
        now=now,
        seen=[(row.owner_org_id, row.kind, row.value) for row in shown],
        recent={(row.owner_org_id, row.kind, row.value) for row in shown if row.logged},
    )
    last = items[-1] if items and more else None
    suggestions = suggest_cargo(session, actor, prefix) if prefix and not items and after is None else []
    return CargoPage(
        items=items,
        suggestions=suggestions,
        next_cursor=encode_cursor(last.last_activity_at, last.kind, last.value) if last else None,
    )


def _item(row: Any) -> CargoItem:
    status = (
        None
        if row.event_type is None
        else CargoStatus(
            event_type=row.event_type,
            event_code=row.event_code,
            classifier=row.classifier,
            event_time=row.event_time,
            location=row.location,
        )
    )
    return CargoItem(
        kind=row.kind,
        value=row.value,
        last_activity_at=row.at,
        shared_by=row.shared_by_name,
        status=status,
        linked=bool(row.linked),
    )


def cargo_numbers_near(session: Session, actor: Actor, value: str) -> list[str]:
    """The company's numbers (held or shared by name, House B/Ls included) sharing the start or end of ``value``."""
    near_own = or_(
        CargoHolding.value.startswith(value[:4], autoescape=True),
        CargoHolding.value.endswith(value[-4:], autoescape=True),
    )
    shared = access.shared_by_name(literal(actor.org_id, String), now=literal(utcnow(), UtcDateTime())).subquery(
        "shared"
    )
    near_shared = or_(
        shared.c.value.startswith(value[:4], autoescape=True), shared.c.value.endswith(value[-4:], autoescape=True)
    )
    near_links = or_(
        BillOfLadingLink.house_bl.startswith(value[:4], autoescape=True),
        BillOfLadingLink.house_bl.endswith(value[-4:], autoescape=True),
    )
    own = select(CargoHolding.value).where(CargoHolding.org_id == actor.org_id, near_own).limit(NEAR_CANDIDATES)
    candidates = union_all(
        select(own.subquery("own")),
        select(shared.c.value).where(near_shared),
        select(BillOfLadingLink.house_bl).where(BillOfLadingLink.owner_org_id == actor.org_id, near_links),
    ).subquery()
    return list(session.scalars(select(candidates.c[0]).distinct()))


def suggest_cargo(session: Session, actor: Actor, value: str, *, also: Iterable[str] = (), limit: int = 3) -> list[str]:
    """ "Did you mean": the company's own and shared numbers (and ``also``) that look like a mistyped ``value``."""
    if len(value) < 5:
        return []
    candidates = sorted({*also, *cargo_numbers_near(session, actor, value)})
    return [s.value for s in references.suggest(value, candidates, limit=limit) if s.value != value]
