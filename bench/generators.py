"""Deterministic messages of N events in each inbound format, for the benchmarks."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

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
        lines.append(f"B{seed}-{n},EQUIPMENT,{code},ACT,{moment.isoformat()},{container(rng)},"
                     f"PONU{rng.randrange(10**7):07d},HKHKG,{rng.choice(TERMINALS)},9706906,0{n % 90 + 10}E")
    return ("\n".join(lines) + "\n").encode()


def _terminal_json(count: int, seed: int) -> bytes:
    rng = random.Random(seed)
    readings = [{"container": container(rng), "at": (START + timedelta(minutes=n)).isoformat(),
                 "supply_air": round(rng.uniform(-20, 8), 1), "setpoint": rng.choice((-18.0, 2.0, 5.0))}
                for n in range(count)]
    return json.dumps({"terminal": "HITHK", "location": "HKHKG", "reefer_readings": readings}).encode()


GENERATORS: dict[str, Callable[[int, int], bytes]] = {"csv": _csv, "terminal-json": _terminal_json}

