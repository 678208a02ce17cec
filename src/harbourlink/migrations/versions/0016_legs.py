"""legs: who carries each part of a consignment's journey, nominated along the chain

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 23:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "legs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("root_id", sa.String(length=36), nullable=False),
        sa.Column("parent_id", sa.String(length=36), nullable=True),
        sa.Column("reference_type", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("mode", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("nominated_by_org_id", sa.String(length=36), nullable=False),
        sa.Column("nominated_by_user_id", sa.String(length=36), nullable=True),
        sa.Column("party_org_id", sa.String(length=36), nullable=False),
        sa.Column("party_id", sa.String(length=36), nullable=True),
        sa.Column("window_opens", sa.DateTime(timezone=True), nullable=True),
        sa.Column("window_closes", sa.DateTime(timezone=True), nullable=True),
        sa.Column("destination_name", sa.String(length=120), nullable=True),
        sa.Column("destination_latitude", sa.Float(), nullable=True),
        sa.Column("destination_longitude", sa.Float(), nullable=True),
        sa.Column("packages", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("trip_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_user_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(["parent_id"], ["legs.id"], name=op.f("fk_legs_parent_id_legs")),
        sa.ForeignKeyConstraint(
            ["nominated_by_org_id"], ["organisations.id"], name=op.f("fk_legs_nominated_by_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["party_org_id"], ["organisations.id"], name=op.f("fk_legs_party_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legs")),
    )
    with op.batch_alter_table("legs", schema=None) as batch_op:
        batch_op.create_index("ix_legs_party_status", ["party_org_id", "status"], unique=False)
        batch_op.create_index("ix_legs_nominator_status", ["nominated_by_org_id", "status"], unique=False)
        batch_op.create_index("ix_legs_root", ["root_id"], unique=False)
        batch_op.create_index("ix_legs_reference", ["reference", "reference_type"], unique=False)


def downgrade() -> None:
    op.drop_table("legs")
