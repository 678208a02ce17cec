"""Building AIS sentences for tests with pyais's encoder, and breaking them on purpose."""

from __future__ import annotations

from functools import reduce
from operator import xor
from typing import Any

from pyais.encode import encode_dict

T0 = 1795226400  # 2026-11-21T02:00:00Z, as in tests/samples/ais/hk_waters.nmea
KWAI_TSING = (22.3385, 114.1135)


def checksum(text: str) -> str:
    return f"{reduce(xor, text.encode(), 0):02X}"


def tag(seconds: int | None = T0, source: str | None = None) -> str:
    fields = ([f"s:{source}"] if source else []) + ([f"c:{seconds}"] if seconds is not None else [])
    body = ",".join(fields)
    return f"\\{body}*{checksum(body)}\\"


def reseal(sentence: str) -> str:
    """The sentence with its checksum recomputed (after a change made on purpose)."""
    body = sentence.rsplit("*", 1)[0]
    return f"{body}*{checksum(body[1:])}"


def encode(data: dict[str, Any], *, talker: str = "AI", channel: str = "A", seq: int | None = None) -> list[str]:
    return encode_dict(data, talker_id=talker, sentence_type="VDM", radio_channel=channel, seq_id=seq)


def position(
    mmsi: int = 477123400, lat: float = KWAI_TSING[0], lon: float = KWAI_TSING[1], second: int = 10, **extra: Any
) -> str:
    (line,) = encode(
        {
            "type": extra.pop("type", 1),
            "mmsi": mmsi,
            "lat": lat,
            "lon": lon,
            "second": second,
            "speed": extra.pop("speed", 10.0),
            "course": extra.pop("course", 90.0),
            "heading": extra.pop("heading", 90),
            **extra,
        }
    )
    return line


def voyage(mmsi: int = 477123400, seq: int = 1, **extra: Any) -> list[str]:
    data = {
        "type": 5,
        "mmsi": mmsi,
        "imo": 9321483,
        "callsign": "VRAB2",
        "shipname": "OOCL PEARL RIVER",
        "ship_type": 70,
        "to_bow": 300,
        "to_stern": 66,
        "to_port": 26,
        "to_starboard": 25,
        "month": 11,
        "day": 21,
        "hour": 8,
        "minute": 30,
        "draught": 14.5,
        "destination": "HK HKG CT9",
        **extra,
    }
    return encode(data, seq=seq)


def lines(*items: str, at: int = T0) -> bytes:
    """One line per item, each stamped with a receive time unless it already starts with a tag block."""
    return "".join((item if item.startswith("\\") else tag(at) + item) + "\r\n" for item in items).encode()
