"""Writing many rows at once: COPY on PostgreSQL (the fastest way rows enter it), one executemany elsewhere."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

COPY_FROM_ROWS = 20
"""Below this many rows a plain INSERT is quicker than COPY through a staging table (four statements)."""


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


def insert_new_rows(
    session: Session,
    model: type[Any],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning: Sequence[str],
) -> list[tuple[Any, ...]]:
    """Inserts the ``rows`` that no unique constraint of ``model``'s table already holds; returns the
    ``returning`` columns of the rows inserted (a row already stored is left as it is).

    On PostgreSQL a large batch is COPYed into a session-local staging table, then moved by one
    ``INSERT … SELECT … ON CONFLICT DO NOTHING``: set-based and idempotent in one statement.
    """
    if not rows:
        return []
    table = model.__tablename__
    if session.get_bind().dialect.name != "postgresql" or len(rows) < COPY_FROM_ROWS:
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        statement = (
            dialect.insert(model).on_conflict_do_nothing().returning(*(getattr(model, name) for name in returning))
        )
        return [
            tuple(row) for row in session.execute(statement, [dict(zip(columns, row, strict=True)) for row in rows])
        ]
    raw = session.connection().connection.driver_connection
    assert raw is not None  # noqa: S101 - a live connection of this session
    column_list = ", ".join(columns)
    staging = f"staging_{table}_{zlib.crc32(column_list.encode()):08x}"  # one staging table per column list
    with raw.cursor() as cursor:
        # Table and column names come from the models, never from input. Emptied in place when the
        # transaction commits (as ``events.store`` explains); the DELETE clears an earlier call's rows.
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {staging} ON COMMIT DELETE ROWS AS "  # noqa: S608
            f"SELECT {column_list} FROM {table} WITH NO DATA"
        )
        cursor.execute(f"DELETE FROM {staging}")  # noqa: S608
        with cursor.copy(f"COPY {staging} ({column_list}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {staging} "  # noqa: S608
            f"ON CONFLICT DO NOTHING RETURNING {', '.join(returning)}"
        )
        return [tuple(row) for row in cursor.fetchall()]
