"""The operator's health figures at port scale, on PostgreSQL: what one look at the page and one scrape cost.

Setup (not timed), written with ``generate_series``: WORK done work items (with a few thousand
pending, leased, retrying and dead among them), MESSAGES inbound messages over 30 days (a tenth
of them in the last day; 4 % rejected, 1 % partly accepted; a few queued), a ledger backlog of 20
messages of 1,000 events each, a day of checkpoints every 2 s cosigned by two witnesses, 500,000
alert notifications and 100,000 DCSA deliveries done, with dead ones among them.
Timed: ``operations.figures`` (what ``/metrics`` reads), ``operations.platform_health`` (what
the page and ``GET /api/v1/operator/health`` read), and the API call through the app. Baseline in
the same run: one primary-key lookup (a round trip to the database). Prints p50/p99 and ratios.

    python -m bench.bench_operator_health [WORK] [MESSAGES]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import psycopg
from fastapi.testclient import TestClient
from sqlalchemy import text

from bench.pg import libpq, scratch_database
from harbourlink import identity, ledger, operations
from harbourlink.app import create_app
from harbourlink.kernel import Database, create_database, utcnow
from harbourlink.ledger.notes import NoteSigner
from harbourlink.settings import Settings
from harbourlink_verify import SIG_COSIGNATURE

ORIGIN = "bench.harbourlink.example/v1"
SEED = bytes(range(32))
ROUNDS = 30


def _witnesses() -> list[str]:
    keys = [NoteSigner.from_seed(f"w{n}.example", bytes([n]) * 32, sig_type=SIG_COSIGNATURE).vkey for n in (1, 2)]
    return [f"{key} http://w{n}.example" for n, key in enumerate(keys, 1)]


def _companies(db: Database) -> tuple[str, str, list[str]]:
    """The operator's administrator's key, its org, and 200 companies."""
    with db.transaction() as session:
        operator = identity.create_organisation(
            session, identity.SYSTEM_ACTOR, name="Operator", types=["operator"], status=identity.OrgStatus.ACTIVE
        )
        _, key = identity.create_api_key(
            session, identity.SYSTEM_ACTOR, org_id=operator.id, name="bench", scopes=list(identity.KeyScope)
        )
        orgs = [
            identity.create_organisation(
                session,
                identity.SYSTEM_ACTOR,
                name=f"Company {n}",
                types=["forwarder"],
                status=identity.OrgStatus.ACTIVE,
            ).id
            for n in range(200)
        ]
        return key, operator.id, orgs


SEEDING = [
    # work items: done, then pending / leased / retrying / dead
    """INSERT INTO work_items (queue, key, payload, created_at, status, attempts, next_attempt_at, finished_at)
       SELECT (ARRAY['inbound.process','stored.alerts','stored.ledger','stored.dcsa-callbacks'])[1 + g %% 4],
              'done:' || g, json_build_object('message_id', md5(g::text)), now() - g * interval '1 second',
              'done', 1, now() - g * interval '1 second', now() FROM generate_series(1, %(work)s) g""",
    """INSERT INTO work_items (queue, key, payload, created_at, status, attempts, next_attempt_at, claimed_until,
                              last_error)
       SELECT (ARRAY['stored.alerts','stored.dcsa-callbacks'])[1 + g %% 2], 'open:' || g,
              json_build_object('owner_org_id', %(org)s::text), now() - g * interval '1 second',
              CASE WHEN g %% 50 = 0 THEN 'dead' ELSE 'pending' END, g %% 3,
              now() + (g %% 3) * interval '1 minute', CASE WHEN g %% 3 = 1 THEN now() + interval '2 minutes' END,
              CASE WHEN g %% 3 > 0 THEN 'RuntimeError: refused' END FROM generate_series(1, 5000) g""",
    # inbound messages over 30 days, a tenth in the last day
    """INSERT INTO inbound_messages (id, sender_org_id, format, channel, received_at, size, sha256, raw, status,
                                    accepted, duplicates, errors, items_done)
       SELECT md5(g::text), (%(orgs)s::text[])[1 + g %% 200], 'csv', 'api',
              CASE WHEN g %% 10 = 0 THEN now() - (g %% 86400) * interval '1 second'
                   ELSE now() - interval '1 day' - (g %% 2505600) * interval '1 second' END,
              100, md5(g::text), '\\x00',
              CASE WHEN g %% 100 < 4 THEN 'rejected' WHEN g %% 100 = 4 THEN 'partial' ELSE 'accepted' END,
              0, 0, '[]', 0 FROM generate_series(1, %(messages)s) g""",
    """UPDATE inbound_messages SET status = 'queued' WHERE id IN (SELECT md5(g::text) FROM generate_series(1, 30) g)""",
    # a ledger backlog: 20 messages of 1,000 events each, their ledger items pending
    """INSERT INTO events (id, owner_org_id, message_id, source_key, event_type, event_code, classifier, event_time,
                          received_at, details)
       SELECT md5('e' || g), %(org)s, md5((1 + g / 1000)::text), 'k' || g, 'EQUIPMENT', 'GTIN', 'ACT', now(), now(),
              '{}' FROM generate_series(0, 19999) g""",
    """UPDATE inbound_messages SET accepted = 1000 WHERE id IN (SELECT md5(g::text) FROM generate_series(1, 20) g)""",
    """INSERT INTO work_items (queue, key, payload, created_at, status, attempts, next_attempt_at)
       SELECT 'stored.ledger', 'ledger:' || g, json_build_object('message_id', md5(g::text)),
              now() - g * interval '1 minute', 'pending', 0, now() FROM generate_series(1, 20) g""",
    # a day of checkpoints every 2 s, each cosigned by both witnesses
    """INSERT INTO ledger_checkpoints (log_id, size, root_hash, signed_note, created_at)
       SELECT %(log)s, 1000 + g * 10, '\\x00', 'note', now() - (43200 - g) * interval '2 seconds'
       FROM generate_series(1, 43200) g""",
    """INSERT INTO ledger_cosignatures (log_id, size, witness_key_id, witness_name, witness_vkey, signature_line,
                                       received_at)
       SELECT %(log)s, 1000 + g * 10, w.key_id, w.name, 'vkey', 'line', now() - (43200 - g) * interval '2 seconds'
       FROM generate_series(1, 43200) g,
            (VALUES (%(w1)s::text, 'w1.example'), (%(w2)s::text, 'w2.example')) AS w (key_id, name)""",
]


def _seed(url: str, db: Database, config: ledger.Ledger, work: int, messages: int) -> str:
    key, _operator, orgs = _companies(db)
    with db.transaction() as session:
        log_id = ledger.open_log(session, config).id
    values = {
        "work": work,
        "messages": messages,
        "org": orgs[0],
        "orgs": orgs,
        "log": log_id,
        "w1": config.witnesses[0].vkey.key_id.hex(),
        "w2": config.witnesses[1].vkey.key_id.hex(),
    }
    with psycopg.connect(libpq(url)) as connection, connection.cursor() as cursor:
        for statement in SEEDING:
            cursor.execute(statement, values)
        connection.commit()
        connection.autocommit = True
        cursor.execute("VACUUM ANALYZE")
    return key


def _timed(run: Callable[[], object]) -> list[float]:
    run()  # warm: plans, connections
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _line(name: str, samples: list[float], baseline: float) -> str:
    p99 = sorted(samples)[min(len(samples) - 1, int(len(samples) * 0.99))]
    p50 = statistics.median(samples)
    return f"{name:<34} p50 {p50:8.2f} ms   p99 {p99:8.2f} ms   ({p50 / baseline:6.1f}× the baseline)"


def main() -> None:
    work = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    messages = int(sys.argv[2]) if len(sys.argv) > 2 else 500_000
    config = ledger.Ledger.configure(origin=ORIGIN, seed=SEED, witnesses=_witnesses())
    with scratch_database("hl_bench_operator_health") as url:
        db = create_database(url)
        started = time.perf_counter()
        key = _seed(url, db, config, work, messages)
        print(
            f"seeded {work:,} work items, {messages:,} messages, 43,200 checkpoints in "
            f"{time.perf_counter() - started:.0f} s"
        )
        actor = identity.SYSTEM_ACTOR
        lease = timedelta(minutes=2)

        def figures() -> None:
            with db.transaction() as session:
                operations.figures(session, config, now=utcnow(), silent_after=lease)

        def health() -> operations.PlatformHealth:
            with db.transaction() as session:
                return operations.platform_health(session, actor, config, now=utcnow(), silent_after=lease)

        def baseline() -> None:
            with db.transaction() as session:
                session.execute(text("SELECT id FROM organisations WHERE id = :id"), {"id": "x"}).first()

        base = statistics.median(_timed(baseline))
        print(_line("baseline: one primary-key lookup", [base], base))
        print(_line("figures (/metrics)", _timed(figures), base))
        print(_line("platform_health (page, API)", _timed(health), base))
        shown = health()
        print(
            f"  backlog {shown.figures.backlog.total}, dead {shown.figures.dead}, ledger waiting "
            f"{shown.figures.lag.events_waiting} events, traffic {sum(shown.traffic.received):,} in 24 h, "
            f"logged {sum(shown.growth.logged):,} in 24 h, failures listed {len(shown.failures)}"
        )
        settings = Settings(
            data_dir=Path(tempfile.mkdtemp()),
            database_url=url,
            secret_key="bench-secret-key",
            run_dispatchers=False,
            ledger_witnesses=_witnesses(),
            ledger_origin=ORIGIN,
        )
        app = create_app(settings)
        app.state.ledger = config
        with TestClient(app) as client:
            answer = client.get("/api/v1/operator/health", headers={"Authorization": f"Bearer {key}"})
            assert answer.status_code == 200, answer.text
            print(
                _line(
                    "GET /api/v1/operator/health",
                    _timed(lambda: client.get("/api/v1/operator/health", headers={"Authorization": f"Bearer {key}"})),
                    base,
                )
            )
        db.engine.dispose()


if __name__ == "__main__":
    main()
