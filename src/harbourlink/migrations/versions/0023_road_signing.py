"""road binding signatures (certificate or security code) and security tokens

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 04:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "road_binding_signatures",
        sa.Column("ubr", sa.String(length=11), nullable=False),
        sa.Column("org_id", sa.String(length=36), nullable=False),
        sa.Column("signed_by", sa.String(length=36), nullable=True),
        sa.Column("method", sa.String(length=13), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("signature", sa.Text(), nullable=True),
        sa.Column("certificate", sa.Text(), nullable=True),
        sa.Column("algorithm", sa.String(length=40), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_road_binding_signatures_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["ubr"], ["road_bindings.ubr"], name=op.f("fk_road_binding_signatures_ubr_road_bindings")
        ),
        sa.PrimaryKeyConstraint("ubr", name=op.f("pk_road_binding_signatures")),
    )
    with op.batch_alter_table("road_binding_signatures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_road_binding_signatures_org_id"), ["org_id"], unique=False)

    op.create_table(
        "road_security_tokens",
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("org_id", sa.String(length=36), nullable=False),
        sa.Column("seed_sealed", sa.Text(), nullable=False),
        sa.Column("last_step", sa.Integer(), nullable=True),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_road_security_tokens_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_road_security_tokens_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_road_security_tokens")),
    )
    with op.batch_alter_table("road_security_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_road_security_tokens_org_id"), ["org_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("road_security_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_road_security_tokens_org_id"))
    op.drop_table("road_security_tokens")
    with op.batch_alter_table("road_binding_signatures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_road_binding_signatures_org_id"))
    op.drop_table("road_binding_signatures")
