"""statistics of which kinds each number is stored under, for the tracking lookup's plan

A busy B/L is one value under one kind, but its tens of thousands of references made PostgreSQL
estimate as many rows for that value under every other kind, and probe each kind by a sequential
scan of the whole table. A multivariate MCV list on (kind, value) tells the planner which kinds a
common number really has, so the probes are index lookups (SQLite has no such statistics).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 03:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE STATISTICS IF NOT EXISTS st_event_references_kind_value (mcv) ON kind, value FROM event_references"
        )
        op.execute("ANALYZE event_references")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP STATISTICS IF EXISTS st_event_references_kind_value")
