"""Worker processes and the port-scale topology on one machine.

``run_worker`` is one ``harbourlink worker`` process: the worker loop in the foreground, for the
roles asked, until SIGTERM or SIGINT (the round in progress finishes; a SIGKILL loses nothing
either: leases expire and items are taken again). ``run_topology`` starts ``serve --workers N``
and M worker processes as children, restarts a child that dies, and stops them all together.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from types import FrameType

from harbourlink.identity import Sealer
from harbourlink.kernel import create_database, work
from harbourlink.kernel.collector import freeze_start_up
from harbourlink.settings import Settings
from harbourlink.worker import duties, topology

log = logging.getLogger(__name__)

RESTART_DELAY = 1.0
STOP_GRACE = 20.0


def run_worker(settings: Settings, roles: Iterable[str], *, idle: float = 1.0) -> None:
    """One worker process: works its roles' queues and jobs until told to stop."""
    db = create_database(settings.resolved_database_url(), pool=settings.database_pool())
    worker = work.Worker(
        db,
        roles=roles,
        idle=idle,
        lease=timedelta(seconds=settings.work_lease_seconds),
        jobs=duties.jobs(settings, db, Sealer(settings.resolved_secret_key())),
    )
    bus = topology.attach(db, settings, worker=worker)

    def stop(_signum: int, _frame: FrameType | None) -> None:
        worker.stopping.set()
        worker.wake.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("worker %s: roles %s, queues %s", worker.name, ", ".join(sorted(worker.roles)), ", ".join(worker.queues()))
    freeze_start_up()
    try:
        worker.run()
    finally:
        topology.detach(bus)
        db.engine.dispose()


@dataclass
class Child:
    """One supervised process: its command line, and the process running it now."""

    name: str
    argv: list[str]
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    started_at: float = field(default=0.0)

    def start(self) -> None:
        self.process = subprocess.Popen(self.argv, env=self.env)  # noqa: S603 - our own command line
        self.started_at = time.monotonic()


def topology_children(
    *, host: str, port: int, api_processes: int, workers: int, roles: Sequence[str] = ()
) -> list[Child]:
    """The processes of the port-scale topology: the API processes (one server) and the workers."""
    command = [sys.executable, "-m", "harbourlink"]
    env = {**os.environ, "HARBOURLINK_RUN_DISPATCHERS": "false"}
    children = [
        Child("api", [*command, "serve", "--host", host, "--port", str(port), "--workers", str(api_processes)], env)
    ]
    role_options = [option for role in roles for option in ("--role", role)]
    children += [Child(f"worker-{n + 1}", [*command, "worker", *role_options], env) for n in range(workers)]
    return children


def run_topology(children: list[Child]) -> None:
    """Starts every child, restarts one that exits, and stops them all on SIGTERM or SIGINT."""
    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for child in children:
        child.start()
    while not stopping:
        time.sleep(0.5)
        for child in children:
            if child.process is not None and child.process.poll() is not None and not stopping:
                log.warning("%s exited with %s; restarting", child.name, child.process.returncode)
                time.sleep(RESTART_DELAY)
                child.restarts += 1
                child.start()
    for child in children:
        if child.process is not None and child.process.poll() is None:
            child.process.terminate()
    deadline = time.monotonic() + STOP_GRACE
    for child in children:
        if child.process is not None:
            try:
                child.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()
