"""Tracking lookups on a streaming read replica: what a second PostgreSQL node gives, measured.

Setup (not timed): a throw-away PostgreSQL primary (``initdb`` in a temporary directory, its own
port) and a hot standby cloned from it by ``pg_basebackup``, streaming; the schema migrated and
``bench_track``'s events (EVENTS, default 1,000,000) loaded on the primary, 2,000 B/Ls shared with a
forwarder; the standby caught up.
Timed:

1. the lookup's read (``tracking.lookup.resolve`` in a read-only transaction, as the forwarder)
   for 500 shared B/Ls, on the primary and on the standby in turn: p50/p99 each;
2. how far the standby trails while the primary takes a bulk load: EVENTS // 2 more events
   COPYed by another carrier while a heartbeat row is written on the primary every 20 ms and the
   newest heartbeat read on the standby every 20 ms (lag = the standby's clock − that heartbeat):
   p50/p99/max, against the same reading with the primary idle.

The lookup's access-log write cannot run on a standby; ``docs/scaling.md`` says where it goes.

    python -m bench.bench_replica [EVENTS]
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy import text

from bench.bench_track import fill_events, percentile, shared_bls
from harbourlink import access, identity
from harbourlink.kernel import Actor, create_database, utcnow
from harbourlink.schema import upgrade
from harbourlink.tracking import lookup

PRIMARY_PORT, STANDBY_PORT = 54391, 54392
LOOKUPS = 500
BEAT_SECONDS = 0.02


def _bindir() -> Path:
    found = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True)  # noqa: S607 - PATH's PostgreSQL
    return Path(found.stdout.strip())


def _as_owner(*command: str) -> list[str]:
    """PostgreSQL refuses to run as root: a root caller runs its programs as the ``postgres`` user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


def _run(*command: str) -> None:
    subprocess.run(_as_owner(*command), check=True, capture_output=True)  # noqa: S603 - PostgreSQL's own programs


