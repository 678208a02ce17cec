"""The e-lock listener: locks connect over TCP and send eSeal sentences; each is stored, applied and answered.

Per connection, the stream is cut into frames (``elock.Framer``: sentences split across reads are joined,
bytes outside sentences kept as garbage). Frames are stored one at a time, in order, each in its own
transaction (``elock.receive_frame``: archived raw with the positions, custody changes and alerts it
brings); the ACK — and, when custody says unlock, the remote unlock command — is written back only
after the commit, so a lock whose sentence was not stored repeats it. A frame whose processing fails
is archived as ``failed`` in a transaction of its own, for replay, and is not answered.

Command line (in ``harbourlink.cli``)::

    harbourlink elock listen --tcp PORT [--bind ADDRESS]
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass, field

from harbourlink import elock
from harbourlink.identity import Sealer
from harbourlink.kernel import Database

log = logging.getLogger(__name__)

READ_BYTES = 4096


@dataclass
class ListenerStats:
    connections: int = 0
    frames: int = 0
    accepted: int = 0
    rejected: int = 0
    failed: int = 0
    outcomes: list[elock.Outcome] = field(default_factory=list)


class ElockListener:
    """``await start()``, then ``await stop()``; ``address`` is where it listens (port 0 picks a free one)."""

    def __init__(
        self,
        db: Database,
        *,
        port: int,
        bind: str = "127.0.0.1",
        on_outcome: Callable[[elock.Outcome], None] | None = None,
        sealer: Sealer | None = None,
    ):
        self.db = db
        self.sealer = sealer
        """Seals the seal sessions' new entries before each commit; without it they wait for the next read."""
        self.port = port
        self.bind = bind
        self.stats = ListenerStats()
        self.address: tuple[str, int] | None = None
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._on_outcome = on_outcome

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, self.bind, self.port)
        self.address = self._server.sockets[0].getsockname()[:2]
        log.info("e-locks: listening for eSeal on %s:%d", *self.address)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = "{}:{}".format(*writer.get_extra_info("peername")[:2])
        task = asyncio.current_task()
        assert task is not None  # noqa: S101 - called by asyncio as a task
        self._connections.add(task)
        self.stats.connections += 1
        framer = elock.Framer()
        try:
            while data := await reader.read(READ_BYTES):
                for frame in framer.feed(data):
                    await self._handle(peer, frame, writer)
            for frame in framer.close():
                await self._handle(peer, frame, writer)
        except (ConnectionError, OSError) as exc:
            log.warning("e-locks: %s dropped: %s", peer, exc)
        except asyncio.CancelledError:
            log.info("e-locks: %s cut off while stopping", peer)
        finally:
            self._connections.discard(task)
            writer.close()

    async def _handle(self, peer: str, frame: elock.Frame, writer: asyncio.StreamWriter) -> None:
        self.stats.frames += 1
        outcome = await asyncio.to_thread(self._store, peer, frame)
        if outcome.status == "failed":
            self.stats.failed += 1
        elif outcome.status == "rejected":
            self.stats.rejected += 1
        else:
            self.stats.accepted += 1
        self.stats.outcomes = [*self.stats.outcomes[-999:], outcome]
        if self._on_outcome is not None:
            self._on_outcome(outcome)
        for reply in outcome.replies:
            writer.write(reply)
        if outcome.replies:
            await writer.drain()

    def _store(self, peer: str, frame: elock.Frame) -> elock.Outcome:
        try:
            with self.db.transaction() as session:
                outcome = elock.receive_frame(session, peer=peer, frame=frame)
                if self.sealer is not None and outcome.trip_id is not None:
                    elock.seal_trip_log(session, self.sealer, trip_id=outcome.trip_id)
                return outcome
        except Exception as exc:
            log.exception("e-locks: a frame from %s could not be applied; kept for replay", peer)
            with self.db.transaction() as session:
                seq = elock.archive_failed(session, peer=peer, raw=frame.data, error=repr(exc))
            return elock.Outcome(seq, "failed", repr(exc))


def run_listener(db: Database, *, port: int, bind: str, sealer: Sealer) -> ListenerStats:
    """Runs until SIGINT or SIGTERM; returns the counts."""

    async def main() -> ListenerStats:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        listener = ElockListener(db, port=port, bind=bind, sealer=sealer)
        await listener.start()
        try:
            await stop.wait()
        finally:
            await listener.stop()
        return listener.stats

    return asyncio.run(main())
