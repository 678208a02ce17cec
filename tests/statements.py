"""Counting the SQL statements a piece of code sends, to hold query counts where they were measured."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event as sqlalchemy_event

from harbourlink.kernel import Database


@contextmanager
def counted(db: Database) -> Iterator[list[str]]:
    """The statements sent through ``db`` inside the block, in order."""
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    sqlalchemy_event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sqlalchemy_event.remove(db.engine, "before_cursor_execute", count)
