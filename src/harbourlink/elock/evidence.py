"""A trip's evidence in the ledger: its fixes as batched telemetry items, its custody changes and alarms as the
events they already are, and one proof bundle of them that verifies offline (``harbourlink-verify``).

A fix is the item ``elock-position:<seq>`` with one field, ``report``: the canonical JSON of the fix (trip,
lock, segment, time, place, accuracy, speed, heading), owned by the customs of its segment. Fixes are
logged in batches, one entry per trip, segment and minute or so: the watch queue's ``ledger`` check, due a
little after the minute in which the first of them was stored, logs whatever of the trip is not logged yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbourlink import events, ledger
from harbourlink.elock.domain import Segment
from harbourlink.elock.models import ElockPosition, ElockTrip
from harbourlink.kernel import utcnow
from harbourlink.kernel.clock import as_utc

PREFIX = "elock-position:"
EVENT_FIELDS = ("event_type", "event_code", "classifier", "event_time", "details")
"""What the bundle discloses of a custody change or an alarm: what happened, when, and its particulars."""


def item_of(seq: int) -> str:
    return f"{PREFIX}{seq}"


def _owner(trip: ElockTrip, segment: str) -> str:
    return trip.hk_org_id if segment == Segment.HK.value else trip.mainland_org_id


def fields_of(trip: ElockTrip, row: ElockPosition) -> dict[str, str]:
    return {
        "report": ledger.canonical_json(
            {
                "elock_trip_id": trip.id,
                "device_id": trip.device_id,
                "segment": row.segment,
                "at": as_utc(row.at).isoformat().replace("+00:00", "Z"),
                "latitude": row.latitude,
                "longitude": row.longitude,
                "accuracy_m": row.accuracy_m,
                "speed_kmh": row.speed_kmh,
                "heading": row.heading,
            }
        )
    }


def log_positions(session: Session, trip: ElockTrip) -> int:
    """Queues one batch entry per segment for the trip's fixes not logged yet; returns how many entries."""
    rows = list(
        session.scalars(select(ElockPosition).where(ElockPosition.trip_id == trip.id).order_by(ElockPosition.seq))
    )
    logged = ledger.logged_items(session, [item_of(r.seq) for r in rows])
    entries = 0
    for segment in Segment:
        new = [r for r in rows if r.segment == segment.value and item_of(r.seq) not in logged]
        entries += ledger.enqueue_items(
            session,
            [(item_of(r.seq), fields_of(trip, r)) for r in new],
            owner_org_id=_owner(trip, segment.value),
            received_at=utcnow(),
        )
    return entries


def recorded(session: Session, item_ids: Sequence[str]) -> dict[str, tuple[str | None, dict[str, str]]]:
    """The audit's reading of logged fixes: each one still stored, with its owner and fields as stored now."""
    seqs = [int(i.removeprefix(PREFIX)) for i in item_ids]
    rows = list(session.execute(select(ElockPosition, ElockTrip).join(ElockTrip).where(ElockPosition.seq.in_(seqs))))
    return {item_of(row.seq): (_owner(trip, row.segment), fields_of(trip, row)) for row, trip in rows}


def bundle(session: Session, current: ledger.Ledger, trip: ElockTrip, segment: Segment) -> bytes:
    """The proof bundle of a segment's evidence: every fix and every custody change and alarm of that segment."""
    rows = session.scalars(
        select(ElockPosition).where(ElockPosition.trip_id == trip.id, ElockPosition.segment == segment.value)
    )
    items: dict[str, dict[str, str]] = {item_of(r.seq): fields_of(trip, r) for r in rows}
    found: list[Any] = list(
        session.scalars(
            select(events.Event)
            .where(
                events.Event.owner_org_id == _owner(trip, segment.value),
                events.Event.source_key.like(f"elock:{trip.id}:%"),
            )
            .order_by(events.Event.seq)
        )
    )
    return ledger.get_evidence_bundle(session, current, found_events=found, items=items, fields=EVENT_FIELDS)


ledger.register_items(PREFIX, recorded)
