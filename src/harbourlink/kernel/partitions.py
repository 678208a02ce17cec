"""Monthly RANGE partitions of a PostgreSQL table by a time column: listing, creating ahead, dropping.

A partitioned table ``t`` has one partition per month, ``t_pYYYYMM`` (from the month's first
instant, UTC, to the next month's), and ``t_default``, which catches a row of a month that has no
partition yet (AIS receivers send wild timestamps). PostgreSQL refuses to create a month's
partition while the default holds rows of that month, so ``create_month`` does what pg_partman
does: in the caller's transaction it detaches the default, creates the month, moves the month's
rows out of the default and attaches it again. Table and column names come from code, never
from input. SQLite has no partitions: there the tables stay plain and nothing here is called.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

DEFAULT_SUFFIX = "default"
_MONTH_SUFFIX = re.compile(r"^p(\d{4})(\d{2})$")
_PARTITION_NAME = re.compile(r"^\w+_(?:p\d{6}|default)$")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month in UTC: the range ``[start, end)`` of one partition."""

    year: int
    month: int

    @classmethod
    def of(cls, at: datetime) -> Month:
        at = at.astimezone(UTC)
        return cls(at.year, at.month)

    def plus(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        return self.plus(1).start

    @property
    def suffix(self) -> str:
        return f"p{self.year:04d}{self.month:02d}"

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def partition_name(table: str, month: Month | None) -> str:
    """``t_pYYYYMM`` for a month, ``t_default`` for the default partition."""
    return f"{table}_{month.suffix if month else DEFAULT_SUFFIX}"


def is_partition_name(name: str) -> bool:
    """Whether a table name is one of a partitioned table's parts (which no model describes)."""
    return bool(_PARTITION_NAME.match(name))


def months_due(now: datetime, ahead: int) -> list[Month]:
    """The months that must have a partition: the current one and ``ahead`` more."""
    current = Month.of(now)
    return [current.plus(i) for i in range(ahead + 1)]


def months_expired(months: list[Month], now: datetime, keep: int | None) -> list[Month]:
    """The months whose partitions retention drops: those that ended more than ``keep`` whole months
    before the current month began (``keep`` None keeps everything)."""
    if keep is None:
        return []
    cutoff = Month.of(now).plus(-keep).start
    return [month for month in months if month.end <= cutoff]


@dataclass(frozen=True)
class Partition:
    """One partition as it stands: its month (None for the default) and an estimate of its rows."""

    name: str
    month: Month | None
    rows: int


def is_partitioned(session: Session, table: str) -> bool:
    return bool(
        session.scalar(
            text(
                "SELECT EXISTS (SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
                "WHERE c.relname = :table AND pg_table_is_visible(c.oid))"
            ),
            {"table": table},
        )
    )


def partitions(session: Session, table: str) -> list[Partition]:
    """The table's partitions, months in order then the default; rows as the planner's estimate
    (``reltuples``, kept by autovacuum and ANALYZE), so listing never scans a month of rows."""
    rows = session.execute(
        text(
            "SELECT c.relname, greatest(c.reltuples, 0)::bigint FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
            "WHERE p.relname = :table AND pg_table_is_visible(p.oid)"
        ),
        {"table": table},
    ).all()
    found = []
    for name, estimate in rows:
        suffix = name.removeprefix(f"{table}_")
        match = _MONTH_SUFFIX.match(suffix)
        month = Month(int(match[1]), int(match[2])) if match else None
        found.append(Partition(name, month, int(estimate)))
    return sorted(found, key=lambda p: (p.month is None, p.month or Month(0, 1)))


def create_month(session: Session, table: str, key: str, month: Month) -> int:
    """Creates the month's partition; returns how many rows it took over from the default partition.

    Runs in the caller's transaction, so a failure leaves the default attached and nothing moved.
    """
    name, default = partition_name(table, month), partition_name(table, None)
    bounds = f"FOR VALUES FROM ('{month.start.isoformat()}') TO ('{month.end.isoformat()}')"
    stray = f"FROM {default} WHERE {key} >= :start AND {key} < :end"
    window = {"start": month.start, "end": month.end}
    if not session.scalar(text(f"SELECT EXISTS (SELECT 1 {stray})"), window):
        session.execute(text(f"CREATE TABLE {name} PARTITION OF {table} {bounds}"))
        return 0
    session.execute(text(f"ALTER TABLE {table} DETACH PARTITION {default}"))
    session.execute(text(f"CREATE TABLE {name} PARTITION OF {table} {bounds}"))
    move = f"WITH moved AS (DELETE {stray} RETURNING *) INSERT INTO {name} SELECT * FROM moved"  # noqa: S608
    moved = session.execute(text(move), window)
    session.execute(text(f"ALTER TABLE {table} ATTACH PARTITION {default} DEFAULT"))
    return int(getattr(moved, "rowcount", 0) or 0)


def drop_month(session: Session, table: str, month: Month) -> None:
    """Drops a month's partition and its rows at once (no row-by-row DELETE, no bloat left behind)."""
    session.execute(text(f"DROP TABLE {partition_name(table, month)}"))
