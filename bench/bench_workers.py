"""Worker processes draining a backlog on PostgreSQL: 2 processes against 1, in one run.

A backlog of M CSV messages of N events is archived and queued, as API processes do under a
burst; then k ``harbourlink worker`` processes (every role) read the messages, store their events
and run the consumers of stored events (DCSA outbox, alerts, ledger entries) until no work is
left. The same backlog is drained by 1 process, then (in a fresh database) by 2.

    python -m bench.bench_workers [MESSAGES] [EVENTS_EACH]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

from sqlalchemy import func, select

from bench.generators import GENERATORS
from bench.pg import scratch_database
from harbourlink import identity, inbound
from harbourlink.kernel import Actor, Database, create_database
from harbourlink.kernel.workqueue import WorkItem


def _backlog(db: Database, messages: int, events_each: int) -> None:
    db.bell = lambda _db, _queues: None
    with db.transaction() as session:
        org = identity.create_organisation(
            session,
            identity.SYSTEM_ACTOR,
            name="Bench workers",
            types=["shipping_line"],
            status=identity.OrgStatus.ACTIVE,
        )
    for seed in range(messages):
        inbound.receive(
            db,
            Actor(org_id=org.id),
            format_name="csv",
            raw=GENERATORS["csv"](events_each, seed),
            channel="bench",
            background=True,
        )


def _drain(url: str, processes: int, db: Database, data_dir: str) -> float:
    env = {
        **os.environ,
        "HARBOURLINK_DATABASE_URL": url,
        "HARBOURLINK_RUN_DISPATCHERS": "false",
        "HARBOURLINK_NATS_URL": "",
        "HARBOURLINK_DATA_DIR": data_dir,
        "HARBOURLINK_SECRET_KEY": "bench-secret",
    }
    pending = select(func.count()).select_from(WorkItem).where(WorkItem.status != "done")
    started = time.perf_counter()
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "harbourlink", "worker", "--idle", "0.1"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(processes)
    ]
    try:
        while True:
            with db.transaction() as session:
                if not session.scalar(pending):
                    break
            time.sleep(0.1)
        return time.perf_counter() - started
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(60)


def main() -> None:
    messages = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    events_each = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    total = messages * events_each
    print(f"worker processes draining {messages} CSV messages of {events_each} events, load {os.getloadavg()[0]:.1f}")
    rates = {}
    for processes in (1, 2):
        with scratch_database(f"hl_bench_workers_{processes}") as url:
            db = create_database(url)
            _backlog(db, messages, events_each)
            with tempfile.TemporaryDirectory() as data_dir:
                elapsed = _drain(url, processes, db, data_dir)
            db.engine.dispose()
        rates[processes] = total / elapsed
        print(
            f"{processes} worker process(es): {elapsed:6.1f} s, {rates[processes]:7.0f} events/s end to end "
            f"(read, stored, DCSA outbox, alerts, ledger entries)",
            flush=True,
        )
    print(f"2 processes against 1: {rates[2] / rates[1]:.2f}×   (load {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
