"""The one worker loop: it works the queues of its roles and runs its roles' periodic jobs.

Every background duty of the platform runs here, in the same loop, whether in the embedded
process (a thread) or in ``harbourlink worker`` processes at port scale: the consumers of stored
events, the processing of large uploads, alert and DCSA callback delivery, the ledger sequencer.
A round that found work is followed at once by another; an idle loop sleeps until its bell rings
or ``idle`` seconds pass, so a lost ring delays work but never loses it. Every ``heartbeat``
seconds between rounds the loop writes its heartbeat row (``heartbeat.beat``).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
from sqlalchemy.orm import Session

from harbourlink.kernel.clock import utcnow
from harbourlink.kernel.db import Database
from harbourlink.kernel.workqueue.heartbeat import beat, forget
from harbourlink.kernel.workqueue.lease import DEFAULT_LEASE
from harbourlink.kernel.workqueue.queue import consumers, run_round

log = logging.getLogger(__name__)

ROLES = ("consumers", "inbound", "dispatch", "sequencer")
"""``consumers``: reactions to stored events; ``inbound``: large uploads; ``dispatch``: alert and DCSA
deliveries; ``sequencer``: the ledger (one is enough: the log row lock keeps it the only writer)."""
HEARTBEAT_SECONDS = 15.0


@dataclass
class Job:
    """A periodic duty: ``run`` returns True when it found work (run again at once), else it waits ``every`` s.

    ``rung``: a ring makes it due at once, because enqueued work causes what it handles (alert
    messages, callbacks, ledger entries); upkeep that no item causes keeps its own clock.
    """

    name: str
    role: str
    run: Callable[[httpx.Client], bool]
    every: float = 1.0
    rung: bool = True
    next_at: float = field(default=0.0)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


class Worker:
    """Runs rounds until stopped; ``wake`` is the bell of a thread in this process or of a bus."""

    def __init__(
        self,
        db: Database,
        *,
        roles: Iterable[str] = ROLES,
        jobs: Iterable[Job] = (),
        idle: float = 1.0,
        lease: timedelta = DEFAULT_LEASE,
        heartbeat: float = HEARTBEAT_SECONDS,
    ):
        self.db, self.roles, self.idle, self.lease, self.heartbeat = db, frozenset(roles), idle, lease, heartbeat
        unknown = self.roles - set(ROLES)
        if unknown:
            raise ValueError(f"unknown worker role(s): {', '.join(sorted(unknown))}; choose from {', '.join(ROLES)}")
        self.jobs = [job for job in jobs if job.role in self.roles]
        self.name = worker_name()
        self.started_at = utcnow()
        self.attempted = 0
        self._next_beat = 0.0
        self.wake = threading.Event()
        self.waiting = threading.Event()
        """Set while the loop waits for work (a bus asks for rings only then)."""
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def queues(self) -> list[str]:
        return sorted(queue for queue, consumer in consumers().items() if consumer.role in self.roles)

    def ring(self, _db: Database | None = None, _queues: set[str] | None = None) -> None:
        """A bell for ``Database.bell`` or a bus: work was enqueued, and what it causes (alerts, callbacks,
        entries to sequence) is due now, so the rung jobs run in the next round too."""
        for job in self.jobs:
            if job.rung:
                job.next_at = 0.0
        self.wake.set()

    def step(self, client: httpx.Client) -> bool:
        """One round over the queues and the due jobs; True when anything was found.

        The due jobs run after each queue that had work too, not only at the end of the round: what
        an item caused (an alert's messages in the outbox) leaves then, not after the round's
        heavier queues."""
        busy = False
        for queue in self.queues():
            attempted = run_round(self.db, [queue], worker=self.name, lease=self.lease)
            self.attempted += attempted
            if attempted:
                busy = True
                self._run_due_jobs(client)
        found = self._run_due_jobs(client)
        return busy or found

    def _run_due_jobs(self, client: httpx.Client) -> bool:
        busy = False
        now = time.monotonic()
        for job in self.jobs:
            if job.next_at > now:
                continue
            try:
                found = job.run(client)
            except Exception:  # a failed round is retried next time; the loop must outlive it
                log.exception("job %s failed", job.name)
                found = False
            job.next_at = now if found else now + job.every
            busy = busy or found
        return busy

    def run(self) -> None:
        """Runs in the calling thread until ``stop``."""
        with httpx.Client(follow_redirects=False, timeout=10) as client:
            while not self.stopping.is_set():
                try:
                    busy = self.step(client)
                except Exception:
                    log.exception("worker round failed")
                    busy = False
                self._beat_when_due()
                if not busy:
                    next_job = min((job.next_at for job in self.jobs), default=time.monotonic() + self.idle)
                    self.waiting.set()
                    self.wake.wait(max(0.0, min(self.idle, next_job - time.monotonic())))
                    self.waiting.clear()
                    self.wake.clear()
        self._write(lambda session: forget(session, self.name))

    def _beat_when_due(self) -> None:
        if time.monotonic() < self._next_beat:
            return
        self._next_beat = time.monotonic() + self.heartbeat
        self._write(
            lambda session: beat(
                session,
                name=self.name,
                roles=self.roles,
                started_at=self.started_at,
                attempted=self.attempted,
                now=utcnow(),
            )
        )

    def _write(self, change: Callable[[Session], None]) -> None:
        """A heartbeat's write: a failure is logged, and the loop goes on working."""
        try:
            with self.db.transaction() as session:
                change(session)
        except Exception:
            log.exception("worker heartbeat failed")

    def start(self) -> None:
        """Runs in a daemon thread of this process (the embedded installation)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self.run, name="harbourlink-worker", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stops after the round in progress."""
        self.stopping.set()
        self.wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
