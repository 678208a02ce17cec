"""Ingestion throughput on PostgreSQL per format, against a raw COPY of the same rows.

For each format: generate a realistic message of N events, send it through the real inbound
path (raw archive, adapter, validation, idempotent bulk insert of events and references, the
work items of the consumers) and time it, as an API process of the port-scale topology does it
(the consumers' work is queued for worker processes). Then the consumers of stored events (DCSA
callbacks, alerts, ledger entries) are drained in this process and timed on their own.
Baseline, in the same run: COPY the same event rows and reference rows straight into copies of
the two tables (no parsing, no checks): bare (temporary, unindexed) and into ordinary tables with the
store's indexes and constraints. Prints items/s for each and the ratios to COPY.

Last, the CSV message again, end to end (ingest and consumers), for a company with no alert
subscription and for one with a subscription to all its visible cargo: their ratio.

    python -m bench.bench_ingest [EVENTS_PER_FORMAT]
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
from harbourlink import alerts, events, identity, inbound, vessels
from harbourlink.kernel import Actor, Database, create_database, work

EVENT_COLUMNS = (
    "seq",
    "id",
    "owner_org_id",
    "message_id",
    "source_key",
    "event_type",
    "event_code",
    "classifier",
    "event_time",
    "created_time",
    "received_at",
    "location",
    "facility",
    "vessel_imo",
    "vessel_name",
    "voyage",
    "mode_of_transport",
    "details",
)


def _copy_positions(url: str, message_id: str) -> tuple[int, float]:
    """AIS stores positions, not events: COPY them into a look-alike of ``vessel_positions``."""
    with psycopg.connect(libpq(url)) as connection:
        connection.execute("CREATE TEMP TABLE positions_copy (LIKE vessel_positions INCLUDING DEFAULTS)")
        rows = io.StringIO()
        columns = "mmsi, at, latitude, longitude, speed_knots, course, heading, nav_status, message_id"
        with connection.cursor().copy(
            f"COPY (SELECT {columns} FROM vessel_positions WHERE message_id = '{message_id}') TO STDOUT"
        ) as copy:
            for chunk in copy:
                rows.write(bytes(chunk).decode())
        started = time.perf_counter()
        with connection.cursor().copy(f"COPY positions_copy ({columns}) FROM STDIN") as copy:
            copy.write(rows.getvalue())
        connection.commit()
        return rows.getvalue().count("\n"), time.perf_counter() - started


def _copy_baseline(url: str, message_id: str, *, like_ours: bool) -> tuple[int, float]:
    """COPYs the rows the inbound path stored for one message into empty look-alike tables.

    Bare (``like_ours=False``): temporary tables without indexes or constraints, so no WAL and no
    index upkeep, the most COPY can do. Like ours: ordinary tables with the store's own indexes and
    constraints (``INCLUDING ALL``), so the rows cost what they cost in the store: the same rows
    into the same kind of table, with nothing of ours (parsing, checks, deduplication) in between.
    """
    kind, including = ("", "INCLUDING ALL") if like_ours else ("TEMP", "INCLUDING DEFAULTS")
    with psycopg.connect(libpq(url)) as connection:
        connection.execute("DROP TABLE IF EXISTS events_copy, refs_copy")
        connection.execute(f"CREATE {kind} TABLE events_copy (LIKE events {including})")
        connection.execute(f"CREATE {kind} TABLE refs_copy (LIKE event_references {including})")
        event_rows = io.StringIO()
        with connection.cursor().copy(
            f"COPY (SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE message_id = '{message_id}') TO STDOUT"
        ) as copy:
            for chunk in copy:
                event_rows.write(bytes(chunk).decode())
        ref_rows = io.StringIO()
        with connection.cursor().copy(
            "COPY (SELECT r.kind, r.value, r.event_seq FROM event_references r JOIN events e "
            f"ON e.seq = r.event_seq WHERE e.message_id = '{message_id}') TO STDOUT"
        ) as copy:
            for chunk in copy:
                ref_rows.write(bytes(chunk).decode())
        count = event_rows.getvalue().count("\n")
        started = time.perf_counter()
        with connection.cursor().copy(f"COPY events_copy ({', '.join(EVENT_COLUMNS)}) FROM STDIN") as copy:
            copy.write(event_rows.getvalue())
        with connection.cursor().copy("COPY refs_copy (kind, value, event_seq) FROM STDIN") as copy:
            copy.write(ref_rows.getvalue())
        connection.commit()
        elapsed = time.perf_counter() - started
        connection.execute("DROP TABLE events_copy, refs_copy")
        connection.commit()
        return count, elapsed


def _queued_only(database: Database) -> Database:
    """This process archives, reads and stores, and leaves the consumers' items queued (as an API process)."""
    database.bell = lambda _db, _queues: None
    return database


