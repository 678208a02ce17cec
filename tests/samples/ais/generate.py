"""Writes ``hk_waters.nmea``: an AIS feed off Hong Kong, encoded with pyais so checksums are right.

Run ``python tests/samples/ais/generate.py`` after changing it; a test checks that the file and
this script agree. Receive time 2026-11-21 02:00:00 UTC (10:00 in Hong Kong) onwards.

Ships (fictitious names, Hong Kong MMSIs 477…, IMO numbers with valid check digits):

- 477123400 OOCL PEARL RIVER, Class A, inbound through the West Lamma Channel to Kwai Tsing:
  four type 1 reports a minute apart, one heard twice (a base station's ``!BSVDM`` copy);
  type 5 in two sentences, ETA 21 Nov 08:30 UTC.
- 477654300 COSCO HARBOUR, moored at Kwai Tsing CT9 (type 3, status 5, course n/a); type 5
  (talker ``!BSVDM``) interleaved with the next ship's, ETA 5 Jan → next year.
- 477700300 YANTIAN TRADER, type 5 only, a stale ETA (19 Nov) that stays in the past.
- 477900100 LAMMA SPIRIT, Class B ferry in the East Lamma Channel: type 18, type 24 A and B.
- 477800200 TAI O FISHER, Class B extended (type 19) west of Lamma.
- 477111200 PILOT 3, own-ship report ``!AIVDO``; 477222300 a tug heard by ``!ABVDM``.
- Skipped on purpose: a base station (type 4), an aid to navigation (type 21), a position
  "not available" (91/181), a ``$GPZDA`` time sentence.
"""

from __future__ import annotations

from functools import reduce
from operator import xor
from pathlib import Path
from typing import Any

from pyais.encode import encode_dict

HERE = Path(__file__).parent
T0 = 1795226400  # 2026-11-21T02:00:00Z


def tag(seconds: int, source: str | None = "HKRX01", group: str | None = None) -> str:
    fields = [f"g:{group}"] if group else []
    if source:
        fields.append(f"s:{source}")
    if seconds:
        fields.append(f"c:{seconds}")
    body = ",".join(fields)
    return f"\\{body}*{reduce(xor, body.encode(), 0):02X}\\"


def sentences(
    data: dict[str, Any], talker: str = "AI", kind: str = "VDM", channel: str = "A", seq: int | None = None
) -> list[str]:
    return encode_dict(data, talker_id=talker, sentence_type=kind, radio_channel=channel, seq_id=seq)


def single(seconds: int, data: dict[str, Any], **options: Any) -> str:
    (line,) = sentences(data, **options)
    return tag(seconds) + line


def class_a(mmsi: int, lat: float, lon: float, second: int, **extra: Any) -> dict[str, Any]:
    return {"type": extra.pop("type", 1), "mmsi": mmsi, "lat": lat, "lon": lon, "second": second, **extra}


