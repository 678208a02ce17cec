"""From events to ledger entries: salted field commitments, queued in the ingest transaction.

Each event gets a random 32-byte master salt; each field's salt is derived from it
(``field_salt``), and the entry holds only ``SHA-256(domain || salt || name || value)`` per field.
So a bundle can disclose ``event_time`` with its salt and prove it, while every other field
stays hidden, and deleting the master salt and the event later leaves nothing guessable.
High-rate telemetry becomes one ``batch`` entry per message: reefer readings (events), and AIS
positions, which commit to one field each (``report``: the whole position, since AIS is broadcast
in the clear and no part of a report is worth hiding from the rest).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, cast, exists, insert, literal, select
from sqlalchemy.orm import Session

from harbourlink import events, vessels
from harbourlink.kernel import utcnow
from harbourlink.kernel.bulk import insert_rows
from harbourlink.ledger.domain import canonical_json, entry_bytes, field_digest, field_salt, identity_hash
from harbourlink.ledger.models import LedgerEvent, LedgerPending

BATCHED_TYPES = frozenset({events.EventType.REEFER.value})

FIELDS = (
    "event_type",
    "event_code",
    "classifier",
    "event_time",
    "created_time",
    "location",
    "facility",
    "vessel_imo",
    "vessel_name",
    "voyage",
    "mode_of_transport",
    "details",
    "references",
    "source_key",
)
"""The fields an event commits to, each disclosable on its own."""


CHUNK = 10_000
LINK_COLUMNS = ("event_id", "identity_hash", "salt")
PENDING_COLUMNS = ("identity_hash", "entry", "queued_at")

POSITION_PREFIX = "position:"
"""Log items that are AIS positions are named ``position:<sequence number>`` (events by their id)."""


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def event_fields(event: events.Event, references: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Each field's canonical JSON value, as committed; recomputed from the stored event when auditing."""
    values: dict[str, Any] = {
        "event_type": event.event_type,
        "event_code": event.event_code,
        "classifier": event.classifier,
        "event_time": _time(event.event_time),
        "created_time": _time(event.created_time),
        "location": event.location,
        "facility": event.facility,
        "vessel_imo": event.vessel_imo,
        "vessel_name": event.vessel_name,
        "voyage": event.voyage,
        "mode_of_transport": event.mode_of_transport,
        "details": event.details or {},
        "references": sorted([kind, value] for kind, value in references),
        "source_key": event.source_key,
    }
    return {name: canonical_json(values[name]) for name in FIELDS}


def field_digests(master_salt: bytes, fields: dict[str, str]) -> dict[str, bytes]:
    """The commitment to each field under the event's master salt."""
    return {name: field_digest(field_salt(master_salt, name), name, value) for name, value in fields.items()}


def build_entry(
    group: Sequence[events.Event], refs: dict[int, list[tuple[str, str]]], salts: dict[str, bytes]
) -> bytes:
    """The entry bytes of one event, or of one batch of telemetry events of the same owner."""
    first = group[0]
    items = [(e.id, field_digests(salts[e.id], event_fields(e, refs.get(e.seq, [])))) for e in group]
    return entry_bytes(
        kind="batch" if len(group) > 1 or first.event_type in BATCHED_TYPES else "event",
        owner_org=first.owner_org_id,
        received_at=_time(first.received_at) or "",
        items=items,
    )


def _groups(stored: Sequence[events.Event]) -> list[list[events.Event]]:
    single: list[list[events.Event]] = []
    batches: dict[tuple[str, str | None], list[events.Event]] = {}
    for event in stored:
        if event.event_type in BATCHED_TYPES:
            batches.setdefault((event.owner_org_id, event.message_id), []).append(event)
        else:
            single.append([event])
    return single + list(batches.values())


@dataclass
class Prepared:
    """Entries built for some events, with their salts: rows to write, in a short transaction of their own."""

    links: list[tuple[str, bytes, bytes]] = field(default_factory=list)
    pending: list[tuple[bytes, bytes, datetime]] = field(default_factory=list)


def enqueue_events(session: Session, event_ids: Sequence[str]) -> int:
    """Queues entries committing to these new events for the sequencer; returns how many entries."""
    return write_prepared(session, prepare_events(session, event_ids))