def _company(database: Database, name: str) -> Actor:
    with database.transaction() as session:
        org = identity.create_organisation(
            session, identity.SYSTEM_ACTOR, name=name, types=["shipping_line"], status=identity.OrgStatus.ACTIVE
        )
    return Actor(org_id=org.id)


def _bench_format(url: str, name: str, generate: Callable[[int, int], bytes], count: int) -> None:
    database = _queued_only(create_database(url))
    actor = _company(database, f"Bench {name}")
    raw = generate(count, 1)
    started = time.perf_counter()
    outcome = inbound.receive(database, actor, format_name=name, raw=raw, channel="bench")
    elapsed = time.perf_counter() - started
    assert outcome.status == "accepted", (outcome.status, outcome.errors[:3])
    started = time.perf_counter()
    work.drain(database)
    consumers_elapsed = time.perf_counter() - started
    table = vessels.VesselPosition if name == "ais-nmea" else events.Event
    with database.transaction() as session:
        stored = len(session.scalars(select(table.seq).where(table.message_id == outcome.id)).all())
    ours = stored / elapsed
    if name == "ais-nmea":
        copied, copy_elapsed = _copy_positions(url, outcome.id)
        indexed = ""
    else:
        copied, copy_elapsed = _copy_baseline(url, outcome.id, like_ours=False)
        same, same_elapsed = _copy_baseline(url, outcome.id, like_ours=True)
        same_rate = same / same_elapsed
        indexed = f"   COPY into indexed tables {same_rate:8.0f} rows/s: ratio {ours / same_rate:.2f}"
    assert copied == stored
    theirs = copied / copy_elapsed
    print(
        f"{name:16} {stored:7d} items   {ours:9.0f} items/s ingested   bare COPY {theirs:9.0f} rows/s: "
        f"ratio {ours / theirs:.2f}{indexed}   ({len(raw) / elapsed / 1e6:.1f} MB/s of {len(raw) / 1e6:.1f} MB)   "
        f"consumers {stored / consumers_elapsed:7.0f} items/s",
        flush=True,
    )
    database.engine.dispose()


def _end_to_end(url: str, count: int, *, subscribed: bool, seed: int) -> float:
    """Seconds to ingest the CSV message and run its consumers, for a company with or without a subscription."""
    database = create_database(url)
    actor = _company(database, f"Bench {'subscribed' if subscribed else 'plain'} {seed}")
    if subscribed:
        with database.transaction() as session:
            user, _ = identity.create_user(
                session,
                identity.SYSTEM_ACTOR,
                org_id=actor.org_id,
                email=f"ops{seed}@bench.example.hk",
                display_name="Ops",
                role=identity.Role.ADMINISTRATOR,
                password="Harbour-Link-2026",
            )
            alerts.do_subscribe(
                session,
                Actor(org_id=actor.org_id, user_id=user.id),
                reference_type=None,
                reference=None,
                alert_types=sorted(alerts.all_types()),
                channels=["inbox"],
                thresholds={},
                for_company=True,
            )
    raw = GENERATORS["csv"](count, seed)
    started = time.perf_counter()
    outcome = inbound.receive(database, actor, format_name="csv", raw=raw, channel="bench")
    elapsed = time.perf_counter() - started
    assert outcome.status == "accepted", (outcome.status, outcome.errors[:3])
    database.engine.dispose()
    return elapsed


def _subscription_cost(url: str, count: int) -> None:
    plain = _end_to_end(url, count, subscribed=False, seed=101)
    subscribed = _end_to_end(url, count, subscribed=True, seed=102)
    print(
        f"csv end to end, {count} events: no subscription {count / plain:7.0f} ev/s, one company-wide "
        f"subscription {count / subscribed:7.0f} ev/s: {subscribed / plain:.2f}× the time",
        flush=True,
    )


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    print(f"ingest into PostgreSQL, {count} events per format, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    with scratch_database("hl_bench_ingest") as url:
        for name, generate in GENERATORS.items():
            _bench_format(url, name, generate, count)
        _subscription_cost(url, count)


if __name__ == "__main__":
    main()
