"""AIS positions in a table partitioned by month vs the same positions in a plain table, in one run.

A scratch PostgreSQL database at the newest schema (``vessel_positions`` partitioned by month of
``at``, migration 0030) gets a twin: ``plain.vessel_positions``, an ordinary table with the same
columns, keys and indexes. ``N`` positions of 2,000 ships over the last 12 months, in time order,
are stored in batches of 5,000 (an ingest chunk) through the store's own ``record_positions``
into both, batch by batch, alternating which goes first. Both tables are then filled up to
``FILL`` rows (3,000,000 by default) by one set-based ``INSERT … SELECT`` each, timed too: the
database's own cost of routing rows to partitions, without the application's. A session whose ``search_path`` starts
with ``plain`` runs the very same code against the twin. Then, after ANALYZE, the tracking page's
read of a ship's track (``vessel_with_track``, 120 points) for random ships, alternating tables.

Prints insert rates and their ratios (partitioned / plain), and the read's p50/p99 on each; truck
positions (``FILL`` / 4, 500 trips) are added for the plans of trucking's reads. With
``--explain``, also the plans (EXPLAIN ANALYZE) of the statements the code issues on these
tables, on both: captured from the code as it runs, so they are the real queries.

    python -m bench.bench_partitions [N] [FILL] [--explain]
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session

from bench.pg import scratch_database
from harbourlink import identity, ledger, vessels
from harbourlink.kernel.partitions import Month, create_month
from harbourlink.trucking import repository as trucks

SHIPS = 2000
MONTHS = 12
BATCH = 5000
READS = 400
TRACK_POINTS = 120  # tracking.view.TRACK_POINTS
TRIPS = 500
PLAIN = """
CREATE SCHEMA plain;
CREATE TABLE plain.vessel_positions (LIKE public.vessel_positions INCLUDING DEFAULTS);
ALTER TABLE plain.vessel_positions ADD PRIMARY KEY (seq), ADD UNIQUE (mmsi, at);
CREATE INDEX ON plain.vessel_positions (message_id);
CREATE TABLE plain.truck_positions (LIKE public.truck_positions INCLUDING DEFAULTS);
ALTER TABLE plain.truck_positions ADD PRIMARY KEY (seq), ADD UNIQUE (track, at);
CREATE INDEX ON plain.truck_positions (trip_id, at);
"""
FILL = """
INSERT INTO vessel_positions (mmsi, at, latitude, longitude, speed_knots, message_id)
SELECT (477000000 + i % :ships)::text, :start + (i + 0.5) * :step * interval '1 second', 22.3, 114.1, 12.5,
       'fill-' || (i / :batch)
FROM generate_series(0, :rows - 1) AS i
ON CONFLICT DO NOTHING
"""
TRUCKS = """
INSERT INTO {table} (track, at, org_id, trip_id, source, latitude, longitude, report_id, received_at)
SELECT 'trip-' || (i % :trips), :start + i * :step * interval '1 second', 'org', 'trip-' || (i % :trips),
       'trip', 22.3, 114.1, 'report', :start + i * :step * interval '1 second'
FROM generate_series(0, :rows - 1) AS i
"""


def _ship(index: int) -> str:
    return f"{477000000 + index:09d}"


def _batches(n: int, start: datetime, end: datetime) -> Iterator[list[vessels.PositionReport]]:
    step = (end - start) / n
    rng = random.Random(7)
    for first in range(0, n, BATCH):
        yield [
            vessels.PositionReport(
                _ship(i % SHIPS), start + step * i, 22.2 + rng.random() * 0.2, 114.0 + rng.random() * 0.3, 12.5
            )
            for i in range(first, min(first + BATCH, n))
        ]


def _engine(url: str, schema: str) -> Engine:
    return create_engine(url, connect_args={"options": f"-c search_path={schema},public"})


def _timed(engine: Engine, work: Callable[[Session], object]) -> float:
    began = time.perf_counter()
    with Session(engine) as session, session.begin():
        work(session)
    return time.perf_counter() - began


def _quantiles(samples: list[float]) -> str:
    cuts = statistics.quantiles(samples, n=100)
    return f"p50 {cuts[49] * 1000:.2f} ms, p99 {cuts[98] * 1000:.2f} ms"


@contextmanager
def _captured(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The statements the code sends, with their parameters, while the block runs."""
    sent: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def _explain(engines: dict[str, Engine], name: str, read: Callable[[Session], object]) -> None:
    for schema, engine in engines.items():
        with _captured(engine) as sent, Session(engine) as session, session.begin():
            read(session)
        for statement, parameters in sent:
            with engine.connect() as connection:
                plan = connection.exec_driver_sql(
                    "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY OFF) " + statement, parameters
                )
                print(f"--- {name} on the {schema} table\n" + "\n".join(row[0] for row in plan))


def _store(session: Session, *, batch: list[vessels.PositionReport], message_id: str) -> None:
    vessels.record_positions(session, batch, message_id=message_id)


def _fill(session: Session, *, window: dict[str, Any]) -> None:
    session.execute(text(FILL), window)


def _track(session: Session, *, mmsi: str) -> None:
    vessels.vessel_with_track(session, mmsi, limit=TRACK_POINTS)


def _trips(session: Session) -> None:
    """The trips the truck positions belong to (trucking's reads start from them), of one company and driver."""
    org = identity.create_organisation(
        session, identity.SYSTEM_ACTOR, name="Bench Trucking", types=["trucking"], status=identity.OrgStatus.ACTIVE
    )
    driver, _ = identity.create_user(
        session,
        identity.SYSTEM_ACTOR,
        org_id=org.id,
        email="driver@bench.example.hk",
        display_name="Driver",
        role=identity.Role.DRIVER,
        password="Harbour-Link-2026",
    )
    session.execute(
        text(
            "INSERT INTO trips (id, org_id, reference_type, reference, vehicle, driver_user_id, status, created_at) "
            "SELECT 'trip-' || i, :org, 'CONTAINER', 'BENU' || i, 'BV' || i, :driver, 'started', now() "
            "FROM generate_series(0, :trips - 1) AS i"
        ),
        {"org": org.id, "driver": driver.id, "trips": TRIPS},
    )


