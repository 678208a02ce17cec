"""What reading and storing AIS costs, against pyais decoding alone, in one run.

A synthetic feed off Hong Kong (2,000 ships: 80 % Class A positions, 10 % Class B positions,
5 % two-sentence type 5, 5 % type 24; every line with a tag block receive time) in batches of
500 lines, as the listener sends them. Measured, in sentences per second, alternating rounds:

- pyais alone: ``IterMessages`` (tag blocks, multi-sentence assembly) and ``decode()``;
- the adapter alone: ``ais-nmea`` parse (checks, time, fragments, pyais decode);
- adapter + store: parse, then ``record_positions`` and ``record_statics`` in one transaction
  per batch, on PostgreSQL;
- the listener's path: ``inbound.receive`` (archive the raw batch, commit, parse, store, commit).

PostgreSQL at ``HL_BENCH_POSTGRES_URL`` (default the local server); the database ``hl_bench_ais``
is created for the run and dropped after it.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable
from functools import reduce
from operator import xor

import psycopg
from pyais import IterMessages
from pyais.encode import encode_dict
from sqlalchemy.engine import make_url

from harbourlink import identity, inbound, vessels
from harbourlink.kernel import Actor, create_database
from harbourlink.schema import upgrade

SERVER = os.environ.get("HL_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DATABASE = "hl_bench_ais"
SHIPS = 2000
SENTENCES = 20_000
BATCH = 500
ROUNDS = 3
LINES_PER_SECOND = 50


def _tag(seconds: int) -> str:
    body = f"s:HKRX01,c:{seconds}"
    return f"\\{body}*{reduce(xor, body.encode(), 0):02X}\\"


def make_feed(start: int, rng: random.Random) -> list[bytes]:
    """About SENTENCES lines; a ship's reports never share a second, so every position is new."""
    lines: list[bytes] = []
    index = 0
    while len(lines) < SENTENCES:
        now = start + index // LINES_PER_SECOND
        mmsi = 477_000_000 + rng.randrange(SHIPS)
        lat, lon = 22.20 + rng.random() * 0.15, 114.05 + rng.random() * 0.12
        kind = rng.random()
        data: dict[str, str | int | float | bytes | bool]
        if kind < 0.80:
            data = {
                "type": 1,
                "mmsi": mmsi,
                "lat": lat,
                "lon": lon,
                "speed": rng.random() * 20,
                "course": rng.random() * 359,
                "heading": rng.randrange(360),
                "second": now % 60,
                "status": 0,
            }
        elif kind < 0.90:
            data = {
                "type": 18,
                "mmsi": mmsi,
                "lat": lat,
                "lon": lon,
                "speed": rng.random() * 12,
                "course": rng.random() * 359,
                "heading": 511,
                "second": now % 60,
            }
        elif kind < 0.95:
            data = {
                "type": 5,
                "mmsi": mmsi,
                "imo": 9321483,
                "callsign": "VRAB2",
                "shipname": f"HARBOUR {mmsi % 1000}",
                "ship_type": 70,
                "to_bow": 200,
                "to_stern": 50,
                "to_port": 20,
                "to_starboard": 20,
                "month": 12,
                "day": 3,
                "hour": 14,
                "minute": 30,
                "draught": 11.5,
                "destination": "HKHKG",
            }
        else:
            data = {
                "type": 24,
                "mmsi": mmsi,
                "partno": rng.randrange(2),
                "shipname": f"LAUNCH {mmsi % 1000}",
                "ship_type": 60,
                "callsign": "VRS5678",
                "to_bow": 20,
                "to_stern": 5,
                "to_port": 3,
                "to_starboard": 3,
            }
        sentences = encode_dict(data, talker_id="AI", sentence_type="VDM", seq_id=index % 10)
        lines.append((_tag(now) + sentences[0]).encode())
        lines.extend(s.encode() for s in sentences[1:])
        index += len(sentences)
    return lines


