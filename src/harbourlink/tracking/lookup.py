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
``second``    visible events naming a derived reference (visibility with ``held``).

Each result row is one (event, reference of that event), with the owner's display name, the
MMSI of the event's ship if AIS knows it, and whether the caller's view of that reference is
already in the access log. Columns that are the same on every row carry ``matched``,
``derived``, the links followed and the House B/Ls linked to the matched Master B/Ls.

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
    Select,
    String,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    select,
    union,
)
from sqlalchemy.orm import Session

from harbourlink import access, events, identity, vessels
from harbourlink.access import AccessScope
from harbourlink.events import Event, EventReference
from harbourlink.references import ReferenceType
from harbourlink.tracking.links import BillOfLadingLink, house_type, master_type

SEARCHABLE = (ReferenceType.MBL, ReferenceType.HBL, ReferenceType.CONTAINER, ReferenceType.BOOKING,
              ReferenceType.DECLARATION, ReferenceType.AWB, ReferenceType.HAWB)
FOLLOWED = (ReferenceType.CONTAINER, ReferenceType.BOOKING)
"""Numbers a timeline names that count as presented too: the boxes and bookings of a B/L."""
MAX_EVENTS = 5000
CHANNEL = "track"
VALUE = "tracked_value"
FIELD, ITEM = "\x1f", "\x1e"
"""Separators of the aggregated columns: ASCII unit and record separators, never in a reference."""


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
    """What the statement found: events with their references, and the search's own facts."""

    events: list[Event]
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


def _naming(pairs: CTE) -> Select[Any]:
    """Seqs of events naming one of ``pairs``."""
    return select(EventReference.event_seq).join(
        pairs, and_(pairs.c.kind == EventReference.kind, pairs.c.value == EventReference.value))


def _visible_naming(pairs: CTE, held: CTE, name: str) -> CTE:
    return (select(Event.seq).where(Event.seq.in_(_naming(pairs)), events.visible_template(held))
            .order_by(Event.seq).limit(MAX_EVENTS).cte(name))


def _aggregate(*columns: ColumnElement[Any]) -> ColumnElement[str]:
    joined = columns[0]
    for column in columns[1:]:
        joined = joined + literal(FIELD, String) + column
    return func.aggregate_strings(joined, ITEM)


