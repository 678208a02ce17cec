"""events partitioned by ranges of seq on PostgreSQL; their unique keys in event_keys

A new table ``event_keys`` (seq, id, owner_org_id, source_key) holds the keys an event must hold
across the whole store: ``seq`` as its primary key, the public ``id`` and ingest's idempotency key
(owner_org_id, source_key) as unique keys. ``events.seq`` refers to it (ON DELETE CASCADE); the
events' own unique keys become plain indexes, and ``ix_events_owner_org_id`` goes, as
(owner_org_id, source_key)'s index begins with the owner. On PostgreSQL ``events`` becomes a
RANGE-partitioned table on ``seq``, one partition per RANGE numbers from the first up to the
range after the one the sequence is in, and a default partition; rows are moved, and the sequence
is kept, now owned by ``event_keys.seq``, whose default it is. The foreign keys to ``events.seq``
(``event_references``, ``dcsa_callback_deliveries``) point at ``event_keys.seq`` instead: on a
partitioned table each row's check would be a query through the partitions, and no foreign key
pointing at ``events`` leaves its default partition free to be detached. SQLite keeps a plain
table.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RANGE = 10_000_000
"""Events per partition (the setting ``event_range_size``'s default); upkeep creates the later ones."""
SEQUENCE = "events_seq_seq"
KEY = "fk_events_seq_event_keys"
UNIQUES: dict[str, tuple[str, ...]] = {
    "uq_events_id": ("id",),
    "uq_events_owner_org_id_source_key": ("owner_org_id", "source_key"),
}
INDEXES: dict[str, tuple[str, ...]] = {
    "ix_events_message_id": ("message_id",),
    "ix_events_vessel_time": ("vessel_imo", "event_time"),
    "ix_events_vessel_call": ("vessel_imo", "voyage", "event_type", "seq"),
}
KEYED_INDEXES: dict[str, tuple[str, ...]] = {
    "ix_events_id": ("id",),
    "ix_events_owner_org_id_source_key": ("owner_org_id", "source_key"),
}
"""The unique keys' indexes on events, not unique, once event_keys enforces them."""
PLAIN_INDEXES: dict[str, tuple[str, ...]] = {"ix_events_owner_org_id": ("owner_org_id",)}
REFERRING = (("event_references", "event_seq"), ("dcsa_callback_deliveries", "event_seq"))
"""The foreign keys to an event's seq: (table, column)."""


def _index(name: str, columns: tuple[str, ...]) -> None:
    op.execute(f"CREATE INDEX {name} ON events ({', '.join(columns)})")


def _point_references_at(table: str, before: str) -> None:
    """Points the other tables' foreign keys to an event's seq at ``table``'s seq instead of ``before``'s."""
    for referring, column in REFERRING:
        with op.batch_alter_table(referring) as batch:
            batch.drop_constraint(f"fk_{referring}_{column}_{before}", type_="foreignkey")
            batch.create_foreign_key(f"fk_{referring}_{column}_{table}", table, [column], ["seq"], ondelete="CASCADE")


def _rebuild(*, partitioned: bool) -> None:
    """PostgreSQL: builds events anew (partitioned or plain), moves the rows and takes the name (no other
    table's foreign key points at it meanwhile). Keys and indexes are built after the rows are in: one
    sort per index instead of row-by-row upkeep."""
    by = " PARTITION BY RANGE (seq)" if partitioned else ""
    op.execute(f"CREATE TABLE events_rebuilt (LIKE events INCLUDING DEFAULTS){by}")
    if partitioned:
        last = op.get_bind().scalar(text(f"SELECT last_value FROM {SEQUENCE}"))  # noqa: S608 - a name from code
        for start in range(0, (int(last) // RANGE + 2) * RANGE, RANGE):
            op.execute(
                f"CREATE TABLE events_r{start:012d} PARTITION OF events_rebuilt "
                f"FOR VALUES FROM ({start}) TO ({start + RANGE})"
            )
        op.execute("CREATE TABLE events_default PARTITION OF events_rebuilt DEFAULT")
    op.execute("INSERT INTO events_rebuilt SELECT * FROM events")
    op.execute("DROP TABLE events")
    op.execute("ALTER TABLE events_rebuilt RENAME TO events")
    op.execute("ANALYZE events")  # a partitioned table's statistics are not kept by autovacuum
    op.execute("ALTER TABLE events ADD CONSTRAINT pk_events PRIMARY KEY (seq)")
    op.execute(
        "ALTER TABLE events ADD CONSTRAINT fk_events_owner_org_id_organisations "
        "FOREIGN KEY (owner_org_id) REFERENCES organisations (id)"
    )
    for name, columns in INDEXES.items():
        _index(name, columns)


def upgrade() -> None:
    op.create_table(
        "event_keys",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("owner_org_id", sa.String(length=36), nullable=False),
        sa.Column("source_key", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_event_keys")),
        sa.UniqueConstraint("id", name=op.f("uq_event_keys_id")),
        sa.UniqueConstraint("owner_org_id", "source_key", name=op.f("uq_event_keys_owner_org_id_source_key")),
    )
    op.execute(
        "INSERT INTO event_keys (seq, id, owner_org_id, source_key) SELECT seq, id, owner_org_id, source_key FROM events"
    )
    _point_references_at("event_keys", before="events")
    if op.get_bind().dialect.name != "postgresql":
        with op.batch_alter_table("events") as batch:
            for name in UNIQUES:
                batch.drop_constraint(name, type_="unique")
            batch.drop_index("ix_events_owner_org_id")
            for name, columns in KEYED_INDEXES.items():
                batch.create_index(name, list(columns))
            batch.create_foreign_key(KEY, "event_keys", ["seq"], ["seq"], ondelete="CASCADE")
        return
    # One sequence numbers the keys and so the events; the rebuilt table's column keeps no default.
    op.execute(f"ALTER TABLE event_keys ALTER COLUMN seq SET DEFAULT nextval('{SEQUENCE}')")
    op.execute(f"ALTER SEQUENCE {SEQUENCE} OWNED BY event_keys.seq")
    _rebuild(partitioned=True)
    op.execute("ALTER TABLE events ALTER COLUMN seq DROP DEFAULT")
    for name, columns in KEYED_INDEXES.items():
        _index(name, columns)
    op.execute(
        f"ALTER TABLE events ADD CONSTRAINT {KEY} FOREIGN KEY (seq) REFERENCES event_keys (seq) ON DELETE CASCADE"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        with op.batch_alter_table("events") as batch:
            batch.drop_constraint(KEY, type_="foreignkey")
            for name in KEYED_INDEXES:
                batch.drop_index(name)
            for name, columns in PLAIN_INDEXES.items():
                batch.create_index(name, list(columns))
            for name, columns in UNIQUES.items():
                batch.create_unique_constraint(name, list(columns))
        _point_references_at("events", before="event_keys")
        op.drop_table("event_keys")
        return
    _rebuild(partitioned=False)
    for name, columns in PLAIN_INDEXES.items():
        _index(name, columns)
    for name, columns in UNIQUES.items():
        op.execute(f"ALTER TABLE events ADD CONSTRAINT {name} UNIQUE ({', '.join(columns)})")
    op.execute(f"ALTER TABLE events ALTER COLUMN seq SET DEFAULT nextval('{SEQUENCE}')")
    op.execute(f"ALTER SEQUENCE {SEQUENCE} OWNED BY events.seq")
    _point_references_at("events", before="event_keys")
    op.drop_table("event_keys")
