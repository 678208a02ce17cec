"""The stored log on SQLite and PostgreSQL: batches, checkpoints, proofs against the naive tree."""

from __future__ import annotations

import hashlib
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from harbourlink import ledger
from harbourlink.kernel import Database
from harbourlink.ledger.models import LedgerCheckpoint, LedgerEntry, LedgerPending
from harbourlink.ledger.notes import NoteSigner
from harbourlink.ledger.store import (
    append_entries,
    consistency_proof,
    ensure_log,
    inclusion_proof,
    latest_checkpoint,
)
from harbourlink_verify import ENTRY_HEADER, leaf_hash, verify_inclusion, verify_note
from tests.conftest import Company
from tests.ledger.conftest import SEED, ingest_csv, mth, naive_path, naive_subproof, sequence_all

_origins = itertools.count()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(st.integers(min_value=1, max_value=70), min_size=1, max_size=4), data=st.data())
def test_stored_roots_and_proofs_match_the_naive_tree(db: Database, batches: list[int], data: st.DataObject) -> None:
    signer = NoteSigner.from_seed(f"prop-{next(_origins)}.example/v1", SEED)  # a fresh log per example
    leaves: list[bytes] = []
    with db.transaction() as session:
        log = ensure_log(session, signer)
        for count in batches:
            batch = [f"{signer.name} leaf {len(leaves) + i}".encode() for i in range(count)]
            leaves += batch
            checkpoint = append_entries(session, log, signer, [(hashlib.sha256(b).digest(), b) for b in batch])
            assert checkpoint.size == len(leaves) and checkpoint.root_hash == mth(leaves)
        size = len(leaves)
        index = data.draw(st.integers(min_value=0, max_value=size - 1))
        assert inclusion_proof(session, log.id, index, size) == naive_path(index, leaves)
        old = data.draw(st.integers(min_value=1, max_value=size))
        assert consistency_proof(session, log.id, old, size) == (naive_subproof(old, leaves) if old < size else [])


def test_ingested_events_are_queued_then_sequenced_with_checkpoints(
    db: Database, company_a: Company, test_ledger: ledger.Ledger
) -> None:
    outcome = ingest_csv(db, company_a.org_id)
    assert outcome.status == "accepted"
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(LedgerPending)) == 5
    assert sequence_all(db, test_ledger) == 5
    assert ingest_csv(db, company_a.org_id).duplicates == 5  # a resent message adds nothing to the log
    with db.transaction() as session:
        assert ledger.do_sequence(session, test_ledger) is None
        log = ledger.open_log(session, test_ledger)
        checkpoints = list(session.scalars(select(LedgerCheckpoint).order_by(LedgerCheckpoint.size)))
        entries = list(session.scalars(select(LedgerEntry).order_by(LedgerEntry.idx)))
        checkpoint = latest_checkpoint(session, log.id)
        proofs = [inclusion_proof(session, log.id, entry.idx, 5) for entry in entries]
    assert [c.size for c in checkpoints] == [0, 5]
    assert checkpoints[0].created_at < checkpoints[1].created_at
    assert verify_note(checkpoint.signed_note, test_ledger.signer.vkey).startswith(f"{test_ledger.signer.name}\n5\n")
    kinds = [entry.entry[len(ENTRY_HEADER) :].decode() for entry in entries]
    assert sum('"kind":"batch"' in k for k in kinds) == 1  # the reefer reading is telemetry: a batch leaf
    assert all("PONU0123456" not in k and "RELS" not in k for k in kinds)  # only salted hashes in leaves
    for entry, proof in zip(entries, proofs, strict=True):
        verify_inclusion(entry.idx, 5, leaf_hash(entry.entry), proof, checkpoint.root_hash)


def test_checkpoint_times_increase_even_when_the_clock_steps_back(db: Database, test_ledger: ledger.Ledger) -> None:
    with db.transaction() as session:
        log = ledger.open_log(session, test_ledger)
        first = append_entries(session, log, test_ledger.signer, [(bytes(32), b"one")])
        second = append_entries(
            session, log, test_ledger.signer, [(b"\x01" * 32, b"two")], now=first.created_at.replace(year=2000)
        )
    assert second.created_at > first.created_at and second.size == first.size + 1
