"""Alert latency under background ingest: event accepted → signed webhook received, p50 and p99.

A scratch PostgreSQL database; a loopback HTTP receiver; the ``consumers`` and ``dispatch`` roles
worked either by one worker loop in this process, rung by the ingest's commits, as an embedded
installation runs it, or (``--workers N``) by N ``harbourlink worker --role consumers --role
dispatch`` processes rung over NATS (127.0.0.1:4222, a stream of this run's own), as at port
scale. The alert delivery job's idle poll is 0.2 s; the consumers of stored events, alerts among
them, run off the ingest transaction. A background thread ingests terminal-json and CSV batches
through ``inbound.receive`` at a target rate (default 5,000 events/s; the rate reached is
printed). Meanwhile probe messages, each a reefer found without power an hour ago on a container
a company follows, open one alert each; a probe is timestamped when ``receive`` returns (the
event is committed: accepted) and when it was submitted.

Whether the consumers keep up: the backlog (stored messages whose consumers have not all run) is
sampled at each probe; the rate is sustained when it does not grow over the run.

    python -m bench.bench_alerts [probes] [target events/s] [--workers N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import nats
from sqlalchemy import func, select

from bench.generators import GENERATORS, check_digit
from bench.pg import scratch_database
from harbourlink import alerts, identity, inbound
from harbourlink.integrations.webhooks import CallbackPolicy
from harbourlink.kernel import Actor, Database, create_database, work
from harbourlink.kernel.bus import NatsBus
from harbourlink.kernel.workqueue import WorkItem
from harbourlink.settings import Settings
from harbourlink.worker import topology

BATCH = 2_500
PROBE_INTERVAL = 0.5
SEALER_KEY = "bench-secret-key-not-for-production"
POLICY = CallbackPolicy(allow_private_networks=True, timeout_seconds=10)
NATS_URL = "nats://127.0.0.1:4222"


@contextmanager
def _receiver(arrivals: dict[str, float]) -> Iterator[str]:
    """A loopback webhook receiver noting when each container's alert arrived (first time only)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            at = time.perf_counter()
            arrivals.setdefault(json.loads(body)["data"]["reference"]["value"], at)
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: ARG002 - http.server signature
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks"
    finally:
        server.shutdown()
        server.server_close()


def _probe_containers(count: int) -> list[str]:
    return [f"HLBU{n:06d}" + check_digit(f"HLBU{n:06d}") for n in range(1, count + 1)]


def _set_up(db: Database, url: str, containers: list[str]) -> Actor:
    """A terminal that sends everything, and follows the probe containers with a webhook."""
    with db.transaction() as session:
        org = identity.create_organisation(
            session,
            identity.SYSTEM_ACTOR,
            name="Bench Terminal",
            types=["terminal_operator"],
            status=identity.OrgStatus.ACTIVE,
        )
        actor = Actor(org_id=org.id)
        alerts.create_endpoint(
            session, actor, url=url, event_types=[], sealer=identity.Sealer(SEALER_KEY), policy=POLICY
        )
        for container in containers:
            alerts.do_subscribe(
                session,
                actor,
                reference_type="CONTAINER",
                reference=container,
                alert_types=["reefer_power_off"],
                channels=["webhook"],
                thresholds={},
            )
    return actor


class Background(threading.Thread):
    """Ingests pre-generated batches at ``rate`` events/s (as fast as it can when it falls behind)."""

    def __init__(self, db: Database, actor: Actor, rate: float, batches: list[tuple[str, bytes]]):
        super().__init__(name="background-ingest", daemon=True)
        self.db, self.actor, self.rate, self.batches = db, actor, rate, batches
        self.stop = threading.Event()
        self.events = 0
        self.started_at = self.stopped_at = 0.0

    def run(self) -> None:
        self.started_at = time.perf_counter()
        for format_name, raw in self.batches:
            if self.stop.is_set():
                break
            outcome = inbound.receive(self.db, self.actor, format_name=format_name, raw=raw, channel="bench")
            self.events += outcome.accepted
            ahead = self.events / self.rate - (time.perf_counter() - self.started_at)
            if ahead > 0:
                self.stop.wait(ahead)
        self.stopped_at = time.perf_counter()

    @property
    def achieved(self) -> float:
        return self.events / max((self.stopped_at or time.perf_counter()) - self.started_at, 1e-9)


def _probe(db: Database, actor: Actor, container: str) -> tuple[float, float]:
    """One power-off reading an hour old; (submitted, accepted) on the perf counter."""
    at = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    raw = json.dumps(
        {
            "terminal": "HITHK",
            "location": "HKHKG",
            "reefer_readings": [{"container": container, "at": at, "setpoint": 5.0, "power": "OFF"}],
        }
    ).encode()
    submitted = time.perf_counter()
    outcome = inbound.receive(db, actor, format_name="terminal-json", raw=raw, channel="bench")
    assert outcome.status == "accepted", outcome.errors[:3]
    return submitted, time.perf_counter()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _report(name: str, latencies: list[float]) -> None:
    p50, p99 = _percentile(latencies, 0.5) * 1000, _percentile(latencies, 0.99) * 1000
    print(
        f"  {name:22} p50 {p50:7.0f} ms   p99 {p99:7.0f} ms   max {max(latencies) * 1000:7.0f} ms   "
        f"mean {statistics.fmean(latencies) * 1000:7.0f} ms"
    )


