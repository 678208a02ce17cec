"""the operator's health view: worker heartbeats, and indexes that keep its figures cheap

Worker loops write a heartbeat row. The figures read work items, inbound messages by status (the
backlog, failures and traffic of a time window) and checkpoints by time (the log's growth per
hour); done items, read messages and old checkpoints stay, so each read goes through an index
that skips them.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "worker_heartbeats",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("roles", sa.String(length=100), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempted", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_worker_heartbeats")),
    )
    op.create_index(op.f("ix_worker_heartbeats_seen_at"), "worker_heartbeats", ["seen_at"], unique=False)
    op.create_index("ix_work_items_status", "work_items", ["status", "next_attempt_at"], unique=False)
    op.create_index("ix_inbound_messages_status", "inbound_messages", ["status", "received_at"], unique=False)
    op.create_index("ix_ledger_checkpoints_created", "ledger_checkpoints", ["log_id", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_ledger_checkpoints_created", table_name="ledger_checkpoints")
    op.drop_index("ix_inbound_messages_status", table_name="inbound_messages")
    op.drop_index("ix_work_items_status", table_name="work_items")
    op.drop_index(op.f("ix_worker_heartbeats_seen_at"), table_name="worker_heartbeats")
    op.drop_table("worker_heartbeats")
