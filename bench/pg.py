"""A scratch PostgreSQL database for a benchmark, migrated to the newest schema, dropped afterwards."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

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


EVENTS_COPY = (
    "COPY events (seq, id, owner_org_id, source_key, event_type, event_code, classifier, "
    "event_time, received_at, location, facility, vessel_imo, vessel_name, voyage, "
    "mode_of_transport, details) FROM STDIN"
)


def vessel_event_row(
    seq: int, carrier: str, source_key: str, code: tuple[str, str, str], *, moment: datetime, voyage: str
) -> tuple[object, ...]:
    """A row for ``EVENTS_COPY``: ``code`` (type, code, classifier) by the benchmarks' one vessel at Hong Kong."""
    kind, event_code, classifier = code
    return (
        seq,
        str(uuid.uuid4()),
        carrier,
        source_key,
        kind,
        event_code,
        classifier,
        moment,
        moment,
        "HKHKG",
        "HITHK",
        "9706906",
        "PEARL HARMONY",
        voyage,
        "VESSEL",
        json.dumps({}),
    )
