"""The eSeal listener over a real loopback socket: the seed's trip driven through it, a stream cut anywhere,
and a sentence that failed inside kept and replayed."""

from __future__ import annotations

import asyncio
import json
import random
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from harbourlink import elock, events
from harbourlink.kernel import Database
from harbourlink.worker.elock_listener import ElockListener
from tests.alerts.support import add_endpoint, channels, deliver, subscribe, verify_standard_webhook
from tests.elock.support import LOCK, START, approve, scheme, seed_fixes, seed_sentences, sentence
from tests.integrations.dcsa.support import callback_server


async def _exchange(db: Database, stream: bytes, *, cuts: int = 0, seed: int = 0) -> tuple[bytes, ElockListener]:
    """Sends ``stream`` cut in ``cuts`` random places, closes the sending side, returns all the lock was told."""
    listener = ElockListener(db, port=0)
    await listener.start()
    assert listener.address is not None
    reader, writer = await asyncio.open_connection(*listener.address)
    places = sorted(random.Random(seed).sample(range(1, len(stream)), cuts))
    for start, end in zip([0, *places], [*places, len(stream)], strict=True):
        writer.write(stream[start:end])
        await writer.drain()
    writer.write_eof()
    answered = await reader.read()
    writer.close()
    await listener.stop()
    return answered, listener


def test_the_seed_trip_through_the_listener(client: TestClient, db: Database) -> None:
    world = scheme(db)
    trip_id = approve(client, world)
    lines = [sentence("Startup", 1, START, None, None), *seed_sentences(seed_fixes())]
    stream = b"\x00noise\r\n" + b"".join(lines) + b"##S,eSeal,half"
    answered, listener = asyncio.run(_exchange(db, stream, cuts=200, seed=3))

    acks = [line for line in answered.split(b"\r\n") if b" ACK," in line]
    assert len(acks) == len(lines)
    assert acks[0] == f"##S,eSeal,{LOCK},256,0.0.6,Startup ACK,1,0,E##".encode()
    assert answered.count(b"RC-Unlock,E##") == 2
    assert listener.stats.accepted == len(lines) and listener.stats.rejected == 2  # the noise and the half sentence

    hk = client.get(f"/api/v1/elock/trips/{trip_id}", headers=world.hk.auth).json()
    mainland = client.get(f"/api/v1/elock/trips/{trip_id}", headers=world.mainland.auth).json()
    assert (hk["state"], hk["lock"]) == ("arrived", "unlocked")
    assert [(t["lock"], t["trigger"]) for t in hk["transitions"]] == [
        ("locked", "left_origin"),
        ("unlocked", "arrived_hk_exit"),
    ]
    assert [(t["lock"], t["trigger"]) for t in mainland["transitions"]] == [
        ("locked", "entered_mainland"),
        ("unlocked", "arrived_destination"),
    ]
    assert (
        client.get(f"/api/v1/elock/trips/{trip_id}/positions?segment=hk", headers=world.mainland.auth).status_code
        == 404
    )
    assert (
        client.get(f"/api/v1/elock/trips/{trip_id}/positions?segment=mainland", headers=world.hk.auth).status_code
        == 404
    )

    with db.transaction() as session:
        published = session.execute(
            select(events.Event.owner_org_id, events.Event.event_code).order_by(events.Event.event_time)
        ).all()
    assert published == [
        (world.hk.org_id, "RSEA"),
        (world.hk.org_id, "RMVD"),
        (world.mainland.org_id, "RSEA"),
        (world.mainland.org_id, "RMVD"),
    ]


