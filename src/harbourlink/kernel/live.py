"""Live updates within a process and, through a bus, across processes.

A transaction that changes something people watch (an alert) calls ``announce(session, subject)``;
once it commits, every waiter on that subject in this process wakes (``hub.wait``), and when the
process is linked to a bus (``hub.link``) so do waiters in every other process: an alert raised
in a worker process reaches a browser connected to any API process. A waiter then reads what
changed from the database, so an announcement carries no data and a lost one only delays.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy.orm import Session

LIVE = "harbourlink.live"
"""``session.info`` key: the subjects a transaction announced, published after it commits."""


def announce(session: Session, subject: str) -> None:
    """Marks ``subject`` as changed by this transaction; waiters hear of it after the commit."""
    session.info.setdefault(LIVE, set()).add(subject)


class Hub:
    """This process's waiters, by subject; thread-safe, for asyncio waiters on any loop."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = {}
        self._outbound: Callable[[set[str]], Any] | None = None

    def link(self, publish: Callable[[set[str]], Any] | None) -> None:
        """Sends announcements to other processes too (a bus's publish), or stops doing so (None)."""
        self._outbound = publish

    def publish(self, subjects: set[str]) -> None:
        """After a commit: wakes this process's waiters, then tells the other processes."""
        self.deliver(subjects)
        if self._outbound is not None:
            self._outbound(subjects)

    def deliver(self, subjects: set[str]) -> None:
        """Wakes the waiters on these subjects (announcements of this process or heard from the bus)."""
        with self._lock:
            woken = [waiter for subject in subjects for waiter in self._waiters.get(subject, ())]
        for loop, event in woken:
            loop.call_soon_threadsafe(event.set)

    async def wait(self, subject: str, timeout: float) -> bool:
        """Waits until ``subject`` is announced or ``timeout`` passes; True when it was announced."""
        return await self.wait_any([subject], timeout)

    async def wait_any(self, subjects: Iterable[str], timeout: float) -> bool:
        """Waits until one of ``subjects`` is announced or ``timeout`` passes; True when one was announced."""
        waiter = (asyncio.get_running_loop(), asyncio.Event())
        watched = set(subjects)
        with self._lock:
            for subject in watched:
                self._waiters.setdefault(subject, set()).add(waiter)
        try:
            await asyncio.wait_for(waiter[1].wait(), timeout)
            return True
        except TimeoutError:
            return False
        finally:
            with self._lock:
                for subject in watched:
                    waiting = self._waiters.get(subject)
                    if waiting is not None:
                        waiting.discard(waiter)
                        if not waiting:
                            del self._waiters[subject]


hub = Hub()
"""The process's hub: every database of the process publishes to it after commits."""
