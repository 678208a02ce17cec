"""Ingestion throughput on PostgreSQL per format, against a raw COPY of the same rows.

For each format: generate a realistic message of N events, send it through the real inbound
path (raw archive, adapter, validation, idempotent bulk insert of events and references) and
time it. Baseline, in the same run: COPY the same event rows and reference rows straight into
copies of the two tables (no parsing, no checks). Prints events/s for both and the ratio.

    python bench/bench_ingest.py [EVENTS_PER_FORMAT]
"""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

import psycopg
from sqlalchemy import select

from bench.generators import GENERATORS
from bench.pg import libpq, scratch_database
from harbourlink import events, identity, inbound, vessels
from harbourlink.kernel import Actor, create_database

EVENT_COLUMNS = ("seq", "id", "owner_org_id", "message_id", "source_key", "event_type", "event_code", "classifier",
                 "event_time", "created_time", "received_at", "location", "facility", "vessel_imo", "vessel_name",
                 "voyage", "mode_of_transport", "details")


def _copy_positions(url: str, message_id: str) -> tuple[int, float]:
    """AIS stores positions, not events: COPY them into a look-alike of ``vessel_positions``."""
    with psycopg.connect(libpq(url)) as connection:
        connection.execute("CREATE TEMP TABLE positions_copy (LIKE vessel_positions INCLUDING DEFAULTS)")
        rows = io.StringIO()
        columns = "mmsi, at, latitude, longitude, speed_knots, course, heading, nav_status, message_id"
        with connection.cursor().copy(f"COPY (SELECT {columns} FROM vessel_positions WHERE message_id = "
                                      f"'{message_id}') TO STDOUT") as copy:
            for chunk in copy:
                rows.write(bytes(chunk).decode())
        started = time.perf_counter()
        with connection.cursor().copy(f"COPY positions_copy ({columns}) FROM STDIN") as copy:
            copy.write(rows.getvalue())
        connection.commit()
        return rows.getvalue().count("\n"), time.perf_counter() - started


def _copy_baseline(url: str, message_id: str) -> tuple[int, float]:
    """COPYs the rows the inbound path stored for one message into empty look-alike tables."""
    with psycopg.connect(libpq(url)) as connection:
        connection.execute("CREATE TEMP TABLE events_copy (LIKE events INCLUDING DEFAULTS)")
        connection.execute("CREATE TEMP TABLE refs_copy (LIKE event_references INCLUDING DEFAULTS)")
        event_rows = io.StringIO()
        with connection.cursor().copy(f"COPY (SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE message_id = "
                                      f"'{message_id}') TO STDOUT") as copy:
            for chunk in copy:
                event_rows.write(bytes(chunk).decode())
        ref_rows = io.StringIO()
        with connection.cursor().copy("COPY (SELECT r.kind, r.value, r.event_seq FROM event_references r JOIN events e "
                                      f"ON e.seq = r.event_seq WHERE e.message_id = '{message_id}') TO STDOUT") as copy:
            for chunk in copy:
                ref_rows.write(bytes(chunk).decode())
        count = event_rows.getvalue().count("\n")
        started = time.perf_counter()
        with connection.cursor().copy(f"COPY events_copy ({', '.join(EVENT_COLUMNS)}) FROM STDIN") as copy:
            copy.write(event_rows.getvalue())
        with connection.cursor().copy("COPY refs_copy (kind, value, event_seq) FROM STDIN") as copy:
            copy.write(ref_rows.getvalue())
        connection.commit()
        return count, time.perf_counter() - started


def _bench_format(url: str, name: str, generate: Callable[[int, int], bytes], count: int) -> None:
    database = create_database(url)
    with database.transaction() as session:
        org = identity.create_organisation(session, identity.SYSTEM_ACTOR, name=f"Bench {name}",
                                           types=["shipping_line"], status=identity.OrgStatus.ACTIVE)
    actor = Actor(org_id=org.id)
    raw = generate(count, 1)
    started = time.perf_counter()
    outcome = inbound.receive(database, actor, format_name=name, raw=raw, channel="bench")
    elapsed = time.perf_counter() - started
    assert outcome.status == "accepted", (outcome.status, outcome.errors[:3])
    table = vessels.VesselPosition if name == "ais-nmea" else events.Event
    with database.transaction() as session:
        stored = len(session.scalars(select(table.seq).where(table.message_id == outcome.id)).all())
    copied, copy_elapsed = (_copy_positions if name == "ais-nmea" else _copy_baseline)(url, outcome.id)
    assert copied == stored
    ours, theirs = stored / elapsed, copied / copy_elapsed
    print(f"{name:16} {stored:7d} items   {ours:9.0f} items/s ingested   COPY {theirs:9.0f} rows/s   "
          f"ratio {ours / theirs:.2f}   ({len(raw) / elapsed / 1e6:.1f} MB/s of {len(raw) / 1e6:.1f} MB)")
    database.engine.dispose()


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    print(f"ingest into PostgreSQL, {count} events per format, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    with scratch_database("hl_bench_ingest") as url:
        for name, generate in GENERATORS.items():
            _bench_format(url, name, generate, count)


if __name__ == "__main__":
    main()
