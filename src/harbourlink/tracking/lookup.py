"""A search as one SQL statement, of the same shape for every caller and every number.

``find`` used to ask the database about ten times per search, and built the nested visibility
clause anew each time with the caller's references spelled into it. Here the whole resolution
runs inside one statement, as common table expressions:

``searched``  the searchable kinds the typed number is stored under (by anyone: a number that
              exists counts as presented whether or not it is shared);
``links``     House→Master links from the typed number that the caller may see (B/L and air
              waybill links alike; a link's ``kind`` says which reference kinds its numbers are);
``matched``   the typed number under each kind found, as a House B/L (or house air waybill) when
              a link was followed, and each linked master number: the references the caller presented;
``first``     visible events naming a matched reference (visibility with ``matched`` held);
``derived``   containers and bookings those events name that were not matched themselves;
``held``      ``matched`` and ``derived``;
``second``    visible events naming a derived reference (visibility with ``held``);
``on_call``   the vessel calls (ship and voyage) any event names a matched reference on (the
              newest of the window, whoever's they are);
``records``   the records about the matched references: each owner's events naming one (the
              newest of the window), and the links from House B/Ls to a matched Master B/L;
``recent``    those calls' newest schedule events (``CALL_EVENTS``);
``newest``    of those not visible otherwise, the newest of each publisher, code, place and
              kind (plan, estimate, actual);
``call``      those that follow the trade to the caller (``access.vessel_call_template``: the
              caller may see a record putting its cargo on the call, and the call's publisher
              does not withhold it).

Each result row is one (event, reference of that event), with the owner's display name, the
MMSI of the event's ship if AIS knows it, and whether the caller's view of that reference is
already in the access log; an event seen only as a vessel call comes once, without its
references (they may be other companies' cargo). Columns that are the same on every row carry
``matched``, ``derived``, the links followed and the House B/Ls linked to the matched Master B/Ls.

The caller, the number and the moment are bound parameters (``access.scope_parameters``), so
SQLAlchemy compiles the statement once per process and psycopg prepares it on the server.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    literal_column,
    select,
    true,
    union,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from harbourlink import access, events, identity, vessels
from harbourlink.access import AccessScope
from harbourlink.events import Event, EventReference
from harbourlink.references import ReferenceType
from harbourlink.tracking.links import BillOfLadingLink, house_type, master_type

SEARCHABLE = (
    ReferenceType.MBL,
    ReferenceType.HBL,
    ReferenceType.CONTAINER,
    ReferenceType.BOOKING,
    ReferenceType.DECLARATION,
    ReferenceType.AWB,
    ReferenceType.HAWB,
)
FOLLOWED = (ReferenceType.CONTAINER, ReferenceType.BOOKING)
"""Numbers a timeline names that count as presented too: the boxes and bookings of a B/L."""
MAX_EVENTS = 5000
"""The newest events (in store order) read by their references, unless the caller asks for fewer."""
SCHEDULE = "TRANSPORT"
"""The event type of a vessel's departures and arrivals: planned, estimated, actual."""
CALL_EVENTS = 1000
"""A call's newest schedule events that are read for its schedule: a carrier repeating each time for
every B/L on board sends hundreds; the newest of each kind is among the most recent."""
CHANNEL = "track"
VALUE = "tracked_value"
WINDOW = "event_window"
FIELD, ITEM = "\x1f", "\x1e"
"""Separators of the aggregated columns: ASCII unit and record separators, never in a reference."""
ITEM_SQL = literal_column(f"'{ITEM}'", String)


@dataclass(frozen=True, order=True)
class Link:
    """A House→Master link the search followed, and whether the caller's view of it is already logged."""

    owner_org_id: str
    house_bl: str
    master_bl: str
    kind: str
    logged: bool


@dataclass
class Resolved:
    """What the statement found: events with their references, and the search's own facts.

    ``in_order`` holds every event in the statement's order; ``events`` those visible by their
    references, ``call_events`` those seen only as the schedule of a vessel call.
    """

    in_order: list[Event]
    events: list[Event]
    call_events: list[Event]
    references: dict[int, list[tuple[str, str]]]
    owners: dict[str, str]
    ship_mmsi: dict[str, str]
    logged: set[tuple[str, str, str]]
    matched: list[tuple[str, str]]
    derived: list[tuple[str, str]]
    links: list[Link]
    linked_houses: list[str]
    linked_house_awbs: list[str]


def _pairs(cte: CTE) -> Select[Any]:
    return select(cte.c.kind, cte.c.value)


