"""Counting the SQL statements a piece of code sends, to hold query counts where they were measured."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from sqlalchemy import Connection, Engine
from sqlalchemy import event as sqlalchemy_event

from harbourlink.kernel import Database


@contextmanager
def _on_each_statement(engine: Engine, note: Callable[..., None]) -> Iterator[None]:
    sqlalchemy_event.listen(engine, "before_cursor_execute", note)
    try:
        yield
    finally:
        sqlalchemy_event.remove(engine, "before_cursor_execute", note)


@contextmanager
def counted(db: Database) -> Iterator[list[str]]:
    """The statements sent through ``db`` inside the block, in order."""
    statements: list[str] = []
    with _on_each_statement(db.engine, lambda *args: statements.append(str(args[2]))):
        yield statements


@contextmanager
def sent_with_parameters(db: Database) -> Iterator[list[tuple[str, Any]]]:
    """The statements sent through ``db`` inside the block, each with its parameters."""
    statements: list[tuple[str, Any]] = []
    with _on_each_statement(db.engine, lambda *args: statements.append((args[2], args[3]))):
        yield statements


@contextmanager
def in_transaction_or_not(engine: Engine) -> Iterator[list[tuple[str, bool]]]:
    """The statements sent through ``engine`` inside the block, each with whether a transaction wrapped it
    (False: it committed by itself, with no BEGIN and COMMIT around it)."""
    seen: list[tuple[str, bool]] = []

    def note(connection: Connection, _cursor: object, statement: str, *_: object) -> None:
        seen.append((statement, not _autocommits(connection.connection.dbapi_connection)))

    with _on_each_statement(engine, note):
        yield seen


def _autocommits(dbapi_connection: object) -> bool:
    if isinstance(dbapi_connection, psycopg.Connection):
        return bool(dbapi_connection.autocommit)
    return getattr(dbapi_connection, "isolation_level", "") is None  # sqlite3: no BEGIN of its own


def plan_run(db: Database, statement: str, parameters: dict[str, Any], *, generic: bool = False) -> dict[str, Any]:
    """PostgreSQL's plan of ``statement`` (as sent by psycopg), run and rolled back, with its actual row counts.

    ``generic``: planned as a prepared statement is after its first executions, without the parameters' values
    (each parameter must then have a type the server can infer)."""
    with db.engine.connect() as connection:
        if not generic:
            explained = connection.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters).one()
        else:
            explained = _generic_plan_run(connection.connection.dbapi_connection, statement, parameters)
        connection.rollback()
    plan: dict[str, Any] = explained[0][0]["Plan"]
    return plan


def _generic_plan_run(dbapi: Any, statement: str, parameters: dict[str, Any]) -> Any:
    names = list(dict.fromkeys(re.findall(r"%\((\w+)\)s", statement)))
    numbered = re.sub(r"%\((\w+)\)s", lambda found: f"${names.index(found.group(1)) + 1}", statement)
    with psycopg.ClientCursor(dbapi) as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute(f"PREPARE planned AS {numbered}")
        arguments = ", ".join(["%s"] * len(names))
        cursor.execute(
            f"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE planned({arguments})", [parameters[name] for name in names]
        )
        explained = cursor.fetchone()
        cursor.execute("DEALLOCATE planned")  # a prepared statement outlives the transaction
    return explained


def rows_read(plan: dict[str, Any], table: str) -> int:
    """Rows the plan's scans of ``table`` read, kept or filtered out, over all their loops."""
    scanned = plan.get("Relation Name") == table and "Scan" in plan["Node Type"]
    own = (plan["Actual Rows"] + plan.get("Rows Removed by Filter", 0)) * plan["Actual Loops"] if scanned else 0
    return own + sum(rows_read(child, table) for child in plan.get("Plans", []))
