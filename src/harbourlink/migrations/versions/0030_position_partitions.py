"""positions partitioned by month on PostgreSQL; the duplicate (mmsi, at) index dropped

On PostgreSQL ``vessel_positions`` and ``truck_positions`` become RANGE-partitioned tables on
``at``, one partition per month holding rows (and this month and the next two), and a default
partition for rows of any other month. Rows are moved, the ``seq`` sequences kept. A primary key
of a partitioned table must hold the partition key, so it becomes (seq, at); the unique keys
(mmsi, at) and (track, at) already do. ``ix_vessel_positions_mmsi_at`` repeated the unique
(mmsi, at) key's own index and is dropped on both databases. SQLite keeps plain tables.

Revision ID: 0030
Revises: 0028
Create Date: 2026-12-07 07:00:00
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from alembic import op
from sqlalchemy import text

revision: str = "0030"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AHEAD = 2
"""Months created ahead of the current one; afterwards the upkeep job keeps them ahead."""
OLDEST = 2000
"""Rows dated before this year (a receiver's clock gone wrong) go to the default partition."""


@dataclass(frozen=True)
class Positions:
    table: str
    uniques: dict[str, tuple[str, ...]]
    indexes: dict[str, tuple[str, ...]]


TABLES = (
    Positions(
        "vessel_positions",
        {"uq_vessel_positions_mmsi_at": ("mmsi", "at")},
        {"ix_vessel_positions_message_id": ("message_id",)},
    ),
    Positions(
        "truck_positions",
        {"uq_truck_positions_track_at": ("track", "at")},
        {"ix_truck_positions_trip_at": ("trip_id", "at")},
    ),
)


def _month_start(index: int) -> datetime:
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def _months_to_create(table: str) -> list[int]:
    """Month indexes (year * 12 + month - 1) holding rows within sane years, and this month and AHEAD more."""
    now = datetime.now(UTC)
    current = now.year * 12 + now.month - 1
    held = op.get_bind().execute(
        text(
            f"SELECT DISTINCT (extract(year FROM at AT TIME ZONE 'UTC') * 12 "  # noqa: S608 - names from code
            f"+ extract(month FROM at AT TIME ZONE 'UTC') - 1)::int FROM {table}"
        )
    )
    wanted = {month for (month,) in held if OLDEST * 12 <= month <= current + AHEAD}
    return sorted(wanted | set(range(current, current + AHEAD + 1)))


def _keys(spec: Positions, primary: tuple[str, ...]) -> None:
    table = spec.table
    op.execute(f"ALTER TABLE {table} ADD CONSTRAINT pk_{table} PRIMARY KEY ({', '.join(primary)})")
    for name, columns in spec.uniques.items():
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE ({', '.join(columns)})")
    for name, columns in spec.indexes.items():
        op.execute(f"CREATE INDEX {name} ON {table} ({', '.join(columns)})")


def _rebuild(spec: Positions, *, partitioned: bool) -> None:
    """Builds the table anew (partitioned or plain), moves the rows, keeps the sequence, takes the name.

    Keys and indexes are built after the rows are in: one sort per index instead of row-by-row upkeep.
    """
    table, new = spec.table, f"{spec.table}_rebuilt"
    by = " PARTITION BY RANGE (at)" if partitioned else ""
    op.execute(f"CREATE TABLE {new} (LIKE {table} INCLUDING DEFAULTS){by}")
    if partitioned:
        for index in _months_to_create(table):
            start, end = _month_start(index), _month_start(index + 1)
            op.execute(
                f"CREATE TABLE {table}_p{start:%Y%m} PARTITION OF {new} "
                f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
            )
        op.execute(f"CREATE TABLE {table}_default PARTITION OF {new} DEFAULT")
    op.execute(f"INSERT INTO {new} SELECT * FROM {table}")  # noqa: S608 - names from code
    # The sequence belongs to the old table's column and would be dropped with it.
    op.execute(f"ALTER SEQUENCE {table}_seq_seq OWNED BY {new}.seq")
    op.execute(f"DROP TABLE {table}")
    op.execute(f"ALTER TABLE {new} RENAME TO {table}")
    op.execute(f"ANALYZE {table}")  # a partitioned table's statistics are not kept by autovacuum
    _keys(spec, ("seq", "at") if partitioned else ("seq",))


def upgrade() -> None:
    op.drop_index("ix_vessel_positions_mmsi_at", table_name="vessel_positions")
    if op.get_bind().dialect.name != "postgresql":
        return
    for spec in TABLES:
        _rebuild(spec, partitioned=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for spec in TABLES:
            _rebuild(spec, partitioned=False)
    op.create_index("ix_vessel_positions_mmsi_at", "vessel_positions", ["mmsi", "at"], unique=False)
