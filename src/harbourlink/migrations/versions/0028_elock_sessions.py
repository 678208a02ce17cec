"""e-locks: report tokens, expected times, each authority's seal session and its log

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 06:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("elock_devices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token_digest", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_elock_devices_token_digest"), ["token_digest"])
    with op.batch_alter_table("elock_trips", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expected_hk_exit", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("expected_arrival", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "elock_seal_sessions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("trip_id", sa.String(length=36), nullable=False),
        sa.Column("segment", sa.String(length=10), nullable=False),
        sa.Column("org_id", sa.String(length=36), nullable=False),
        sa.Column("key_sealed", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("head_mac", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_elock_seal_sessions_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["trip_id"], ["elock_trips.id"], name=op.f("fk_elock_seal_sessions_trip_id_elock_trips")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_elock_seal_sessions")),
        sa.UniqueConstraint("trip_id", "segment", name=op.f("uq_elock_seal_sessions_trip_id_segment")),
    )
    with op.batch_alter_table("elock_seal_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_elock_seal_sessions_org_id"), ["org_id"], unique=False)
    op.create_table(
        "elock_session_entries",
        sa.Column("seq", SEQ, autoincrement=True, nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["elock_seal_sessions.id"],
            name=op.f("fk_elock_session_entries_session_id_elock_seal_sessions"),
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_elock_session_entries")),
        sa.UniqueConstraint("session_id", "n", name=op.f("uq_elock_session_entries_session_id_n")),
    )


def downgrade() -> None:
    op.drop_table("elock_session_entries")
    with op.batch_alter_table("elock_seal_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_elock_seal_sessions_org_id"))
    op.drop_table("elock_seal_sessions")
    with op.batch_alter_table("elock_trips", schema=None) as batch_op:
        batch_op.drop_column("expected_arrival")
        batch_op.drop_column("expected_hk_exit")
    with op.batch_alter_table("elock_devices", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_elock_devices_token_digest"), type_="unique")
        batch_op.drop_column("token_digest")
