"""vessel_positions.time_source: a receiver's time from the sentence, or the message's arrival

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 17:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("vessel_positions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("time_source", sa.String(length=10), server_default="receiver", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("vessel_positions", schema=None) as batch_op:
        batch_op.drop_column("time_source")
