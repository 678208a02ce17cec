"""Writing many rows at once: COPY on PostgreSQL (the fastest way rows enter it), one executemany elsewhere."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session


def insert_rows(session: Session, model: type[Any], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Inserts ``rows`` (values in the order of ``columns``) into ``model``'s table, in the caller's transaction."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        raw = session.connection().connection.driver_connection
        assert raw is not None  # noqa: S101 - a live connection of this session
        # Table and column names come from the models, never from input.
        statement = f"COPY {model.__tablename__} ({', '.join(columns)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
        return
    session.execute(insert(model), [dict(zip(columns, row, strict=True)) for row in rows])
