"""A bounded load run against the port-scale topology on loopback: API processes, workers, PostgreSQL, NATS.

``harbourlink run`` serves a scratch database seeded with CSV traffic (events about many
containers and B/Ls of several companies, some shared with anyone holding the number); then C
concurrent clients, for D seconds, each loop: 80 % tracking lookups of numbers they hold, 15 %
small uploads (answered when stored), 5 % reads of their alerts. A probe in a process of its own
asks ``/healthz`` every second. Prints, per kind, the count, errors and p50/p99 latency, the
median and slowest ``/healthz``, how late the generator's own event loop ran (its lag counts in every
latency it measures), when the lookups slower than 250 ms were sent (spread over the run: queueing;
gathered in a few seconds: a stall), and the machine's CPU time per answered request, the generator's share apart
(what the request rate reached is bounded by on these 2 cores).
The run is bounded in time and traffic goes to 127.0.0.1 only.

Two modes. Closed loop (the default): each client sends its next request as soon as the last is
answered, so the run measures saturation: latency is then the number of clients divided by what
the machine answers per second. ``--think 1,5``: each client pauses a random 1–5 s between its
requests (as locust's ``between(1, 5)``), which is closer to 500 people and systems using the port.

    python -m bench.load_port [CLIENTS] [SECONDS] [API_PROCESSES] [WORKERS] [--think MIN,MAX]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import multiprocessing
import os
import random
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

import httpx

from bench.generators import GENERATORS
from bench.pg import scratch_database
from harbourlink import access, identity, inbound
from harbourlink.kernel import Actor, create_database, work
from harbourlink.references import ReferenceType

COMPANIES = 5
EVENTS_PER_COMPANY = 20_000
PORT = 8765
SLOW = 0.25
WINDOW = 10


def _process_cpu(topology_pid: int) -> dict[str, float]:
    """CPU seconds used so far by each kind of process this run involves, read from /proc: the API processes
    and the workers (the topology's children, told apart by their command line), PostgreSQL's server
    processes, NATS, and everything else. A process that ends between two readings is missed."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    seconds: dict[int, float] = {}
    names: dict[int, str] = {}
    workers: set[int] = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                head, _, tail = stat.read().rpartition(")")
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                argv = cmdline.read().split(b"\0")
        except OSError:
            continue
        fields = tail.split()
        pid = int(entry)
        parents[pid] = int(fields[1])
        seconds[pid] = _cpu_of(fields, tick)
        names[pid] = head.partition("(")[2]
        if b"worker" in argv:  # `python -m harbourlink worker`
            workers.add(pid)

    def kind(pid: int) -> str:
        if names[pid].startswith("postgres"):
            return "postgres"
        if names[pid].startswith("nats"):
            return "nats"
        if pid == os.getpid():
            return "generator"
        ancestor = pid
        while ancestor > 1:
            if ancestor == topology_pid:
                return "worker" if pid in workers else "api"
            ancestor = parents.get(ancestor, 1)
        return "other"

    totals: dict[str, float] = defaultdict(float)
    for pid, used in seconds.items():
        totals[kind(pid)] += used
    return totals


def _cpu_of(fields: list[str], tick: int) -> float:
    """User and system CPU seconds from the fields of ``/proc/PID/stat`` after the command's closing parenthesis."""
    return (int(fields[11]) + int(fields[12])) / tick


def process_cpu_seconds(pid: int) -> float | None:
    """CPU seconds a process of this machine has used so far; None if it has ended."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return _cpu_of(stat.read().rpartition(")")[2].split(), os.sysconf("SC_CLK_TCK"))
    except OSError:
        return None


def _busy_cpu_seconds() -> float:
    """CPU time spent by every process of the machine so far (user, nice, system, interrupts), from /proc/stat."""
    with open("/proc/stat") as stat:
        user, nice, system, _idle, _iowait, irq, softirq = (int(value) for value in stat.readline().split()[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    health: list[float] = field(default_factory=list)
    loop_lag: float = 0.0
    failures: Counter[str] = field(default_factory=Counter)
    machine_cpu: float = 0.0
    by_process: dict[str, float] = field(default_factory=dict)
    elapsed: float = 0.0
    generator_cpu: float = 0.0
    slow_lookups: list[float] = field(default_factory=list)
    """When (seconds into the run) each lookup slower than ``SLOW`` was sent: a tail spread over the
    run is queueing; one gathered in a few seconds is a stall."""
    began: float = field(default_factory=time.monotonic)


def _seed(url: str) -> list[tuple[str, list[str]]]:
    """Companies with an API key each and the numbers they hold (their own containers and B/Ls)."""
    db = create_database(url)
    db.bell = lambda _db, _queues: None  # the topology's workers run the consumers later
    held: list[tuple[str, list[str]]] = []
    for n in range(COMPANIES):
        with db.transaction() as session:
            org = identity.create_organisation(
                session,
                identity.SYSTEM_ACTOR,
                name=f"Load {n}",
                types=["shipping_line"],
                status=identity.OrgStatus.ACTIVE,
            )
            _, key = identity.create_api_key(
                session, identity.SYSTEM_ACTOR, org_id=org.id, name="load", scopes=list(identity.KeyScope)
            )
        raw = GENERATORS["csv"](EVENTS_PER_COMPANY, 500 + n)
        inbound.receive(db, Actor(org_id=org.id), format_name="csv", raw=raw, channel="bench")
        numbers = sorted(
            {line.split(",")[5] for line in raw.decode().splitlines()[1:]}
            | {line.split(",")[6] for line in raw.decode().splitlines()[1:2000]}
        )
        with db.transaction() as session:
            for number in numbers[:50]:
                kind = "CONTAINER" if len(number) == 11 else "MBL"
                access.do_grant(
                    session,
                    Actor(org_id=org.id),
                    reference_type=ReferenceType(kind),
                    reference=number,
                    grantee_org_id=None,
                    anyone_with_reference=True,
                    rule=None,
                    expires_at=None,
                )
        held.append((key, numbers))
    work.drain(db)  # the seed's consumers (ledger entries, alerts) done before the measured run
    db.engine.dispose()
    return held


@dataclass(frozen=True)
class Caller:
    base: str
    key: str
    numbers: list[str]
    think: tuple[float, float] | None
    tls: ssl.SSLContext
    """Made once for all clients: each ``AsyncClient`` would otherwise load the CA store again, which
    held the generator's event loop for a good part of a minute before 500 clients had started."""


async def _client(caller: Caller, until: float, tally: Tally, rng: random.Random) -> None:
    base, key, numbers = caller.base, caller.key, caller.numbers
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30, verify=caller.tls) as client:
        while time.monotonic() < until:
            if caller.think is not None:
                await asyncio.sleep(rng.uniform(*caller.think))
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
                failure = str(answer.status_code) if answer.status_code >= 400 else None
            except httpx.HTTPError as exc:
                failure = type(exc).__name__
            took = time.perf_counter() - started
            tally.latencies[kind].append(took)
            if kind == "lookup" and took > SLOW:
                tally.slow_lookups.append(time.monotonic() - took - tally.began)
            if failure is not None:
                tally.errors[kind] += 1
                tally.failures[f"{kind} {failure}"] += 1