def test_a_stream_cut_anywhere_loses_nothing(client: TestClient, db: Database) -> None:
    world = scheme(db)
    approve(client, world)
    lines = seed_sentences(seed_fixes()[:12])
    stream = b"".join(lines)
    for seed in range(3):
        answered, listener = asyncio.run(_exchange(db, stream, cuts=len(stream) // 3, seed=seed))
        assert answered.count(b" ACK,") == len(lines)
        expected = ("accepted",) * len(lines) if seed == 0 else ("duplicate",) * len(lines)
        assert tuple(o.status for o in listener.stats.outcomes) == expected


def test_a_frame_that_fails_inside_is_kept_unanswered_and_replayed(
    client: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = scheme(db)
    trip_id = approve(client, world)
    line = sentence("Normal", 2, START, 22.3060, 113.9385)

    def broken(*_: object, **__: object) -> elock.Outcome:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(elock, "receive_frame", broken)
    answered, listener = asyncio.run(_exchange(db, line))
    monkeypatch.undo()
    assert answered == b""
    [failed] = listener.stats.outcomes
    assert failed.status == "failed" and failed.error is not None and "went away" in failed.error
    with db.transaction() as session:
        replayed = elock.replay_sentence(session, seq=failed.seq)
    assert replayed.status == "accepted" and replayed.trip_id == trip_id
    positions = client.get(f"/api/v1/elock/trips/{trip_id}/positions", headers=world.hk.auth).json()
    assert [(p["lat"], p["lon"]) for p in positions] == [(22.306, 113.9385)]


async def _send_one(db: Database, line: bytes) -> tuple[bytes, float]:
    """Sends one sentence to a listener already running; (its answer, when it was sent on the clock)."""
    listener = ElockListener(db, port=0)
    await listener.start()
    assert listener.address is not None
    reader, writer = await asyncio.open_connection(*listener.address)
    began = time.perf_counter()
    writer.write(line)
    await writer.drain()
    answered = await reader.readuntil(b"E##\r\n")
    writer.close()
    await listener.stop()
    return answered, began


def test_a_tamper_reaches_the_hk_officers_inbox_and_webhook_within_a_second_and_not_mainlands(
    client: TestClient, db: Database
) -> None:
    world = scheme(db)
    trip_id = approve(client, world)
    fixes = seed_fixes()
    asyncio.run(_exchange(db, b"".join(seed_sentences(fixes[:30]))))
    road = fixes[30]
    tamper = sentence("Event-Door", 900, road.at, road.lat, road.lon, door="Open")
    with callback_server() as server:
        endpoint = add_endpoint(client, world.hk, server.url, "alert.elock_tamper")
        subscribe(client, world.hk, channels=["inbox", "webhook"])
        subscribe(client, world.mainland, channels=["inbox"])

        answered, began = asyncio.run(_send_one(db, tamper))
        acked = time.perf_counter() - began
        inbox = client.get("/api/v1/alerts", headers=world.hk.auth).json()
        to_inbox = time.perf_counter() - began
        # the dispatcher's round, as a worker runs it right after the commit rings for it
        assert deliver(db, channels(client)).delivered == 1
        to_webhook = time.perf_counter() - began
        [received] = server.received

    assert b"Event-Door ACK,900" in answered
    [alert] = inbox
    assert alert["alert_type"] == "elock_tamper" and alert["status"] == "open"
    assert alert["figures"]["event"] == "Event-Door" and alert["figures"]["vehicle"] == "XY1234"
    assert verify_standard_webhook(endpoint["secret"], received.headers, received.body)
    assert json.loads(received.body)["type"] == "alert.elock_tamper"
    # the aim is under a second (README's figures); the guard allows for the shared test machine's load
    assert to_inbox < 2.0 and to_webhook < 2.0, (to_inbox, to_webhook)
    assert client.get("/api/v1/alerts", headers=world.mainland.auth).json() == []
    assert client.get("/api/v1/alerts", headers=world.trucker.auth).json() == []
    print(
        f"\nsentence → ACK {acked * 1000:.0f} ms, → HK inbox {to_inbox * 1000:.0f} ms, → webhook {to_webhook * 1000:.0f} ms"
    )
    assert client.get(f"/api/v1/elock/trips/{trip_id}", headers=world.hk.auth).json()["alerts"][0]["kind"] == "tamper"
