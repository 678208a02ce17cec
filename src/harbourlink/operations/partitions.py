"""Upkeep of the position tables' monthly partitions on PostgreSQL: months created ahead, old ones dropped.

``vessel_positions`` and ``truck_positions`` are partitioned by month of ``at`` (migration 0030).
``position_upkeep`` keeps the current month and ``ahead`` more created, moving into a new month the rows
its default partition caught of it, and, when a retention is set, drops the months that ended
more than ``keep_months`` whole months ago. It runs as the ``sequencer`` role's periodic job in
the one worker loop (``worker.duties``) and as ``harbourlink db partitions``; on SQLite, whose
tables stay plain, it does nothing.

A month of AIS positions is dropped only when the ledger committed to every position in it, and
then their master salts are erased in the same transaction (``ledger.forget_positions``): the
entries stay and the audit counts those positions erased, as for an event erased on request. A
month not yet fully logged is held back and reported, and dropped by a later run.

Autovacuum analyses each partition but never a partitioned table itself, so without a manual
``ANALYZE`` the planner has no statistics for a position table as a whole. The upkeep analyses a
partitioned table that has never been analysed, and again whenever it created one of its months.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from harbourlink import ledger
from harbourlink.kernel import partitions
from harbourlink.kernel.partitions import Month, Partition

LOCK = 0x6862_7061_7274
"""Any constant: one upkeep at a time in the whole installation (a second one at the same moment does nothing)."""
LOCK_TIMEOUT = "5s"
"""Creating or dropping a partition locks its table against writers for an instant; waiting longer behind a
long transaction would queue every writer behind the upkeep, so the run gives up and the next one retries."""


@dataclass(frozen=True)
class Partitioned:
    """A table partitioned by month of ``key``; ``logged`` when its rows are the AIS positions the ledger commits to."""

    table: str
    key: str
    logged: bool = False


TABLES = (Partitioned("vessel_positions", "at", logged=True), Partitioned("truck_positions", "at"))
NOT_LOGGED = "positions the ledger has not committed to yet"


@dataclass
class Upkeep:
    """What a run did, per table: months created (with rows moved out of the default), dropped, held back;
    and the tables analysed."""

    created: dict[str, list[tuple[Month, int]]] = field(default_factory=dict)
    dropped: dict[str, list[Month]] = field(default_factory=dict)
    held_back: dict[str, list[tuple[Month, str]]] = field(default_factory=dict)
    analysed: list[str] = field(default_factory=list)

    def changed(self) -> bool:
        return any(self.created.values()) or any(self.dropped.values())


def position_upkeep(session: Session, *, now: datetime, ahead: int, keep_months: int | None) -> Upkeep:
    """Creates the months due and drops the expired ones, in the caller's transaction (nothing on SQLite)."""
    done = Upkeep()
    if session.get_bind().dialect.name != "postgresql":
        return done
    if not session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": LOCK}):
        return done  # another worker's upkeep is running: it does this run's work
    session.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
    for table in TABLES:
        if not partitions.is_partitioned(session, table.table):
            continue
        existing = [p.month for p in partitions.partitions(session, table.table) if p.month is not None]
        due = [m for m in partitions.months_due(now, ahead) if m not in existing]
        done.created[table.table] = [(m, partitions.create_month(session, table.table, table.key, m)) for m in due]
        dropped, held = done.dropped.setdefault(table.table, []), done.held_back.setdefault(table.table, [])
        for month in partitions.months_expired(existing, now, keep_months):
            if table.logged:
                if ledger.positions_unlogged(session, start=month.start, end=month.end):
                    held.append((month, NOT_LOGGED))
                    continue
                ledger.forget_positions(session, start=month.start, end=month.end)
            partitions.drop_month(session, table.table, month)
            dropped.append(month)
        _analyse_when_due(session, table.table, done)
    return done


def _analyse_when_due(session: Session, table: str, done: Upkeep) -> None:
    never = session.scalar(
        text("SELECT reltuples < 0 FROM pg_class WHERE oid = CAST(:table AS regclass)"), {"table": table}
    )
    if never or done.created.get(table):
        session.execute(text(f"ANALYZE {table}"))  # a name from code
        done.analysed.append(table)


def partition_report(session: Session) -> dict[str, list[Partition]]:
    """Each partitioned table's partitions (empty on SQLite, or before migration 0030)."""
    if session.get_bind().dialect.name != "postgresql":
        return {}
    return {
        table.table: partitions.partitions(session, table.table)
        for table in TABLES
        if partitions.is_partitioned(session, table.table)
    }