def _probe(base: str, seconds: float, answer: Connection) -> None:
    """Asks ``/healthz`` every second, from a process of its own: in the generator's process the
    answer would wait for the generator's busy event loop too, and the probe would time that."""
    times: list[float] = []
    failures = 0
    until = time.monotonic() + seconds
    with httpx.Client(base_url=base, timeout=30) as client:
        while time.monotonic() < until:
            started = time.perf_counter()
            try:
                client.get("/healthz").raise_for_status()
            except httpx.HTTPError:
                failures += 1
            times.append(time.perf_counter() - started)
            time.sleep(max(0.0, 1 - times[-1]))
    answer.send((times, failures))


async def _lag(until: float, tally: Tally) -> None:
    """The longest a 0.1 s sleep of the generator overslept: time its own event loop could not run."""
    while time.monotonic() < until:
        started = time.perf_counter()
        await asyncio.sleep(0.1)
        tally.loop_lag = max(tally.loop_lag, time.perf_counter() - started - 0.1)


async def _load(
    base: str,
    held: list[tuple[str, list[str]]],
    clients: int,
    seconds: float,
    think: tuple[float, float] | None = None,
    *,
    topology_pid: int,
) -> Tally:
    tally = Tally()
    until = time.monotonic() + seconds
    rng = random.Random(7)
    tls = httpx.create_ssl_context()
    tasks = [
        _client(Caller(base, *held[n % len(held)], think, tls), until, tally, random.Random(rng.random()))
        for n in range(clients)
    ]
    spawn = multiprocessing.get_context("spawn")
    answer, sender = spawn.Pipe(duplex=False)
    probe = spawn.Process(target=_probe, args=(base, seconds, sender))
    probe.start()
    sender.close()  # the probe's end: a probe that dies then reads as end of file here, not as a hang
    machine, generator, started = _busy_cpu_seconds(), time.process_time(), time.monotonic()
    tally.began = started
    before = _process_cpu(topology_pid)
    # The generator's own full collections walked some 430,000 objects (the seed's and 500 clients')
    # every ten seconds or so: 0.3-0.5 s of CPU, up to 1.3 s on the busy machine, with every request
    # in flight waiting and timed as if the server had been slow. Held off for the run; its cyclic
    # garbage (httpx's, some 40,000 objects a collection) waits until the run ends.
    gc.collect()
    gc.disable()
    try:
        await asyncio.gather(_lag(until, tally), *tasks)
    finally:
        gc.enable()
    tally.machine_cpu, tally.generator_cpu = _busy_cpu_seconds() - machine, time.process_time() - generator
    tally.by_process = {kind: used - before.get(kind, 0.0) for kind, used in _process_cpu(topology_pid).items()}
    tally.elapsed = time.monotonic() - started
    tally.health, tally.errors["healthz"] = answer.recv()
    probe.join()
    return tally


