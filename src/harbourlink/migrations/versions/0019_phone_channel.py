"""phone channel: drivers' phone accounts, and each call's record and server-side state

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 03:01:50.272174
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "phone_calls",
        sa.Column("call_sid", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("org_id", sa.String(length=36), nullable=True),
        sa.Column("account_id", sa.String(length=36), nullable=True),
        sa.Column("language", sa.String(length=3), nullable=False),
        sa.Column("outcomes", sa.JSON(), nullable=False),
        sa.Column("state", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("call_sid", name=op.f("pk_phone_calls")),
    )
    with op.batch_alter_table("phone_calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_phone_calls_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_phone_calls_org_id"), ["org_id"], unique=False)

    op.create_table(
        "phone_accounts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.String(length=6), nullable=False),
        sa.Column("org_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("vehicle", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("code_seed_sealed", sa.String(length=300), nullable=False),
        sa.Column("last_code_step", sa.BigInteger(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], name=op.f("fk_phone_accounts_org_id_organisations")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_phone_accounts_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phone_accounts")),
        sa.UniqueConstraint("number", name=op.f("uq_phone_accounts_number")),
        sa.UniqueConstraint("user_id", name=op.f("uq_phone_accounts_user_id")),
    )
    with op.batch_alter_table("phone_accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_phone_accounts_org_id"), ["org_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("phone_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_phone_accounts_org_id"))

    op.drop_table("phone_accounts")
    with op.batch_alter_table("phone_calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_phone_calls_org_id"))
        batch_op.drop_index(batch_op.f("ix_phone_calls_account_id"))

    op.drop_table("phone_calls")
