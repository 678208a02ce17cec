"""links of house air waybills to master air waybills: a kind on each House→Master link

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 21:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("bl_links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=8), server_default="BL", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("bl_links", schema=None) as batch_op:
        batch_op.drop_column("kind")
