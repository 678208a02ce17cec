"""The AIS listener on loopback: UDP datagrams, a feed connecting to us, us connecting to a feed."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harbourlink import inbound, vessels
from harbourlink.cli import app as cli_app
from harbourlink.kernel import Database, NotFound, ValidationFailed
from harbourlink.settings import Settings
from harbourlink.worker.ais_listener import (
    AisListener,
    ListenerConfig,
    feed_actor,
    parse_endpoint,
    split_unfinished,
    stamp,
)
from tests.conftest import Company, make_company
from tests.integrations.ais.nmea import checksum, encode, position, voyage

ROOT = Path(__file__).parents[3]


def _has_position(db: Database, *mmsis: str) -> Callable[[], bool]:
    def check() -> bool:
        with db.transaction() as session:
            return all(vessels.latest_position(session, m) is not None for m in mmsis)

    return check


def _has_vessel(db: Database, mmsi: str, name: str) -> Callable[[], bool]:
    def check() -> bool:
        with db.transaction() as session:
            vessel = vessels.get_vessel(session, mmsi=mmsi)
            return vessel is not None and vessel.name == name

    return check


async def _until(check: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await asyncio.to_thread(check):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_stamp_and_endpoints() -> None:
    stamped = stamp(b"!AIVDM,1,1,,A,x,0*00", 1795226400.7)
    assert stamped == f"\\c:1795226400*{checksum('c:1795226400')}\\!AIVDM,1,1,,A,x,0*00".encode()
    assert parse_endpoint("ais.example.hk:5631") == ("ais.example.hk", 5631)
    assert parse_endpoint("[::1]:5631") == ("::1", 5631)
    for bad in ("5631", "host:", "host:99999", "host:port"):
        with pytest.raises(ValueError, match="HOST:PORT"):
            parse_endpoint(bad)


def test_unfinished_messages_are_carried_over_once() -> None:
    first, second = (s.encode() for s in voyage(seq=1))
    other_first, _ = (s.encode() for s in voyage(seq=2))
    single = position().encode()
    # a complete two-part message is sent; an unfinished one waits for the next batch
    assert split_unfinished([single, first, second, other_first], carried=0) == ([single, first, second], [other_first])
    assert split_unfinished([stamp(other_first, 0), single], carried=0) == ([single], [stamp(other_first, 0)])
    # carried once already: sent anyway, and the adapter will name it
    assert split_unfinished([other_first, single], carried=1) == ([other_first, single], [])


def test_listener_takes_udp_and_tcp_both_ways(db: Database, company_a: Company) -> None:
    class_b = encode(
        {
            "type": 18,
            "mmsi": 477000002,
            "lat": 22.24,
            "lon": 114.15,
            "speed": 8.4,
            "course": 355.0,
            "heading": 511,
            "second": 49,
        },
        channel="B",
    )[0]
    fragments = voyage(mmsi=477000003, seq=7, shipname="KWAI CHUNG STAR")

    async def scenario() -> AisListener:
        feed_connections = 0

        async def feed(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            """A feed's TCP port: the first connection drops after one line, the second stays open."""
            nonlocal feed_connections
            feed_connections += 1
            if feed_connections == 1:
                writer.write(position(mmsi=477000004).encode() + b"\r\n")
                await writer.drain()
                writer.close()
                return
            writer.write(position(mmsi=477000005).encode() + b"\r\n")
            await writer.drain()
            await reader.read()  # until the listener hangs up
            writer.close()

        feed_server = await asyncio.start_server(feed, "127.0.0.1", 0)
        feed_port = feed_server.sockets[0].getsockname()[1]
        config = ListenerConfig(
            org_id=company_a.org_id,
            udp_port=0,
            tcp_listen_port=0,
            tcp_connect=(("127.0.0.1", feed_port),),
            batch_seconds=1.0,
            reconnect_initial=0.05,
        )
        listener = AisListener(db, feed_actor(db, company_a.org_id), config)
        await listener.start()
        assert listener.udp_address is not None and listener.tcp_address is not None

        # UDP: one datagram with two sentences
        loop = asyncio.get_running_loop()
        udp, _ = await loop.create_datagram_endpoint(asyncio.DatagramProtocol, remote_addr=listener.udp_address)
        udp.sendto(f"{position(mmsi=477000001)}\r\n{class_b}\r\n".encode())
        udp.close()

        # TCP: a feed connects to us; a two-part message split across two batches
        _, writer = await asyncio.open_connection(*listener.tcp_address)
        writer.write(f"{position(mmsi=477000003)}\r\n{fragments[0]}\r\n".encode())
        await writer.drain()
        await _until(_has_position(db, "477000003"), "the TCP feed's position")
        writer.write(f"{fragments[1]}\r\n".encode())
        await writer.drain()
        await _until(_has_vessel(db, "477000003", "KWAI CHUNG STAR"), "the two-part static report")

        await _until(_has_position(db, "477000001", "477000002"), "the UDP positions")
        await _until(_has_position(db, "477000004", "477000005"), "both connections to the feed")
        assert feed_connections == 2

        writer.close()
        await listener.stop()
        feed_server.close()
        await feed_server.wait_closed()
        # stopped: the ports are free again
        with pytest.raises(ConnectionRefusedError):
            await asyncio.open_connection(*listener.tcp_address)
        return listener

    listener = asyncio.run(scenario())
    assert listener.stats.lines == 7 and listener.stats.errors == 0 and listener.stats.dropped_lines == 0
    assert {o.status for o in listener.stats.outcomes} == {"accepted"}
    with db.transaction() as session:
        messages = inbound.list_messages(session, feed_actor(db, company_a.org_id))
        assert {m.channel for m in messages} == {"ais-udp", "ais-tcp"}
        assert all(m.format == "ais-nmea" and m.raw.startswith(b"\\c:") for m in messages)


