"""road notices: attachments of customs queries' replies, the planned crossing of a consignment, bind reminders

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("road_consignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("planned_vehicle", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("planned_control_point", sa.String(length=3), nullable=True))
        batch_op.create_index(batch_op.f("ix_road_consignments_planned_vehicle"), ["planned_vehicle"], unique=False)

    op.create_table(
        "road_query_attachments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("query_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=120), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["query_id"], ["road_queries.id"], name=op.f("fk_road_query_attachments_query_id_road_queries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_road_query_attachments")),
    )
    with op.batch_alter_table("road_query_attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_road_query_attachments_query_id"), ["query_id"], unique=False)

    op.create_table(
        "road_reminders",
        sa.Column("trip_id", sa.String(length=36), nullable=False),
        sa.Column("ccrn", sa.String(length=11), nullable=False),
        sa.Column("driver_user_id", sa.String(length=36), nullable=False),
        sa.Column("org_id", sa.String(length=36), nullable=False),
        sa.Column("vehicle", sa.String(length=8), nullable=False),
        sa.Column("control_point", sa.String(length=3), nullable=False),
        sa.Column("eta", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ccrn"], ["road_consignments.ccrn"], name=op.f("fk_road_reminders_ccrn_road_consignments")
        ),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], name=op.f("fk_road_reminders_org_id_organisations")),
        sa.PrimaryKeyConstraint("trip_id", "ccrn", name=op.f("pk_road_reminders")),
    )
    with op.batch_alter_table("road_reminders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_road_reminders_driver_user_id"), ["driver_user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("road_reminders")
    op.drop_table("road_query_attachments")
    with op.batch_alter_table("road_consignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_road_consignments_planned_vehicle"))
        batch_op.drop_column("planned_control_point")
        batch_op.drop_column("planned_vehicle")
