"""indexes the tracking lookup needs, and statistics that keep up with bulk loads

A lookup reads each found event's references by event (now an index-only scan on event, kind,
value, where the old index on event alone made PostgreSQL, without fresh statistics, scan the
primary key by kind instead), checks whether a view is already in the access log by viewer and
reference, and finds an owner's standing rules by owner and rule. On PostgreSQL, autovacuum
re-analyses the tables that bulk grants and big ingests change after a smaller share of new rows
than its default 10 %, so plans see current statistics within a minute, without manual ANALYZE.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 17:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Re-analyse after threshold + scale_factor × rows changed (PostgreSQL's defaults: 50 + 10 %).
ANALYZE_AFTER = {
    "grants": (200, 0.02),
    "parties": (200, 0.02),
    "bl_links": (200, 0.02),
    "events": (10_000, 0.02),
    "event_references": (10_000, 0.02),
}


def upgrade() -> None:
    with op.batch_alter_table("event_references", schema=None) as batch_op:
        batch_op.drop_index("ix_event_references_event")
        batch_op.create_index("ix_event_references_event", ["event_seq", "kind", "value"], unique=False)
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.create_index("ix_access_log_viewer_reference", ["viewer_org_id", "reference", "at"], unique=False)
    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.create_index("ix_grants_rule", ["owner_org_id", "rule"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        for table, (threshold, scale) in ANALYZE_AFTER.items():
            op.execute(
                f"ALTER TABLE {table} SET (autovacuum_analyze_threshold = {threshold}, "
                f"autovacuum_analyze_scale_factor = {scale})"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ANALYZE_AFTER:
            op.execute(f"ALTER TABLE {table} RESET (autovacuum_analyze_threshold, autovacuum_analyze_scale_factor)")
    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.drop_index("ix_grants_rule")
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.drop_index("ix_access_log_viewer_reference")
    with op.batch_alter_table("event_references", schema=None) as batch_op:
        batch_op.drop_index("ix_event_references_event")
        batch_op.create_index("ix_event_references_event", ["event_seq"], unique=False)