def batches(lines: list[bytes]) -> list[bytes]:
    """Batches of about BATCH lines, never cutting a multi-sentence message (as the listener does)."""
    out, start = [], 0
    while start < len(lines):
        end = min(start + BATCH, len(lines))
        while end < len(lines) and not lines[end].startswith(b"\\"):  # a later fragment: no tag block
            end += 1
        out.append(b"\n".join(lines[start:end]) + b"\n")
        start = end
    return out


def timed(work: Callable[[], int], sentences: int) -> tuple[float, int]:
    started = time.perf_counter()
    items = work()
    return sentences / (time.perf_counter() - started), items


def main() -> None:
    load_before = os.getloadavg()[0]
    admin = make_url(SERVER).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    url = make_url(SERVER).set(database=DATABASE).render_as_string(hide_password=False)
    try:
        upgrade(url)
        db = create_database(url)
        with db.transaction() as session:
            org = identity.create_organisation(
                session,
                identity.SYSTEM_ACTOR,
                name="Bench Terminal",
                types=["terminal_operator"],
                status=identity.OrgStatus.ACTIVE,
            )
            actor = Actor(org_id=org.id, org_types=frozenset({"terminal_operator"}))
        adapter = inbound.adapter_for("ais-nmea")
        rng = random.Random(2026)
        rates: dict[str, list[float]] = {"pyais": [], "adapter": [], "store": [], "receive": []}
        counts: dict[str, int] = {}
        for round_number in range(ROUNDS):
            store_lines = make_feed(1_795_226_400 + round_number * 1_000_000, rng)
            receive_lines = make_feed(1_795_726_400 + round_number * 1_000_000, rng)
            sentences = len(store_lines)

            def pyais_alone(lines: list[bytes] = store_lines) -> int:
                return sum(1 for message in IterMessages(lines) if message.decode() is not None)

            def adapter_alone(lines: list[bytes] = store_lines) -> int:
                return sum(adapter.parse(b).item_count for b in batches(lines))

            def adapter_and_store(lines: list[bytes] = store_lines) -> int:
                stored = 0
                for batch in batches(lines):
                    parsed = adapter.parse(batch)
                    with db.transaction() as session:
                        stored += len(vessels.record_positions(session, parsed.positions, message_id=None)[0])
                        stored += vessels.record_statics(session, parsed.vessels)[0]
                return stored

            def listener_path(lines: list[bytes] = receive_lines) -> int:
                outcomes = [
                    inbound.receive(db, actor, format_name="ais-nmea", raw=b, channel="ais-udp") for b in batches(lines)
                ]
                assert all(o.status == "accepted" for o in outcomes), next(o for o in outcomes if o.errors)
                return sum(o.accepted for o in outcomes)

            for name, work, total in (
                ("pyais", pyais_alone, sentences),
                ("adapter", adapter_alone, sentences),
                ("store", adapter_and_store, sentences),
                ("receive", listener_path, len(receive_lines)),
            ):
                rate, items = timed(work, total)
                rates[name].append(rate)
                counts[name] = items
        db.engine.dispose()
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')

    pyais_rate = statistics.median(rates["pyais"])
    print(
        f"AIS: {SENTENCES:,} sentences a round in batches of {BATCH}, {ROUNDS} rounds, medians; "
        f"PostgreSQL {DATABASE}; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    labels = {
        "pyais": "pyais decoding alone",
        "adapter": "ais-nmea adapter (parse only)",
        "store": "adapter + record_positions/statics",
        "receive": "inbound.receive (archive + store)",
    }
    for name, label in labels.items():
        rate = statistics.median(rates[name])
        print(f"  {label:<38} {rate:>10,.0f} sentences/s   {rate / pyais_rate:5.2f} × pyais   ({counts[name]:,} items)")
    print(f"  ratio pyais / (adapter + store): {pyais_rate / statistics.median(rates['store']):.1f}")


if __name__ == "__main__":
    main()
