"""elock console: officers' handling of alerts (acknowledgement, disposition) and the one inspection of a trip

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "elock_alert_handling",
        sa.Column("alert_id", sa.String(length=36), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_by", sa.String(length=36), nullable=True),
        sa.Column("disposition", sa.String(length=30), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("disposed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disposed_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["elock_alerts.id"], name=op.f("fk_elock_alert_handling_alert_id_elock_alerts")
        ),
        sa.PrimaryKeyConstraint("alert_id", name=op.f("pk_elock_alert_handling")),
    )
    op.create_table(
        "elock_inspections",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("trip_id", sa.String(length=36), nullable=False),
        sa.Column("segment", sa.String(length=10), nullable=False),
        sa.Column("place", sa.String(length=20), nullable=False),
        sa.Column("place_name", sa.String(length=100), nullable=False),
        sa.Column("officer", sa.String(length=100), nullable=False),
        sa.Column("inspected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("seal_reapplied", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("follow_up", sa.String(length=20), nullable=True),
        sa.Column("follow_up_note", sa.Text(), nullable=True),
        sa.Column("follow_up_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("follow_up_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(["trip_id"], ["elock_trips.id"], name=op.f("fk_elock_inspections_trip_id_elock_trips")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_elock_inspections")),
        sa.UniqueConstraint("trip_id", name=op.f("uq_elock_inspections_trip_id")),
    )


def downgrade() -> None:
    op.drop_table("elock_inspections")
    op.drop_table("elock_alert_handling")
