"""Server-sent event streams of a state that changes: sent at once, again whenever it differs, kept alive.

The state is read in a worker thread (the database call blocks) each time one of its live subjects is
announced (``kernel.live``, from any process through the bus) or the poll interval passes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass

from fastapi import Request

from harbourlink.api.context import runtime
from harbourlink.kernel import live

KEEP_ALIVE_SECONDS = 15.0
"""Proxies close idle connections: a comment line this often keeps a quiet stream open."""


@dataclass(frozen=True)
class Snapshot:
    data: str | None
    """The event's JSON; None when the caller may no longer read it (the stream ends)."""
    subjects: Sequence[str]
    """What to wait on before reading again."""
    last: bool = False
    """Nothing will change any more: the stream ends after sending it."""


async def snapshots(request: Request, event: str, read: Callable[[], Snapshot]) -> AsyncIterator[str]:
    """``event`` with the state's data at once and whenever it changes, until the client goes or it ends."""
    poll = runtime(request).settings.live_poll_seconds
    sent: str | None = None
    quiet_since = time.monotonic()
    yield "retry: 2000\n\n"
    while not await request.is_disconnected():
        now = await asyncio.to_thread(read)
        if now.data is None:
            return
        if now.data != sent:
            sent, quiet_since = now.data, time.monotonic()
            yield f"event: {event}\ndata: {now.data}\n\n"
            if now.last:
                return
        elif time.monotonic() - quiet_since >= KEEP_ALIVE_SECONDS:
            quiet_since = time.monotonic()
            yield ": keep-alive\n\n"
        await live.hub.wait_any(now.subjects, poll)