def _backlog(db: Database) -> int:
    """Work items of the consumers of stored events not done yet."""
    with db.transaction() as session:
        query = select(func.count()).where(WorkItem.queue.startswith("stored."), WorkItem.status == "pending")
        return int(session.scalar(query) or 0)


@contextmanager
def _in_process(db: Database) -> Iterator[None]:
    """One worker loop in this process, rung by this process's commits."""
    channels = alerts.Channels(
        base_url="https://harbourlink.example.hk", sealer=identity.Sealer(SEALER_KEY), policy=POLICY
    )
    worker = work.Worker(db, roles=["consumers", "dispatch"], jobs=[alerts.delivery_job(db, channels)])
    db.bell = worker.ring
    worker.start()
    try:
        yield
    finally:
        worker.stop()


def _wait_for_workers(db: Database, count: int) -> None:
    """Until every process has written its first heartbeat (after its first round): started, and listening."""
    deadline = time.perf_counter() + 120
    while time.perf_counter() < deadline:
        with db.transaction() as session:
            if len(work.recent_workers(session)) >= count:
                return
        time.sleep(0.2)
    raise RuntimeError("the worker processes did not start within 2 minutes")


async def _delete_stream(stream: str) -> None:
    connection = await nats.connect(NATS_URL)
    try:
        await connection.jetstream().delete_stream(stream)
    finally:
        await connection.close()


@contextmanager
def _processes(db: Database, url: str, count: int) -> Iterator[None]:
    """``count`` worker processes of the consumers and dispatch roles, rung over NATS by this process's commits."""
    prefix = f"hlbench-alerts-{os.getpid()}"
    settings = Settings(nats_url=NATS_URL, nats_prefix=prefix)
    bus: NatsBus | None = topology.attach(db, settings)
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **os.environ,
            "HARBOURLINK_DATABASE_URL": url,
            "HARBOURLINK_DATA_DIR": data_dir,
            "HARBOURLINK_SECRET_KEY": SEALER_KEY,
            "HARBOURLINK_NATS_URL": NATS_URL,
            "HARBOURLINK_NATS_PREFIX": prefix,
            "HARBOURLINK_WEBHOOK_ALLOW_PRIVATE_NETWORKS": "true",
        }
        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "harbourlink", "worker", "--role", "consumers", "--role", "dispatch"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(count)
        ]
        try:
            _wait_for_workers(db, count)
            yield
        finally:
            for process in workers:
                process.terminate()
            for process in workers:
                process.wait(60)
            topology.detach(bus)
            asyncio.run(_delete_stream(f"{prefix.upper().replace('-', '_')}_WORK"))


def run(url: str, probes: int, rate: float, processes: int) -> None:
    """Sets up, runs the background load and the probes, prints the figures."""
    db = create_database(url)
    containers = _probe_containers(probes)
    arrivals: dict[str, float] = {}
    seconds = probes * PROBE_INTERVAL + 5
    count = int(rate * seconds / BATCH) + 2
    batches = [
        ("terminal-json" if n % 2 else "csv", GENERATORS["terminal-json" if n % 2 else "csv"](BATCH, 1000 + n))
        for n in range(count)
    ]
    backlog: list[int] = []
    with _receiver(arrivals) as hook:
        actor = _set_up(db, hook, containers)
        with _processes(db, url, processes) if processes else _in_process(db):
            background = Background(db, actor, rate, batches)
            background.start()
            time.sleep(2)  # the load is under way before the first probe
            sent: dict[str, tuple[float, float]] = {}
            for container in containers:
                sent[container] = _probe(db, actor, container)
                backlog.append(_backlog(db))
                time.sleep(PROBE_INTERVAL)
            deadline = time.perf_counter() + 30
            while len(arrivals) < len(sent) and time.perf_counter() < deadline:
                time.sleep(0.05)
            background.stop.set()
            background.join(60)
    db.engine.dispose()
    missing = sorted(set(sent) - set(arrivals))
    workers = f"{processes} worker process(es)" if processes else "one worker thread in this process"
    print(
        f"background ingest: target {rate:,.0f} events/s, reached {background.achieved:,.0f} events/s "
        f"({background.events:,} events in batches of {BATCH:,}, terminal-json and CSV); consumers: {workers}"
    )
    third = max(1, len(backlog) // 3)
    print(
        f"backlog of stored messages' consumer items: first third of the probes mean "
        f"{statistics.fmean(backlog[:third]):.1f}, last third {statistics.fmean(backlog[-third:]):.1f}, "
        f"max {max(backlog)}"
    )
    print(f"probes: {len(sent)} sent, {len(sent) - len(missing)} webhooks received, {len(missing)} missing")
    if len(missing) < len(sent):
        _report("accepted → received", [arrivals[c] - sent[c][1] for c in sent if c in arrivals])
        _report("submitted → received", [arrivals[c] - sent[c][0] for c in sent if c in arrivals])
    print(f"load average {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description="alert latency under background ingest")
    parser.add_argument("probes", type=int, nargs="?", default=60)
    parser.add_argument("rate", type=float, nargs="?", default=5_000.0, help="target background events/s")
    parser.add_argument("--workers", type=int, default=0, help="worker processes (0: one thread in this process)")
    arguments = parser.parse_args()
    print(f"alert latency on PostgreSQL under background ingest, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    with scratch_database("hl_bench_alerts") as url:
        run(url, arguments.probes, arguments.rate, arguments.workers)


if __name__ == "__main__":
    main()
