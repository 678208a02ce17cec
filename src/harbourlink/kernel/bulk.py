"""Writing many rows at once: COPY on PostgreSQL (the fastest way rows enter it), one executemany elsewhere."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
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
    return copy_then_insert(session, table, columns, rows, returning=returning)


def copy_then_insert(
    session: Session,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    returning: Sequence[str],
    conflict_target: str = "",
) -> list[tuple[Any, ...]]:
    """PostgreSQL: ``rows`` COPYed into a staging table, then moved by one ``INSERT … SELECT … ON CONFLICT
    {conflict_target} DO NOTHING``; returns the ``returning`` columns of the rows inserted."""
    column_list = ", ".join(columns)
    staging = _copy_to_staging(session, table, columns, rows)
    raw = session.connection().connection.driver_connection
    assert raw is not None  # noqa: S101 - a live connection of this session
    with raw.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {staging} "  # noqa: S608
            f"ON CONFLICT {conflict_target} DO NOTHING RETURNING {', '.join(returning)}"
        )
        return [tuple(row) for row in cursor.fetchall()]


def staging_table(table: str, columns: Sequence[str]) -> str:
    """The name of a connection's staging table for ``columns`` of ``table``: one per column list."""
    return f"staging_{table}_{zlib.crc32(', '.join(columns).encode()):08x}"


def _copy_to_staging(session: Session, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """COPYs ``rows`` into this connection's staging table for ``columns`` of ``table`` (made on first use,
    empty of other calls' rows) in the caller's transaction; returns its name.

    The server empties the table in place when a transaction that used it commits (``ON COMMIT DELETE
    ROWS``). A TRUNCATE before each use gave it a new file and catalogue row every time, which every other
    server process then had to hear of, and a connection kept for its process's life would hold a batch's
    rows until its next use. The DELETE clears what an earlier call in the same transaction left.
    """
    raw = session.connection().connection.driver_connection
    assert raw is not None  # noqa: S101 - a live connection of this session
    column_list = ", ".join(columns)
    staging = staging_table(table, columns)
    with raw.cursor() as cursor:
        # Table and column names come from the models, never from input.
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {staging} ON COMMIT DELETE ROWS AS "  # noqa: S608
            f"SELECT {column_list} FROM {table} WITH NO DATA"
        )
        cursor.execute(f"DELETE FROM {staging}")  # noqa: S608
        with cursor.copy(f"COPY {staging} ({column_list}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    return staging