def prepare_events(session: Session, event_ids: Sequence[str]) -> Prepared:
    """Reads the events and builds their entries (salted field commitments); writes nothing."""
    prepared = Prepared()
    if not event_ids:
        return prepared
    stored: list[events.Event] = []
    for start in range(0, len(event_ids), CHUNK):  # bounded IN lists: a message may hold 100,000 events
        stored += session.scalars(select(events.Event).where(events.Event.id.in_(event_ids[start : start + CHUNK])))
    stored.sort(key=lambda e: e.seq)
    refs = events.references_of(session, [e.seq for e in stored])
    salts = {e.id: secrets.token_bytes(32) for e in stored}
    now = utcnow()
    for group in _groups(stored):
        identity = identity_hash(e.id for e in group)
        prepared.pending.append((identity, build_entry(group, refs, salts), now))
        prepared.links += [(e.id, identity, salts[e.id]) for e in group]
    return prepared


def write_prepared(session: Session, prepared: Prepared) -> int:
    """Writes built entries for the sequencer (COPY on PostgreSQL); returns how many entries."""
    insert_rows(session, LedgerEvent, LINK_COLUMNS, prepared.links)
    insert_rows(session, LedgerPending, PENDING_COLUMNS, prepared.pending)
    return len(prepared.pending)


def position_item(seq: int) -> str:
    return f"{POSITION_PREFIX}{seq}"


def position_fields(report: vessels.PositionReport | vessels.VesselPosition) -> dict[str, str]:
    """A position's one committed field, recomputed from the stored position when auditing."""
    return {
        "report": canonical_json(
            {
                "mmsi": report.mmsi,
                "at": _time(report.at),
                "latitude": report.latitude,
                "longitude": report.longitude,
                "speed_knots": report.speed_knots,
                "course": report.course,
                "heading": report.heading,
                "nav_status": report.nav_status,
            }
        )
    }


def enqueue_positions(
    session: Session,
    stored: Sequence[tuple[int, vessels.PositionReport | vessels.VesselPosition]],
    *,
    owner_org_id: str,
    received_at: datetime,
) -> int:
    """Queues one batch entry committing to a message's new AIS positions; returns 1, or 0 when none."""
    return enqueue_items(
        session,
        [(position_item(seq), position_fields(report)) for seq, report in stored],
        owner_org_id=owner_org_id,
        received_at=received_at,
    )


def enqueue_items(
    session: Session, items: Sequence[tuple[str, dict[str, str]]], *, owner_org_id: str, received_at: datetime
) -> int:
    """Queues one batch entry committing to telemetry items, each named and with its fields as canonical text
    (AIS positions, an e-lock's fixes); returns 1, or 0 when none."""
    if not items:
        return 0
    salts = {item_id: secrets.token_bytes(32) for item_id, _ in items}
    committed = [(item_id, field_digests(salts[item_id], fields)) for item_id, fields in items]
    identity = identity_hash(salts)
    entry = entry_bytes(kind="batch", owner_org=owner_org_id, received_at=_time(received_at) or "", items=committed)
    session.execute(
        insert(LedgerEvent),
        [{"event_id": item, "identity_hash": identity, "salt": salt} for item, salt in salts.items()],
    )
    session.execute(insert(LedgerPending), [{"identity_hash": identity, "entry": entry}])
    return 1


def logged_items(session: Session, item_ids: Sequence[str]) -> set[str]:
    """Which of these items an entry already commits to (queued or sequenced)."""
    if not item_ids:
        return set()
    return set(session.scalars(select(LedgerEvent.event_id).where(LedgerEvent.event_id.in_(item_ids))))


def unlogged_events(session: Session, *, limit: int | None = None, message_id: str | None = None) -> list[str]:
    """Ids of stored events no entry commits to yet (all, or one message's), oldest first."""
    logged = exists().where(LedgerEvent.event_id == events.Event.id)
    query = select(events.Event.id).where(~logged).order_by(events.Event.seq).limit(limit)
    if message_id is not None:
        query = query.where(events.Event.message_id == message_id)
    return list(session.scalars(query))


def unlogged_positions(
    session: Session, *, limit: int | None = None, message_id: str | None = None
) -> list[vessels.VesselPosition]:
    """Stored AIS positions no entry commits to yet (all, or one message's), oldest first."""
    item = literal(POSITION_PREFIX) + cast(vessels.VesselPosition.seq, String)
    logged = exists().where(LedgerEvent.event_id == item)
    query = select(vessels.VesselPosition).where(~logged).order_by(vessels.VesselPosition.seq).limit(limit)
    if message_id is not None:
        query = query.where(vessels.VesselPosition.message_id == message_id)
    return list(session.scalars(query))