def _visible_naming(pairs: CTE, held: CTE, name: str, *, lateral: bool) -> CTE:
    """The newest visible events naming one of ``pairs``, by store order: a timeline of tens of thousands
    of events is read a window at a time (``tracking.earlier`` reads the rest). ``lateral`` suits a few
    pairs (the numbers presented); without it, many pairs (the boxes of a B/L) cost less."""
    if lateral:
        # Each pair's newest visible events, walked backwards along the reference index and stopped at
        # the window: the window's events are among them, and no sort of the whole history is needed.
        ref = aliased(EventReference, name=f"{name}_ref")
        per_pair = (
            select(Event.seq)
            .select_from(ref)
            .join(Event, Event.seq == ref.event_seq)
            .where(ref.kind == pairs.c.kind, ref.value == pairs.c.value, events.visible_template(held))
            .order_by(ref.event_seq.desc())
            .limit(bindparam(WINDOW, type_=Integer))
            .lateral(f"{name}_per_pair")
        )
        return (
            select(per_pair.c.seq)
            .select_from(pairs)
            .join(per_pair, true())
            .group_by(per_pair.c.seq)
            .order_by(per_pair.c.seq.desc())
            .limit(bindparam(WINDOW, type_=Integer))
            .cte(name)
        )
    # Without LATERAL (SQLite): ordered first, judged after. The references alone are ordered (no event
    # is read for it), and the visibility test then runs on the newest events only until the window is
    # full, not on every event of a long history. OFFSET 0 keeps the planner from pulling the test below
    # the ordering.
    ordered = (
        select(EventReference.event_seq.label("seq"))
        .join(pairs, and_(pairs.c.kind == EventReference.kind, pairs.c.value == EventReference.value))
        .distinct()
        .order_by(EventReference.event_seq.desc())
        .offset(0)
        .subquery(f"{name}_ordered")
    )
    return (
        select(Event.seq)
        .select_from(ordered)
        .join(Event, Event.seq == ordered.c.seq)
        .where(events.visible_template(held))
        .order_by(ordered.c.seq.desc())
        .limit(bindparam(WINDOW, type_=Integer))
        .cte(name)
    )


def _newest_naming(pairs: CTE, *, lateral: bool) -> CTE:
    """The newest events naming one of ``pairs``, whoever's they are (a window, as for the timeline)."""
    named = aliased(EventReference, name="newest_ref")
    if lateral:
        per_pair = (
            select(named.event_seq)
            .where(named.kind == pairs.c.kind, named.value == pairs.c.value)
            .order_by(named.event_seq.desc())
            .limit(bindparam(WINDOW, type_=Integer))
            .lateral("newest_per_pair")
        )
        return (
            select(per_pair.c.event_seq)
            .select_from(pairs)
            .join(per_pair, true())
            .order_by(per_pair.c.event_seq.desc())
            .limit(bindparam(WINDOW, type_=Integer))
            .cte("newest_named")
        )
    return (
        select(named.event_seq)
        .join(pairs, and_(pairs.c.kind == named.kind, pairs.c.value == named.value))
        .order_by(named.event_seq.desc())
        .limit(bindparam(WINDOW, type_=Integer))
        .cte("newest_named")
    )


def _vessel_calls(matched: CTE, held: CTE, found: CTE, *, lateral: bool) -> CTE:
    """Schedule events of the calls the matched numbers are on that follow the trade to the caller."""
    named, at = aliased(EventReference, name="named"), aliased(Event, name="at_call")
    # Whoever's they are, the newest records naming a matched number (a long history's old records are
    # not read) say which calls the cargo is on, and who recorded it.
    newest_named = _newest_naming(matched, lateral=lateral)
    on_call = (
        select(at.vessel_imo.label("imo"), at.voyage.label("voyage"), named.kind, named.value)
        .select_from(named)
        .join(matched, and_(matched.c.kind == named.kind, matched.c.value == named.value))
        .join(newest_named, newest_named.c.event_seq == named.event_seq)
        .join(at, at.seq == named.event_seq)
        .where(at.vessel_imo.is_not(None), at.voyage.is_not(None))
        .distinct()
        .cte("on_call")
    )
    # Every owner's record of a matched number counts, not only the call's own events: a terminal
    # shares a box with its consignee while the carrier's load list puts the box on the ship.
    records = union(
        select(
            named.kind.label("cargo_kind"),
            named.value.label("cargo_value"),
            at.owner_org_id.label("owner"),
            named.kind.label("kind"),
            named.value.label("value"),
        )
        .select_from(named)
        .join(matched, and_(matched.c.kind == named.kind, matched.c.value == named.value))
        .join(newest_named, newest_named.c.event_seq == named.event_seq)
        .join(at, at.seq == named.event_seq),
        select(
            literal(ReferenceType.MBL.value, String),
            BillOfLadingLink.master_bl,
            BillOfLadingLink.owner_org_id,
            literal(ReferenceType.HBL.value, String),
            BillOfLadingLink.house_bl,
        ).join(matched, and_(matched.c.kind == ReferenceType.MBL.value, matched.c.value == BillOfLadingLink.master_bl)),
    ).cte("records")
    calls = select(on_call.c.imo, on_call.c.voyage).distinct().cte("calls")
    cargo = (
        select(records.c.owner, records.c.kind, records.c.value)
        .join(on_call, and_(on_call.c.kind == records.c.cargo_kind, on_call.c.value == records.c.cargo_value))
        .where(on_call.c.imo == Event.vessel_imo, on_call.c.voyage == Event.voyage)
    )
    # A carrier may send a call's times once per B/L on board: of the call's events of one publisher,
    # code, place and kind, the newest is its word (the rule is the same for all of them), found among
    # the call's newest schedule events, read from the index alone.
    recent = (
        select(Event.seq)
        .join(calls, and_(calls.c.imo == Event.vessel_imo, calls.c.voyage == Event.voyage))
        .where(Event.event_type == SCHEDULE)
        .order_by(Event.seq.desc())
        .limit(CALL_EVENTS)
        .cte("recent")
    )
    word = (Event.owner_org_id, Event.vessel_imo, Event.voyage, Event.event_code, Event.location, Event.classifier)
    newest = (
        select(Event.seq, func.row_number().over(partition_by=word, order_by=Event.seq.desc()).label("rank"))
        .join(recent, recent.c.seq == Event.seq)
        .where(Event.seq.not_in(select(found.c.seq)))
        .cte("newest")
    )
    return (
        select(Event.seq)
        .join(newest, newest.c.seq == Event.seq)
        .where(newest.c.rank == 1, access.vessel_call_template(owner=Event.owner_org_id, cargo=[cargo], held=held))
        .order_by(Event.seq)
        .limit(MAX_EVENTS)
        .cte("call")
    )


