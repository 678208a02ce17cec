"""NATS between the processes of a port-scale installation.

* **Work**: after a commit that enqueued work, ``ring`` publishes one message per queue to the
  JetStream stream ``HARBOURLINK_WORK`` (work-queue retention), on ``harbourlink.work.<role>.<queue>``
  (the prefix is a setting, so installations can share one NATS).
  Each role has one durable pull consumer that all worker processes of that role share, so each
  ring wakes exactly one of them, which then drains the queue from the database. The database
  stays the record of the work (items, leases, attempts): a ring lost in transit, or a worker
  killed before acting on it, delays the item until the next poll; it never loses it.
* **Live updates**: ``publish_live`` sends announcements (``kernel.live``) on plain NATS subjects
  ``harbourlink.live.<subject>``; every process subscribes, so its waiters wake.

The client (``nats-py``) is asynchronous; it runs on a loop in a daemon thread of its own so the
synchronous code of requests and workers can call it without blocking on the network.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from typing import Any

import nats
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError

log = logging.getLogger(__name__)

PREFIX = "harbourlink"
RING_MAX_AGE_SECONDS = 3600.0
"""A ring nobody heard within an hour is dropped: by then workers have polled the item long since."""
IDLE_WAIT_SECONDS = 1.0
"""How long a role's listener waits in one go for its busy worker to turn idle (then it checks again)."""


class NatsBus:
    """One connection of this process to NATS; ``close`` ends it."""

    def __init__(self, url: str, *, name: str = "harbourlink", prefix: str = PREFIX, connect_timeout: float = 10.0):
        """``prefix`` names the stream and subjects, so installations (or test runs) can share one NATS."""
        self.stream = f"{prefix.upper().replace('.', '_').replace('-', '_')}_WORK"
        self.work_subject, self.live_prefix = f"{prefix}.work", f"{prefix}.live."
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="nats", daemon=True)
        self._thread.start()
        self._tasks: list[asyncio.Task[None]] = []
        try:
            self._nc = self._call(
                nats.connect(
                    url,
                    name=name,
                    connect_timeout=connect_timeout,
                    no_echo=True,
                    max_reconnect_attempts=-1,
                    reconnect_time_wait=0.5,
                ),
                connect_timeout + 5,
            )
            self._js = self._nc.jetstream()
            self._call(self._ensure_stream())
        except Exception:
            self._stop_loop()
            raise

    def _call(self, coroutine: Coroutine[Any, Any, Any], timeout: float = 10.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def _submit(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        """Runs without waiting for it: a request's answer never waits on the bus."""
        future: Future[Any] = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        future.add_done_callback(_log_failure)

    async def _ensure_stream(self) -> None:
        config = StreamConfig(
            name=self.stream,
            subjects=[f"{self.work_subject}.>"],
            retention=RetentionPolicy.WORK_QUEUE,
            storage=StorageType.FILE,
            max_age=RING_MAX_AGE_SECONDS,
        )
        try:
            await self._js.add_stream(config)
        except BadRequestError:  # it exists with other settings (an older installation): bring them up to date
            await self._js.update_stream(config)

    # ---------------------------------------------------------------- work

    def ring(self, queues_by_role: dict[str, set[str]]) -> None:
        """Tells each role's workers that these queues have new items."""
        for role, queues in queues_by_role.items():
            for queue in sorted(queues):
                self._submit(self._js.publish(f"{self.work_subject}.{role}.{queue}", b""))

    def listen_work(self, role: str, wake: Callable[[], None], *, idle: threading.Event | None = None) -> None:
        """Calls ``wake`` (in the bus's thread) whenever a ring for ``role`` reaches this process.

        ``idle``: set while this process's worker waits for work. Rings are asked for only then, so a
        ring goes to a free worker, not to one busy with a long item while the free ones sleep until
        their next poll; rings sent while every worker is busy wait in the stream for the first free one.
        """
        self._tasks.append(self._call(self._start(self._pull(role, wake, idle))))

    async def _start(self, coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        return asyncio.get_running_loop().create_task(coroutine)

    async def _pull(self, role: str, wake: Callable[[], None], idle: threading.Event | None) -> None:
        subscription = await self._js.pull_subscribe(
            f"{self.work_subject}.{role}.>", durable=f"workers-{role}", stream=self.stream
        )
        while True:
            if idle is not None and not idle.is_set():
                # Waited for in a thread of the loop's executor, not polled: polling at a short interval
                # took the interpreter's lock from the busy worker many times a second.
                await asyncio.get_running_loop().run_in_executor(None, idle.wait, IDLE_WAIT_SECONDS)
                continue
            try:
                # Short while idle-bound: a fetch still waiting when the worker turns busy may yet take a ring.
                messages = await subscription.fetch(batch=256, timeout=5 if idle is None else 1)
            except NatsTimeout:
                continue
            except Exception:  # reconnecting: try again shortly, the database poll covers the gap
                log.warning("work ring subscription for %s interrupted", role, exc_info=True)
                await asyncio.sleep(1)
                continue
            for message in messages:
                await message.ack()
            wake()

    # ---------------------------------------------------------------- live updates

    def publish_live(self, subjects: set[str]) -> None:
        for subject in sorted(subjects):
            self._submit(self._nc.publish(self.live_prefix + subject, b""))

    def listen_live(self, deliver: Callable[[set[str]], None]) -> None:
        """Calls ``deliver`` with each announcement heard from the other processes (this one delivers its own)."""

        async def heard(message: Any) -> None:
            deliver({message.subject.removeprefix(self.live_prefix)})

        self._call(self._nc.subscribe(self.live_prefix + ">", cb=heard))

    def flush(self, timeout: float = 5.0) -> None:
        """Waits until what was published has reached the server."""
        self._call(self._nc.flush(timeout), timeout + 1)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._call(self._shutdown(), 10)
        self._stop_loop()

    async def _shutdown(self) -> None:
        """Stops listening, sends what was published, and closes the connection.

        Not ``drain``: it waits out a pull subscription's pending fetch, and nothing heard here
        needs finishing (rings are acknowledged as they arrive, announcements are disposable).
        """
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        with contextlib.suppress(Exception):
            await self._nc.flush(2)
        await self._nc.close()

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)


def _log_failure(future: Future[Any]) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.warning("publishing to NATS failed: %s", future.exception())
