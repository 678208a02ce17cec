"""Tracking lookup latency with a million events stored, against a bare indexed query.

Setup (not timed): a carrier's 1,000,000+ events about 100,000 Master B/Ls (ten each: departure,
arrival estimates, load, discharge, gate moves, with containers), COPYed into PostgreSQL; a
forwarder granted 2,000 of those B/Ls by name; a terminal's public release events.
Timed: ``tracking.find`` + ``build_view`` (what ``GET /api/v1/track/{ref}`` runs) for random
granted B/Ls, as the forwarder. Baseline in the same run: the same B/L's events fetched by a
plain indexed SELECT with no access control and no projection. Prints p50/p99 and the ratio.

    python -m bench.bench_track [EVENTS]
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

import psycopg
from sqlalchemy import select

from bench.generators import OWNER_CODES, check_digit
from bench.pg import EVENTS_COPY, libpq, scratch_database, vessel_event_row
from harbourlink import access, events, identity, tracking
from harbourlink.kernel import Actor, Database, create_database
from harbourlink.references import ReferenceType

PER_BL = 10
CODES = [
    ("SHIPMENT", "CONF", "ACT"),
    ("TRANSPORT", "DEPA", "ACT"),
    ("TRANSPORT", "ARRI", "PLN"),
    ("TRANSPORT", "ARRI", "EST"),
    ("EQUIPMENT", "LOAD", "ACT"),
    ("TRANSPORT", "ARRI", "ACT"),
    ("EQUIPMENT", "DISC", "ACT"),
    ("EQUIPMENT", "GTOT", "ACT"),
    ("EQUIPMENT", "GTIN", "ACT"),
    ("EQUIPMENT", "DISC", "ACT"),
]
START = datetime(2026, 1, 1, tzinfo=UTC)


def _box(index: int) -> str:
    """A container of one B/L only: random numbers collide at a million B/Ls, and a box shared by two
    granted B/Ls rightly brings the other's moves into the timeline."""
    body = OWNER_CODES[index % len(OWNER_CODES)] + f"{index // len(OWNER_CODES):06d}"
    return body + check_digit(body)


def fill_events(url: str, carrier: str, count: int, *, analyze: bool = True) -> list[str]:
    bls = [f"PONU{n:08d}" for n in range(count // PER_BL)]
    with psycopg.connect(libpq(url)) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT nextval('events_seq_seq')")
        seq = cursor.fetchone()[0]  # type: ignore[index]
        references = []
        with cursor.copy(EVENTS_COPY) as copy:
            for index, bl in enumerate(bls):
                box = _box(index)
                for step, code in enumerate(CODES):
                    seq += 1
                    moment = START + timedelta(minutes=index * 3 + step * 600)
                    voyage = f"{index % 500:03d}E"
                    copy.write_row(vessel_event_row(seq, carrier, f"{bl}-{step}", code, moment=moment, voyage=voyage))
                    references.append(("MBL", bl, seq))
                    if code[0] == "EQUIPMENT":
                        references.append(("CONTAINER", box, seq))
        with cursor.copy("COPY event_references (kind, value, event_seq) FROM STDIN") as copy:
            for row in references:
                copy.write_row(row)
        cursor.execute("SELECT setval('events_seq_seq', %s)", (seq,))
        connection.commit()
        if analyze:
            connection.autocommit = True
            cursor.execute("VACUUM ANALYZE")
    return bls


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def shared_bls(database: Database, url: str, count: int, *, analyze: bool = True) -> tuple[str, list[str]]:
    """A carrier's ``count`` events about B/Ls, 2,000 of them shared with a forwarder: (forwarder, shared B/Ls)."""
    with database.transaction() as session:
        carrier = identity.create_organisation(
            session, identity.SYSTEM_ACTOR, name="Carrier", types=["shipping_line"], status=identity.OrgStatus.ACTIVE
        ).id
        forwarder = identity.create_organisation(
            session, identity.SYSTEM_ACTOR, name="Forwarder", types=["forwarder"], status=identity.OrgStatus.ACTIVE
        ).id
    started = time.perf_counter()
    bls = fill_events(url, carrier, count, analyze=analyze)
    print(f"stored {len(bls) * PER_BL} events about {len(bls)} B/Ls in {time.perf_counter() - started:.0f} s")
    granted = random.Random(3).sample(bls, 2000)
    with database.transaction() as session:
        for bl in granted:
            access.do_grant(
                session,
                Actor(org_id=carrier),
                reference_type=ReferenceType.MBL,
                reference=bl,
                grantee_org_id=forwarder,
                anyone_with_reference=False,
                rule=None,
                expires_at=None,
            )
    return forwarder, granted


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with scratch_database("hl_bench_track") as url:
        database = create_database(url)
        forwarder, granted = shared_bls(database, url, count)
        viewer = Actor(org_id=forwarder)
        ours, baseline = [], []
        for bl in granted[:500]:
            with database.transaction() as session:
                t0 = time.perf_counter()
                view = tracking.build_view(session, tracking.find(session, viewer, query=bl))
                ours.append((time.perf_counter() - t0) * 1000)
                assert len(view.events) == PER_BL, len(view.events)
                t0 = time.perf_counter()
                rows = session.scalars(
                    select(events.Event)
                    .join(events.EventReference, events.EventReference.event_seq == events.Event.seq)
                    .where(events.EventReference.kind == "MBL", events.EventReference.value == bl)
                ).all()
                baseline.append((time.perf_counter() - t0) * 1000)
                assert len(rows) == PER_BL
        p50, p99 = statistics.median(ours), percentile(ours, 0.99)
        b50, b99 = statistics.median(baseline), percentile(baseline, 0.99)
        print(f"track lookup (find + view, access-controlled): p50 {p50:.1f} ms  p99 {p99:.1f} ms")
        print(f"bare indexed SELECT of the same events:        p50 {b50:.1f} ms  p99 {b99:.1f} ms")
        print(f"ratio p99 ours/bare: {p99 / b99:.1f}")
        database.engine.dispose()


if __name__ == "__main__":
    main()
