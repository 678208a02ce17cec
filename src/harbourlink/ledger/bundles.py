"""Proof bundles: an event's entry, the fields its requester discloses with their salts, the
inclusion proof and the (cosigned) checkpoint, in the one canonical form the verifier accepts.

Who may request one: any company that may see the event under the access rules (its owner, or
a company the owner shared it with), since it can already read every field; it chooses which
fields to reveal, and only those salts leave. Others get 404, as for the event itself.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbourlink import events
from harbourlink.kernel import ValidationFailed
from harbourlink.ledger.domain import field_salt
from harbourlink.ledger.entries import FIELDS, event_fields
from harbourlink.ledger.errors import NotYetInLog
from harbourlink.ledger.models import LedgerCheckpoint, LedgerCosignature, LedgerEntry, LedgerEvent, LedgerLog
from harbourlink.ledger.store import inclusion_proof, latest_checkpoint
from harbourlink_verify import BUNDLE_FORMAT, canonical_bundle

DEFAULT_FIELDS = ("event_type", "event_code", "classifier", "event_time", "location")


@dataclass(frozen=True)
class Located:
    """An event with its ledger link and, once sequenced, its entry."""

    event: events.Event
    link: LedgerEvent
    entry: LedgerEntry | None


def check_fields(fields: Sequence[str] | None) -> tuple[str, ...]:
    """The fields to disclose (a small default when none are named); unknown names are refused."""
    chosen = tuple(dict.fromkeys(fields)) if fields else DEFAULT_FIELDS
    unknown = [name for name in chosen if name not in FIELDS]
    if unknown:
        raise ValidationFailed(
            f"unknown field(s) {', '.join(unknown)}",
            code="ledger_unknown_field",
            data={"field": unknown[0], "fields": list(FIELDS)},
        )
    return chosen


def locate(session: Session, log: LedgerLog, found: Sequence[events.Event]) -> list[Located]:
    """The ledger entry of each event that was queued for the ledger (others are left out)."""
    rows = session.execute(
        select(LedgerEvent, LedgerEntry)
        .outerjoin(
            LedgerEntry, (LedgerEntry.identity_hash == LedgerEvent.identity_hash) & (LedgerEntry.log_id == log.id)
        )
        .where(LedgerEvent.event_id.in_([e.id for e in found]))
    )
    by_id = {link.event_id: (link, entry) for link, entry in rows}
    return [Located(e, *by_id[e.id]) for e in found if e.id in by_id]


def cosigned_checkpoint(session: Session, log: LedgerLog, covering: int) -> tuple[LedgerCheckpoint, list[str]]:
    """The newest cosigned checkpoint covering ``covering`` entries (else the newest), with witness keys."""
    size = session.scalar(
        select(LedgerCosignature.size)
        .where(LedgerCosignature.log_id == log.id, LedgerCosignature.size >= covering)
        .order_by(LedgerCosignature.size.desc())
        .limit(1)
    )
    checkpoint = session.get(LedgerCheckpoint, (log.id, size)) if size is not None else None
    checkpoint = checkpoint or latest_checkpoint(session, log.id)
    cosignatures = list(
        session.scalars(
            select(LedgerCosignature)
            .where(LedgerCosignature.log_id == log.id, LedgerCosignature.size == checkpoint.size)
            .order_by(LedgerCosignature.witness_key_id)
        )
    )
    note = checkpoint.signed_note + "".join(c.signature_line for c in cosignatures)
    return LedgerCheckpoint(
        log_id=log.id,
        size=checkpoint.size,
        root_hash=checkpoint.root_hash,
        signed_note=note,
        created_at=checkpoint.created_at,
    ), [c.witness_vkey for c in cosignatures]


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def build_bundle(session: Session, log: LedgerLog, located: Sequence[Located], fields: Sequence[str]) -> bytes:
    """The canonical bundle bytes for these events, disclosing ``fields`` of each."""
    sequenced = [item for item in located if item.entry is not None]
    if not sequenced:
        raise NotYetInLog(
            "the event is queued for the ledger; its proof is ready within seconds",
            data={"event_ids": [item.event.id for item in located]},
        )
    return assemble(session, log, event_parts(session, sequenced, fields))


Part = tuple[LedgerEntry, list[dict[str, str]]]
"""An entry and what the bundle discloses of the items it commits to."""


def event_parts(session: Session, sequenced: Sequence[Located], fields: Sequence[str]) -> list[Part]:
    refs = events.references_of(session, [item.event.seq for item in sequenced])
    parts = []
    for item in sequenced:
        assert item.entry is not None  # noqa: S101 - sequenced
        parts.append((item.entry, _disclose(item, refs.get(item.event.seq, []), fields)))
    return parts


def item_parts(session: Session, log: LedgerLog, items: dict[str, dict[str, str]]) -> tuple[list[Part], list[str]]:
    """Telemetry items (``enqueue_items``) with every field disclosed: the parts of those sequenced, and the ids of
    those not (queued, or never logged)."""
    rows = session.execute(
        select(LedgerEvent, LedgerEntry)
        .join(LedgerEntry, (LedgerEntry.identity_hash == LedgerEvent.identity_hash) & (LedgerEntry.log_id == log.id))
        .where(LedgerEvent.event_id.in_(list(items)))
    )
    parts: list[Part] = []
    found = set()
    for link, entry in rows:
        found.add(link.event_id)
        if link.salt is None:
            continue
        disclosed = [
            {"event_id": link.event_id, "field": name, "value": value, "salt": _b64(field_salt(link.salt, name))}
            for name, value in sorted(items[link.event_id].items())
        ]
        parts.append((entry, disclosed))
    return parts, [item for item in items if item not in found]


def assemble(session: Session, log: LedgerLog, parts: Sequence[Part]) -> bytes:
    """The canonical bundle of these entries and disclosures, under the newest (cosigned) checkpoint covering all."""
    covering = max(entry.idx for entry, _ in parts) + 1
    checkpoint, witnesses = cosigned_checkpoint(session, log, covering)
    by_entry: dict[int, tuple[LedgerEntry, list[dict[str, str]]]] = {}
    for entry, disclosed in parts:
        by_entry.setdefault(entry.idx, (entry, []))[1].extend(disclosed)
    entries = [
        {
            "leaf_index": idx,
            "entry": _b64(entry.entry),
            "inclusion_proof": [_b64(h) for h in inclusion_proof(session, log.id, idx, checkpoint.size)],
            "disclosed": disclosed,
        }
        for idx, (entry, disclosed) in sorted(by_entry.items())
    ]
    return canonical_bundle(
        {
            "format": BUNDLE_FORMAT,
            "checkpoint": checkpoint.signed_note,
            "witnesses": sorted(set(witnesses)),
            "entries": entries,
        }
    )


def _disclose(item: Located, refs: list[tuple[str, str]], fields: Sequence[str]) -> list[dict[str, str]]:
    if item.link.salt is None:
        return []  # erased: the entry still proves an event was logged, but nothing about it can be shown
    values = event_fields(item.event, refs)
    return [
        {
            "event_id": item.event.id,
            "field": name,
            "value": values[name],
            "salt": _b64(field_salt(item.link.salt, name)),
        }
        for name in fields
    ]
