"""The ais-nmea adapter on its own: fields, "not available" values, time, ETA year, fragments, errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from harbourlink import inbound
from harbourlink.integrations.ais import (
    AisParsed,
    arrival_stamp,
    position_time,
    resolve_eta,
    stamp_arrival,
    valid_imo,
)
from tests.integrations.ais.nmea import T0, checksum, encode, lines, position, reseal, tag, voyage

SAMPLES = Path(__file__).parents[2] / "samples" / "ais"
RECEIVED = datetime.fromtimestamp(T0, UTC)


def parse(raw: bytes) -> AisParsed:
    parsed = inbound.adapter_for("ais-nmea").parse(raw)
    assert isinstance(parsed, AisParsed)
    return parsed


def test_sample_file_matches_its_generator() -> None:
    from tests.samples.ais.generate import lines as generated

    assert (SAMPLES / "hk_waters.nmea").read_text(encoding="ascii").splitlines() == generated()


def test_sample_reads_completely() -> None:
    parsed = parse((SAMPLES / "hk_waters.nmea").read_bytes())
    assert parsed.errors == []
    assert len(parsed.positions) == 10 and len(parsed.vessels) == 6
    assert parsed.skipped == {
        "message type 4": 1,
        "message type 21": 1,
        "position not available (91/181)": 1,
        "other NMEA sentence ($ZDA)": 1,
    }


def test_class_a_position_in_degrees_with_not_available_values() -> None:
    parsed = parse(
        lines(position(lat=22.3385, lon=114.1135, second=29, type=3, speed=102.3, course=360.0, heading=511, status=5))
    )
    (report,) = parsed.positions
    assert (report.mmsi, report.latitude, report.longitude) == ("477123400", 22.3385, 114.1135)
    assert (report.speed_knots, report.course, report.heading, report.nav_status) == (None, None, None, 5)
    assert report.at == datetime(2026, 11, 21, 1, 59, 29, tzinfo=UTC)  # second 29, heard at 02:00:00


def test_position_not_available_is_skipped_not_refused() -> None:
    parsed = parse(lines(position(lat=91.0, lon=181.0, second=60)))
    assert (parsed.positions, parsed.errors) == ([], [])
    assert parsed.skipped["position not available (91/181)"] == 1


@pytest.mark.parametrize(
    ("received_second", "report_second", "expected"),
    [
        (0, 58, "01:59:58"),  # reported just before the minute turned
        (30, 29, "02:00:29"),
        (30, 30, "02:00:30"),
        (30, 33, "02:00:33"),  # receiver clock a little behind
        (30, 40, "01:59:40"),  # too far ahead for clock skew: the previous minute
        (58, 0, "02:01:00"),  # the minute turned; receiver 2 s behind
        (30, 60, "02:00:30"),  # "not available": the receive time
    ],
)
def test_position_time_uses_the_report_second(received_second: int, report_second: int, expected: str) -> None:
    received = RECEIVED.replace(second=received_second, microsecond=400_000)
    assert position_time(received, report_second).strftime("%H:%M:%S") == expected


@pytest.mark.parametrize(
    ("month", "day", "hour", "minute", "expected"),
    [
        (11, 21, 8, 30, datetime(2026, 11, 21, 8, 30, tzinfo=UTC)),
        (1, 5, 16, 0, datetime(2027, 1, 5, 16, 0, tzinfo=UTC)),  # next occurrence: next year
        (11, 19, 6, 0, datetime(2026, 11, 19, 6, 0, tzinfo=UTC)),  # stale by 2 days: stays in the past
        (10, 1, 0, 0, datetime(2027, 10, 1, 0, 0, tzinfo=UTC)),  # 51 days ago: next year
        (2, 29, 12, 0, datetime(2028, 2, 29, 12, 0, tzinfo=UTC)),  # next leap year
        (0, 0, 24, 60, None),
        (11, 0, 10, 0, None),
        (11, 21, 24, 0, None),
        (11, 21, 10, 60, None),
        (4, 31, 10, 0, None),
    ],
)
def test_eta_year_is_the_next_occurrence(
    month: int, day: int, hour: int, minute: int, expected: datetime | None
) -> None:
    assert resolve_eta(month, day, hour, minute, RECEIVED) == expected


def test_static_and_voyage_data() -> None:
    parsed = parse(lines(*voyage(month=1, day=5, hour=16, minute=0)))
    (static,) = parsed.vessels
    assert static.imo == "9321483" and static.name == "OOCL PEARL RIVER" and static.call_sign == "VRAB2"
    assert (static.ship_type, static.length_m, static.beam_m, static.draught_m) == (70, 366, 51, 14.5)
    assert static.destination == "HK HKG CT9" and static.eta == datetime(2027, 1, 5, 16, 0, tzinfo=UTC)


def test_imo_failing_its_check_digit_is_left_out_and_counted() -> None:
    assert valid_imo(9321483) and not valid_imo(9321484) and not valid_imo(123)
    parsed = parse(lines(*voyage(imo=9321484)))
    assert parsed.vessels[0].imo is None and parsed.vessels[0].name == "OOCL PEARL RIVER"
    assert parsed.errors == [] and parsed.skipped["IMO number failing its check digit (left out)"] == 1


def test_class_b_static_parts_a_and_b_and_extended_class_b() -> None:
    (part_a,) = encode({"type": 24, "mmsi": 477900100, "partno": 0, "shipname": "LAMMA SPIRIT"})
    (part_b,) = encode(
        {
            "type": 24,
            "mmsi": 477900100,
            "partno": 1,
            "ship_type": 60,
            "callsign": "VRS5678",
            "to_bow": 24,
            "to_stern": 8,
            "to_port": 4,
            "to_starboard": 4,
        }
    )
    (ext,) = encode(
        {
            "type": 19,
            "mmsi": 477800200,
            "lat": 22.18,
            "lon": 114.05,
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
        }
    )
    (class_b,) = encode(
        {
            "type": 18,
            "mmsi": 477900100,
            "lat": 22.24,
            "lon": 114.15,
            "speed": 8.4,
            "course": 355.0,
            "heading": 511,
            "second": 49,
        }
    )
    parsed = parse(lines(part_a, part_b, ext, class_b))
    assert parsed.errors == []
    a, b, fisher = parsed.vessels
    assert (a.mmsi, a.name, a.call_sign) == ("477900100", "LAMMA SPIRIT", None)
    assert (b.call_sign, b.ship_type, b.length_m, b.beam_m, b.name) == ("VRS5678", 60, 32, 8, None)
    assert (fisher.name, fisher.ship_type, fisher.length_m) == ("TAI O FISHER", 30, 24)
    assert [(p.mmsi, p.heading, p.nav_status) for p in parsed.positions] == [
        ("477800200", 248, None),
        ("477900100", None, None),
    ]
    assert parsed.positions[0].at == RECEIVED  # second 60: not available, the receive time


def test_talker_variants_and_own_ship() -> None:
    plain = position()
    variants = [plain.replace("!AIVDM", f"!{address}") for address in ("BSVDM", "ABVDM", "AIVDO", "ANVDM")]
    parsed = parse(lines(*(reseal(v) for v in variants)))
    assert parsed.errors == [] and len(parsed.positions) == 4


def test_interleaved_multi_sentence_messages_are_reassembled() -> None:
    first = voyage(mmsi=477123400, seq=1)
    second = voyage(mmsi=477654300, seq=2, shipname="COSCO HARBOUR", imo=9356127)
    parsed = parse(lines(first[0], second[0], position(), second[1], first[1]))
    assert parsed.errors == []
    assert [(v.mmsi, v.name) for v in parsed.vessels] == [
        ("477654300", "COSCO HARBOUR"),
        ("477123400", "OOCL PEARL RIVER"),
    ]


def test_time_on_the_first_fragment_only_and_the_feeds_own_time_wins() -> None:
    first, second = voyage()
    parsed = parse(f"{tag(T0)}{first}\r\n{second}\r\n".encode())
    assert parsed.errors == [] and parsed.vessels[0].eta == datetime(2026, 11, 21, 8, 30, tzinfo=UTC)
    # the listener's tag block in front of the feed's own: the feed's c: (nearer the radio) is used
    parsed = parse(f"{tag(T0 + 3600)}{tag(T0, source='HKRX01')}{position(second=0)}".encode())
    assert parsed.positions[0].at == RECEIVED


def test_unsupported_types_and_other_sentences_are_counted_not_refused() -> None:
    (base_station,) = encode({"type": 4, "mmsi": 4773500, "lat": 22.3, "lon": 114.17})
    (safety,) = encode({"type": 14, "mmsi": 477123400, "text": "SECURITE"})
    zda = "$GPZDA,020122.00,21,11,2026,00,00*60"
    gatehouse = "$PGHP,1,2026,11,21,2,0,0,0,477,,,1,*" + checksum("PGHP,1,2026,11,21,2,0,0,0,477,,,1,")
    alarm = "!AIALR,020000.00,007,A,V,AIS: UTC Lost*" + checksum("AIALR,020000.00,007,A,V,AIS: UTC Lost")
    parsed = parse(lines(base_station, safety, gatehouse, position(), zda, alarm))
    assert parsed.errors == [] and len(parsed.positions) == 1
    assert parsed.skipped == {
        "message type 4": 1,
        "message type 14": 1,
        "other NMEA sentence ($ZDA)": 1,
        "other NMEA sentence ($PGHP)": 1,
        "other NMEA sentence (!ALR)": 1,
    }


def test_the_same_static_report_twice_in_a_message_counts_once() -> None:
    parsed = parse(lines(*voyage(), *voyage()))
    assert len(parsed.vessels) == 1 and parsed.skipped["static data repeated within the message"] == 1


def test_empty_lines_and_line_endings() -> None:
    parsed = parse(b"\n\r\n" + lines(position()).replace(b"\r\n", b"\n") + b"   \n")
    assert parsed.errors == [] and len(parsed.positions) == 1


def test_fragment_mistakes_name_their_lines() -> None:
    first, second = voyage(seq=1)
    restarted = parse(lines(first, first, second))
    assert [(e.location, e.message) for e in restarted.errors] == [
        ("line 1", "fragment 1 of 2 without fragment 2 (a new message started on line 2)")
    ]
    assert len(restarted.vessels) == 1
    three = encode({"type": 5, "mmsi": 477123400, "shipname": "X" * 20, "destination": "Y" * 20}, seq=2)
    assert len(three) == 2
    skipped = [three[0].replace("!AIVDM,2,1,", "!AIVDM,3,1,"), three[1].replace("!AIVDM,2,2,", "!AIVDM,3,3,")]
    parsed = parse(lines(*(reseal(s) for s in skipped)))
    assert [(e.location, e.message) for e in parsed.errors] == [
        ("line 2", "fragment 3 of 3 follows fragment 1 (line 1); fragment 2 is missing")
    ]


def test_same_sequence_id_on_two_channels_are_two_messages() -> None:
    on_a = voyage(mmsi=477123400, seq=5)
    on_b = [reseal(s.replace(",A,", ",B,")) for s in voyage(mmsi=477654300, seq=5)]
    parsed = parse(lines(on_a[0], on_b[0], on_b[1], on_a[1]))
    assert parsed.errors == [] and [v.mmsi for v in parsed.vessels] == ["477654300", "477123400"]


def test_receive_time_in_milliseconds() -> None:
    parsed = parse(f"{tag(T0 * 1000 + 250)}{position(second=0)}".encode())
    assert parsed.positions[0].at == RECEIVED


def test_an_mmsi_of_no_station_is_skipped() -> None:
    parsed = parse(lines(position(mmsi=123456789), position(mmsi=477123400)))
    assert parsed.errors == [] and [p.mmsi for p in parsed.positions] == ["477123400"]
    assert parsed.skipped == {"MMSI of no station ITU-R M.585 defines (a test or unconfigured transponder)": 1}


def test_arrival_stamps_go_only_where_no_receive_time_is_and_a_receivers_time_wins() -> None:
    plain = position(mmsi=477654300, second=0)
    refused = parse(f"{plain}\r\n".encode())  # a file read as it is (the CLI): no time, no guess
    assert [(e.location, "no receive time" in e.message) for e in refused.errors] == [("line 1", True)]
    first, second = voyage(seq=3)
    raw = f"{tag(T0)}{position(second=0)}\r\n{plain}\r\n$GPZDA,020122.00,21,11,2026,00,00*60\r\n{first}\r\n{second}\r\n"
    stamped = stamp_arrival(raw.encode(), RECEIVED + timedelta(hours=1))
    later = arrival_stamp(RECEIVED + timedelta(hours=1)).decode()
    assert stamped.decode().split("\r\n") == [
        f"{tag(T0)}{position(second=0)}",
        later + plain,
        "$GPZDA,020122.00,21,11,2026,00,00*60",
        later + first,
        later + second,
        "",
    ]
    assert stamp_arrival(stamped, RECEIVED) == stamped  # stamping twice changes nothing
    parsed = parse(stamped)
    assert [(p.mmsi, p.at, p.time_source) for p in parsed.positions] == [
        ("477123400", RECEIVED, "receiver"),
        ("477654300", RECEIVED + timedelta(hours=1), "arrival"),
    ]
    # fragments: a receiver's time on the second one beats the arrival stamp on the first
    months_later = arrival_stamp(RECEIVED + timedelta(days=60)).decode()
    parsed = parse(f"{months_later}{first}\r\n{tag(T0)}{second}\r\n".encode())
    assert parsed.errors == [] and parsed.vessels[0].eta == datetime(2026, 11, 21, 8, 30, tzinfo=UTC)
    parsed = parse(f"{months_later}{first}\r\n{second}\r\n".encode())
    assert parsed.vessels[0].eta == datetime(2027, 11, 21, 8, 30, tzinfo=UTC)  # the ETA's year from the arrival
