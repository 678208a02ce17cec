"""the one durable work queue; positions found by their message; dead DCSA deliveries named as every queue's;
progress of large messages

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "work_items",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("queue", sa.String(length=60), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=80), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_items")),
        sa.UniqueConstraint("key", name=op.f("uq_work_items_key")),
    )
    op.create_index("ix_work_items_due", "work_items", ["queue", "status", "next_attempt_at"], unique=False)
    op.create_index(op.f("ix_vessel_positions_message_id"), "vessel_positions", ["message_id"], unique=False)
    op.execute("UPDATE dcsa_callback_deliveries SET status = 'dead' WHERE status = 'failed'")
    with op.batch_alter_table("inbound_messages") as batch_op:
        batch_op.add_column(sa.Column("items_total", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("items_done", sa.Integer(), nullable=False, server_default="0"))
    # Messages a crash left unread before the queue existed are queued now: the next worker reads them.
    payload = (
        "json_build_object('message_id', id)"
        if op.get_bind().dialect.name == "postgresql"
        else "json_object('message_id', id)"
    )
    op.execute(
        "INSERT INTO work_items (queue, key, payload, status, attempts, created_at, next_attempt_at) "  # noqa: S608 - constant SQL
        f"SELECT 'inbound.process', 'inbound.process:' || id, {payload}, 'pending', 0, "
        "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM inbound_messages WHERE status = 'received'"
    )


def downgrade() -> None:
    with op.batch_alter_table("inbound_messages") as batch_op:
        batch_op.drop_column("items_done")
        batch_op.drop_column("items_total")
    op.execute("UPDATE dcsa_callback_deliveries SET status = 'failed' WHERE status = 'dead'")
    op.drop_index(op.f("ix_vessel_positions_message_id"), table_name="vessel_positions")
    op.drop_index("ix_work_items_due", table_name="work_items")
    op.drop_table("work_items")
