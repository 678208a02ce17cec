"""The log's storage: one sequencer appends batches in one transaction; proofs from perfect nodes.

``append_entries`` holds the log row's lock (``UPDATE … `` takes PostgreSQL's row lock and
SQLite's write lock), so there is one writer per log and never two checkpoints that disagree.
It checks that the stored compact range still folds to the last signed root before signing a
new one: a damaged store stops the log instead of being signed over.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, literal, select, tuple_, union_all, update
from sqlalchemy.orm import Session

from harbourlink.kernel import utcnow
from harbourlink.ledger.domain import (
    Address,
    CompactRange,
    Range,
    compact_addresses,
    consistency_ranges,
    decompose,
    fold,
    leaf_hash,
    path_ranges,
)
from harbourlink.ledger.errors import LedgerCorrupt, NoCheckpoint
from harbourlink.ledger.models import LedgerCheckpoint, LedgerEntry, LedgerLog, LedgerNode, LedgerPending
from harbourlink.ledger.notes import NoteSigner, checkpoint_text

EntryRow = tuple[int, int, bytes, bytes, bytes, datetime]
NodeRow = tuple[int, int, int, bytes]


def ensure_log(session: Session, signer: NoteSigner) -> LedgerLog:
    """The log of this signer's origin, created with a signed empty checkpoint on first use."""
    log = session.scalar(select(LedgerLog).where(LedgerLog.origin == signer.name))
    if log is not None:
        if log.public_key != signer.public_key:
            raise LedgerCorrupt(
                "the signing key differs from the log's key; a new key needs a new origin", data={"origin": signer.name}
            )
        return log
    log = LedgerLog(origin=signer.name, key_name=signer.name, public_key=signer.public_key)
    session.add(log)
    session.flush()
    _sign(session, log, signer, size=0, root=fold([]), previous=None, now=utcnow())
    return log


def get_log(session: Session, origin: str) -> LedgerLog:
    """The log with this origin, or NoCheckpoint when it was never started."""
    log = session.scalar(select(LedgerLog).where(LedgerLog.origin == origin))
    if log is None:
        raise NoCheckpoint("the ledger has not been started", data={"origin": origin})
    return log


def latest_checkpoint(session: Session, log_id: int) -> LedgerCheckpoint:
    """The newest signed checkpoint."""
    checkpoint = session.scalar(
        select(LedgerCheckpoint)
        .where(LedgerCheckpoint.log_id == log_id)
        .order_by(LedgerCheckpoint.size.desc())
        .limit(1)
    )
    if checkpoint is None:
        raise NoCheckpoint("the ledger has no checkpoint yet")
    return checkpoint


def integrate(
    session: Session, log: LedgerLog, signer: NoteSigner, *, limit: int = 10_000, now: datetime | None = None
) -> LedgerCheckpoint | None:
    """Sequences up to ``limit`` queued entries and signs the new checkpoint; None when nothing waits."""
    _lock(session, log)
    pending = session.execute(
        select(LedgerPending.id, LedgerPending.identity_hash, LedgerPending.entry)
        .order_by(LedgerPending.id)
        .limit(limit)
    ).all()
    if not pending:
        return None
    checkpoint = append_entries(
        session, log, signer, [(identity, entry) for _, identity, entry in pending], now=now, locked=True
    )
    session.execute(delete(LedgerPending).where(LedgerPending.id.in_([row_id for row_id, _, _ in pending])))
    return checkpoint


def append_entries(
    session: Session,
    log: LedgerLog,
    signer: NoteSigner,
    entries: Sequence[tuple[bytes, bytes]],
    *,
    now: datetime | None = None,
    locked: bool = False,
) -> LedgerCheckpoint:
    """Appends ``(identity hash, entry)`` pairs, writes the nodes they complete and signs the new checkpoint."""
    if not locked:
        _lock(session, log)
    previous = latest_checkpoint(session, log.id)
    compact = load_compact_range(session, log.id, previous.size)
    if compact.root() != previous.root_hash:
        raise LedgerCorrupt(
            "the stored nodes no longer fold to the last signed root; nothing will be signed",
            data={"size": previous.size},
        )
    moment = now or utcnow()
    entry_rows: list[EntryRow] = []
    node_rows: list[NodeRow] = []
    for identity, entry in entries:
        leaf = leaf_hash(entry)
        entry_rows.append((log.id, compact.size, leaf, entry, identity, moment))
        node_rows.extend((log.id, level, index, digest) for level, index, digest in compact.append(leaf))
    _write(session, entry_rows, node_rows)
    return _sign(session, log, signer, size=compact.size, root=compact.root(), previous=previous, now=moment)


def _lock(session: Session, log: LedgerLog) -> None:
    # A no-op UPDATE: PostgreSQL's row lock or SQLite's write lock makes this the only sequencer.
    session.execute(update(LedgerLog).where(LedgerLog.id == log.id).values(origin=LedgerLog.origin))


def _sign(
    session: Session,
    log: LedgerLog,
    signer: NoteSigner,
    *,
    size: int,
    root: bytes,
    previous: LedgerCheckpoint | None,
    now: datetime,
) -> LedgerCheckpoint:
    # Times strictly increase even if the clock steps back: a later checkpoint is never older.
    created = now if previous is None else max(now, previous.created_at + timedelta(microseconds=1))
    checkpoint = LedgerCheckpoint(
        log_id=log.id,
        size=size,
        root_hash=root,
        created_at=created,
        signed_note=signer.sign_note(checkpoint_text(log.origin, size, root)),
    )
    session.add(checkpoint)
    session.flush()
    return checkpoint