def lines() -> list[str]:
    out: list[str] = []
    # OOCL PEARL RIVER up the West Lamma Channel
    track = [
        (0, 22.2050, 114.0800, 58),
        (60, 22.2260, 114.0860, 58),
        (120, 22.2470, 114.0930, 58),
        (180, 22.2690, 114.1010, 58),
    ]
    for offset, lat, lon, second in track:
        out.append(
            single(T0 + offset, class_a(477123400, lat, lon, second, speed=11.6, course=18.5, heading=17, status=0))
        )
    # the same transmission at t+120 as a second receiver heard it, one second later
    (copy,) = sentences(
        class_a(477123400, 22.2470, 114.0930, 58, speed=11.6, course=18.5, heading=17, status=0),
        talker="BS",
        channel="B",
    )
    out.append(tag(T0 + 121, source="HKRX02") + copy)
    # its static and voyage data, two sentences, the tag block on the first only
    first, second_part = sentences(
        {
            "type": 5,
            "mmsi": 477123400,
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
        },
        seq=1,
    )
    out.append(tag(T0 + 15, group="1-2-101") + first)
    out.append(tag(0, source=None, group="2-2-101") + second_part)
    # COSCO HARBOUR moored at CT9
    out.append(
        single(
            T0 + 30, class_a(477654300, 22.3385, 114.1135, 29, type=3, speed=0.0, course=360.0, heading=182, status=5)
        )
    )
    # two type 5 messages interleaved: COSCO HARBOUR (seq 2, !BSVDM) and YANTIAN TRADER (seq 3)
    cosco = sentences(
        {
            "type": 5,
            "mmsi": 477654300,
            "imo": 9356127,
            "callsign": "VRCO7",
            "shipname": "COSCO HARBOUR",
            "ship_type": 70,
            "to_bow": 250,
            "to_stern": 50,
            "to_port": 20,
            "to_starboard": 23,
            "month": 1,
            "day": 5,
            "hour": 16,
            "minute": 0,
            "draught": 12.1,
            "destination": "CNSHK",
        },
        talker="BS",
        seq=2,
    )
    yantian = sentences(
        {
            "type": 5,
            "mmsi": 477700300,
            "imo": 9788124,
            "callsign": "VRYT3",
            "shipname": "YANTIAN TRADER",
            "ship_type": 79,
            "to_bow": 150,
            "to_stern": 30,
            "to_port": 14,
            "to_starboard": 14,
            "month": 11,
            "day": 19,
            "hour": 6,
            "minute": 0,
            "draught": 9.8,
            "destination": "HKHKG",
        },
        channel="B",
        seq=3,
    )
    out += [tag(T0 + 40) + cosco[0], tag(T0 + 40) + yantian[0], tag(T0 + 40) + cosco[1], tag(T0 + 41) + yantian[1]]
    # LAMMA SPIRIT, Class B, East Lamma Channel
    out.append(
        single(
            T0 + 50,
            {
                "type": 18,
                "mmsi": 477900100,
                "lat": 22.2400,
                "lon": 114.1500,
                "speed": 8.4,
                "course": 355.0,
                "heading": 511,
                "second": 49,
            },
            channel="B",
        )
    )
    out.append(single(T0 + 51, {"type": 24, "mmsi": 477900100, "partno": 0, "shipname": "LAMMA SPIRIT"}))
    out.append(
        single(
            T0 + 52,
            {
                "type": 24,
                "mmsi": 477900100,
                "partno": 1,
                "ship_type": 60,
                "callsign": "VRS5678",
                "vendorid": "HLK",
                "to_bow": 24,
                "to_stern": 8,
                "to_port": 4,
                "to_starboard": 4,
            },
        )
    )
    # TAI O FISHER, extended Class B
    out.append(
        single(
            T0 + 60,
            {
                "type": 19,
                "mmsi": 477800200,
                "lat": 22.1800,
                "lon": 114.0500,
                "speed": 3.1,
                "course": 250.0,
                "heading": 248,
                "second": 60,
                "shipname": "TAI O FISHER",
                "ship_type": 30,
                "to_bow": 18,
                "to_stern": 6,
                "to_port": 3,
                "to_starboard": 3,
            },
        )
    )
    # PILOT 3 (own ship, !AIVDO) and a tug heard by an !ABVDM receiver
    out.append(
        single(
            T0 + 70,
            class_a(477111200, 22.3000, 114.1300, 9, speed=14.0, course=300.0, heading=299, status=0),
            kind="VDO",
        )
    )
    out.append(
        single(
            T0 + 75,
            class_a(477222300, 22.3150, 114.1200, 14, type=2, speed=6.5, course=45.0, heading=44, status=0),
            talker="AB",
        )
    )
    # what is skipped: a base station, an aid to navigation, a position not available, a time sentence
    out.append(
        single(
            T0 + 80,
            {
                "type": 4,
                "mmsi": 4773500,
                "year": 2026,
                "month": 11,
                "day": 21,
                "hour": 2,
                "minute": 1,
                "second": 20,
                "lat": 22.3,
                "lon": 114.17,
            },
        )
    )
    out.append(
        single(
            T0 + 81,
            {"type": 21, "mmsi": 994771001, "aid_type": 1, "name": "WEST LAMMA NO 3", "lat": 22.19, "lon": 114.07},
        )
    )
    out.append(single(T0 + 82, class_a(477333400, 91.0, 181.0, 60, status=1)))
    body = "GPZDA,020122.00,21,11,2026,00,00"
    out.append("$" + body + f"*{reduce(xor, body.encode(), 0):02X}")
    return out


def main() -> None:
    (HERE / "hk_waters.nmea").write_text("\r\n".join(lines()) + "\r\n", encoding="ascii", newline="")


if __name__ == "__main__":
    main()
