"""One search box: any number a user holds gives one timeline of what they may see.

A user types a Master or House B/L, a container, a booking, a customs declaration number, or
a master or house air waybill. The numbers the caller legitimately learns on the way count as
presented: a House B/L leads (through a link the caller may see) to its Master B/L, a house air
waybill to its master air waybill, and a B/L to the containers its events name. Each event
still shows only if its owner shares it, except the schedule of a vessel call the caller's cargo
is on, which follows the trade (``access.sees_vessel_call``); if nothing at all is visible, the
number is "not found", whether or not it exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from harbourlink import access, events, identity, references, vessels
from harbourlink.access import AccessScope
from harbourlink.events import Event
from harbourlink.kernel import Actor, NotFound, utcnow
from harbourlink.tracking import lookup
from harbourlink.tracking.cargo import suggest_cargo
from harbourlink.tracking.links import HOUSE_TYPE


@dataclass
class Found:
    """The references a search resolved to, and the visible events about them."""

    query: str
    matched: list[tuple[str, str]]
    scope: AccessScope
    derived: list[tuple[str, str]] = field(default_factory=list)
    """The containers and bookings the matched numbers' events name: presented too."""
    events: list[Event] = field(default_factory=list)
    """The events visible by their references: the timeline."""
    vessel_events: list[Event] = field(default_factory=list)
    """The timeline's events and the schedule events of the vessel calls the cargo is on, in one order."""
    references: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)
    linked_houses: list[str] = field(default_factory=list)
    """House B/Ls (visible to the caller) linked to the Master B/Ls found."""
    linked_house_awbs: list[str] = field(default_factory=list)
    """House air waybills (visible to the caller) linked to the air waybills found."""
    ship_mmsi: dict[str, str] = field(default_factory=dict)
    """The MMSI of each IMO number the events name that AIS knows."""


def canonical_number(raw: str) -> str:
    """A number as the search reads it: spelled as sharing stores it (``references.fold``).

    Spaces, dashes and dots dropped, full-width forms of Chinese input methods made ASCII,
    capitals: ``ＭＳＫＵ１２３４５６５`` and ``MSKU-123456-5`` find what was shared as ``MSKU1234565``.
    """
    return references.fold(raw)


def find(session: Session, actor: Actor, *, query: str, window: int = lookup.MAX_EVENTS) -> Found:
    """Resolves a search to the references and events the caller may see, or raises NotFound.

    One statement reads everything (``lookup``), the newest ``window`` events by their references
    among it; a second writes the access log, when the caller views another company's data it has
    not viewed within the log's window.
    """
    value = canonical_number(query)
    scope = access.scope_for(actor)
    now = utcnow()
    resolved = lookup.resolve(session, scope, value, now=now, window=window)
    if not resolved.in_order:
        raise NotFound(
            f"nothing about {value} is shared with your company",
            code="reference_not_found",
            data={"reference": value, "suggestions": suggest_references(session, actor, value)},
        )
    for kind, ref in [*resolved.matched, *resolved.derived]:
        scope = scope.holding(kind, ref)
    pairs = set(resolved.matched)
    followed = [(link.owner_org_id, HOUSE_TYPE[link.kind].value, link.house_bl, link.logged) for link in resolved.links]
    access.record_views(
        session,
        scope,
        channel=lookup.CHANNEL,
        now=now,
        seen=[
            *(
                (e.owner_org_id, kind, ref)
                for e in resolved.events
                for kind, ref in resolved.references[e.seq]
                if (kind, ref) in pairs
            ),
            *((owner, kind, house) for owner, kind, house, _ in followed),
        ],
        recent=resolved.logged | {(owner, kind, house) for owner, kind, house, logged in followed if logged},
    )
    # A call's schedule seen through the cargo on it is the carrier's published timetable, like AIS:
    # it is not logged as a view of the carrier's cargo data, which the caller does not see.
    return Found(
        query=value,
        matched=resolved.matched,
        scope=scope,
        derived=resolved.derived,
        events=_without_retracted(resolved.events),
        vessel_events=_without_retracted(resolved.in_order),
        references=resolved.references,
        owners=resolved.owners,
        linked_houses=resolved.linked_houses,
        linked_house_awbs=resolved.linked_house_awbs,
        ship_mmsi=resolved.ship_mmsi,
    )


