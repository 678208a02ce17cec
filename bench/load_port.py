"""A bounded load run against the port-scale topology on loopback: API processes, workers, PostgreSQL, NATS.

``harbourlink run`` serves a scratch database seeded with CSV traffic (events about many
containers and B/Ls of several companies, some shared with anyone holding the number); then C
concurrent clients, for D seconds, each loop: 80 % tracking lookups of numbers they hold, 15 %
small uploads (answered when stored), 5 % reads of their alerts. A probe asks ``/healthz`` every
second. Prints, per kind, the count, errors and p50/p99 latency, and the slowest ``/healthz``.
The run is bounded in time and traffic goes to 127.0.0.1 only.

    python -m bench.load_port [CLIENTS] [SECONDS] [API_PROCESSES] [WORKERS]
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field

import httpx

from bench.generators import GENERATORS
from bench.pg import scratch_database
from harbourlink import access, identity, inbound
from harbourlink.kernel import Actor, create_database, work
from harbourlink.references import ReferenceType

COMPANIES = 5
EVENTS_PER_COMPANY = 20_000
PORT = 8765


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    health: list[float] = field(default_factory=list)


def _seed(url: str) -> list[tuple[str, list[str]]]:
    """Companies with an API key each and the numbers they hold (their own containers and B/Ls)."""
    db = create_database(url)
    db.bell = lambda _db, _queues: None  # the topology's workers run the consumers later
    held: list[tuple[str, list[str]]] = []
    for n in range(COMPANIES):
        with db.transaction() as session:
            org = identity.create_organisation(session, identity.SYSTEM_ACTOR, name=f"Load {n}",
                                               types=["shipping_line"], status=identity.OrgStatus.ACTIVE)
            _, key = identity.create_api_key(session, identity.SYSTEM_ACTOR, org_id=org.id, name="load",
                                             scopes=list(identity.KeyScope))
        raw = GENERATORS["csv"](EVENTS_PER_COMPANY, 500 + n)
        inbound.receive(db, Actor(org_id=org.id), format_name="csv", raw=raw, channel="bench")
        numbers = sorted({line.split(",")[5] for line in raw.decode().splitlines()[1:]}
                         | {line.split(",")[6] for line in raw.decode().splitlines()[1:2000]})
        with db.transaction() as session:
            for number in numbers[:50]:
                kind = "CONTAINER" if len(number) == 11 else "MBL"
                access.do_grant(session, Actor(org_id=org.id), reference_type=ReferenceType(kind), reference=number,
                                grantee_org_id=None, anyone_with_reference=True, rule=None, expires_at=None)
        held.append((key, numbers))
    work.drain(db)  # the seed's consumers (ledger entries, alerts) done before the measured run
    db.engine.dispose()
    return held


@dataclass(frozen=True)
class Caller:
    base: str
    key: str
    numbers: list[str]


async def _client(caller: Caller, until: float, tally: Tally, rng: random.Random) -> None:
    base, key, numbers = caller.base, caller.key, caller.numbers
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        while time.monotonic() < until:
            roll = rng.random()
            started = time.perf_counter()
            try:
                if roll < 0.80:
                    kind = "lookup"
                    answer = await client.get(f"/api/v1/track/{rng.choice(numbers)}")
                elif roll < 0.95:
                    kind = "upload"
                    body = GENERATORS["csv"](20, rng.randrange(10**9))
                    answer = await client.post("/api/v1/messages", params={"format": "csv"}, content=body)
                else:
                    kind = "alerts"
                    answer = await client.get("/api/v1/alerts")
                ok = answer.status_code < 400
            except httpx.HTTPError:
                ok = False
            tally.latencies[kind].append(time.perf_counter() - started)
            if not ok:
                tally.errors[kind] += 1


async def _probe(base: str, until: float, tally: Tally) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        while time.monotonic() < until:
            started = time.perf_counter()
            try:
                await client.get("/healthz")
            except httpx.HTTPError:
                tally.errors["healthz"] += 1
            tally.health.append(time.perf_counter() - started)
            await asyncio.sleep(1)


async def _load(base: str, held: list[tuple[str, list[str]]], clients: int, seconds: float) -> Tally:
    tally = Tally()
    until = time.monotonic() + seconds
    rng = random.Random(7)
    tasks = [_client(Caller(base, *held[n % len(held)]), until, tally, random.Random(rng.random()))
             for n in range(clients)]
    await asyncio.gather(_probe(base, until, tally), *tasks)
    return tally


def _report(tally: Tally, seconds: float) -> None:
    for kind in ("lookup", "upload", "alerts"):
        values = sorted(tally.latencies[kind])
        if not values:
            continue
        p50, p99 = statistics.quantiles(values, n=100)[49], statistics.quantiles(values, n=100)[98]
        print(f"{kind:7} {len(values):7d} requests ({len(values) / seconds:6.1f}/s)  errors {tally.errors[kind]:5d}  "
              f"p50 {p50 * 1000:7.1f} ms  p99 {p99 * 1000:7.1f} ms")
    print(f"/healthz: {len(tally.health)} probes, slowest {max(tally.health, default=0) * 1000:.0f} ms, "
          f"errors {tally.errors['healthz']}")


def main() -> None:
    clients = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 120.0
    api_processes = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    workers = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    with scratch_database("hl_load_port") as url, tempfile.TemporaryDirectory() as data_dir:
        held = _seed(url)
        env = {**os.environ, "HARBOURLINK_DATABASE_URL": url, "HARBOURLINK_DATA_DIR": data_dir,
               "HARBOURLINK_SECRET_KEY": "load-secret", "HARBOURLINK_NATS_URL": os.environ.get(
                   "HARBOURLINK_NATS_URL", "nats://127.0.0.1:4222"), "HARBOURLINK_NATS_PREFIX": "load"}
        topology = subprocess.Popen([sys.executable, "-m", "harbourlink", "run", "--port", str(PORT),  # noqa: S603
                                     "--api-processes", str(api_processes), "--workers", str(workers)], env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{PORT}"
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.5)
            print(f"load: {clients} clients for {seconds:.0f} s against {api_processes} API process(es) and "
                  f"{workers} worker(s) on PostgreSQL, {COMPANIES * EVENTS_PER_COMPANY} events stored, "
                  f"load average before {os.getloadavg()[0]:.1f}")
            tally = asyncio.run(_load(base, held, clients, seconds))
            _report(tally, seconds)
            print(f"load average after {os.getloadavg()[0]:.1f}")
        finally:
            topology.terminate()
            topology.wait(60)


if __name__ == "__main__":
    main()
