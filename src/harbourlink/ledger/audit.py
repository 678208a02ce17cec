"""``harbourlink ledger verify``: recheck the whole stored log against its signed checkpoints.

Walks the entries in index order, recomputing every leaf hash, every perfect node and every
checkpoint root, checks each checkpoint's signature and text, and recomputes each event's
field commitments from the event as stored now. The first disagreement is reported by name
(entry index, node address, event id, checkpoint size), since that is where repair starts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from harbourlink import events, vessels
from harbourlink.ledger.domain import CompactRange, leaf_hash
from harbourlink.ledger.entries import POSITION_PREFIX, event_fields, field_digests, position_fields, position_item
from harbourlink.ledger.families import family_of, recorded_items
from harbourlink.ledger.models import LedgerCheckpoint, LedgerEntry, LedgerEvent, LedgerLog, LedgerNode
from harbourlink.ledger.notes import checkpoint_text
from harbourlink.ledger.store import node_hashes
from harbourlink_verify import ENTRY_HEADER, SIG_ED25519, VerificationError, Vkey, compute_key_id, verify_note

CHUNK = 2000


@dataclass(frozen=True)
class Problem:
    """One inconsistency: what is wrong, and where (``entry``, ``node``, ``event`` or ``checkpoint``)."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class Audit:
    """The walk's progress: the recomputed tree and the checkpoints still to meet."""

    log: LedgerLog
    vkey: Vkey
    checkpoints: list[LedgerCheckpoint]
    compact: CompactRange = field(default_factory=CompactRange)
    entries: int = 0
    events: int = 0


def verify_log(session: Session, log: LedgerLog) -> tuple[Problem | None, Audit]:
    """The first inconsistency in the stored log (None when all is consistent), and what was checked."""
    checkpoints = list(
        session.scalars(
            select(LedgerCheckpoint).where(LedgerCheckpoint.log_id == log.id).order_by(LedgerCheckpoint.size)
        )
    )
    audit = Audit(log, Vkey.parse(_vkey_text(log)), checkpoints)
    problem = next(_walk(session, audit), None)
    return problem, audit


def _vkey_text(log: LedgerLog) -> str:
    return str(
        Vkey(log.key_name, compute_key_id(log.key_name, SIG_ED25519, log.public_key), SIG_ED25519, log.public_key)
    )


def _walk(session: Session, audit: Audit) -> Iterator[Problem]:
    yield from _checkpoints_due(audit)
    query = (
        select(LedgerEntry.idx, LedgerEntry.leaf_hash, LedgerEntry.entry, LedgerEntry.identity_hash)
        .where(LedgerEntry.log_id == audit.log.id)
        .order_by(LedgerEntry.idx)
        .execution_options(yield_per=CHUNK)
    )
    for chunk in session.execute(query).partitions():
        yield from _entries(session, audit, list(chunk))
    yield from _totals(session, audit)


def _entries(session: Session, audit: Audit, rows: Sequence[Any]) -> Iterator[Problem]:
    made: dict[tuple[int, int], bytes] = {}
    due: list[Problem] = []  # checkpoint problems, reported after nodes: a node names the place more closely
    for idx, stored_leaf, entry, _identity in rows:
        if idx != audit.compact.size:
            yield Problem(f"entry {audit.compact.size}", f"is missing (the next stored entry is {idx})")
            return
        if leaf_hash(entry) != stored_leaf:
            yield Problem(f"entry {idx}", "its leaf hash does not match its bytes (entry or leaf changed)")
            return
        made.update({(level, index): digest for level, index, digest in audit.compact.append(stored_leaf)})
        due += _checkpoints_due(audit)
    stored = node_hashes(session, audit.log.id, made)
    for (level, index), digest in sorted(made.items()):
        if stored.get((level, index)) != digest:
            first, last = index << level, ((index + 1) << level) - 1
            yield Problem(
                f"node ({level}, {index})",
                f"over entries {first}–{last} is missing or differs from the hash of its children",
            )
            return
    if due:
        yield due[0]
        return
    yield from _events(session, audit, rows)
    audit.entries = audit.compact.size


