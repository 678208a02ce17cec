"""Ledger fixtures: a fixed-key ledger, events ingested through the inbound path, naive Merkle maths."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from harbourlink import inbound, ledger
from harbourlink.kernel import Actor, Database
from harbourlink.ledger.domain import leaf_hash, node_hash

SAMPLES = Path(__file__).parent.parent / "samples"
ORIGIN = "ledger.test.harbourlink.example/v1"
SEED = hashlib.sha256(b"harbourlink test ledger key").digest()


@pytest.fixture
def test_ledger() -> ledger.Ledger:
    return ledger.Ledger.configure(origin=ORIGIN, seed=SEED)


def ingest_csv(db: Database, org_id: str, body: bytes | None = None) -> inbound.Outcome:
    """Sends a CSV message through the inbound path as this company (events and ledger queue in one go)."""
    raw = body if body is not None else (SAMPLES / "csv" / "hkg_import.csv").read_bytes()
    return inbound.receive(db, Actor(org_id=org_id), format_name="csv", raw=raw, channel="test")


def sequence_all(db: Database, current: ledger.Ledger) -> int:
    """Sequences everything queued; returns the tree size."""
    with db.transaction() as session:
        ledger.do_sequence(session, current)
        log = ledger.open_log(session, current)
        from harbourlink.ledger.store import latest_checkpoint

        return latest_checkpoint(session, log.id).size


def mth(leaves: list[bytes]) -> bytes:
    """RFC 9162 MTH, recursively (the naive reference)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaf_hash(leaves[0])
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def naive_path(m: int, leaves: list[bytes]) -> list[bytes]:
    """RFC 9162 PATH, recursively."""
    if len(leaves) <= 1:
        return []
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    if m < k:
        return [*naive_path(m, leaves[:k]), mth(leaves[k:])]
    return [*naive_path(m - k, leaves[k:]), mth(leaves[:k])]


def naive_subproof(m: int, leaves: list[bytes], complete: bool = True) -> list[bytes]:
    """RFC 9162 SUBPROOF, recursively."""
    n = len(leaves)
    if m == n:
        return [] if complete else [mth(leaves)]
    k = 1 << ((n - 1).bit_length() - 1)
    if m <= k:
        return [*naive_subproof(m, leaves[:k], complete), mth(leaves[k:])]
    return [*naive_subproof(m - k, leaves[k:], False), mth(leaves[:k])]
