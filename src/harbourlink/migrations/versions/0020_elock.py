"""elock: locks, approved trips with their routes, the locks' raw sentences, positions, custody changes, alerts

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "elock_sentences",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("peer", sa.String(length=64), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("device_id", sa.String(length=32), nullable=True),
        sa.Column("trip_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("replay_of", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_elock_sentences")),
    )
    with op.batch_alter_table("elock_sentences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_elock_sentences_device_id"), ["device_id"], unique=False)
        batch_op.create_index("ix_elock_sentences_status", ["status", "received_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_elock_sentences_trip_id"), ["trip_id"], unique=False)

    op.create_table(
        "elock_devices",
        sa.Column("device_id", sa.String(length=32), nullable=False),
        sa.Column("protocol", sa.String(length=10), nullable=False),
        sa.Column("org_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], name=op.f("fk_elock_devices_org_id_organisations")),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_elock_devices")),
    )
    with op.batch_alter_table("elock_devices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_elock_devices_org_id"), ["org_id"], unique=False)

    op.create_table(
        "elock_trips",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=32), nullable=False),
        sa.Column("vehicle", sa.String(length=10), nullable=False),
        sa.Column("references", sa.JSON(), nullable=False),
        sa.Column("route", sa.JSON(), nullable=False),
        sa.Column("hk_org_id", sa.String(length=36), nullable=False),
        sa.Column("mainland_org_id", sa.String(length=36), nullable=False),
        sa.Column("trucking_org_id", sa.String(length=36), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["device_id"], ["elock_devices.device_id"], name=op.f("fk_elock_trips_device_id_elock_devices")
        ),
        sa.ForeignKeyConstraint(
            ["hk_org_id"], ["organisations.id"], name=op.f("fk_elock_trips_hk_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["mainland_org_id"], ["organisations.id"], name=op.f("fk_elock_trips_mainland_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["trucking_org_id"], ["organisations.id"], name=op.f("fk_elock_trips_trucking_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_elock_trips")),
    )
    with op.batch_alter_table("elock_trips", schema=None) as batch_op:
        batch_op.create_index("ix_elock_trips_device_state", ["device_id", "state"], unique=False)
        batch_op.create_index(batch_op.f("ix_elock_trips_hk_org_id"), ["hk_org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_elock_trips_mainland_org_id"), ["mainland_org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_elock_trips_trucking_org_id"), ["trucking_org_id"], unique=False)

    op.create_table(
        "elock_alerts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("trip_id", sa.String(length=36), nullable=False),
        sa.Column("segment", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("sentence_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["trip_id"], ["elock_trips.id"], name=op.f("fk_elock_alerts_trip_id_elock_trips")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_elock_alerts")),
        sa.UniqueConstraint("trip_id", "kind", "key", name=op.f("uq_elock_alerts_trip_id_kind_key")),
    )
    with op.batch_alter_table("elock_alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_elock_alerts_trip_id"), ["trip_id"], unique=False)

    op.create_table(
        "elock_positions",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("trip_id", sa.String(length=36), nullable=False),
        sa.Column("segment", sa.String(length=10), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("accuracy_m", sa.Float(), nullable=True),
        sa.Column("speed_kmh", sa.Float(), nullable=True),
        sa.Column("heading", sa.Float(), nullable=True),
        sa.Column("sentence_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["trip_id"], ["elock_trips.id"], name=op.f("fk_elock_positions_trip_id_elock_trips")),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_elock_positions")),
        sa.UniqueConstraint("trip_id", "at", name=op.f("uq_elock_positions_trip_id_at")),
    )
    with op.batch_alter_table("elock_positions", schema=None) as batch_op:
        batch_op.create_index("ix_elock_positions_trip_segment", ["trip_id", "segment"], unique=False)

    op.create_table(
        "elock_transitions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("trip_id", sa.String(length=36), nullable=False),
        sa.Column("segment", sa.String(length=10), nullable=False),
        sa.Column("before", sa.String(length=20), nullable=False),
        sa.Column("after", sa.String(length=20), nullable=False),
        sa.Column("lock", sa.String(length=10), nullable=False),
        sa.Column("trigger", sa.String(length=30), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("sentence_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.ForeignKeyConstraint(["trip_id"], ["elock_trips.id"], name=op.f("fk_elock_transitions_trip_id_elock_trips")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_elock_transitions")),
    )
    with op.batch_alter_table("elock_transitions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_elock_transitions_trip_id"), ["trip_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("elock_transitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_elock_transitions_trip_id"))

    op.drop_table("elock_transitions")
    with op.batch_alter_table("elock_positions", schema=None) as batch_op:
        batch_op.drop_index("ix_elock_positions_trip_segment")

    op.drop_table("elock_positions")
    with op.batch_alter_table("elock_alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_elock_alerts_trip_id"))

    op.drop_table("elock_alerts")
    with op.batch_alter_table("elock_trips", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_elock_trips_trucking_org_id"))
        batch_op.drop_index(batch_op.f("ix_elock_trips_mainland_org_id"))
        batch_op.drop_index(batch_op.f("ix_elock_trips_hk_org_id"))
        batch_op.drop_index("ix_elock_trips_device_state")

    op.drop_table("elock_trips")
    with op.batch_alter_table("elock_devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_elock_devices_org_id"))

    op.drop_table("elock_devices")
    with op.batch_alter_table("elock_sentences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_elock_sentences_trip_id"))
        batch_op.drop_index("ix_elock_sentences_status")
        batch_op.drop_index(batch_op.f("ix_elock_sentences_device_id"))

    op.drop_table("elock_sentences")
