"""service uses: the meter of value-added services (plug-ins), per company and service

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 03:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "service_uses",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=36), nullable=False),
        sa.Column("service", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_service_uses_org_id_organisations"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_uses")),
        sa.UniqueConstraint("service", "key", name="uq_service_uses_service_key"),
    )
    with op.batch_alter_table("service_uses", schema=None) as batch_op:
        batch_op.create_index("ix_service_uses_org_service_time", ["org_id", "service", "used_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("service_uses", schema=None) as batch_op:
        batch_op.drop_index("ix_service_uses_org_service_time")
    op.drop_table("service_uses")