@dataclass
class Earlier:
    """A page of a timeline's older events, newest first, and where the next older page starts."""

    events: list[Event]
    references: dict[int, list[tuple[str, str]]]
    owners: dict[str, str]
    next_before: int | None
    """The store place (``seq``) the next older page starts below; None on the oldest page."""


def earlier(
    session: Session, found: Found, *, before: int, limit: int, leave_out: tuple[tuple[str, str], ...] = ()
) -> Earlier:
    """The ``limit`` visible events stored before ``before`` (an event's ``seq``) that name the numbers
    ``found`` presented, newest first by time within the page.

    Keyset paging in store order, as the lookup's window is read: the references are ordered from
    their index alone and the visibility test runs on a page's events only, so a page costs the same
    however long the timeline is, and no event is repeated or skipped between pages (events at the
    same moment included). ``leave_out`` names (type, code) pairs a page does not list (a reefer's readings).
    """
    held = [*found.matched, *found.derived]
    ordered = (
        select(events.EventReference.event_seq.label("seq"))
        .where(
            or_(
                *(
                    and_(events.EventReference.kind == kind, events.EventReference.value == value)
                    for kind, value in held
                )
            ),
            events.EventReference.event_seq < before,
        )
        .distinct()
        .order_by(events.EventReference.event_seq.desc())
        .offset(0)
        .subquery("ordered")
    )
    query = (
        select(Event, identity.display_name_of(Event.owner_org_id).label("owner_name"))
        .select_from(ordered)
        .join(Event, Event.seq == ordered.c.seq)
        .where(events.visible(found.scope))
        .order_by(ordered.c.seq.desc())
        .limit(limit + 1)
    )
    for kind, code in leave_out:
        query = query.where(or_(Event.event_type != kind, Event.event_code != code))
    rows = session.execute(query).all()
    page = [row[0] for row in rows[:limit]]
    named: dict[int, list[tuple[str, str]]] = {event.seq: [] for event in page}
    if page:
        for seq, kind, value in session.execute(
            select(events.EventReference.event_seq, events.EventReference.kind, events.EventReference.value).where(
                events.EventReference.event_seq.in_(named)
            )
        ):
            named[seq].append((kind, value))
    return Earlier(
        events=_without_retracted(sorted(page, key=lambda e: (e.event_time, e.seq), reverse=True)),
        references=named,
        owners={row[0].owner_org_id: row.owner_name for row in rows},
        next_before=page[-1].seq if len(rows) > limit else None,
    )


def _without_retracted(found: list[Event]) -> list[Event]:
    """Drops DCSA 3.0 retractions and the events they withdraw: a retracted event did not happen.

    Both stay in the store (and in /v2 history for auditors); the timeline shows what is true now.
    """
    withdrawn = {
        (e.owner_org_id, f"dcsa:{retracts.get('eventID')}")
        for e in found
        if isinstance(retracts := e.details.get("retracts"), dict)
    }
    return [e for e in found if (e.owner_org_id, e.source_key) not in withdrawn and "retracts" not in e.details]


def suggest_references(session: Session, actor: Actor, value: str, *, limit: int = 3) -> list[str]:
    """Numbers the caller may see that look like a mistyped ``value`` ("did you mean").

    Candidates come only from data shared with the caller by name or owned by it, and from its
    cargo list (House B/Ls it linked or was shared included): a number shared with "anyone who
    presents it" is never offered to someone who did not present it.
    """
    if len(value) < 5:
        return []
    scope = access.scope_for(actor)
    near = or_(
        events.EventReference.value.startswith(value[:4], autoescape=True),
        events.EventReference.value.endswith(value[-4:], autoescape=True),
    )
    visible = session.scalars(
        select(events.EventReference.value)
        .join(Event, Event.seq == events.EventReference.event_seq)
        .where(near, events.visible(scope))
        .distinct()
        .limit(2000)
    )
    return suggest_cargo(session, actor, value, also=visible, limit=limit)


def ship_and_track(
    session: Session, found: Found, imo: str | None, *, limit: int
) -> tuple[vessels.Vessel | None, list[vessels.VesselPosition]]:
    """A ship's AIS identity and newest positions (oldest first), by IMO number; no query when AIS does not know it."""
    mmsi = found.ship_mmsi.get(imo) if imo else None
    if mmsi is None:
        return None, []
    return vessels.vessel_with_track(session, mmsi, limit=limit)


def age_seconds(moment: datetime | None) -> int | None:
    return None if moment is None else int((utcnow() - moment).total_seconds())
