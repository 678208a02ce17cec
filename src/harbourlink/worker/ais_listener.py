"""The AIS listener: takes NMEA from live feeds, stamps each line with its receive time, and
hands batches to inbound as ``ais-nmea`` messages (archived raw first, then read).

Feeds deliver AIS in three ways, all supported at once:

- UDP: a receiver sends datagrams of one or more sentences to our port (``--udp PORT``);
- TCP, the feed connects to us and streams lines (``--tcp-listen PORT``);
- TCP, we connect to the feed's port and read its stream (``--tcp-connect HOST:PORT``,
  repeatable); when it drops, we reconnect after 1 s, 2 s, 4 s … up to 60 s.

Every non-empty line gets a tag block ``\\c:<UNIX seconds>*hh\\`` in front of it (in front of the
feed's own tag block, if it has one; the ``ais-nmea`` adapter then prefers the feed's ``c:``), so
the archived message replays to the same positions at any later time. Lines are batched per
connection (per sender for UDP) — a batch closes after ``batch_seconds`` or ``batch_lines`` —
and the fragments of a multi-sentence message that is still incomplete when its batch closes
are carried over to the next batch once, so a message is not cut in two. Each batch becomes one
inbound message sent by the company the feed belongs to, channel ``ais-udp`` or ``ais-tcp``.
Batches are stored one at a time, in order, in a worker thread; if the database is unavailable
the batch is retried with backoff and kept until it is stored or the listener stops.

``stop()`` closes the sockets, sends what is buffered and waits for it to be stored.

Command line (in ``harbourlink.cli``)::

    harbourlink ais listen --org ORG_ID [--udp PORT] [--tcp-listen PORT] [--tcp-connect HOST:PORT …]
                           [--bind ADDRESS] [--batch-seconds S] [--batch-lines N]
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from harbourlink import identity, inbound
from harbourlink.kernel import Actor, Database, ValidationFailed

log = logging.getLogger(__name__)

Receive = Callable[..., inbound.Outcome]


@dataclass(frozen=True)
class ListenerConfig:
    """Where to take AIS from and how to batch it; ports 0 pick a free port (tests)."""

    org_id: str
    udp_port: int | None = None
    tcp_listen_port: int | None = None
    tcp_connect: tuple[tuple[str, int], ...] = ()
    bind: str = "127.0.0.1"
    batch_seconds: float = 1.0
    batch_lines: int = 500
    reconnect_initial: float = 1.0
    reconnect_max: float = 60.0
    max_line_bytes: int = 4096
    max_buffered_lines: int = 200_000
    max_pending_batches: int = 64
    store_retry_max: float = 30.0


@dataclass
class ListenerStats:
    lines: int = 0
    dropped_lines: int = 0
    batches: int = 0
    accepted: int = 0
    duplicates: int = 0
    errors: int = 0
    connections: int = 0
    failed_batches: int = 0
    outcomes: list[inbound.Outcome] = field(default_factory=list)


def parse_endpoint(text: str) -> tuple[str, int]:
    """``HOST:PORT`` or ``[IPv6]:PORT``."""
    host, colon, port = text.rpartition(":")
    if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{text!r} is not HOST:PORT")
    return host.strip("[]"), int(port)


def stamp(line: bytes, received: float) -> bytes:
    """The line with a tag block giving its receive time in front of it."""
    body = f"c:{int(received)}".encode("ascii")
    check = 0
    for byte in body:
        check ^= byte
    return b"\\" + body + f"*{check:02X}".encode("ascii") + b"\\" + line


def feed_actor(db: Database, org_id: str) -> Actor:
    """The company a feed belongs to, acting as itself; it must exist and be active."""
    with db.transaction() as session:
        org = identity.get_organisation(session, identity.SYSTEM_ACTOR, org_id=org_id)
        if org.status != identity.OrgStatus.ACTIVE.value:
            raise ValidationFailed(
                f"company {org_id} is {org.status}, not active",
                code="org_not_active",
                data={"org_id": org_id, "status": org.status},
            )
        types = identity.org_types(session, org_id)
    return Actor(org_id=org_id, org_types=frozenset(types))


def _fragment_key(line: bytes) -> tuple[bytes, bytes, bytes, int, int] | None:
    """(address, channel, sequence id, count, number) of a multi-sentence fragment, else None."""
    sentence = line.rpartition(b"\\")[2] if line.startswith(b"\\") else line
    fields = sentence.split(b",")
    if len(fields) < 7 or fields[0][3:6] not in (b"VDM", b"VDO") or fields[1] == b"1":
        return None
    if not (fields[1].isdigit() and fields[2].isdigit()):
        return None
    return fields[0], fields[4], fields[3], int(fields[1]), int(fields[2])


def split_unfinished(lines: list[bytes], carried: int) -> tuple[list[bytes], list[bytes]]:
    """(to send now, to carry over): the fragments of messages not yet complete, unless already carried once."""
    open_groups: dict[tuple[bytes, bytes, bytes], list[int]] = {}
    for index, line in enumerate(lines):
        key = _fragment_key(line)
        if key is None:
            continue
        group_key, count, number = key[:3], key[3], key[4]
        if number == 1:
            open_groups[group_key] = [index]
        elif group_key in open_groups:
            open_groups[group_key].append(index)
        if number == count:
            open_groups.pop(group_key, None)
    held = {i for indices in open_groups.values() if indices[0] >= carried for i in indices}
    if not held:
        return lines, []
    return [x for i, x in enumerate(lines) if i not in held], [x for i, x in enumerate(lines) if i in held]


@dataclass
class _Batch:
    channel: str
    peer: str
    lines: list[bytes] = field(default_factory=list)
    carried: int = 0
    opened: float = 0.0


@dataclass
class _Job:
    channel: str
    peer: str
    raw: bytes
    lines: int


class AisListener:
    """One listener for one company's feeds. ``await start()``, then ``await stop()``."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        config: ListenerConfig,
        *,
        clock: Callable[[], float] = time.time,
        receive: Receive = inbound.receive,
    ):
        self.db = db
        self.actor = actor
        self.config = config
        self.clock = clock
        self.receive = receive
        self.stats = ListenerStats()
        self.udp_address: tuple[str, int] | None = None
        self.tcp_address: tuple[str, int] | None = None
        self._batches: dict[tuple[str, str], _Batch] = {}
        self._jobs: asyncio.Queue[_Job | None] = asyncio.Queue()  # unbounded: a flush never waits, never loses
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._writer: asyncio.Task[None] | None = None
        self._udp: asyncio.DatagramTransport | None = None
        self._server: asyncio.Server | None = None
        self._streams: set[asyncio.StreamWriter] = set()
        self._readers: set[asyncio.Task[None]] = set()
        self._queued_lines = 0

    # --- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        config = self.config
        self._writer = asyncio.create_task(self._write_batches(), name="ais-store")
        self._tasks.append(asyncio.create_task(self._tick(), name="ais-batcher"))
        if config.udp_port is not None:
            transport, _ = await loop.create_datagram_endpoint(
                lambda: _UdpFeed(self), local_addr=(config.bind, config.udp_port)
            )
            self._udp = transport
            self.udp_address = transport.get_extra_info("sockname")[:2]
            log.info("AIS: listening for UDP on %s:%d", *self.udp_address)
        if config.tcp_listen_port is not None:
            self._server = await asyncio.start_server(
                self._accept, config.bind, config.tcp_listen_port, limit=config.max_line_bytes
            )
            self.tcp_address = self._server.sockets[0].getsockname()[:2]
            log.info("AIS: listening for TCP feeds on %s:%d", *self.tcp_address)
        for host, port in config.tcp_connect:
            self._tasks.append(asyncio.create_task(self._connect(host, port), name=f"ais-feed-{host}:{port}"))

    async def stop(self) -> None:
        """Closes every socket, sends what is buffered, and waits until it is stored."""
        self._stopping.set()
        if self._udp is not None:
            self._udp.close()
        if self._server is not None:
            self._server.close()
        for writer in list(self._streams):
            writer.close()
        for task in self._tasks:
            task.cancel()
        # connections a feed opened end when their socket closes; cancelled only if they hang
        _, hanging = await asyncio.wait(self._readers, timeout=2.0) if self._readers else (set(), set())
        for task in hanging:
            task.cancel()
        await asyncio.gather(*self._tasks, *hanging, return_exceptions=True)
        for key in list(self._batches):
            self._flush(key, final=True)
        self._jobs.put_nowait(None)
        if self._writer is not None:
            await self._writer
        log.info(
            "AIS: stopped after %d lines in %d batches (%d accepted, %d duplicates, %d errors)",
            self.stats.lines,
            self.stats.batches,
            self.stats.accepted,
            self.stats.duplicates,
            self.stats.errors,
        )

    async def run_until_stopped(self, stop: asyncio.Event) -> None:
        await self.start()
        try:
            await stop.wait()
        finally:
            await self.stop()

    # --- lines and batches ----------------------------------------------------------------------

    def add_lines(self, channel: str, peer: str, data: bytes) -> bool:
        """Stamps and buffers the lines of ``data``; True when a batch is full and should be sent."""
        received = self.clock()
        batch = self._batches.get((channel, peer))
        if batch is None:
            batch = self._batches[(channel, peer)] = _Batch(channel, peer)
        buffered = self._queued_lines + sum(len(b.lines) for b in self._batches.values())
        for raw_line in data.splitlines():
            line = raw_line.strip()
            if not line:
                continue
            if buffered >= self.config.max_buffered_lines:
                self.stats.dropped_lines += 1
                continue
            if not batch.lines:
                batch.opened = time.monotonic()
            batch.lines.append(stamp(line, received))
            buffered += 1
            self.stats.lines += 1
        return len(batch.lines) >= self.config.batch_lines

    def wake(self) -> None:
        """Has the batcher look at the buffers now (a batch is full)."""
        self._wake.set()

    def _flush(self, key: tuple[str, str], *, final: bool = False) -> None:
        batch = self._batches.get(key)
        if batch is None or not batch.lines:
            return
        send, keep = (batch.lines, []) if final else split_unfinished(batch.lines, batch.carried)
        batch.lines, batch.carried = keep, len(keep)
        batch.opened = time.monotonic() if keep else 0.0
        if not keep:
            del self._batches[key]
        if send:
            self._jobs.put_nowait(_Job(batch.channel, batch.peer, b"\n".join(send) + b"\n", len(send)))
            self._queued_lines += len(send)

    async def _tick(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=min(0.1, self.config.batch_seconds))
            self._wake.clear()
            now = time.monotonic()
            for key, batch in list(self._batches.items()):
                if len(batch.lines) >= self.config.batch_lines or (
                    batch.lines and now - batch.opened >= self.config.batch_seconds
                ):
                    self._flush(key)

    async def _write_batches(self) -> None:
        while (job := await self._jobs.get()) is not None:
            await self._store(job)
            self._queued_lines -= job.lines

    async def _store(self, job: _Job) -> None:
        delay, tries_after_stop = 0.5, 0
        while True:
            try:
                outcome = await asyncio.to_thread(
                    self.receive, self.db, self.actor, format_name="ais-nmea", raw=job.raw, channel=job.channel
                )
                break
            except Exception:
                if self._stopping.is_set():
                    tries_after_stop += 1
                    if tries_after_stop >= 3:
                        self.stats.failed_batches += 1
                        log.exception(
                            "AIS: batch of %d lines from %s lost: it could not be stored", job.lines, job.peer
                        )
                        return
                log.exception(
                    "AIS: storing a batch of %d lines from %s failed; retrying in %.1f s", job.lines, job.peer, delay
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.config.store_retry_max)
        stats = self.stats
        stats.batches += 1
        stats.accepted += outcome.accepted
        stats.duplicates += outcome.duplicates
        stats.errors += len(outcome.errors)
        stats.outcomes = [*stats.outcomes[-99:], outcome]
        log.info(
            "AIS %s %s: %d lines → message %s %s (%d accepted, %d duplicates, %d errors)",
            job.channel,
            job.peer,
            job.lines,
            outcome.id,
            outcome.status,
            outcome.accepted,
            outcome.duplicates,
            len(outcome.errors),
        )

    # --- TCP --------------------------------------------------------------------------------------

    async def _read_stream(self, reader: asyncio.StreamReader, peer: str) -> None:
        key = ("ais-tcp", peer)
        while not reader.at_eof():
            try:
                line = await reader.readline()
            except ValueError:  # a line longer than max_line_bytes: dropped, the stream goes on
                self.stats.dropped_lines += 1
                continue
            if line and self.add_lines("ais-tcp", peer, line):
                self._flush(key)
            while self._jobs.qsize() >= self.config.max_pending_batches:  # the database is behind: stop reading
                await asyncio.sleep(0.05)
        self._flush(key, final=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = "{}:{}".format(*writer.get_extra_info("peername")[:2])
        task = asyncio.current_task()
        assert task is not None  # noqa: S101 - called by asyncio as a task
        self._readers.add(task)
        self._streams.add(writer)
        self.stats.connections += 1
        log.info("AIS: feed %s connected", peer)
        try:
            await self._read_stream(reader, peer)
        except (ConnectionError, OSError) as exc:
            log.warning("AIS: feed %s dropped: %s", peer, exc)
        except asyncio.CancelledError:  # stopping; asyncio's own callback must not see the cancellation
            log.info("AIS: feed %s cut off while stopping", peer)
        finally:
            self._streams.discard(writer)
            self._readers.discard(task)
            writer.close()
            log.info("AIS: feed %s disconnected", peer)

    async def _connect(self, host: str, port: int) -> None:
        delay = self.config.reconnect_initial
        peer = f"{host}:{port}"
        while not self._stopping.is_set():
            try:
                reader, writer = await asyncio.open_connection(host, port, limit=self.config.max_line_bytes)
            except OSError as exc:
                log.warning("AIS: cannot reach feed %s (%s); retrying in %.1f s", peer, exc, delay)
            else:
                self._streams.add(writer)
                self.stats.connections += 1
                delay = self.config.reconnect_initial
                log.info("AIS: connected to feed %s", peer)
                try:
                    await self._read_stream(reader, peer)
                    log.warning("AIS: feed %s closed the connection; reconnecting in %.1f s", peer, delay)
                except (ConnectionError, OSError) as exc:
                    log.warning("AIS: feed %s dropped (%s); reconnecting in %.1f s", peer, exc, delay)
                finally:
                    self._streams.discard(writer)
                    writer.close()
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.config.reconnect_max)


class _UdpFeed(asyncio.DatagramProtocol):
    def __init__(self, listener: AisListener):
        self.listener = listener

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        if self.listener.add_lines("ais-udp", f"{addr[0]}:{addr[1]}", data):
            self.listener.wake()

    def error_received(self, exc: Exception) -> None:
        log.warning("AIS: UDP error: %s", exc)


def run_listener(db: Database, config: ListenerConfig) -> ListenerStats:
    """Runs until SIGINT or SIGTERM, then stops gracefully; returns the counts."""
    actor = feed_actor(db, config.org_id)

    async def main() -> ListenerStats:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        listener = AisListener(db, actor, config)
        await listener.run_until_stopped(stop)
        return listener.stats

    return asyncio.run(main())
