"""A ship and the caller's cargo aboard: its name, and the caller's numbers on it.

An alert about a ship (a delay, a change of terminal) concerns whoever has cargo on it; each
viewer is shown their own numbers only: the references of events about the ship that the
viewer may see, and the House B/Ls the viewer may follow to those Master B/Ls.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbourlink import access, events, vessels
from harbourlink.events import Event
from harbourlink.kernel import Actor
from harbourlink.tracking.links import houses_of

KINDS = ("HBL", "MBL", "CONTAINER")
"""What a person holds, in the order a person looks for it: their own House B/L first."""
EVENT_LIMIT = 2000


@dataclass(frozen=True)
class CargoAboard:
    """A ship's name (from AIS, else from the carrier's events) and the caller's numbers on it."""

    imo: str
    name: str | None
    numbers: list[tuple[str, str]] = field(default_factory=list)


def cargo_aboard(session: Session, actor: Actor, *, imo: str) -> CargoAboard:
    """The ship's name and the caller's B/Ls and containers on it (House B/Ls first)."""
    scope = access.scope_for(actor)
    rows = session.execute(
        select(Event.seq, Event.vessel_name)
        .where(events.visible(scope), Event.vessel_imo == imo)
        .order_by(Event.seq.desc())
        .limit(EVENT_LIMIT)
    ).all()
    found = {
        (kind, value)
        for refs in events.references_of(session, [seq for seq, _ in rows]).values()
        for kind, value in refs
        if kind in KINDS
    }
    for master in sorted(value for kind, value in found if kind == "MBL"):
        found |= {("HBL", house) for house in houses_of(session, scope, master)}
    vessel = vessels.get_vessel(session, imo=imo)
    name = (vessel.name if vessel is not None else None) or next((n for _, n in rows if n), None)
    return CargoAboard(imo=imo, name=name, numbers=sorted(found, key=lambda kv: (KINDS.index(kv[0]), kv[1])))
