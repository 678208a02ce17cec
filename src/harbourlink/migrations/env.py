"""Alembic environment: runs migrations online against the URL the caller configured."""

from __future__ import annotations

from typing import Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import create_engine, pool

from harbourlink.kernel.db import UtcDateTime
from harbourlink.kernel.partitions import is_partition_name
from harbourlink.schema import metadata


def render_item(type_: str, obj: object, autogen_context: AutogenContext) -> str | Literal[False]:  # noqa: ARG001 - Alembic's hook
    """Migrations spell our UTC column as a plain timezone-aware DateTime, so they never import app code."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


config = context.config
url = config.get_main_option("sqlalchemy.url") or ""
engine = create_engine(url, poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
        render_item=render_item,
        # A partitioned table's monthly partitions are kept by upkeep, not by models and migrations.
        include_name=lambda name, kind, _parents: not (kind == "table" and is_partition_name(name or "")),
        # A plug-in's revisions are one chain of their own, kept in a version table of their own.
        version_table=config.get_main_option("version_table") or "alembic_version",
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