def test_stop_stores_what_is_buffered(db: Database, company_a: Company) -> None:
    async def scenario() -> None:
        config = ListenerConfig(org_id=company_a.org_id, udp_port=0, batch_seconds=3600)
        listener = AisListener(db, feed_actor(db, company_a.org_id), config)
        await listener.start()
        assert listener.udp_address is not None
        loop = asyncio.get_running_loop()
        udp, _ = await loop.create_datagram_endpoint(asyncio.DatagramProtocol, remote_addr=listener.udp_address)
        udp.sendto(position(mmsi=477000009).encode())
        udp.close()
        deadline = time.monotonic() + 10
        while listener.stats.lines < 1 and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert not _has_position(db, "477000009")()
        await listener.stop()
        assert _has_position(db, "477000009")()

    asyncio.run(scenario())


def test_database_outage_is_retried(db: Database, company_a: Company) -> None:
    calls: list[bytes] = []

    def flaky_receive(*args: object, **kwargs: object) -> inbound.Outcome:
        calls.append(kwargs["raw"])  # type: ignore[arg-type]
        if len(calls) == 1:
            raise ConnectionError("database restarting")
        return inbound.receive(*args, **kwargs)  # type: ignore[arg-type]

    async def scenario() -> None:
        config = ListenerConfig(org_id=company_a.org_id, udp_port=0, batch_seconds=0.1)
        listener = AisListener(db, feed_actor(db, company_a.org_id), config, receive=flaky_receive)
        await listener.start()
        assert listener.udp_address is not None
        loop = asyncio.get_running_loop()
        udp, _ = await loop.create_datagram_endpoint(asyncio.DatagramProtocol, remote_addr=listener.udp_address)
        udp.sendto(position(mmsi=477000010).encode())
        udp.close()
        await _until(_has_position(db, "477000010"), "the retried batch")
        await listener.stop()

    asyncio.run(scenario())
    assert len(calls) == 2 and calls[0] == calls[1]


def test_feed_company_must_exist_and_be_active(db: Database) -> None:
    with pytest.raises(NotFound):
        feed_actor(db, "00000000-0000-0000-0000-000000000000")
    pending = make_company(db, "Pending Feeds", "terminal_operator", approved=False)
    with pytest.raises(ValidationFailed, match="pending"):
        feed_actor(db, pending.org_id)


def test_cli_checks_its_options() -> None:
    runner = CliRunner()
    result = runner.invoke(cli_app, ["ais", "listen", "--org", "x"])
    assert result.exit_code == 2 and "at least one of --udp" in result.output
    result = runner.invoke(cli_app, ["ais", "listen", "--org", "x", "--tcp-connect", "nohost"])
    assert result.exit_code == 2 and "HOST:PORT" in result.output


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_cli_listens_until_sigterm(db: Database, settings: Settings, company_a: Company) -> None:
    port = _free_udp_port()
    env = {
        **os.environ,
        "HARBOURLINK_DATABASE_URL": settings.resolved_database_url(),
        "HARBOURLINK_DATA_DIR": str(settings.data_dir),
    }
    code = "from harbourlink.cli import main; main()"
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            code,
            "ais",
            "listen",
            "--org",
            company_a.org_id,
            "--udp",
            str(port),
            "--batch-seconds",
            "0.2",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
            while not _has_position(db, "477000011")():
                assert process.poll() is None, process.communicate()[0]
                assert time.monotonic() < deadline, "the listener stored nothing"
                sender.sendto(position(mmsi=477000011).encode(), ("127.0.0.1", port))
                time.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, output
    assert "stopped:" in output and "0 errors" in output, output