def _kinds(kinds: tuple[ReferenceType, ...]) -> list[ColumnElement[str]]:
    """Kinds for ``IN`` as plain parameters: a list value would be expanded at each execution."""
    return [literal(kind.value, String) for kind in kinds]


def _aggregate(*columns: ColumnElement[Any]) -> ColumnElement[str]:
    joined = columns[0]
    for column in columns[1:]:
        joined = joined + literal(FIELD, String) + column
    # The separator as SQL text: a string separator is a parameter rendered into the statement at each
    # execution, which made SQLAlchemy and psycopg rewrite all 15 kB of it per lookup.
    return func.aggregate_strings(joined, ITEM_SQL)  # type: ignore[arg-type]


@cache
def statement(*, lateral: bool) -> Select[Any]:
    """The lookup, built once per process and form (its parameters: ``parameters``). ``lateral``: the
    database joins LATERAL subqueries (PostgreSQL), so a long history is read from the newest end."""
    value = bindparam(VALUE, type_=String)
    # One probe of the reference index per kind: a DISTINCT over the number's references would read
    # every one of them (61,000 for a busy B/L) to learn the one or two kinds it is stored under.
    searched = union_all(
        *(
            select(literal(kind.value, String).label("kind"), value.label("value")).where(
                exists(
                    select(EventReference.event_seq).where(
                        EventReference.kind == kind.value, EventReference.value == value
                    )
                )
            )
            for kind in SEARCHABLE
        )
    ).cte("searched")
    typed = union(
        select(literal(ReferenceType.HBL.value, String).label("kind"), value.label("value")),
        select(literal(ReferenceType.HAWB.value, String), value),
    ).cte("typed")
    links = (
        select(
            BillOfLadingLink.owner_org_id, BillOfLadingLink.house_bl, BillOfLadingLink.master_bl, BillOfLadingLink.kind
        )
        .where(
            BillOfLadingLink.house_bl == value,
            access.visibility_template(
                owner=BillOfLadingLink.owner_org_id,
                reference_type=house_type(BillOfLadingLink.kind),
                reference=BillOfLadingLink.house_bl,
                held=typed,
            ),
        )
        .cte("links")
    )
    matched = union(
        _pairs(searched),
        select(house_type(links.c.kind), links.c.house_bl),
        select(master_type(links.c.kind), links.c.master_bl),
    ).cte("matched")
    first = _visible_naming(matched, matched, "first", lateral=lateral)
    derived = (
        select(EventReference.kind, EventReference.value)
        .join(first, first.c.seq == EventReference.event_seq)
        .where(
            EventReference.kind.in_(_kinds(FOLLOWED)),
            ~exists(
                select(matched.c.kind).where(
                    matched.c.kind == EventReference.kind, matched.c.value == EventReference.value
                )
            ),
        )
        .distinct()
        .cte("derived")
    )
    held = union(_pairs(matched), _pairs(derived)).cte("held")
    # A B/L's boxes and bookings are tens of numbers: walking each one's newest window would judge tens
    # of windows of events; ordering their references together and judging until one window is full costs less.
    second = _visible_naming(derived, held, "second", lateral=False)
    found = union(select(first.c.seq), select(second.c.seq)).cte("found")
    call = _vessel_calls(matched, held, found, lateral=lateral)
    shown = union_all(
        select(found.c.seq, literal(0).label("call_only")), select(call.c.seq, literal(1).label("call_only"))
    ).cte("shown")
    houses = (
        select(BillOfLadingLink.house_bl, BillOfLadingLink.kind)
        .distinct()
        .join(
            matched,
            and_(matched.c.kind == master_type(BillOfLadingLink.kind), matched.c.value == BillOfLadingLink.master_bl),
        )
        .where(
            access.visibility_template(
                owner=BillOfLadingLink.owner_org_id,
                reference_type=house_type(BillOfLadingLink.kind),
                reference=BillOfLadingLink.house_bl,
                held=held,
            )
        )
        .subquery()
    )
    link_logged = access.already_logged(
        owner=links.c.owner_org_id, reference_type=house_type(links.c.kind), reference=links.c.house_bl, channel=CHANNEL
    )
    reference = EventReference.__table__.alias("reference")
    return (
        select(
            Event,
            shown.c.call_only,
            reference.c.kind,
            reference.c.value,
            identity.display_name_of(Event.owner_org_id).label("owner_name"),
            vessels.mmsi_of(Event.vessel_imo).label("ship_mmsi"),
            access.already_logged(
                owner=Event.owner_org_id, reference_type=reference.c.kind, reference=reference.c.value, channel=CHANNEL
            ).label("logged"),
            select(_aggregate(matched.c.kind, matched.c.value)).scalar_subquery().label("matched"),
            select(_aggregate(derived.c.kind, derived.c.value)).scalar_subquery().label("derived"),
            select(
                _aggregate(
                    links.c.owner_org_id,
                    links.c.house_bl,
                    links.c.master_bl,
                    links.c.kind,
                    case((link_logged, "1"), else_="0"),
                )
            )
            .scalar_subquery()
            .label("links"),
            select(_aggregate(houses.c.house_bl, houses.c.kind)).scalar_subquery().label("houses"),
        )
        .select_from(shown)
        .join(Event, Event.seq == shown.c.seq)
        .outerjoin(reference, and_(reference.c.event_seq == Event.seq, shown.c.call_only == 0))
        # A timeline that followed boxes and bookings is in time order; one that did not, in store order.
        .order_by(case((exists(select(derived.c.kind)), Event.event_time)), Event.seq)
    )