@cache
def statement() -> Select[Any]:
    """The lookup, built once per process (its parameters: ``parameters``)."""
    value = bindparam(VALUE, type_=String)
    searched = (select(EventReference.kind, EventReference.value)
                .where(EventReference.value == value, EventReference.kind.in_([k.value for k in SEARCHABLE]))
                .distinct().cte("searched"))
    typed = union(select(literal(ReferenceType.HBL.value, String).label("kind"), value.label("value")),
                  select(literal(ReferenceType.HAWB.value, String), value)).cte("typed")
    links = (select(BillOfLadingLink.owner_org_id, BillOfLadingLink.house_bl, BillOfLadingLink.master_bl,
                    BillOfLadingLink.kind)
             .where(BillOfLadingLink.house_bl == value,
                    access.visibility_template(owner=BillOfLadingLink.owner_org_id,
                                               reference_type=house_type(BillOfLadingLink.kind),
                                               reference=BillOfLadingLink.house_bl, held=typed))
             .cte("links"))
    matched = union(
        _pairs(searched),
        select(house_type(links.c.kind), links.c.house_bl),
        select(master_type(links.c.kind), links.c.master_bl),
    ).cte("matched")
    first = _visible_naming(matched, matched, "first")
    derived = (select(EventReference.kind, EventReference.value).join(first, first.c.seq == EventReference.event_seq)
               .where(EventReference.kind.in_([k.value for k in FOLLOWED]),
                      ~exists(select(matched.c.kind).where(matched.c.kind == EventReference.kind,
                                                           matched.c.value == EventReference.value)))
               .distinct().cte("derived"))
    held = union(_pairs(matched), _pairs(derived)).cte("held")
    second = _visible_naming(derived, held, "second")
    found = union(select(first.c.seq), select(second.c.seq)).cte("found")
    houses = (select(BillOfLadingLink.house_bl, BillOfLadingLink.kind).distinct()
              .join(matched, and_(matched.c.kind == master_type(BillOfLadingLink.kind),
                                  matched.c.value == BillOfLadingLink.master_bl))
              .where(access.visibility_template(owner=BillOfLadingLink.owner_org_id,
                                                reference_type=house_type(BillOfLadingLink.kind),
                                                reference=BillOfLadingLink.house_bl, held=held))
              .subquery())
    link_logged = access.already_logged(owner=links.c.owner_org_id, reference_type=house_type(links.c.kind),
                                        reference=links.c.house_bl, channel=CHANNEL)
    reference = EventReference.__table__.alias("reference")
    return (
        select(Event, reference.c.kind, reference.c.value,
               identity.display_name_of(Event.owner_org_id).label("owner_name"),
               vessels.mmsi_of(Event.vessel_imo).label("ship_mmsi"),
               access.already_logged(owner=Event.owner_org_id, reference_type=reference.c.kind,
                                     reference=reference.c.value, channel=CHANNEL).label("logged"),
               select(_aggregate(matched.c.kind, matched.c.value)).scalar_subquery().label("matched"),
               select(_aggregate(derived.c.kind, derived.c.value)).scalar_subquery().label("derived"),
               select(_aggregate(links.c.owner_org_id, links.c.house_bl, links.c.master_bl, links.c.kind,
                                 case((link_logged, "1"), else_="0")))
               .scalar_subquery().label("links"),
               select(_aggregate(houses.c.house_bl, houses.c.kind)).scalar_subquery().label("houses"))
        .select_from(found).join(Event, Event.seq == found.c.seq).join(reference, reference.c.event_seq == Event.seq)
        # A timeline that followed boxes and bookings is in time order; one that did not, in store order.
        .order_by(case((exists(select(derived.c.kind)), Event.event_time)), Event.seq)
    )


def parameters(scope: AccessScope, value: str, *, now: datetime) -> dict[str, object]:
    return {VALUE: value, **access.scope_parameters(scope, now=now)}


def _split(text: str | None) -> Iterator[list[str]]:
    if not text:
        return
    for item in text.split(ITEM):
        yield item.split(FIELD)


def resolve(session: Session, scope: AccessScope, value: str, *, now: datetime) -> Resolved:
    """Runs the lookup for ``value`` as ``scope``."""
    rows = session.execute(statement(), parameters(scope, value, now=now)).all()
    found: dict[int, Event] = {}
    result = Resolved(events=[], references={}, owners={}, ship_mmsi={}, logged=set(), matched=[], derived=[],
                      links=[], linked_houses=[], linked_house_awbs=[])
    for row in rows:
        event: Event = row[0]
        if event.seq not in found:
            found[event.seq] = event
            result.references[event.seq] = []
        result.references[event.seq].append((row.kind, row.value))
        result.owners[event.owner_org_id] = row.owner_name
        if event.vessel_imo and row.ship_mmsi:
            result.ship_mmsi[event.vessel_imo] = row.ship_mmsi
        if row.logged:
            result.logged.add((event.owner_org_id, row.kind, row.value))
    result.events = list(found.values())
    if rows:
        head = rows[0]
        result.matched = sorted((kind, value) for kind, value in _split(head.matched))
        result.derived = sorted((kind, value) for kind, value in _split(head.derived))
        result.links = sorted(Link(owner, house, master, kind, logged == "1") for owner, house, master, kind, logged
                              in _split(head.links))
        houses = list(_split(head.houses))
        result.linked_houses = sorted(house for house, kind in houses if kind != "AWB")
        result.linked_house_awbs = sorted(house for house, kind in houses if kind == "AWB")
    return result
