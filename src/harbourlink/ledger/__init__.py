"""Ledger: a tamper-evident transparency log of cargo events (RFC 9162 Merkle tree, C2SP formats).

Each new event is committed to by a ledger entry holding only salted hashes of its fields
(``enqueue_events``, by the ledger's consumer of stored events, off the ingest transaction);
the sequencer appends queued entries in batches, stores the perfect subtree nodes and signs a
checkpoint (a C2SP signed note) in the same transaction (``do_sequence``; ``sequencer_job`` in
the worker loop). Witnesses cosign checkpoints that
extend the last one they saw (``witness``, ``submit_all``). Anyone holding the log's public key
checks a proof bundle offline with ``harbourlink-verify``; ``verify_log`` rechecks the whole
store and names the first inconsistency. The operator sees how the log keeps up (``sequencer_lag``,
``log_growth``, ``witness_standing``)::

    events ──enqueue──▶ ledger_pending ──sequencer──▶ ledger_entries + ledger_nodes
                                                  └──▶ ledger_checkpoints ──▶ witnesses ──▶ cosignatures
"""

from harbourlink.ledger.audit import Problem, verify_log
from harbourlink.ledger.backfill import backfill
from harbourlink.ledger.bundles import DEFAULT_FIELDS
from harbourlink.ledger.domain import canonical_json
from harbourlink.ledger.entries import (
    FIELDS,
    enqueue_events,
    enqueue_items,
    enqueue_positions,
    logged_items,
    unlogged_events,
    unlogged_positions,
)
from harbourlink.ledger.erasure import do_erase, forget_positions, positions_unlogged
from harbourlink.ledger.errors import LedgerCorrupt, NoCheckpoint, NotYetInLog
from harbourlink.ledger.families import register_items
from harbourlink.ledger.health import (
    LogGrowth,
    SequencerLag,
    WitnessStanding,
    log_growth,
    sequencer_lag,
    witness_standing,
)
from harbourlink.ledger.lookup import (
    CheckpointSummary,
    Cosigned,
    EventMark,
    EventStatus,
    bundle_of_event,
    current_checkpoint,
    event_marks,
    event_status,
    proof_of_event,
    visible_event,
)
from harbourlink.ledger.notes import NoteSigner, checkpoint_text
from harbourlink.ledger.service import (
    EventProof,
    Ledger,
    Witness,
    decode_seed,
    do_sequence,
    get_checkpoint,
    get_consistency,
    get_evidence_bundle,
    get_owner_bundle,
    get_shipment_bundle,
    open_log,
)
from harbourlink.ledger.witnessing import submit_all
from harbourlink.ledger.worker import Sequencer, sequencer_job

__all__ = [
    "DEFAULT_FIELDS",
    "FIELDS",
    "CheckpointSummary",
    "Cosigned",
    "EventMark",
    "EventProof",
    "EventStatus",
    "Ledger",
    "LedgerCorrupt",
    "LogGrowth",
    "NoCheckpoint",
    "NotYetInLog",
    "NoteSigner",
    "Problem",
    "Sequencer",
    "SequencerLag",
    "Witness",
    "WitnessStanding",
    "backfill",
    "bundle_of_event",
    "canonical_json",
    "checkpoint_text",
    "current_checkpoint",
    "decode_seed",
    "do_erase",
    "do_sequence",
    "enqueue_events",
    "enqueue_items",
    "enqueue_positions",
    "event_marks",
    "event_status",
    "forget_positions",
    "get_checkpoint",
    "get_consistency",
    "get_evidence_bundle",
    "get_owner_bundle",
    "get_shipment_bundle",
    "log_growth",
    "logged_items",
    "open_log",
    "positions_unlogged",
    "proof_of_event",
    "register_items",
    "sequencer_job",
    "sequencer_lag",
    "submit_all",
    "unlogged_events",
    "unlogged_positions",
    "verify_log",
    "visible_event",
    "witness_standing",
]