def _checkpoints_due(audit: Audit) -> Iterator[Problem]:
    while audit.checkpoints and audit.checkpoints[0].size == audit.compact.size:
        checkpoint = audit.checkpoints.pop(0)
        root = audit.compact.root()
        where = f"checkpoint {checkpoint.size}"
        try:
            text = verify_note(checkpoint.signed_note, audit.vkey)
        except VerificationError as exc:
            yield Problem(where, f"signature does not verify ({exc})")
            return
        if text != checkpoint_text(audit.log.origin, checkpoint.size, root) or checkpoint.root_hash != root:
            yield Problem(where, "its root is not the root of the stored entries")


def _events(session: Session, audit: Audit, rows: Sequence[Any]) -> Iterator[Problem]:
    parsed = [(idx, identity, json.loads(entry[len(ENTRY_HEADER) :])) for idx, _, entry, identity in rows]
    ids = [item["event_id"] for _, _, body in parsed for item in body["items"]]
    links = {link.event_id: link for link in session.scalars(select(LedgerEvent).where(LedgerEvent.event_id.in_(ids)))}
    recorded = _recorded_fields(session, ids)
    for idx, identity, body in parsed:
        for item in body["items"]:
            event_id, link = item["event_id"], links.get(item["event_id"])
            where = f"{'position' if event_id.startswith(POSITION_PREFIX) else 'event'} {event_id} (entry {idx})"
            if link is None or link.identity_hash != identity:
                yield Problem(where, "its link to the ledger entry is missing or points elsewhere")
                return
            if link.salt is None:  # erased on request: the commitment stays, the data is gone by design
                continue
            if event_id not in recorded:
                yield Problem(where, "was deleted from the store")
                return
            owner, fields = recorded[event_id]
            digests = field_digests(link.salt, fields)
            changed = [name for name, digest in digests.items() if item["fields"].get(name) != digest.hex()]
            if changed or owner not in (None, body["owner_org"]):
                yield Problem(where, f"changed after it was logged ({', '.join(changed) or 'owner'})")
                return
            audit.events += 1


def _recorded_fields(session: Session, ids: Sequence[str]) -> dict[str, tuple[str | None, dict[str, str]]]:
    """Each logged item's committed fields as stored now, with its owner (None for AIS positions, owned by none)."""
    seqs = [int(i.removeprefix(POSITION_PREFIX)) for i in ids if i.startswith(POSITION_PREFIX)]
    event_ids = [i for i in ids if not i.startswith(POSITION_PREFIX) and family_of(i) is None]
    recorded: dict[str, tuple[str | None, dict[str, str]]] = {
        position_item(p.seq): (None, position_fields(p))
        for p in session.scalars(select(vessels.VesselPosition).where(vessels.VesselPosition.seq.in_(seqs)))
    }
    recorded.update(recorded_items(session, ids))
    stored = list(session.scalars(select(events.Event).where(events.Event.id.in_(event_ids))))
    refs = events.references_of(session, [e.seq for e in stored])
    recorded.update({e.id: (e.owner_org_id, event_fields(e, refs.get(e.seq, []))) for e in stored})
    return recorded


def _totals(session: Session, audit: Audit) -> Iterator[Problem]:
    size = audit.compact.size
    if audit.checkpoints:
        signed = audit.checkpoints[-1].size
        yield Problem(f"entry {size}", f"is missing: checkpoint {signed} was signed over {signed} entries")
        return
    nodes = session.scalar(select(func.count()).select_from(LedgerNode).where(LedgerNode.log_id == audit.log.id))
    expected = size - bin(size).count("1")  # a tree of n leaves has n - popcount(n) perfect interior nodes
    if nodes != expected:
        yield Problem("nodes", f"{nodes} stored where a tree of {size} has {expected}")
