"""road import: the keys of an older system's records already imported

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 07:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "road_imported",
        sa.Column("org_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("old_key", sa.String(length=35), nullable=False),
        sa.Column("target", sa.String(length=36), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], name=op.f("fk_road_imported_org_id_organisations")),
        sa.PrimaryKeyConstraint("org_id", "kind", "old_key", name=op.f("pk_road_imported")),
    )


def downgrade() -> None:
    op.drop_table("road_imported")
