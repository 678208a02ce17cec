"""the work queue's pending items in their own index, in the order a claim takes them

A claim takes a queue's due items oldest first (``ORDER BY id``). Done items stay a day
(``HARBOURLINK_WORK_KEEP_DONE_HOURS``), and the planner walked the primary key from the oldest
item, past every done one, to the first pending: 4 ms a claim with 40,000 done items, growing
with a day's traffic. ``ix_work_items_pending`` holds only pending items, by queue and age.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    op.create_index(
        "ix_work_items_pending",
        "work_items",
        ["queue", "id"],
        unique=False,
        postgresql_where=PENDING,
        sqlite_where=PENDING,
    )


def downgrade() -> None:
    op.drop_index("ix_work_items_pending", table_name="work_items")