def parameters(scope: AccessScope, value: str, *, now: datetime, window: int = MAX_EVENTS) -> dict[str, object]:
    return {VALUE: value, WINDOW: window, **access.scope_parameters(scope, now=now)}


def _split(text: str | None) -> Iterator[list[str]]:
    if not text:
        return
    for item in text.split(ITEM):
        yield item.split(FIELD)


def resolve(session: Session, scope: AccessScope, value: str, *, now: datetime, window: int = MAX_EVENTS) -> Resolved:
    """Runs the lookup for ``value`` as ``scope``, reading the newest ``window`` events by their references."""
    lateral = session.get_bind().dialect.name == "postgresql"
    rows = session.execute(statement(lateral=lateral), parameters(scope, value, now=now, window=window)).all()
    found: dict[int, Event] = {}
    result = Resolved(
        in_order=[],
        events=[],
        call_events=[],
        references={},
        owners={},
        ship_mmsi={},
        logged=set(),
        matched=[],
        derived=[],
        links=[],
        linked_houses=[],
        linked_house_awbs=[],
    )
    for row in rows:
        event: Event = row[0]
        if event.seq not in found:
            found[event.seq] = event
            (result.call_events if row.call_only else result.events).append(event)
            if not row.call_only:
                result.references[event.seq] = []
        if row.kind is not None:
            result.references[event.seq].append((row.kind, row.value))
        result.owners[event.owner_org_id] = row.owner_name
        if event.vessel_imo and row.ship_mmsi:
            result.ship_mmsi[event.vessel_imo] = row.ship_mmsi
        if row.logged:
            result.logged.add((event.owner_org_id, row.kind, row.value))
    result.in_order = list(found.values())
    if rows:
        head = rows[0]
        result.matched = sorted((kind, value) for kind, value in _split(head.matched))
        result.derived = sorted((kind, value) for kind, value in _split(head.derived))
        result.links = sorted(
            Link(owner, house, master, kind, logged == "1") for owner, house, master, kind, logged in _split(head.links)
        )
        houses = list(_split(head.houses))
        result.linked_houses = sorted(house for house, kind in houses if kind != "AWB")
        result.linked_house_awbs = sorted(house for house, kind in houses if kind == "AWB")
    return result