@contextmanager
def _clusters() -> Iterator[tuple[str, str]]:
    """A primary and its streaming standby: yields their libpq URLs (database ``bench``)."""
    bindir = _bindir()
    root = Path(tempfile.mkdtemp(prefix="hl-replica-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    primary, standby = root / "primary", root / "standby"
    _run(str(bindir / "initdb"), "-D", str(primary), "-A", "trust", "-U", "postgres", "--no-sync")
    with (primary / "postgresql.conf").open("a") as conf:
        conf.write(
            f"port = {PRIMARY_PORT}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{root}'\n"
            "wal_level = replica\nmax_wal_senders = 4\nfsync = off\nshared_buffers = 256MB\n"
        )
    with (primary / "pg_hba.conf").open("a") as hba:
        hba.write("host replication all 127.0.0.1/32 trust\n")
    started: list[Path] = []
    try:
        _run(str(bindir / "pg_ctl"), "-D", str(primary), "-l", str(root / "primary.log"), "-w", "start")
        started.append(primary)
        _run(
            str(bindir / "pg_basebackup"),
            *("-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "-U", "postgres", "-D", str(standby), "-R", "-X", "stream"),
        )
        with (standby / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {STANDBY_PORT}\nhot_standby = on\n")
        _run(str(bindir / "pg_ctl"), "-D", str(standby), "-l", str(root / "standby.log"), "-w", "start")
        started.append(standby)
        url = "postgresql://postgres@127.0.0.1:{}/bench"
        with psycopg.connect(url.format(PRIMARY_PORT).replace("/bench", "/postgres"), autocommit=True) as admin:
            admin.execute("CREATE DATABASE bench")
        yield url.format(PRIMARY_PORT), url.format(STANDBY_PORT)
    finally:
        for cluster in reversed(started):
            _run(str(bindir / "pg_ctl"), "-D", str(cluster), "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


def _sqlalchemy(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://")


def _caught_up(primary: str, standby: str) -> None:
    with psycopg.connect(primary) as p, psycopg.connect(standby, autocommit=True) as s:
        target = p.execute("SELECT pg_current_wal_lsn()").fetchone()[0]  # type: ignore[index]
        while not s.execute("SELECT pg_last_wal_replay_lsn() >= %s", (target,)).fetchone()[0]:  # type: ignore[index]
            time.sleep(0.05)


def _lookups(url: str, forwarder: str, bls: list[str]) -> list[float]:
    database = create_database(_sqlalchemy(url))
    scope = access.scope_for(Actor(org_id=forwarder))
    samples = []
    try:
        for bl in bls:
            with database.transaction() as session:
                session.execute(text("SET TRANSACTION READ ONLY"))
                started = time.perf_counter()
                found = lookup.resolve(session, scope, bl, now=utcnow())
                samples.append((time.perf_counter() - started) * 1000)
                assert found.events, bl
    finally:
        database.engine.dispose()
    return samples


def _lag(primary: str, standby: str, load: threading.Thread | None) -> list[float]:
    """Heartbeats written on the primary and read on the standby until ``load`` ends (or for 10 s)."""
    with psycopg.connect(primary, autocommit=True) as p:
        p.execute("CREATE TABLE IF NOT EXISTS bench_heartbeat (at timestamptz NOT NULL)")
    _caught_up(primary, standby)
    done = threading.Event()

    def beat() -> None:
        with psycopg.connect(primary, autocommit=True) as p:
            while not done.is_set():
                p.execute("INSERT INTO bench_heartbeat VALUES (clock_timestamp())")
                time.sleep(BEAT_SECONDS)

    beater = threading.Thread(target=beat)
    beater.start()
    lags: list[float] = []
    deadline = time.monotonic() + 10
    if load is not None:
        load.start()
    try:
        with psycopg.connect(standby, autocommit=True) as s:
            time.sleep(0.2)
            while load.is_alive() if load is not None else time.monotonic() < deadline:
                row = s.execute(
                    "SELECT extract(epoch FROM clock_timestamp() - max(at)) * 1000 FROM bench_heartbeat"
                ).fetchone()
                if row and row[0] is not None:
                    lags.append(float(row[0]))
                time.sleep(BEAT_SECONDS)
    finally:
        done.set()
        beater.join()
        if load is not None:
            load.join()
    return lags


def _line(name: str, samples: list[float]) -> str:
    return (
        f"{name:<44} p50 {statistics.median(samples):8.1f} ms   p99 {percentile(samples, 0.99):8.1f} ms   "
        f"max {max(samples):8.1f} ms   ({len(samples)} samples)"
    )


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with _clusters() as (primary, standby):
        upgrade(_sqlalchemy(primary))
        database = create_database(_sqlalchemy(primary))
        forwarder, granted = shared_bls(database, _sqlalchemy(primary), count)
        with database.transaction() as session:
            other = identity.create_organisation(
                session,
                identity.SYSTEM_ACTOR,
                name="Other carrier",
                types=["shipping_line"],
                status=identity.OrgStatus.ACTIVE,
            ).id
        database.engine.dispose()
        _caught_up(primary, standby)
        sample = random.Random(5).sample(granted, LOOKUPS)
        on_primary, on_standby = _lookups(primary, forwarder, sample), _lookups(standby, forwarder, sample)
        print(_line("lookup read on the primary", on_primary))
        print(_line("lookup read on the standby", on_standby))
        print(_line("standby lag, primary idle", _lag(primary, standby, None)))
        load_size = count // 2
        load = threading.Thread(target=fill_events, args=(_sqlalchemy(primary), other, load_size))
        started = time.perf_counter()
        busy = _lag(primary, standby, load)
        print(f"bulk load on the primary: {load_size:,} events in {time.perf_counter() - started:.0f} s")
        print(_line("standby lag during the bulk load", busy))


if __name__ == "__main__":
    main()
