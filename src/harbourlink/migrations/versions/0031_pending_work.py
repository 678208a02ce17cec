"""leased tables' pending rows in indexes of their own, in the order a claim takes them

A claim takes due rows oldest first (``ORDER BY id``). Done work items stay a day
(``HARBOURLINK_WORK_KEEP_DONE_HOURS``), and the planner walked the primary key from the oldest
item, past every done one, to the first pending: 4 ms a claim with 40,000 done items, growing
with a day's traffic. The alert and DCSA callback outboxes keep their delivered rows for good.
Each index holds only the pending rows: work items by queue and age, the outboxes' by age.

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


INDEXES = {
    "ix_work_items_pending": ("work_items", ["queue", "id"]),
    "ix_alert_notifications_pending": ("alert_notifications", ["id"]),
    "ix_dcsa_callback_deliveries_pending": ("dcsa_callback_deliveries", ["id"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns, unique=False, postgresql_where=PENDING, sqlite_where=PENDING)


def downgrade() -> None:
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
