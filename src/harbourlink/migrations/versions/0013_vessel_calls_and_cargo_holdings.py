"""vessel calls follow the trade; each company's numbers, newest first

An owner's sharing policy (``sharing_policies``: whether the vessel calls it published are shown
to the companies with cargo on them; no row is the default, shown). A vessel call's schedule is
found by ship and voyage, newest first (``ix_events_vessel_call``). ``cargo_holdings`` lists the numbers each
company's own events name, with when the newest arrived and the event telling its status, filled
here from the events already stored and kept by tracking's consumer of stored events from then on.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILL = """
INSERT INTO cargo_holdings (org_id, kind, value, last_at, status_seq, status_act, status_time)
SELECT owner_org_id, kind, value, last_at, seq, act, event_time FROM (
    SELECT e.owner_org_id, r.kind, r.value, e.seq, e.event_time,
           max(e.received_at) OVER number AS last_at,
           CASE WHEN e.classifier = 'ACT' AND e.event_type <> 'REEFER' THEN TRUE ELSE FALSE END AS act,
           row_number() OVER (number ORDER BY CASE WHEN e.classifier = 'ACT' AND e.event_type <> 'REEFER'
                              THEN 1 ELSE 0 END DESC, e.event_time DESC, e.seq DESC) AS rank
    FROM events e JOIN event_references r ON r.event_seq = e.seq
    WHERE r.kind IN ('MBL', 'HBL', 'CONTAINER', 'BOOKING', 'AWB', 'DECLARATION')
    WINDOW number AS (PARTITION BY e.owner_org_id, r.kind, r.value)
) ranked
WHERE rank = 1
"""


def upgrade() -> None:
    op.create_table(
        "sharing_policies",
        sa.Column("owner_org_id", sa.String(length=36), nullable=False),
        sa.Column("vessel_calls_withheld", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_org_id"],
            ["organisations.id"],
            name=op.f("fk_sharing_policies_owner_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("owner_org_id", name=op.f("pk_sharing_policies")),
    )
    op.create_table(
        "cargo_holdings",
        sa.Column("org_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("status_act", sa.Boolean(), nullable=False),
        sa.Column("status_time", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_cargo_holdings_org_id_organisations"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("org_id", "kind", "value", name=op.f("pk_cargo_holdings")),
    )
    with op.batch_alter_table("cargo_holdings", schema=None) as batch_op:
        batch_op.create_index("ix_cargo_holdings_recent", ["org_id", "last_at", "kind", "value"], unique=False)
        batch_op.create_index(
            "ix_cargo_holdings_value", ["org_id", "value"], unique=False, postgresql_ops={"value": "text_pattern_ops"}
        )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("ix_events_vessel_call", ["vessel_imo", "voyage", "event_type", "seq"], unique=False)
    op.execute(BACKFILL)


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_vessel_call")
    with op.batch_alter_table("cargo_holdings", schema=None) as batch_op:
        batch_op.drop_index("ix_cargo_holdings_value")
        batch_op.drop_index("ix_cargo_holdings_recent")
    op.drop_table("cargo_holdings")
    op.drop_table("sharing_policies")
