"""road boundary: customs' GO / INSPECT decision on a binding and its crossing

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 04:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("road_bindings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision", sa.String(length=7), nullable=True))
        batch_op.add_column(sa.Column("decided_by", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("decision_note", sa.String(length=500), server_default="", nullable=False))
        batch_op.add_column(sa.Column("crossed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("crossed_by", sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("road_bindings", schema=None) as batch_op:
        for column in ("crossed_by", "crossed_at", "decision_note", "decided_at", "decided_by", "decision"):
            batch_op.drop_column(column)
