"""Ledger figures on PostgreSQL: append rate, inclusion-proof latency at 10M leaves, bundle verification.

1. Append: 200,000 ledger entries (~400 bytes, the size of a real event entry) appended by the
   sequencer's own ``append_entries`` in batches of 10,000, each batch one transaction with its
   signed checkpoint. Baseline: the same Merkle work in memory only (hashing + compact range).
2. Proofs: a log of LEAVES leaves (default 10,000,000) whose entries and perfect nodes are
   COPYed in (setup, not timed); then 2,000 inclusion proofs of random leaves against the full
   tree, each one query as the API runs it. Prints p50/p99.
3. Bundles: ``harbourlink_verify.verify_bundle`` on a one-event bundle from that tree.

    python -m bench.bench_ledger [LEAVES]
"""

from __future__ import annotations

import base64
import hashlib
import random
import statistics
import sys
import time

import psycopg
from sqlalchemy.engine import make_url

from bench.pg import scratch_database
from harbourlink.kernel import create_database, utcnow
from harbourlink.ledger.domain import CompactRange, entry_bytes, field_digest, field_salt, leaf_hash
from harbourlink.ledger.notes import NoteSigner, checkpoint_text
from harbourlink.ledger.store import append_entries, ensure_log, inclusion_proof
from harbourlink_verify import BUNDLE_FORMAT, canonical_bundle, verify_bundle

SIGNER = NoteSigner.from_seed("bench.harbourlink.example/ledger/v1", hashlib.sha256(b"bench").digest())
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


def _entry(i: int) -> bytes:
    salt = hashlib.sha256(i.to_bytes(8, "big")).digest()
    digests = {name: field_digest(field_salt(salt, name), name, f'"{name} {i}"') for name in FIELDS}
    return entry_bytes(
        kind="event",
        owner_org="00000000-0000-0000-0000-000000000001",
        received_at="2026-11-23T02:02:00Z",
        items=[(f"event-{i:012d}", digests)],
    )


def bench_append(url: str, total: int = 200_000, batch: int = 10_000) -> None:
    entries = [(hashlib.sha256(b"id" + i.to_bytes(8, "big")).digest(), _entry(i)) for i in range(total)]
    started = time.perf_counter()
    compact = CompactRange()
    for _, entry in entries:
        compact.append(leaf_hash(entry))
    memory = total / (time.perf_counter() - started)
    db = create_database(url)
    with db.transaction() as session:
        log = ensure_log(session, SIGNER)
    started = time.perf_counter()
    for start in range(0, total, batch):
        with db.transaction() as session:
            append_entries(session, log, SIGNER, entries[start : start + batch])
    stored = total / (time.perf_counter() - started)
    db.engine.dispose()
    print(
        f"append ({len(entries[0][1])}-byte entries, batches of {batch}): {stored:,.0f} leaves/s stored on "
        f"PostgreSQL; in-memory Merkle work alone {memory:,.0f} leaves/s (ratio {memory / stored:.1f}x)",
        flush=True,
    )


def _load(url: str, leaves: int) -> tuple[int, CompactRange]:
    """COPYs ``leaves`` tiny entries and all their perfect nodes, then signs the checkpoint."""
    db = create_database(url)
    with db.transaction() as session:
        log_id = ensure_log(session, SIGNER).id
    compact = CompactRange()
    started = time.perf_counter()
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    # One COPY per connection is all PostgreSQL allows, so entries and nodes stream over two at once.
    with psycopg.connect(dsn) as conn, psycopg.connect(dsn) as node_conn:
        now = utcnow()
        with (
            conn.cursor() as cur,
            cur.copy(
                "COPY ledger_entries (log_id, idx, leaf_hash, entry, identity_hash, integrated_at) FROM STDIN"
            ) as entries_copy,
            node_conn.cursor() as node_cur,
            node_cur.copy("COPY ledger_nodes (log_id, level, idx, hash) FROM STDIN") as nodes,
        ):
            for i in range(leaves):
                entry = i.to_bytes(8, "big")
                leaf = leaf_hash(entry)
                entries_copy.write_row((log_id, i, leaf, entry, leaf, now))
                for level, index, digest in compact.append(leaf):
                    nodes.write_row((log_id, level, index, digest))
        node_conn.commit()
        conn.execute(
            "INSERT INTO ledger_checkpoints (log_id, size, root_hash, signed_note, created_at) "
            "VALUES (%s, %s, %s, %s, %s)",
            (
                log_id,
                leaves,
                compact.root(),
                SIGNER.sign_note(checkpoint_text(SIGNER.name, leaves, compact.root())),
                utcnow(),
            ),
        )
        conn.commit()
        conn.execute("ANALYZE ledger_entries")
        conn.execute("ANALYZE ledger_nodes")
    print(
        f"setup: {leaves:,} leaves and {leaves - bin(leaves).count('1'):,} nodes COPYed in "
        f"{time.perf_counter() - started:.0f} s"
    )
    db.engine.dispose()
    return log_id, compact