def _report(tally: Tally, seconds: float) -> None:
    for kind in ("lookup", "upload", "alerts"):
        values = sorted(tally.latencies[kind])
        if not values:
            continue
        p50, p99 = statistics.quantiles(values, n=100)[49], statistics.quantiles(values, n=100)[98]
        print(
            f"{kind:7} {len(values):7d} requests ({len(values) / seconds:6.1f}/s)  errors {tally.errors[kind]:5d}  "
            f"p50 {p50 * 1000:7.1f} ms  p99 {p99 * 1000:7.1f} ms"
        )
    print(
        f"/healthz: {len(tally.health)} probes, median {statistics.median(tally.health or [0]) * 1000:.0f} ms, "
        f"slowest {max(tally.health, default=0) * 1000:.0f} ms, "
        f"errors {tally.errors['healthz']}"
    )
    print(f"the generator's event loop ran up to {tally.loop_lag * 1000:.0f} ms late")
    if tally.slow_lookups:
        windows = Counter(int(at // WINDOW) * WINDOW for at in tally.slow_lookups)
        print(
            f"lookups slower than {SLOW * 1000:.0f} ms, by when they were sent (s into the run): "
            + ", ".join(f"{start}-{start + WINDOW} {windows[start]}" for start in sorted(windows))
        )
    answered = sum(len(values) for values in tally.latencies.values())
    if answered:
        print(
            f"CPU: the machine was busy {tally.machine_cpu:.0f} s in {tally.elapsed:.0f} s "
            f"({tally.machine_cpu / tally.elapsed:.2f} of {os.cpu_count()} cores); per answered request "
            f"{(tally.machine_cpu - tally.generator_cpu) / answered * 1000:.1f} ms besides the generator's "
            f"{tally.generator_cpu / answered * 1000:.1f} ms"
        )
        by_process = sorted(tally.by_process.items(), key=lambda item: -item[1])
        unattributed = tally.machine_cpu - sum(tally.by_process.values())
        print(
            "CPU per answered request by process: "
            + ", ".join(f"{kind} {used / answered * 1000:.1f} ms" for kind, used in by_process)
            + f"; {unattributed / answered * 1000:.1f} ms in the kernel or in processes that ended during the run"
        )
    if tally.failures:
        print("errors by cause:", ", ".join(f"{cause} ×{count}" for cause, count in tally.failures.most_common()))


def _think(text: str) -> tuple[float, float]:
    low, _, high = text.partition(",")
    return float(low), float(high or low)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("clients", nargs="?", type=int, default=500)
    parser.add_argument("seconds", nargs="?", type=float, default=120.0)
    parser.add_argument("api_processes", nargs="?", type=int, default=2)
    parser.add_argument("workers", nargs="?", type=int, default=1)
    parser.add_argument(
        "--think",
        type=_think,
        default=None,
        metavar="MIN,MAX",
        help="seconds each client pauses between its requests, drawn uniformly (default: none)",
    )
    options = parser.parse_args()
    clients, seconds, think = options.clients, options.seconds, options.think
    api_processes, workers = options.api_processes, options.workers
    with scratch_database("hl_load_port") as url, tempfile.TemporaryDirectory() as data_dir:
        held = _seed(url)
        env = {
            **os.environ,
            "HARBOURLINK_DATABASE_URL": url,
            "HARBOURLINK_DATA_DIR": data_dir,
            "HARBOURLINK_SECRET_KEY": "load-secret",
            "HARBOURLINK_NATS_URL": os.environ.get("HARBOURLINK_NATS_URL", "nats://127.0.0.1:4222"),
            "HARBOURLINK_NATS_PREFIX": "load",
        }
        topology = subprocess.Popen(  # noqa: S603 - our own command line
            [
                sys.executable,
                "-m",
                "harbourlink",
                "run",
                "--port",
                str(PORT),
                "--api-processes",
                str(api_processes),
                "--workers",
                str(workers),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
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
            pause = (
                "no pause between requests (closed loop)"
                if think is None
                else f"a random {think[0]:g}-{think[1]:g} s pause between a client's requests"
            )
            print(
                f"load: {clients} clients for {seconds:.0f} s, {pause}, against {api_processes} API process(es) "
                f"and {workers} worker(s) on PostgreSQL, {COMPANIES * EVENTS_PER_COMPANY} events stored, "
                f"load average before {os.getloadavg()[0]:.1f}"
            )
            tally = asyncio.run(_load(base, held, clients, seconds, think, topology_pid=topology.pid))
            _report(tally, seconds)
            print(f"load average after {os.getloadavg()[0]:.1f}")
        finally:
            topology.terminate()
            topology.wait(60)


if __name__ == "__main__":
    main()
