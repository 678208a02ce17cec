"""A scratch PostgreSQL database for a benchmark, migrated to the newest schema, dropped afterwards."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from sqlalchemy.engine import make_url

from harbourlink.schema import upgrade

SERVER = os.environ.get("HARBOURLINK_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _admin() -> str:
    return make_url(SERVER).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def scratch_database(name: str) -> Iterator[str]:
    """Yields the SQLAlchemy URL of a fresh, migrated database called ``name`` and this process's id: two
    runs of one benchmark at once on a shared server no longer drop each other's database."""
    name = f"{name}_{os.getpid()}"
    with psycopg.connect(_admin(), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    url = make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with psycopg.connect(_admin(), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def libpq(url: str) -> str:
    """The plain libpq form of a SQLAlchemy URL, for psycopg's COPY."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
