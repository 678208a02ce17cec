"""Use cases of the ledger: sequence, checkpoints, proofs and bundles under the access rules.

``Ledger`` is the configuration built once from settings (the log's signing key and origin,
the witnesses); every function takes it with the session, like a scope.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbourlink import events, tracking
from harbourlink.kernel import Actor, NotFound, ValidationFailed
from harbourlink.ledger.bundles import (
    assemble,
    build_bundle,
    check_fields,
    cosigned_checkpoint,
    event_parts,
    item_parts,
    locate,
)
from harbourlink.ledger.errors import NotYetInLog
from harbourlink.ledger.models import LedgerCheckpoint, LedgerLog
from harbourlink.ledger.notes import NoteSigner
from harbourlink.ledger.store import consistency_proof, ensure_log, integrate, latest_checkpoint
from harbourlink_verify import Vkey


@dataclass(frozen=True)
class Witness:
    """A witness the log submits checkpoints to: its cosigning key and its base URL."""

    vkey: Vkey
    url: str

    @classmethod
    def parse(cls, spec: str) -> Witness:
        """``<witness vkey> <url>``, as in settings."""
        key, _, url = spec.strip().partition(" ")
        if not url.strip():
            raise ValidationFailed(f"a witness is '<vkey> <url>', not {spec!r}", code="ledger_bad_witness")
        return cls(Vkey.parse(key), url.strip().rstrip("/"))


@dataclass(frozen=True)
class Ledger:
    """The log this deployment runs: its signer (whose name is the origin) and its witnesses."""

    signer: NoteSigner
    witnesses: tuple[Witness, ...] = ()

    @classmethod
    def configure(cls, *, origin: str, seed: bytes, witnesses: Sequence[str] = ()) -> Ledger:
        """A ledger from settings values: the origin, the 32-byte key seed, ``<vkey> <url>`` witnesses."""
        return cls(NoteSigner.from_seed(origin, seed), tuple(Witness.parse(w) for w in witnesses))

    @property
    def vkey(self) -> str:
        return str(self.signer.vkey)


@dataclass(frozen=True)
class EventProof:
    """Where an event's entry sits in the log, and the proof against a checkpoint."""

    event_id: str
    leaf_index: int
    tree_size: int
    root_hash: bytes
    hashes: list[bytes]
    entry: bytes
    checkpoint: str


def open_log(session: Session, ledger: Ledger) -> LedgerLog:
    """The configured log (started, with an empty signed checkpoint, on first use)."""
    return ensure_log(session, ledger.signer)


def do_sequence(session: Session, ledger: Ledger, *, limit: int = 10_000) -> LedgerCheckpoint | None:
    """Integrates queued entries and signs a checkpoint; None when the queue was empty."""
    return integrate(session, open_log(session, ledger), ledger.signer, limit=limit)


def get_checkpoint(session: Session, ledger: Ledger) -> str:
    """The newest checkpoint that carries cosignatures, else the newest, as a signed note."""
    log = open_log(session, ledger)
    return cosigned_checkpoint(session, log, latest_checkpoint(session, log.id).size)[0].signed_note


def get_consistency(session: Session, ledger: Ledger, *, first: int, second: int) -> list[bytes]:
    """The consistency proof between two sizes the log has reached."""
    log = open_log(session, ledger)
    size = latest_checkpoint(session, log.id).size
    if not 0 <= first <= second <= size:
        raise ValidationFailed(
            f"need 0 ≤ first ≤ second ≤ {size}",
            code="ledger_bad_sizes",
            data={"first": first, "second": second, "tree_size": size},
        )
    return consistency_proof(session, log.id, first, second)


def get_shipment_bundle(
    session: Session, actor: Actor, ledger: Ledger, *, reference: str, fields: Sequence[str] | None = None
) -> bytes:
    """A proof bundle of every logged event about a shipment number the caller may track."""
    chosen = check_fields(fields)
    found = tracking.find(session, actor, query=reference)
    log = open_log(session, ledger)
    return build_bundle(session, log, locate(session, log, found.events), chosen)


def get_evidence_bundle(
    session: Session,
    ledger: Ledger,
    *,
    found_events: Sequence[events.Event],
    items: dict[str, dict[str, str]],
    fields: Sequence[str] | None = None,
) -> bytes:
    """One bundle of events and telemetry items that a domain has judged its caller may see (an e-lock trip's
    evidence), disclosing ``fields`` of the events and every field of the items. All must be in the log:
    evidence with a gap would not say so."""
    chosen = check_fields(fields)
    log = open_log(session, ledger)
    located = locate(session, log, found_events)
    logged = {item.event.id for item in located if item.entry is not None}
    parts, waiting = item_parts(session, log, items)
    waiting += [e.id for e in found_events if e.id not in logged]
    if waiting or not (parts or located):
        raise NotYetInLog(
            "part of the evidence is queued for the ledger; the bundle is ready within seconds",
            data={"waiting": len(waiting)},
        )
    return assemble(session, log, event_parts(session, located, chosen) + parts)


def decode_seed(text: str) -> bytes:
    """A 32-byte Ed25519 seed from its base64 text (settings and key files)."""
    try:
        seed = base64.b64decode(text.strip(), validate=True)
    except binascii.Error as exc:
        raise ValidationFailed("the ledger signing key is not base64", code="ledger_bad_key") from exc
    if len(seed) != 32:
        raise ValidationFailed("the ledger signing key must be a 32-byte seed", code="ledger_bad_key")
    return seed


def get_owner_bundle(session: Session, ledger: Ledger, *, event_id: str, fields: Sequence[str] | None = None) -> bytes:
    """The operator's bundle of any event (command line), as its owner would request it."""
    chosen = check_fields(fields)
    event = session.scalar(select(events.Event).where(events.Event.id == event_id))
    if event is None:
        raise NotFound("no such event", data={"event_id": event_id})
    log = open_log(session, ledger)
    return build_bundle(session, log, locate(session, log, [event]), chosen)