def main(n: int, fill: int, *, explain: bool) -> None:
    now = datetime.now(UTC)
    start = Month.of(now).plus(-MONTHS + 1).start
    with scratch_database("hl_bench_partitions") as url:
        engines = {"partitioned": _engine(url, "public"), "plain": _engine(url, "plain")}
        with Session(engines["partitioned"]) as session, session.begin():
            session.execute(text(PLAIN))
            for month in (Month.of(start).plus(i) for i in range(MONTHS)):
                if session.scalar(text("SELECT to_regclass(:name)"), {"name": f"vessel_positions_{month.suffix}"}):
                    continue
                create_month(session, "vessel_positions", "at", month)
                create_month(session, "truck_positions", "at", month)
        spent = dict.fromkeys(engines, 0.0)
        for number, batch in enumerate(_batches(n, start, now - timedelta(minutes=1))):
            order = list(engines) if number % 2 == 0 else list(reversed(engines))
            store = partial(_store, batch=batch, message_id=f"message-{number:08d}")
            for schema in order:
                spent[schema] += _timed(engines[schema], store)
        rates = {schema: n / seconds for schema, seconds in spent.items()}
        print(f"{n:,} AIS positions, {SHIPS:,} ships over {MONTHS} months, batches of {BATCH:,} (record_positions)")
        for schema, rate in rates.items():
            print(f"  into the {schema} table: {rate:,.0f} positions/s")
        print(f"  ratio partitioned / plain: {rates['partitioned'] / rates['plain']:.2f}")
        more = max(0, fill - n)
        print(f"{more:,} more positions per table, set-based (one INSERT … SELECT … ON CONFLICT DO NOTHING):")
        step = (now - start).total_seconds() / max(more, 1)
        bulk = {}
        window = {"ships": SHIPS, "start": start, "step": step, "rows": more, "batch": BATCH}
        for schema in reversed(engines):
            bulk[schema] = more / _timed(engines[schema], partial(_fill, window=window))
            print(f"  into the {schema} table: {bulk[schema]:,.0f} positions/s")
        print(f"  ratio partitioned / plain: {bulk['partitioned'] / bulk['plain']:.2f}")
        with Session(engines["partitioned"]) as session, session.begin():
            _trips(session)
            step = (now - start).total_seconds() / (fill // 4)
            for table in ("public.truck_positions", "plain.truck_positions"):
                session.execute(
                    text(TRUCKS.format(table=table)), {"trips": TRIPS, "start": start, "step": step, "rows": fill // 4}
                )
            session.execute(text("ANALYZE public.vessel_positions, plain.vessel_positions"))
            session.execute(text("ANALYZE public.truck_positions, plain.truck_positions"))
        rng = random.Random(11)
        ships = [_ship(rng.randrange(SHIPS)) for _ in range(READS)]
        with Session(engines["partitioned"]) as session, session.begin():
            session.execute(
                text("INSERT INTO vessels (mmsi, updated_at) SELECT DISTINCT unnest(CAST(:ships AS text[])), now()"),
                {"ships": sorted(set(ships))},
            )
        took: dict[str, list[float]] = {schema: [] for schema in engines}
        for number, mmsi in enumerate(ships):
            order = list(engines) if number % 2 == 0 else list(reversed(engines))
            read = partial(_track, mmsi=mmsi)
            for schema in order:
                took[schema].append(_timed(engines[schema], read))
        print(f"a ship's track ({TRACK_POINTS} newest positions and the ship, one statement), {READS} ships:")
        for schema, samples in took.items():
            print(f"  {schema}: {_quantiles(samples)}")
        if explain:
            _plans(engines, ships[0], f"message-{(n // BATCH) // 2:08d}", list(range(1, n, max(1, n // 2000))))


def _plans(engines: dict[str, Engine], mmsi: str, message: str, seqs: list[int]) -> None:
    """The plans of the statements the code issues on these tables (captured as it runs), on both tables."""
    _explain(engines, "vessel_with_track", lambda s: vessels.vessel_with_track(s, mmsi, limit=TRACK_POINTS))
    _explain(
        engines,
        "ledger: a message's unlogged positions",
        lambda s: ledger.unlogged_positions(s, message_id=message),
    )
    _explain(engines, "ledger: unlogged positions (backfill)", lambda s: ledger.unlogged_positions(s, limit=2000))
    _explain(
        engines,
        "inbound: a message stored before",
        lambda s: s.execute(text("SELECT seq FROM vessel_positions WHERE message_id = :m LIMIT 1"), {"m": message}),
    )
    _explain(
        engines,
        "ledger audit: positions by seq",
        lambda s: s.execute(text("SELECT * FROM vessel_positions WHERE seq = ANY(:seqs)"), {"seqs": seqs}),
    )
    _explain(engines, "trucking: trail", lambda s: trucks.trail(s, "trip-7", limit=500))
    _explain(
        engines,
        "trucking: latest positions",
        lambda s: trucks.latest_positions(s, [f"trip-{i}" for i in range(20)]),
    )
    _explain(engines, "trucking: trail marks", lambda s: trucks.trail_marks(s, "trip-7"))


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(
        int(arguments[0]) if arguments else 200_000,
        int(arguments[1]) if len(arguments) > 1 else 3_000_000,
        explain="--explain" in sys.argv,
    )