def _write(session: Session, entry_rows: list[EntryRow], node_rows: list[NodeRow]) -> None:
    if session.get_bind().dialect.name == "postgresql":
        raw = session.connection().connection.driver_connection
        assert raw is not None  # noqa: S101 - a live connection of this session
        # Binary COPY: several times faster than INSERT, and no hex-escaping of the hashes.
        with raw.cursor() as cursor:
            with cursor.copy(
                "COPY ledger_entries (log_id, idx, leaf_hash, entry, identity_hash, integrated_at) "
                "FROM STDIN (FORMAT BINARY)"
            ) as copy:
                copy.set_types(["int4", "int8", "bytea", "bytea", "bytea", "timestamptz"])
                for row in entry_rows:
                    copy.write_row(row)
            with cursor.copy("COPY ledger_nodes (log_id, level, idx, hash) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(["int4", "int2", "int8", "bytea"])
                for node in node_rows:
                    copy.write_row(node)
        return
    columns = ("log_id", "idx", "leaf_hash", "entry", "identity_hash", "integrated_at")
    session.execute(insert(LedgerEntry), [dict(zip(columns, row, strict=True)) for row in entry_rows])
    if node_rows:
        session.execute(
            insert(LedgerNode), [{"log_id": a, "level": b, "idx": c, "hash": d} for a, b, c, d in node_rows]
        )


def node_hashes(session: Session, log_id: int, addresses: Iterable[Address]) -> dict[Address, bytes]:
    """The stored hashes of these nodes (level 0 from the entries), in one query."""
    wanted = set(addresses)
    leaves = [index for level, index in wanted if level == 0]
    inner = [(level, index) for level, index in wanted if level > 0]
    if session.get_bind().dialect.name == "postgresql":
        return _pg_node_hashes(session, log_id, leaves, inner)
    queries = []
    if leaves:
        queries.append(
            select(literal(0).label("level"), LedgerEntry.idx, LedgerEntry.leaf_hash).where(
                LedgerEntry.log_id == log_id, LedgerEntry.idx.in_(leaves)
            )
        )
    if inner:
        queries.append(
            select(LedgerNode.level, LedgerNode.idx, LedgerNode.hash).where(
                LedgerNode.log_id == log_id, tuple_(LedgerNode.level, LedgerNode.idx).in_(inner)
            )
        )
    if not queries:
        return {}
    query = queries[0] if len(queries) == 1 else union_all(*queries)
    return {(level, index): digest for level, index, digest in session.execute(query)}


# One statement of fixed text whatever the proof, so psycopg prepares it once per connection; a proof at
# 10M leaves is then one round trip of index lookups (the ORM's compiled IN-lists cost more than the query).
_PG_NODES = (
    "SELECT 0, e.idx, e.leaf_hash FROM ledger_entries e WHERE e.log_id = %(log)s AND e.idx = ANY(%(leaves)s) "
    "UNION ALL SELECT n.level, n.idx, n.hash FROM ledger_nodes n "
    "JOIN unnest(%(levels)s::int2[], %(indexes)s::int8[]) AS w(level, idx) "
    "ON n.level = w.level AND n.idx = w.idx WHERE n.log_id = %(log)s"
)


def _pg_node_hashes(
    session: Session, log_id: int, leaves: list[int], inner: list[tuple[int, int]]
) -> dict[Address, bytes]:
    raw = session.connection().connection.driver_connection
    assert raw is not None  # noqa: S101 - a live connection of this session
    with raw.cursor() as cursor:
        cursor.execute(
            _PG_NODES,
            {
                "log": log_id,
                "leaves": leaves,
                "levels": [level for level, _ in inner],
                "indexes": [index for _, index in inner],
            },
            prepare=True,
        )
        return {(level, index): bytes(digest) for level, index, digest in cursor.fetchall()}


def _range_hashes(session: Session, log_id: int, ranges: Sequence[Range]) -> list[bytes]:
    plans = [decompose(start, end) for start, end in ranges]
    found = node_hashes(session, log_id, (address for plan in plans for address in plan))
    missing = [address for plan in plans for address in plan if address not in found]
    if missing:
        level, index = missing[0]
        raise LedgerCorrupt(f"node ({level}, {index}) is missing from the store", data={"node": [level, index]})
    return [fold([found[address] for address in plan]) for plan in plans]


def load_compact_range(session: Session, log_id: int, size: int) -> CompactRange:
    """The compact range of the stored tree of ``size``, to append to."""
    addresses = compact_addresses(size)
    found = node_hashes(session, log_id, addresses)
    if len(found) != len(addresses):
        raise LedgerCorrupt("a node of the tree's right edge is missing", data={"size": size})
    return CompactRange(size=size, hashes=[found[address] for address in addresses])


def inclusion_proof(session: Session, log_id: int, index: int, size: int) -> list[bytes]:
    """The RFC 9162 inclusion proof of leaf ``index`` in the tree of ``size``."""
    return _range_hashes(session, log_id, path_ranges(index, size))


def consistency_proof(session: Session, log_id: int, size1: int, size2: int) -> list[bytes]:
    """The RFC 9162 consistency proof from the tree of ``size1`` to that of ``size2``."""
    return _range_hashes(session, log_id, consistency_ranges(size1, size2))


def checkpoint_at(session: Session, log_id: int, size: int) -> LedgerCheckpoint | None:
    """The checkpoint signed at exactly this size, if there is one."""
    return session.get(LedgerCheckpoint, (log_id, size))
