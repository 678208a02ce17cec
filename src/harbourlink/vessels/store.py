"""Storing AIS data idempotently and reading a ship's latest state.

AIS is broadcast in the clear, so positions and static data are not owned cargo data: any
signed-in company may read them. What links a ship to cargo (the voyage on a B/L) stays owned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

from sqlalchemy import ScalarSelect, SQLColumnExpression, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from harbourlink.kernel import utcnow
from harbourlink.vessels.domain import PositionReport, VesselStatic
from harbourlink.vessels.models import Vessel, VesselPosition


def record_positions(
    session: Session, reports: Sequence[PositionReport], *, message_id: str | None
) -> tuple[list[tuple[int, PositionReport]], int]:
    """Stores new positions; returns the new ones with their sequence numbers, and how many were duplicates
    (a report already stored: same ship, same time)."""
    if not reports:
        return [], 0
    unique = {(r.mmsi, r.at): r for r in reports}
    rows = [{**asdict(r), "message_id": message_id} for r in unique.values()]
    dialect = session.get_bind().dialect.name
    statement = postgresql.insert(VesselPosition) if dialect == "postgresql" else sqlite.insert(VesselPosition)
    inserted = session.execute(
        statement.on_conflict_do_nothing().returning(VesselPosition.seq, VesselPosition.mmsi, VesselPosition.at), rows
    ).all()
    stored = sorted((seq, unique[mmsi, at]) for seq, mmsi, at in inserted)
    return stored, len(reports) - len(stored)


def record_statics(session: Session, statics: Sequence[VesselStatic]) -> tuple[int, int]:
    """Merges what ships say of themselves into the vessel table, telling apart reports that changed something.

    Returns (changed, unchanged): a re-sent or re-heard static report is a duplicate, as a re-sent
    position is. A field a report leaves empty keeps its stored value and is no change.
    """
    if not statics:
        return 0, 0
    changed = unchanged = 0
    wanted = sorted({s.mmsi for s in statics})
    known = {v.mmsi: v for v in session.scalars(select(Vessel).where(Vessel.mmsi.in_(wanted)))}
    for static in statics:
        vessel = known.get(static.mmsi)
        updates = {name: value for name, value in asdict(static).items() if value is not None}
        if vessel is not None and all(getattr(vessel, name) == value for name, value in updates.items()):
            unchanged += 1
            continue
        vessel = known.setdefault(static.mmsi, vessel or Vessel(mmsi=static.mmsi))
        for name, value in updates.items():
            setattr(vessel, name, value)
        vessel.updated_at = utcnow()
        session.add(vessel)
        changed += 1
    return changed, unchanged


def get_vessel(session: Session, *, imo: str | None = None, mmsi: str | None = None) -> Vessel | None:
    """A ship by IMO number or MMSI."""
    criteria = [c for c in (Vessel.imo == imo if imo else None, Vessel.mmsi == mmsi if mmsi else None) if c is not None]
    if not criteria:
        return None
    return session.scalars(select(Vessel).where(or_(*criteria)).order_by(Vessel.updated_at.desc())).first()


def mmsi_of(imo: SQLColumnExpression[str | None]) -> ScalarSelect[str]:
    """The MMSI ``get_vessel(imo=…)`` finds, as SQL for an IMO column of an enclosing query."""
    return (
        select(Vessel.mmsi)
        .where(Vessel.imo == imo)
        .order_by(Vessel.updated_at.desc())
        .limit(1)
        .correlate_except(Vessel)
        .scalar_subquery()
    )


def vessel_with_track(session: Session, mmsi: str, *, limit: int) -> tuple[Vessel | None, list[VesselPosition]]:
    """A ship by MMSI and its newest ``limit`` positions, oldest first, in one query.

    The newest positions are read whole by the (mmsi, at) index, newest month first, and joined to
    the ship: never looked up again by ``seq``, which on a partitioned table would probe every month.
    """
    newest = (
        select(VesselPosition).where(VesselPosition.mmsi == mmsi).order_by(VesselPosition.at.desc()).limit(limit)
    ).subquery()
    position = aliased(VesselPosition, newest)
    rows = session.execute(
        select(Vessel, position)
        .outerjoin(position, position.mmsi == Vessel.mmsi)
        .where(Vessel.mmsi == mmsi)
        .order_by(position.at)
    ).all()
    if not rows:
        return None, []
    return rows[0][0], [p for _, p in rows if p is not None]


def latest_position(session: Session, mmsi: str) -> VesselPosition | None:
    return session.scalars(
        select(VesselPosition).where(VesselPosition.mmsi == mmsi).order_by(VesselPosition.at.desc()).limit(1)
    ).first()


def track(session: Session, mmsi: str, *, limit: int = 200) -> list[VesselPosition]:
    """The newest positions of a ship, oldest first."""
    rows = session.scalars(
        select(VesselPosition).where(VesselPosition.mmsi == mmsi).order_by(VesselPosition.at.desc()).limit(limit)
    ).all()
    return list(reversed(rows))
