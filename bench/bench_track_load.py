"""Concurrent tracking lookups against one server process, with /healthz probed alongside.

Setup (not timed): ``bench_track``'s events (default 200,000) in a scratch PostgreSQL database, a
forwarder granted 2,000 of the B/Ls, and an API key for it. Then one ``uvicorn`` process serves
the app on loopback, and CLIENTS clients each send ``GET /api/v1/track/{B/L}`` for random granted
B/Ls, one after another, for SECONDS, while another client asks ``/healthz`` twice a second.
Prints answers by status, lookups per second, latency of the successful ones and of /healthz.

    python -m bench.bench_track_load [CLIENTS] [SECONDS] [EVENTS]
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter

import httpx

from bench.bench_track import shared_bls
from bench.pg import scratch_database
from harbourlink import identity
from harbourlink.kernel import create_database

REQUEST_TIMEOUT = 30.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _prepare(url: str, events: int) -> tuple[list[str], str]:
    database = create_database(url)
    forwarder, granted = shared_bls(database, url, events)
    with database.transaction() as session:
        _, key = identity.create_api_key(
            session, identity.SYSTEM_ACTOR, org_id=forwarder, name="load", scopes=[identity.KeyScope.CARGO_READ]
        )
    database.engine.dispose()
    return granted, key


async def _lookups(
    base: str, key: str, bls: list[str], *, until: float, statuses: Counter[str], latencies: list[float], seed: int
) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(
        base_url=base, timeout=REQUEST_TIMEOUT, headers={"Authorization": f"Bearer {key}"}
    ) as client:
        while time.monotonic() < until:
            started = time.monotonic()
            try:
                response = await client.get(f"/api/v1/track/{rng.choice(bls)}")
            except httpx.HTTPError as exc:
                statuses[type(exc).__name__] += 1
                continue
            statuses[str(response.status_code)] += 1
            if response.status_code == 200:
                latencies.append(time.monotonic() - started)


async def _health(base: str, until: float, latencies: list[float], failures: list[str]) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=5.0) as client:
        while time.monotonic() < until:
            started = time.monotonic()
            try:
                (await client.get("/healthz")).raise_for_status()
                latencies.append(time.monotonic() - started)
            except httpx.HTTPError as exc:
                failures.append(type(exc).__name__)
            await asyncio.sleep(0.5)


async def _load(base: str, key: str, bls: list[str], clients: int, seconds: float) -> None:
    statuses: Counter[str] = Counter()
    latencies: list[float] = []
    health: list[float] = []
    health_failures: list[str] = []
    until = time.monotonic() + seconds
    await asyncio.gather(
        _health(base, until, health, health_failures),
        *(
            _lookups(base, key, bls, until=until, statuses=statuses, latencies=latencies, seed=n)
            for n in range(clients)
        ),
    )
    ok = statuses.get("200", 0)
    print(f"{clients} clients for {seconds:.0f} s: {sum(statuses.values())} answered or failed, {dict(statuses)}")
    if latencies:
        ordered = sorted(latencies)
        print(
            f"lookups: {ok / seconds:.1f}/s; p50 {statistics.median(ordered) * 1000:.0f} ms, "
            f"p99 {ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000:.0f} ms"
        )
    if health:
        print(
            f"/healthz: {len(health)} answered, p50 {statistics.median(health) * 1000:.0f} ms, "
            f"max {max(health) * 1000:.0f} ms; failed: {len(health_failures)}"
        )
    else:
        print(f"/healthz: none answered; failed: {len(health_failures)}")


def main() -> None:
    clients = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
    events = int(sys.argv[3]) if len(sys.argv) > 3 else 200_000
    with scratch_database("hl_bench_track_load") as url, tempfile.TemporaryDirectory() as data_dir:
        bls, key = _prepare(url, events)
        port = _free_port()
        environment = {
            **os.environ,
            "HARBOURLINK_DATABASE_URL": url,
            "HARBOURLINK_DATA_DIR": data_dir,
            "HARBOURLINK_SECRET_KEY": "bench-secret-not-for-production",
            "HARBOURLINK_RUN_DISPATCHERS": "false",
        }
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and module, fixed arguments
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "harbourlink.app:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=environment,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            asyncio.run(_load(base, key, bls, clients, seconds))
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
