"""Deterministic messages of N events in each inbound format, for the benchmarks.

The DCSA, EDIFACT and AIS generators use the port simulator's message builders
(``harbourlink.sim``), so the benchmarks read the same shapes the demo sends: ships and
terminals of one simulated day, and boxes with valid ISO 6346 numbers.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

from harbourlink.sim import build_scenario, nmea
from harbourlink.sim import edifact as edi
from harbourlink.sim import messages as m
from harbourlink.sim.scenario import HONG_KONG, Box, Call

START = datetime(2026, 11, 1, tzinfo=UTC)
OWNER_CODES = ("MSCU", "MAEU", "CMAU", "OOLU", "COSU", "HLXU", "TGHU", "TCNU")
TERMINALS = ("HITHK", "MTLHK", "CHTHK", "ACTHK", "DPWHK")


def check_digit(body: str) -> str:
    """ISO 6346 check digit of the first ten characters."""
    values = {}
    value = 10
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if value % 11 == 0:
            value += 1
        values[letter] = value
        value += 1
    total = sum((values[c] if c.isalpha() else int(c)) * 2**i for i, c in enumerate(body))
    return str(total % 11 % 10)


def container(rng: random.Random) -> str:
    body = rng.choice(OWNER_CODES) + f"{rng.randrange(10**6):06d}"
    return body + check_digit(body)


def _csv(count: int, seed: int) -> bytes:
    rng = random.Random(seed)
    lines = ["event_id,event_type,event_code,classifier,event_time,container,mbl,location,facility,vessel_imo,voyage"]
    for n in range(count):
        code = rng.choice(("LOAD", "DISC", "GTIN", "GTOT"))
        moment = START + timedelta(minutes=n)
        lines.append(
            f"B{seed}-{n},EQUIPMENT,{code},ACT,{moment.isoformat()},{container(rng)},"
            f"PONU{rng.randrange(10**7):07d},HKHKG,{rng.choice(TERMINALS)},9706906,0{n % 90 + 10}E"
        )
    return ("\n".join(lines) + "\n").encode()


def _terminal_json(count: int, seed: int) -> bytes:
    rng = random.Random(seed)
    readings = [
        {
            "container": container(rng),
            "at": (START + timedelta(minutes=n)).isoformat(),
            "supply_air": round(rng.uniform(-20, 8), 1),
            "setpoint": rng.choice((-18.0, 2.0, 5.0)),
        }
        for n in range(count)
    ]
    return json.dumps({"terminal": "HITHK", "location": "HKHKG", "reefer_readings": readings}).encode()


def _calls(seed: int) -> list[Call]:
    return list(build_scenario(seed=seed, start=START).calls)


def _boxes(rng: random.Random, count: int) -> Iterator[Box]:
    """``count`` boxes (of a pool of 5,000 distinct numbers) with moves a minute apart."""
    pool = sorted({container(rng) for _ in range(5000)})
    for n in range(count):
        moment = START + timedelta(minutes=n)
        reefer = n % 4 == 0
        yield Box(
            number=pool[n % len(pool)],
            iso_code="45R1" if reefer else "45G1",
            setpoint=-18.0 if reefer else None,
            seal=f"SIM{n:07d}",
            gross_kg=rng.randint(9000, 29500),
            stowage=f"{n % 45 * 2 + 1:03d}{n % 17:02d}{82 + n % 3 * 2:02d}",
            arrives=moment,
            leaves=moment,
        )


def _dcsa(count: int, seed: int) -> bytes:
    """A callback body of COUNT events: 70 % equipment, 20 % transport, 10 % shipment, as a carrier sends them."""
    rng = random.Random(seed)
    calls = _calls(seed)
    events = []
    for n, box in enumerate(_boxes(rng, count)):
        call = calls[n % len(calls)]
        docs = m.Documents(f"{rng.randrange(10**9, 10**10)}", f"{call.carrier}{rng.randrange(10**9, 10**10)}")
        sent = box.arrives + timedelta(minutes=3)
        kind = n % 10
        if kind < 7:
            code = ("LOAD", "DISC", "GTIN", "GTOT")[n % 4]
            events.append(
                m.equipment_event(
                    box,
                    docs,
                    code=code,
                    at=box.arrives,
                    sent=sent,
                    port=HONG_KONG,
                    facility=call.terminal,
                    call=call if code in ("LOAD", "DISC") else None,
                )
            )
        elif kind < 9:
            events.append(
                m.transport_event(
                    call,
                    docs,
                    code=("ARRI", "DEPA")[n % 2],
                    classifier=("PLN", "EST", "ACT")[n % 3],
                    at=box.arrives,
                    sent=sent,
                    port=HONG_KONG,
                    facility=call.terminal,
                    inbound=None,
                )
            )
        else:
            events.append(
                m.shipment_event(
                    docs, code="RELS", at=box.arrives, sent=sent, reason="released", containers=[box.number]
                )
            )
    return m.dcsa_events(events)


def _edifact(count: int, seed: int) -> bytes:
    """COUNT container moves: COARRI discharge/loading and CODECO gate reports, 500 moves per interchange."""
    rng = random.Random(seed)
    calls = _calls(seed)
    interchanges = []
    boxes = list(_boxes(rng, count))
    for number, first in enumerate(range(0, count, 500), start=1):
        chunk, call = boxes[first : first + 500], calls[number % len(calls)]
        reference = f"BE{seed % 100:02d}{number:010d}"
        if number % 3:
            moves = [
                edi.VesselMove(
                    b,
                    ("DISC", "LOAD")[i % 2],
                    b.arrives,
                    f"{call.carrier}{rng.randrange(10**10)}",
                    call.previous_port,
                    HONG_KONG,
                )
                for i, b in enumerate(chunk)
            ]
            interchanges.append(edi.coarri(call, moves, control_ref=reference, prepared=chunk[-1].arrives))
        else:
            gate = [
                edi.GateMove(
                    b, ("GTIN", "GTOT")[i % 2], b.arrives, f"{call.carrier}{rng.randrange(10**10)}", f"TK{i % 9000 + 1}"
                )
                for i, b in enumerate(chunk)
            ]
            interchanges.append(edi.codeco(call.terminal, gate, control_ref=reference, prepared=chunk[-1].arrives))
    return b"\n".join(interchanges)


def _ais(count: int, seed: int) -> bytes:
    """COUNT Class A position sentences of the simulated ships, each with its receive time."""
    calls = _calls(seed)
    lines = []
    for n in range(count):
        call = calls[n % len(calls)]
        moment = START + timedelta(seconds=n)
        point, course = call.route_in.at((n // len(calls)) % 1000 / 1000)
        fix = nmea.Fix(call.vessel, moment, point, call.speed_knots, course, nmea.UNDER_WAY)
        lines += nmea.position_lines(fix)
    return nmea.feed(lines)


GENERATORS: dict[str, Callable[[int, int], bytes]] = {
    "csv": _csv,
    "terminal-json": _terminal_json,
    "dcsa-tnt-2.2": _dcsa,
    "edifact": _edifact,
    "ais-nmea": _ais,
}
