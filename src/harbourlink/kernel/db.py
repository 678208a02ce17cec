"""Database engine, declarative base and the unit of work used at the edges.

SQLite (WAL) is the embedded default; PostgreSQL is selected by URL. Only the edges (HTTP
request, CLI command, worker job) open and commit a transaction; services only flush.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from sqlalchemy import BigInteger, Connection, DateTime, Engine, Integer, MetaData, create_engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from harbourlink.kernel.clock import as_utc
from harbourlink.kernel.live import LIVE, hub

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on both SQLite (which forgets zones) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware time")
        # SQLite keeps the wall-clock digits and drops the offset, so store every time in UTC.
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:  # noqa: ARG002
        return None if value is None else as_utc(value)


# A 64-bit ordering key; SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
SequenceNumber = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime()}  # noqa: RUF012 - SQLAlchemy reads this class attribute


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _savepoint_takes_the_write_lock(connection: Connection, _name: str | None) -> None:
    """A savepoint that opens its transaction opens it with the write lock (``BEGIN IMMEDIATE``).

    The SQLite driver begins a transaction at the first write, so that write waits its turn under
    the busy timeout. A SAVEPOINT outside a transaction begins one too, but deferred: its first
    read pins a snapshot, and when another connection commits before its first write, that write
    fails at once with "database is locked" (SQLite's busy-snapshot, where waiting cannot help).
    A page's form runs its change in a savepoint (``web.forms.attempt``) and reads before it
    writes, so it failed whenever another request or a worker committed in between.
    """
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection is not None and not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN IMMEDIATE")


LONGEST_CACHED_STATEMENT = 64 * 1024
MOST_CACHED_PARAMETERS = 128
"""psycopg turns a statement's ``%(name)s`` placeholders into ``$n`` with a regular expression and keeps the
result only for statements up to 4 KB with at most 50 parameters. The tracking lookup's statement is
17 KB with 88 (SQLAlchemy binds each literal of the access rule): it was parsed again on every lookup,
6 % of an API process's CPU under the load run. The statements are this application's own and few, and
the cache keeps at most 128 of them; a bulk insert's thousands of parameters stay out of it."""


def _cache_long_statements() -> None:
    from psycopg import _queries  # noqa: PLC0415 - only PostgreSQL deployments have it loaded; no public setting

    _queries.MAX_CACHED_STATEMENT_LENGTH = max(_queries.MAX_CACHED_STATEMENT_LENGTH, LONGEST_CACHED_STATEMENT)
    _queries.MAX_CACHED_STATEMENT_PARAMS = max(_queries.MAX_CACHED_STATEMENT_PARAMS, MOST_CACHED_PARAMETERS)


NO_JIT = "-c jit=off"
"""PostgreSQL compiles a statement to machine code when the planner's cost estimate passes
``jit_above_cost``. Ours are short reads and writes through indexes, where that never pays; and when
an estimate goes wild (a partitioned table's parent has no statistics until someone analyses it:
autovacuum never does) the tracking lookup's statement, with its many subplans, took 5–7 s to compile
and a few milliseconds to run. Long reports would gain from it; none runs on the application's
connections."""


Bell = Callable[["Database", set[str]], None]
"""Told, after a commit, which work queues the transaction enqueued to (see ``kernel.workqueue``)."""

WORK_RUNG = "harbourlink.work.rung"


def _run_inline(db: Database, queues: set[str]) -> None:
    from harbourlink.kernel.workqueue.queue import inline_bell  # noqa: PLC0415 - the work queue builds on this module

    inline_bell(db, queues)


@dataclass
class Database:
    engine: Engine
    sessions: sessionmaker[Session]
    bell: Bell = field(default=_run_inline)
    """Runs enqueued work in this process by default; a worker deployment rings its workers instead."""

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits if the block succeeds, rolls back otherwise; then rings for enqueued work
        and publishes what it announced (``kernel.live``)."""
        with self.sessions() as session:
            with session.begin():
                yield session
            rung: set[str] | None = session.info.pop(WORK_RUNG, None)
            announced: set[str] | None = session.info.pop(LIVE, None)
        if announced:
            hub.publish(announced)
        if rung:
            self.bell(self, rung)

    def autocommitting(self) -> Session:
        """A session whose every statement is a transaction of its own, for a lone read or a write that stands by
        itself: it costs no BEGIN and COMMIT round trips, and closing it (returning an idle connection) does no
        I/O. Each statement may see a newer snapshot than the one before. The connection is taken at the first
        statement, as a transaction's is. Nothing here rings or publishes."""
        return self._autocommitting()

    @cached_property
    def _autocommitting(self) -> sessionmaker[Session]:
        return sessionmaker(self.engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"


@dataclass(frozen=True)
class PoolLimits:
    """How many connections one process keeps and may open, and how long a caller waits for one.

    A request that finds every connection busy waits ``timeout`` seconds, then fails with
    ``sqlalchemy.exc.TimeoutError`` (the API answers 503): a process under more load than its
    pool serves says so at once instead of letting requests queue until clients give up.

    Connections are opened when first needed, up to ``size + max_overflow``, and each one opened is
    kept. A pool that closed its overflow on return opened and closed a PostgreSQL connection about
    three times a second per API process under the load run (``bench.load_port``): each a new server
    process, which planned the tracking lookup's statement about eleven times (5–6 ms each) before it
    settled on a generic plan. ``size`` is what an API process sizes its request threads by (``app``); the
    overflow is for the connections a request's commit, which runs beyond those threads, holds.
    """

    size: int = 20
    max_overflow: int = 10
    timeout: float = 30.0
    ping_after_idle: float = 10.0
    """A connection returned to the pool longer ago than this (seconds) is tested before it is handed out
    again (PostgreSQL): see ``_ping_when_idle``."""


RETURNED_AT = "harbourlink.returned_at"


def _ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    """Tests a connection before handing it out again only when it has lain idle ``idle_seconds`` or more.

    A database restart, or a firewall dropping an idle connection, leaves dead connections in the
    pool. SQLAlchemy's ``pool_pre_ping`` finds them by a round trip to the server on every checkout:
    under load, three to nine checkouts a request, for connections in use a moment ago. Here a
    connection back in the pool for less than ``idle_seconds`` is handed out untested. If one of
    those is dead after all, its request fails once with the disconnect (the API answers 503), and
    SQLAlchemy then discards every connection opened before it, so the next requests connect afresh.
    """

    @event.listens_for(engine, "checkin")
    def note_return(_dbapi_connection: Any, record: Any) -> None:
        record.info[RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get(RETURNED_AT)
        if returned is None or time.monotonic() - returned < idle_seconds:
            return  # just opened, or in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as dead:
            raise DisconnectionError(f"a pooled connection idle since {returned:.0f} is gone") from dead


def create_database(url: str, *, echo: bool = False, pool: PoolLimits | None = None) -> Database:
    """Open (not create) the database at ``url``; run migrations separately."""
    limits = pool or PoolLimits()
    # Parameters stay out of SQL logs: they carry personal data and credential digests.
    kwargs: dict[str, Any] = {"echo": echo, "future": True, "hide_parameters": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False}
    else:
        kwargs["connect_args"] = {"options": NO_JIT}
        _cache_long_statements()
    if ":memory:" not in url and url not in ("sqlite://", "sqlite+pysqlite://"):
        kwargs.update(pool_size=limits.size + limits.max_overflow, max_overflow=0, pool_timeout=limits.timeout)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "savepoint", _savepoint_takes_the_write_lock)
    else:
        _ping_when_idle(engine, limits.ping_after_idle)
    return Database(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