def bench_proofs(url: str, log_id: int, leaves: int, runs: int = 2000) -> list[bytes]:
    db = create_database(url)
    rng = random.Random(7)
    timings = []
    proof: list[bytes] = []
    with db.transaction() as session:
        for _ in range(200):  # warm the connection and the statement cache
            inclusion_proof(session, log_id, rng.randrange(leaves), leaves)
        for _ in range(runs):
            index = rng.randrange(leaves)
            started = time.perf_counter()
            proof = inclusion_proof(session, log_id, index, leaves)
            timings.append(time.perf_counter() - started)
    timings.sort()
    print(
        f"inclusion proof at {leaves:,} leaves ({len(proof)} hashes, one query): "
        f"p50 {statistics.median(timings) * 1000:.3f} ms, p99 {timings[int(runs * 0.99)] * 1000:.3f} ms"
    )
    db.engine.dispose()
    return proof


def bench_bundle(leaves: int, runs: int = 2000) -> None:
    """Verification of a one-event bundle with three disclosed fields, in a tree of ``leaves``."""
    salt = bytes(32)
    values = {"event_code": '"RELS"', "event_time": '"2026-11-23T02:02:00Z"', "location": '"HKHKG"'}
    digests = {name: field_digest(field_salt(salt, name), name, values.get(name, "null")) for name in FIELDS}
    entry = entry_bytes(kind="event", owner_org="org", received_at="2026-11-23T02:02:00Z", items=[("e-1", digests)])
    # A tree of `leaves` leaves whose leaf 0 is our entry: its proof is the other perfect subtrees' roots.
    others = [hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range((leaves - 1).bit_length())]
    compact = CompactRange(size=1, hashes=[leaf_hash(entry)])
    root, size, proof = compact.hashes[0], 1, []
    for other in others:  # grow a perfect tree by doubling: leaf 0 stays on its left edge
        root, size = hashlib.sha256(b"\x01" + root + other).digest(), size * 2
        proof.append(other)
    bundle = canonical_bundle(
        {
            "format": BUNDLE_FORMAT,
            "witnesses": [],
            "checkpoint": SIGNER.sign_note(checkpoint_text(SIGNER.name, size, root)),
            "entries": [
                {
                    "leaf_index": 0,
                    "entry": base64.b64encode(entry).decode(),
                    "inclusion_proof": [base64.b64encode(h).decode() for h in proof],
                    "disclosed": [
                        {
                            "event_id": "e-1",
                            "field": n,
                            "value": v,
                            "salt": base64.b64encode(field_salt(salt, n)).decode(),
                        }
                        for n, v in values.items()
                    ],
                }
            ],
        }
    )
    key = str(SIGNER.vkey)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        verify_bundle(bundle, key)
        timings.append(time.perf_counter() - started)
    timings.sort()
    print(
        f"bundle verification ({len(bundle):,} bytes, tree of {size:,}, {len(proof)} proof hashes): "
        f"p50 {statistics.median(timings) * 1000:.3f} ms, p99 {timings[int(runs * 0.99)] * 1000:.3f} ms"
    )


def main() -> None:
    leaves = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    with scratch_database("harbourlink_bench_ledger") as url:
        bench_append(url)
    with scratch_database("harbourlink_bench_ledger_big") as url:
        log_id, _ = _load(url, leaves)
        bench_proofs(url, log_id, leaves)
    bench_bundle(leaves)


if __name__ == "__main__":
    main()
