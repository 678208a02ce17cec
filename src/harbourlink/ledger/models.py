"""Tables of the ledger: the log, its entries and perfect nodes, checkpoints, cosignatures, the queue.

Leaf hashes live in ``ledger_entries`` (level 0); ``ledger_nodes`` keeps the perfect interior
nodes (level ≥ 1), written once and never updated. ``ledger_events`` maps each event to the
entry that commits to it and keeps the event's master salt, which erasure would delete.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from harbourlink.kernel import Base
from harbourlink.kernel.clock import utcnow
from harbourlink.kernel.db import SequenceNumber

Hash = LargeBinary(32)


class LedgerLog(Base):
    """One log: its origin line and the public half of its signing key (fixed for its lifetime)."""

    __tablename__ = "ledger_logs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    origin: Mapped[str] = mapped_column(String(200), unique=True)
    key_name: Mapped[str] = mapped_column(String(200))
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerEntry(Base):
    """One leaf: the entry bytes and their RFC 9162 leaf hash, at a fixed index."""

    __tablename__ = "ledger_entries"
    __table_args__ = (Index("ix_ledger_entries_identity", "log_id", "identity_hash", unique=True),)

    log_id: Mapped[int] = mapped_column(ForeignKey("ledger_logs.id"), primary_key=True)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    leaf_hash: Mapped[bytes] = mapped_column(Hash)
    entry: Mapped[bytes] = mapped_column(LargeBinary)
    identity_hash: Mapped[bytes] = mapped_column(Hash)
    integrated_at: Mapped[datetime]


class LedgerNode(Base):
    """A perfect interior node ``(level, idx)`` covering leaves ``[idx·2^level, (idx+1)·2^level)``."""

    __tablename__ = "ledger_nodes"

    log_id: Mapped[int] = mapped_column(ForeignKey("ledger_logs.id"), primary_key=True)
    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(Hash)


class LedgerCheckpoint(Base):
    """A signed tree head (C2SP signed note); sizes and times only ever increase."""

    __tablename__ = "ledger_checkpoints"
    __table_args__ = (Index("ix_ledger_checkpoints_created", "log_id", "created_at"),)

    log_id: Mapped[int] = mapped_column(ForeignKey("ledger_logs.id"), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root_hash: Mapped[bytes] = mapped_column(Hash)
    signed_note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class LedgerCosignature(Base):
    """A witness's newest cosignature line for a checkpoint (tlog-cosignature/v1)."""

    __tablename__ = "ledger_cosignatures"

    log_id: Mapped[int] = mapped_column(ForeignKey("ledger_logs.id"), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    witness_key_id: Mapped[str] = mapped_column(String(8), primary_key=True)
    witness_name: Mapped[str] = mapped_column(String(200))
    witness_vkey: Mapped[str] = mapped_column(String(400))
    signature_line: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerPending(Base):
    """An entry waiting for the sequencer (Trillian's Unsequenced), queued in the ingest transaction."""

    __tablename__ = "ledger_pending"

    id: Mapped[int] = mapped_column(SequenceNumber, primary_key=True, autoincrement=True)
    identity_hash: Mapped[bytes] = mapped_column(Hash, unique=True)
    entry: Mapped[bytes] = mapped_column(LargeBinary)
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerEvent(Base):
    """Which entry commits to an event, and the event's master salt (None once its data is erased)."""

    __tablename__ = "ledger_events"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    identity_hash: Mapped[bytes] = mapped_column(Hash, index=True)
    salt: Mapped[bytes | None] = mapped_column(LargeBinary(32))
