"""One search box: any number a user holds gives one timeline of what they may see.

A user types a Master or House B/L, a container, a booking or a customs declaration number.
The numbers the caller legitimately learns on the way count as presented: a House B/L leads
(through a link the caller may see) to its Master B/L, and a B/L to the containers its events
name. Each event still shows only if its owner shares it; if nothing at all is visible, the
number is "not found", whether or not it exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from harbourlink import access, events, identity, references, vessels
from harbourlink.access import AccessScope
from harbourlink.events import Event
from harbourlink.kernel import Actor, NotFound, utcnow
from harbourlink.references import ReferenceType
from harbourlink.tracking.links import houses_of, links_from_house

SEARCHABLE = (ReferenceType.MBL, ReferenceType.HBL, ReferenceType.CONTAINER, ReferenceType.BOOKING,
              ReferenceType.DECLARATION, ReferenceType.AWB)
MAX_EVENTS = 5000


@dataclass
class Found:
    """The references a search resolved to, and the visible events about them."""

    query: str
    matched: list[tuple[str, str]]
    scope: AccessScope
    events: list[Event] = field(default_factory=list)
    references: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)


def canonical_number(raw: str) -> str:
    """A number as the search reads it: spelled as sharing stores it (``references.fold``).

    Spaces, dashes and dots dropped, full-width forms of Chinese input methods made ASCII,
    capitals: ``ＭＳＫＵ１２３４５６５`` and ``MSKU-123456-5`` find what was shared as ``MSKU1234565``.
    """
    return references.fold(raw)


def _kinds_holding(session: Session, value: str) -> list[str]:
    rows = session.scalars(select(events.EventReference.kind).where(events.EventReference.value == value).distinct())
    return sorted(set(rows) & {kind.value for kind in SEARCHABLE})


def _visible_about(session: Session, scope: AccessScope, pairs: set[tuple[str, str]]) -> list[Event]:
    """Visible events naming any of the pairs, in one query."""
    if not pairs:
        return []
    by_kind: dict[str, list[str]] = {}
    for kind, value in pairs:
        by_kind.setdefault(kind, []).append(value)
    criteria = or_(*(events.about(kind, sorted(values)) for kind, values in sorted(by_kind.items())))
    return list(session.scalars(events.select_visible(scope, criteria).limit(MAX_EVENTS)))


def find(session: Session, actor: Actor, *, query: str) -> Found:
    """Resolves a search to the references and events the caller may see, or raises NotFound."""
    value = canonical_number(query)
    scope = access.scope_for(actor)
    kinds = set(_kinds_holding(session, value))
    links = links_from_house(session, scope.holding(ReferenceType.HBL.value, value), value)
    if links:
        kinds.add(ReferenceType.HBL.value)
    pairs = {(kind, value) for kind in kinds}
    for kind in kinds:
        scope = scope.holding(kind, value)
    for link in links:
        pairs.add((ReferenceType.MBL.value, link.master_bl))
        scope = scope.holding(ReferenceType.MBL.value, link.master_bl)
    found_events = _visible_about(session, scope, pairs)
    references = events.references_of(session, [e.seq for e in found_events])
    derived = {(kind, ref) for refs in references.values() for kind, ref in refs
               if kind in (ReferenceType.CONTAINER.value, ReferenceType.BOOKING.value)} - pairs
    if derived:
        for kind, ref in derived:
            scope = scope.holding(kind, ref)
        known = {e.seq for e in found_events}
        more = [e for e in _visible_about(session, scope, derived) if e.seq not in known]
        references.update(events.references_of(session, [e.seq for e in more]))
        found_events = sorted([*found_events, *more], key=lambda e: (e.event_time, e.seq))
    if not found_events:
        raise NotFound(f"nothing about {value} is shared with your company", code="reference_not_found",
                       data={"reference": value, "suggestions": suggest_references(session, actor, value)})
    owners = identity.display_names(session, sorted({e.owner_org_id for e in found_events}))
    access.record_views(session, scope, channel="track", seen=[
        *((e.owner_org_id, kind, ref) for e in found_events for kind, ref in references[e.seq] if (kind, ref) in pairs),
        *((link.owner_org_id, ReferenceType.HBL.value, link.house_bl) for link in links)])
    return Found(query=value, matched=sorted(pairs), scope=scope, events=_without_retracted(found_events),
                 references=references,
                 owners=owners)


def _without_retracted(found: list[Event]) -> list[Event]:
    """Drops DCSA 3.0 retractions and the events they withdraw: a retracted event did not happen.

    Both stay in the store (and in /v2 history for auditors); the timeline shows what is true now.
    """
    withdrawn = {(e.owner_org_id, f"dcsa:{retracts.get('eventID')}") for e in found
                 if isinstance(retracts := e.details.get("retracts"), dict)}
    return [e for e in found if (e.owner_org_id, e.source_key) not in withdrawn and "retracts" not in e.details]


def suggest_references(session: Session, actor: Actor, value: str, *, limit: int = 3) -> list[str]:
    """Numbers the caller may see that look like a mistyped ``value`` ("did you mean").

    Candidates come only from data shared with the caller by name or owned by it: a number
    shared with "anyone who presents it" is never offered to someone who did not present it.
    """
    if len(value) < 5:
        return []
    scope = access.scope_for(actor)
    near = or_(events.EventReference.value.startswith(value[:4], autoescape=True),
               events.EventReference.value.endswith(value[-4:], autoescape=True))
    candidates = session.scalars(
        select(events.EventReference.value).join(Event, Event.seq == events.EventReference.event_seq)
        .where(near, events.visible(scope)).distinct().limit(2000))
    return [s.value for s in references.suggest(value, list(candidates), limit=limit) if s.value != value]


def linked_houses(session: Session, found: Found) -> list[str]:
    """House B/Ls (visible to the caller) linked to the Master B/Ls found."""
    masters = [ref for kind, ref in found.matched if kind == ReferenceType.MBL.value]
    if not masters:
        return []
    return sorted({house for master in masters for house in houses_of(session, found.scope, master)})


def vessel_now(session: Session, imo: str | None) -> tuple[vessels.Vessel | None, vessels.VesselPosition | None]:
    """A ship's AIS identity and last position, by IMO number."""
    if not imo:
        return None, None
    vessel = vessels.get_vessel(session, imo=imo)
    return vessel, vessels.latest_position(session, vessel.mmsi) if vessel else None


def age_seconds(moment: datetime | None) -> int | None:
    return None if moment is None else int((utcnow() - moment).total_seconds())
