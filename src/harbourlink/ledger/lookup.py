"""Read-only questions people and systems ask of the log: is this event in it, and how does it stand now.

``event_marks`` answers for a whole timeline in one query, so a page of hundreds of events
costs one round trip more, not hundreds. It applies no access rule: callers pass only events
the requester may already see, and it tells nothing but positions in a public log.

A timeline shows events the caller sees directly (its own, or shared with its company) and
events shared with whoever holds the number it tracked. So proofs and bundles accept that
number too (``reference``): with it, an event is visible exactly when tracking the number
shows it (``tracking.find``, which also records the view); without it, only directly.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from harbourlink import access, events, tracking
from harbourlink.kernel import Actor, NotFound
from harbourlink.ledger.bundles import check_fields, cosigned_checkpoint, locate
from harbourlink.ledger.errors import NotYetInLog
from harbourlink.ledger.models import LedgerCosignature, LedgerEntry, LedgerEvent, LedgerLog, LedgerPending
from harbourlink.ledger.service import EventProof, Ledger, get_owner_bundle, open_log
from harbourlink.ledger.store import inclusion_proof, latest_checkpoint
from harbourlink_verify import split_note


@dataclass(frozen=True)
class EventMark:
    """Where an event stands: at ``leaf_index`` in the log, or queued for the sequencer (None)."""

    leaf_index: int | None

    @property
    def queued(self) -> bool:
        return self.leaf_index is None


def event_marks(session: Session, ledger: Ledger, event_ids: Iterable[str]) -> dict[str, EventMark]:
    """The mark of each of these events that is in this ledger's log or queued for it; others are absent."""
    ids = sorted(set(event_ids))
    if not ids:
        return {}
    rows = session.execute(_marks_statement(), {"origin": ledger.signer.name, "ids": ids})
    return {event_id: EventMark(idx) for event_id, idx, pending in rows if idx is not None or pending is not None}


@cache
def _marks_statement() -> Select[str, int, int]:
    """Built once: building it on every tracking lookup cost more than running it."""
    # By origin inside the query, so that no separate round trip (or first-use write) fetches the log.
    log_id = select(LedgerLog.id).where(LedgerLog.origin == bindparam("origin")).scalar_subquery()
    return (
        select(LedgerEvent.event_id, LedgerEntry.idx, LedgerPending.id)
        .select_from(LedgerEvent)
        .outerjoin(
            LedgerEntry, (LedgerEntry.log_id == log_id) & (LedgerEntry.identity_hash == LedgerEvent.identity_hash)
        )
        .outerjoin(LedgerPending, LedgerPending.identity_hash == LedgerEvent.identity_hash)
        .where(LedgerEvent.event_id.in_(bindparam("ids", expanding=True)))
    )


def visible_event(session: Session, actor: Actor, *, event_id: str, reference: str | None = None) -> events.Event:
    """The event if the caller may see it, directly or by tracking ``reference``; else 404, as for the event."""
    if reference is None:
        event = session.scalar(events.select_visible(access.scope_for(actor), events.Event.id == event_id))
    else:
        try:
            event = next((e for e in tracking.find(session, actor, query=reference).events if e.id == event_id), None)
        except NotFound:
            event = None
    if event is None:
        raise NotFound("no such event", data={"event_id": event_id})
    return event


def _proof(session: Session, ledger: Ledger, event: events.Event) -> EventProof:
    log = open_log(session, ledger)
    located = locate(session, log, [event])
    if not located:
        raise NotFound("the event is not in the ledger", code="ledger_event_not_logged", data={"event_id": event.id})
    entry = located[0].entry
    if entry is None:
        raise NotYetInLog(
            "the event is queued for the ledger; its proof is ready within seconds", data={"event_id": event.id}
        )
    checkpoint, _ = cosigned_checkpoint(session, log, entry.idx + 1)
    return EventProof(
        event.id,
        entry.idx,
        checkpoint.size,
        checkpoint.root_hash,
        inclusion_proof(session, log.id, entry.idx, checkpoint.size),
        entry.entry,
        checkpoint.signed_note,
    )


def proof_of_event(
    session: Session, actor: Actor, ledger: Ledger, *, event_id: str, reference: str | None = None
) -> EventProof:
    """The inclusion proof of an event the caller may see (directly, or by tracking ``reference``)."""
    return _proof(session, ledger, visible_event(session, actor, event_id=event_id, reference=reference))


def bundle_of_event(
    session: Session,
    actor: Actor,
    ledger: Ledger,
    *,
    event_id: str,
    reference: str | None = None,
    fields: Sequence[str] | None = None,
) -> bytes:
    """A proof bundle of an event the caller may see (directly, or by tracking ``reference``)."""
    chosen = check_fields(fields)
    event = visible_event(session, actor, event_id=event_id, reference=reference)
    return get_owner_bundle(session, ledger, event_id=event.id, fields=chosen)


@dataclass(frozen=True)
class EventStatus:
    """An event the requester may see, its mark (None when not logged) and, once sequenced, its proof."""

    event: events.Event
    mark: EventMark | None
    proof: EventProof | None


def event_status(
    session: Session, actor: Actor, ledger: Ledger, *, event_id: str, reference: str | None = None
) -> EventStatus:
    """Where an event the caller may see stands in the log; 404 for any other, as for its proof."""
    event = visible_event(session, actor, event_id=event_id, reference=reference)
    mark = event_marks(session, ledger, [event_id]).get(event_id)
    proof = None if mark is None or mark.queued else _proof(session, ledger, event)
    return EventStatus(event, mark, proof)


@dataclass(frozen=True)
class Cosigned:
    """A witness's newest cosignature: who, of which size, and the time it vouched for."""

    witness: str
    vkey: str
    size: int
    at: datetime


@dataclass(frozen=True)
class CheckpointSummary:
    """The newest checkpoint in words a page can show, and each witness's newest cosignature."""

    origin: str
    size: int
    root: bytes
    signed_at: datetime
    cosigned: tuple[Cosigned, ...]


def current_checkpoint(session: Session, ledger: Ledger) -> CheckpointSummary:
    """The newest checkpoint and each witness's newest cosignature (public, like the checkpoint)."""
    log = open_log(session, ledger)
    checkpoint = latest_checkpoint(session, log.id)
    newest = (
        select(LedgerCosignature.witness_key_id, func.max(LedgerCosignature.size).label("size"))
        .where(LedgerCosignature.log_id == log.id)
        .group_by(LedgerCosignature.witness_key_id)
        .subquery()
    )
    rows = session.scalars(
        select(LedgerCosignature)
        .join(
            newest,
            (LedgerCosignature.witness_key_id == newest.c.witness_key_id) & (LedgerCosignature.size == newest.c.size),
        )
        .where(LedgerCosignature.log_id == log.id)
        .order_by(LedgerCosignature.witness_name)
    )
    return CheckpointSummary(
        origin=log.origin,
        size=checkpoint.size,
        root=checkpoint.root_hash,
        signed_at=checkpoint.created_at,
        cosigned=tuple(
            Cosigned(row.witness_name, row.witness_vkey, row.size, _cosigned_at(row.signature_line)) for row in rows
        ),
    )


def _cosigned_at(line: str) -> datetime:
    # The signature was checked against the witness's key when it was kept; only its time is read here.
    _name, blob = split_note(f"x\n\n{line.rstrip()}\n")[1][0]
    (timestamp,) = struct.unpack(">Q", blob[4:12])
    return datetime.fromtimestamp(timestamp, UTC)
