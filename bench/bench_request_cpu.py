"""What one API request costs the API process in CPU, by kind, on PostgreSQL, in-process.

Setup (not timed): ``load_port``'s data (five companies, 100,000 events) in a scratch database.
Then each kind of the load run's requests (a tracking lookup, a 20-event CSV upload, an alert
read) and ``/healthz`` as the baseline, called straight on the ASGI application (no HTTP client
or server, so only the application's own work counts), CONCURRENCY at a time, REQUESTS each.
Prints the process's CPU time per request, with every thread counted, and its ratio to
``/healthz``; beside it the database server's CPU per request, that of the server processes
serving the scratch database (read from /proc: the server must run on this machine).

    python -m bench.bench_request_cpu [REQUESTS] [CONCURRENCY]
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
import time
from collections.abc import Callable, MutableMapping
from typing import Any

import psycopg
from fastapi import FastAPI

from bench.generators import GENERATORS
from bench.load_port import _seed, process_cpu_seconds
from bench.pg import libpq, scratch_database
from harbourlink.app import create_app
from harbourlink.settings import Settings

Call = tuple[str, str, bytes, bytes]
"""Method, path, query string and body of one request."""


async def _call(app: FastAPI, key: str, request: Call) -> None:
    method, path, query, body = request
    headers = [
        (b"authorization", f"Bearer {key}".encode()),
        (b"host", b"bench"),
        (b"content-length", str(len(body)).encode()),
    ]
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query,
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
        "state": {},
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    statuses: list[int] = []
    bodies: list[bytes] = []

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop()
        await asyncio.sleep(3600)  # a client that stays connected
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])
        elif message["type"] == "http.response.body":
            bodies.append(message.get("body", b""))

    await app(scope, receive, send)
    if statuses[0] >= 400:
        raise SystemExit(f"{method} {path} answered {statuses[0]}: {b''.join(bodies).decode(errors='replace')}")


def _server_cpu(url: str) -> float:
    """CPU seconds used so far by the server processes connected to the database at ``url``. The pool
    keeps the connections it opened (``kernel.db.PoolLimits``), so the same processes serve a whole kind."""
    with psycopg.connect(libpq(url)) as connection:
        pids = [
            pid for (pid,) in connection.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        ]
    return sum(used for used in map(process_cpu_seconds, pids) if used is not None)  # one that ended is missed


def _cpu_per_request(
    app: FastAPI, key: str, make: Callable[[], Call], requests: int, concurrency: int, *, url: str
) -> tuple[float, float]:
    """CPU seconds per request of this process, and of the database server."""
    calls = [make() for _ in range(requests)]

    async def run() -> None:
        async def caller() -> None:
            while calls:
                await _call(app, key, calls.pop())

        await asyncio.gather(*(caller() for _ in range(concurrency)))

    started, server = time.process_time(), _server_cpu(url)
    asyncio.run(run())
    return (time.process_time() - started) / requests, (_server_cpu(url) - server) / requests


def main() -> None:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    concurrency = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    with scratch_database("hl_bench_request_cpu") as url, tempfile.TemporaryDirectory() as data_dir:
        held = _seed(url)
        settings = Settings(
            database_url=url, data_dir=data_dir, secret_key="bench", run_dispatchers=False, rate_limit_api_per_key=10**9
        )  # its bookkeeping is measured, its refusals are not
        app = create_app(settings)
        app.state.runtime.db.bell = lambda _db, _queues: None  # consumers are a worker's work, not the API's
        key, numbers = held[0]
        rng = random.Random(3)
        kinds: dict[str, Callable[[], Call]] = {
            "healthz": lambda: ("GET", "/healthz", b"", b""),
            "lookup": lambda: ("GET", f"/api/v1/track/{rng.choice(numbers)}", b"", b""),
            "upload": lambda: ("POST", "/api/v1/messages", b"format=csv", GENERATORS["csv"](20, rng.randrange(10**9))),
            "alerts": lambda: ("GET", "/api/v1/alerts", b"", b""),
        }
        for make in kinds.values():
            _cpu_per_request(app, key, make, 50, concurrency, url=url)  # compiled statements, pool, key cache, plans
        measured = {
            kind: _cpu_per_request(app, key, make, requests, concurrency, url=url) for kind, make in kinds.items()
        }
        app.state.runtime.db.engine.dispose()
    print(f"CPU per request, {requests} requests of each kind, {concurrency} at a time:")
    healthz = measured["healthz"][0]
    for kind, (cost, server) in measured.items():
        print(
            f"{kind:8} API process {cost * 1000:7.2f} ms  ({1 / cost:6.0f} per CPU-second, "
            f"{cost / healthz:5.1f}× /healthz)  database server {server * 1000:6.2f} ms"
        )
    share = {"lookup": 0.80, "upload": 0.15, "alerts": 0.05}
    mix = [sum(part * measured[kind][side] for kind, part in share.items()) for side in (0, 1)]
    print(f"the load run's mix (80/15/5): API process {mix[0] * 1000:.2f} ms, database server {mix[1] * 1000:.2f} ms")


if __name__ == "__main__":
    main()
