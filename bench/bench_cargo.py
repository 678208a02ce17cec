"""My cargo with many numbers: the list's pages, its search, and keeping it as messages arrive.

Setup: ``bench_track``'s carrier events (1,000,000 by default: 100,000 Master B/Ls and as many
containers) stored as one message; the forwarder granted 2,000 of the B/Ls by name.
Timed: tracking's consumer noting that message's numbers (one statement); then, as the carrier
(its own 200,000 numbers) and as the forwarder (2,000 shared), ``tracking.list_cargo`` for the
first page, a page far down the list by cursor, a search by the start of a number, and a
mistyped number answered with "did you mean". Baseline: the first 20 of the carrier's numbers
by a bare indexed SELECT on the same table, no access control. Prints p50/p99 and the ratio.

    python -m bench.bench_cargo [EVENTS]
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

import psycopg
from sqlalchemy import select

from bench.bench_track import shared_bls
from bench.pg import libpq, scratch_database
from harbourlink import tracking
from harbourlink.kernel import Actor, Database, create_database
from harbourlink.tracking.cargo import record_holdings
from harbourlink.tracking.models import CargoHolding

ROUNDS = 200


def _timed(database: Database, action: Callable[..., object]) -> tuple[float, float]:
    samples = []
    for _ in range(ROUNDS):
        with database.transaction() as session:
            started = time.perf_counter()
            action(session)
            samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return statistics.median(samples), ordered[int(len(ordered) * 0.99) - 1]


def _deep_cursor(database: Database, actor: Actor, pages: int) -> str:
    cursor = None
    with database.transaction() as session:
        for _ in range(pages):
            cursor = tracking.list_cargo(session, actor, cursor=cursor, limit=20).next_cursor
    assert cursor is not None
    return cursor


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with scratch_database("hl_bench_cargo") as url:
        database = create_database(url)
        forwarder, granted = shared_bls(database, url, count)
        with psycopg.connect(libpq(url), autocommit=True) as connection:
            carrier = connection.execute("SELECT owner_org_id FROM events LIMIT 1").fetchone()[0]  # type: ignore[index]
            connection.execute("UPDATE events SET message_id = 'bulk'")
            connection.execute("VACUUM ANALYZE events")
        started = time.perf_counter()
        with database.transaction() as session:
            record_holdings(session, "bulk")
        print(f"consumer: noted the numbers of a {count}-event message in {time.perf_counter() - started:.1f} s")
        with psycopg.connect(libpq(url), autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE cargo_holdings")
            held = connection.execute("SELECT count(*) FROM cargo_holdings").fetchone()[0]  # type: ignore[index]
        print(f"{held} numbers held by the carrier; {len(granted)} shared with the forwarder")
        baseline = _timed(
            database,
            lambda session: session.execute(
                select(CargoHolding)
                .where(CargoHolding.org_id == carrier)
                .order_by(CargoHolding.last_at.desc())
                .limit(20)
            ).all(),
        )
        for who, org in (("carrier", carrier), ("forwarder", forwarder)):
            actor = Actor(org_id=org)
            deep = _deep_cursor(database, actor, 50)
            cases: dict[str, Callable[..., object]] = {
                "first page": lambda session, a=actor: tracking.list_cargo(session, a),
                "page 51 by cursor": lambda session, a=actor, c=deep: tracking.list_cargo(session, a, cursor=c),
                "search by start": lambda session, a=actor: tracking.list_cargo(session, a, query=granted[7][:9]),
                "miss, did you mean": lambda session, a=actor: tracking.list_cargo(
                    session, a, query=granted[7][:-1] + "X"
                ),
            }
            for name, action in cases.items():
                p50, p99 = _timed(database, action)
                print(f"{who:9} {name:20} p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  p99/bare {p99 / baseline[1]:.1f}")
        print(f"bare indexed SELECT of 20 numbers:    p50 {baseline[0]:6.1f} ms  p99 {baseline[1]:6.1f} ms")
        database.engine.dispose()


if __name__ == "__main__":
    main()
