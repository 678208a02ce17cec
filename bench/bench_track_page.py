"""Server time of the first screen of a tracking page for one Master B/L with 61,000 events.

Setup (not timed): a carrier's EVENTS events about one Master B/L (departures, arrival estimates,
loads, discharges and gate moves of 20 containers, ten minutes apart, some at the same moment),
COPYed into PostgreSQL; the B/L shared by name with a forwarder, whose administrator logs in.
Timed, in process through the application: ``GET /track/{B/L}`` (the page a person opens) and
``GET /api/v1/track/{B/L}`` (the API's whole answer), as the forwarder. Baseline in the same run:
one primary-key lookup (a round trip to the database). Prints p50/p99.

    python -m bench.bench_track_page [EVENTS]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from fastapi.testclient import TestClient
from sqlalchemy import text
from tests.conftest import STRONG_PASSWORD
from tests.web.conftest import log_in

from bench.generators import OWNER_CODES, check_digit
from bench.pg import EVENTS_COPY, libpq, scratch_database, vessel_event_row
from harbourlink import access, identity
from harbourlink.app import create_app
from harbourlink.kernel import Actor, Database, create_database
from harbourlink.references import ReferenceType
from harbourlink.settings import Settings

BL = "PONU00061000"
BOXES = 20
CODES = [
    ("TRANSPORT", "DEPA", "ACT"),
    ("TRANSPORT", "ARRI", "EST"),
    ("EQUIPMENT", "LOAD", "ACT"),
    ("EQUIPMENT", "DISC", "ACT"),
    ("EQUIPMENT", "GTOT", "ACT"),
    ("EQUIPMENT", "GTIN", "ACT"),
]
START = datetime(2026, 1, 1, tzinfo=UTC)
ROUNDS = 20


def _box(index: int) -> str:
    body = OWNER_CODES[index % len(OWNER_CODES)] + f"{index:06d}"
    return body + check_digit(body)


def _fill(url: str, carrier: str, count: int) -> None:
    boxes = [_box(n) for n in range(BOXES)]
    with psycopg.connect(libpq(url)) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT nextval('events_seq_seq')")
        seq = cursor.fetchone()[0]  # type: ignore[index]
        references = []
        with cursor.copy(EVENTS_COPY) as copy:
            for index in range(count):
                seq += 1
                code = CODES[index % len(CODES)]
                moment = START + timedelta(minutes=10 * (index // 2))  # two events at each moment
                copy.write_row(
                    vessel_event_row(seq, carrier, f"{BL}-{index}", code, moment=moment, voyage=f"{index % 50:03d}E")
                )
                references.append(("MBL", BL, seq))
                if code[0] == "EQUIPMENT":
                    references.append(("CONTAINER", boxes[index % BOXES], seq))
        with cursor.copy("COPY event_references (kind, value, event_seq) FROM STDIN") as copy:
            for row in references:
                copy.write_row(row)
        cursor.execute("SELECT setval('events_seq_seq', %s)", (seq,))
        connection.commit()
        connection.autocommit = True
        cursor.execute("VACUUM ANALYZE")


def _seed(db: Database, url: str, count: int) -> str:
    """The carrier's events, shared with the forwarder by name: the forwarder administrator's login."""
    with db.transaction() as session:
        carrier = identity.create_organisation(
            session, identity.SYSTEM_ACTOR, name="Carrier", types=["shipping_line"], status=identity.OrgStatus.ACTIVE
        ).id
        forwarder = identity.create_organisation(
            session, identity.SYSTEM_ACTOR, name="Forwarder", types=["forwarder"], status=identity.OrgStatus.ACTIVE
        ).id
        login = "admin@forwarder.example.hk"
        identity.create_user(
            session,
            identity.SYSTEM_ACTOR,
            org_id=forwarder,
            email=login,
            display_name="Forwarder admin",
            role=identity.Role.ADMINISTRATOR,
            password=STRONG_PASSWORD,
        )
        access.do_grant(
            session,
            Actor(org_id=carrier),
            reference_type=ReferenceType.MBL,
            reference=BL,
            grantee_org_id=forwarder,
            anyone_with_reference=False,
            rule=None,
            expires_at=None,
        )
    started = time.perf_counter()
    _fill(url, carrier, count)
    print(f"stored {count:,} events about {BL} in {time.perf_counter() - started:.0f} s")
    return login


def _timed(run: Callable[[], object]) -> list[float]:
    run()  # warm: plans, connections
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _line(name: str, samples: list[float]) -> str:
    p99 = sorted(samples)[min(len(samples) - 1, int(len(samples) * 0.99))]
    return f"{name:<34} p50 {statistics.median(samples):8.1f} ms   p99 {p99:8.1f} ms"


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 61_000
    with scratch_database("hl_bench_track_page") as url:
        db = create_database(url)
        login = _seed(db, url, count)

        def baseline() -> None:
            with db.transaction() as session:
                session.execute(text("SELECT id FROM organisations WHERE id = :id"), {"id": "x"}).first()

        print(_line("baseline: one primary-key lookup", _timed(baseline)))
        settings = Settings(
            data_dir=Path(tempfile.mkdtemp()), database_url=url, secret_key="bench-secret-key", run_dispatchers=False
        )
        with TestClient(create_app(settings, serving=True), base_url="http://testserver") as client:
            log_in(client, login)
            page = client.get(f"/track/{BL}")
            assert page.status_code == 200, page.text
            listed = page.text.partition('<ol class="timeline">')[2].partition("</ol>")[0].count("<li>")
            print(f"  the page: {len(page.content):,} bytes, {listed} events listed")
            print(_line("GET /track/{B/L} (the page)", _timed(lambda: client.get(f"/track/{BL}"))))
            print(_line("GET /api/v1/track/{B/L}", _timed(lambda: client.get(f"/api/v1/track/{BL}"))))
        db.engine.dispose()


if __name__ == "__main__":
    main()
