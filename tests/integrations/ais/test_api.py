"""AIS through the messages API into the vessel tables: the Hong Kong sample, malformed lines, re-sends, replay."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from harbourlink import vessels
from harbourlink.integrations.ais import position_time
from harbourlink.kernel import Database, utcnow
from tests.conftest import Company
from tests.integrations.ais.nmea import T0, checksum, encode, lines, position, reseal, tag, voyage

SAMPLE = Path(__file__).parents[2] / "samples" / "ais" / "hk_waters.nmea"
GOOD = position(mmsi=477222300, second=5)


def _send(client: TestClient, company: Company, body: bytes) -> dict[str, Any]:
    response = client.post("/api/v1/messages", params={"format": "ais-nmea"}, headers=company.auth, content=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _position_count(db: Database) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(vessels.VesselPosition)) or 0


def _broken_payload() -> str:
    fields = position().split(",")
    fields[5] = "1|x" + fields[5][3:]
    return reseal(",".join(fields))


def _short_payload() -> str:
    fields = position().split(",")
    fields[5] = fields[5][:20]
    return reseal(",".join(fields))


def _type24_part(number: int) -> str:
    """A type 24 sentence whose part number (bits 38-39, in the seventh character) is changed."""
    (sentence,) = encode({"type": 24, "mmsi": 477900100, "partno": 0, "shipname": "LAMMA SPIRIT"})
    fields = sentence.split(",")
    armour = "0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVW`abcdefghijklmnopqrstuvw"
    value = (armour.index(fields[5][6]) & ~0b1100) | (number << 2)
    fields[5] = fields[5][:6] + armour[value] + fields[5][7:]
    return reseal(",".join(fields))


def _with_field(index: int, value: str) -> str:
    fields = position().split(",")
    fields[index] = value
    return reseal(",".join(fields))


FIRST, SECOND = voyage(seq=4)
# name: (body after one good line, the line of the first error, what its message says)
MALFORMED: dict[str, tuple[bytes, str, str]] = {
    "bad checksum": (lines(GOOD, position()[:-2] + "00"), "line 2", "checksum mismatch"),
    "truncated sentence": (lines(GOOD, position()[:40]), "line 2", "truncated sentence"),
    "fields missing": (
        lines(GOOD, reseal("!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa*00")),
        "line 2",
        "truncated sentence: 6 fields",
    ),
    "orphan fragment": (lines(GOOD, SECOND), "line 2", "fragment 2 of 2 without fragment 1"),
    "fragment never completed": (lines(FIRST, GOOD), "line 1", "fragment 1 of 2 without fragment 2"),
    "wrong fragment count": (
        lines(GOOD, FIRST, reseal(SECOND.replace("!AIVDM,2,2,", "!AIVDM,3,2,"))),
        "line 3",
        "fragment 2 of 3, but its fragment 1 on line 2 announced 2 fragments",
    ),
    "fragment count out of range": (
        lines(GOOD, reseal(GOOD.replace("!AIVDM,1,1,", "!AIVDM,12,1,"))),
        "line 2",
        "fragment count 12 is not between 1 and 9",
    ),
    "not NMEA": (lines(GOOD, "HELLO KWAI TSING"), "line 2", "not an NMEA sentence"),
    "bad armouring": (lines(GOOD, _broken_payload()), "line 2", "six-bit armouring: 'x' '|'"),
    "payload too short": (lines(GOOD, _short_payload()), "line 2", "needs 168 bits, the payload has 120"),
    "bad fill bits": (lines(GOOD, _with_field(6, "7*00")), "line 2", "fill bits 7 is not between 0 and 5"),
    "bad channel": (lines(GOOD, _with_field(4, "C")), "line 2", "radio channel 'C'"),
    "MMSI of 7 digits": (lines(GOOD, position(mmsi=1193046)), "line 2", "MMSI 1193046 has 7 digits"),
    "latitude out of range": (lines(GOOD, position(lat=95.0)), "line 2", "latitude 95.000000 is out of range"),
    "longitude out of range": (lines(GOOD, position(lon=-190.0)), "line 2", "longitude -190.000000 is out of range"),
    "not ASCII": (
        lines(GOOD) + tag().encode() + b"!AIVDM,1,1,,A,\xff\xfe,0*00\r\n",
        "line 2",
        "byte 0xFF at column 32 is not ASCII",
    ),
    "tag block checksum": (lines(GOOD, "\\c:1795226400*00\\" + position()), "line 2", "tag block checksum mismatch"),
    "tag block not closed": (lines(GOOD, "\\c:1795226400*38" + position()), "line 2", "tag block is not closed"),
    "time not a number": (
        lines(GOOD, f"\\c:HKRX01*{checksum('c:HKRX01')}\\" + position()),
        "line 2",
        "c:HKRX01 is not a UNIX time",
    ),
    "time before 2000": (lines(GOOD, tag(86400) + position()), "line 2", "(1970-01-02) is not between 2000 and 2100"),
    "type 24 part 2": (lines(GOOD, _type24_part(2)), "line 2", "part number 2 is neither A (0) nor B (1)"),
}


def test_hong_kong_sample_lands_in_the_vessel_tables(client: TestClient, db: Database, company_a: Company) -> None:
    outcome = _send(client, company_a, SAMPLE.read_bytes())
    assert (outcome["status"], outcome["errors"]) == ("accepted", []), outcome
    # 9 distinct positions (one heard twice, by two receivers) and 6 static reports
    assert (outcome["accepted"], outcome["duplicates"]) == (15, 1)
    with db.transaction() as session:
        oocl = vessels.get_vessel(session, imo="9321483")
        assert oocl is not None and oocl.mmsi == "477123400" and oocl.name == "OOCL PEARL RIVER"
        assert (oocl.call_sign, oocl.ship_type, oocl.length_m, oocl.beam_m, oocl.draught_m) == (
            "VRAB2",
            70,
            366,
            51,
            14.5,
        )
        assert oocl.destination == "HK HKG CT9" and oocl.eta == datetime(2026, 11, 21, 8, 30, tzinfo=UTC)
        track = vessels.track(session, "477123400")
        assert [(p.latitude, p.longitude) for p in track] == [
            (22.205, 114.08),
            (22.226, 114.086),
            (22.247, 114.093),
            (22.269, 114.101),
        ]
        assert [p.at.strftime("%H:%M:%S") for p in track] == ["01:59:58", "02:00:58", "02:01:58", "02:02:58"]
        assert {p.message_id for p in track} == {outcome["id"]}
        moored = vessels.latest_position(session, "477654300")
        assert moored is not None and (moored.nav_status, moored.speed_knots, moored.course) == (5, 0.0, None)
        cosco = vessels.get_vessel(session, mmsi="477654300")
        assert cosco is not None and cosco.eta == datetime(2027, 1, 5, 16, 0, tzinfo=UTC)
        yantian = vessels.get_vessel(session, mmsi="477700300")
        assert yantian is not None and yantian.eta == datetime(2026, 11, 19, 6, 0, tzinfo=UTC)
        ferry = vessels.get_vessel(session, mmsi="477900100")
        assert ferry is not None and (ferry.name, ferry.call_sign, ferry.ship_type) == ("LAMMA SPIRIT", "VRS5678", 60)
        ferry_at = vessels.latest_position(session, "477900100")
        assert ferry_at is not None and ferry_at.heading is None and ferry_at.speed_knots == 8.4
        fisher = vessels.get_vessel(session, mmsi="477800200")
        assert fisher is not None and fisher.name == "TAI O FISHER"
        assert vessels.latest_position(session, "477333400") is None  # its position was "not available"
    assert _position_count(db) == 9


def test_resending_changes_nothing(client: TestClient, db: Database, company_a: Company) -> None:
    raw = SAMPLE.read_bytes()
    _send(client, company_a, raw)
    again = _send(client, company_a, raw)
    assert again["status"] == "accepted" and again["errors"] == []
    # every position and every static report that changes nothing is a duplicate
    assert (again["accepted"], again["duplicates"]) == (0, 16)
    assert _position_count(db) == 9


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_lines_are_named(client: TestClient, db: Database, company_a: Company, case: str) -> None:
    body, place, words = MALFORMED[case]
    outcome = _send(client, company_a, body)
    errors = outcome["errors"]
    assert isinstance(errors, list) and errors, outcome
    assert errors[0]["location"] == place, errors
    assert words in errors[0]["message"], errors
    # the good line is still taken
    assert outcome["status"] == "partial" and outcome["accepted"] == 1, outcome
    with db.transaction() as session:
        assert vessels.latest_position(session, "477222300") is not None


def test_every_bad_line_is_reported_in_one_message(client: TestClient, company_a: Company) -> None:
    bodies = [MALFORMED[c][0].split(b"\r\n", 1)[1] for c in ("bad checksum", "not NMEA", "MMSI of 7 digits")]
    outcome = _send(client, company_a, lines(GOOD) + b"".join(bodies))
    assert [e["location"] for e in outcome["errors"]] == ["line 2", "line 3", "line 4"]


def test_nothing_readable_is_rejected(client: TestClient, company_a: Company) -> None:
    outcome = _send(client, company_a, b"garbage\r\nmore garbage\r\n")
    assert outcome["status"] == "rejected"
    assert [e["location"] for e in outcome["errors"]] == ["line 1", "line 2"]


def test_only_skipped_traffic_is_not_a_failure(client: TestClient, company_a: Company) -> None:
    (base_station,) = encode({"type": 4, "mmsi": 4773500, "lat": 22.3, "lon": 114.17})
    outcome = _send(client, company_a, lines(base_station, position(lat=91.0, lon=181.0)))
    assert (outcome["status"], outcome["accepted"], outcome["errors"]) == ("accepted", 0, [])


def test_replay_of_a_corrected_message(client: TestClient, db: Database, company_a: Company) -> None:
    fixed_line = position(mmsi=477654300, second=33)
    broken = lines(GOOD, fixed_line[:-2] + "00")  # its checksum was garbled on the way
    partial = _send(client, company_a, broken)
    assert partial["status"] == "partial"
    assert [(e["location"], e["code"], e["place"]) for e in partial["errors"]] == [
        ("line 2", "checksum_mismatch", {"code": "line", "params": {"line": 2}})
    ]
    failed = client.get("/api/v1/messages", headers=company_a.auth, params={"failed": True}).json()
    assert [m["id"] for m in failed] == [partial["id"]]
    replayed = client.post(
        f"/api/v1/messages/{partial['id']}/replay", headers=company_a.auth, content=lines(GOOD, fixed_line)
    ).json()
    assert (replayed["status"], replayed["accepted"], replayed["duplicates"]) == ("accepted", 1, 1)
    assert client.get("/api/v1/messages", headers=company_a.auth, params={"failed": True}).json() == []
    with db.transaction() as session:
        fixed = vessels.latest_position(session, "477654300")
        assert fixed is not None and fixed.message_id == replayed["id"]
        assert fixed.at == datetime.fromtimestamp(T0 - 27, UTC)  # second 33 of the minute before
    original = client.get(f"/api/v1/messages/{partial['id']}", headers=company_a.auth).json()
    assert original["superseded_by"] == replayed["id"]
    assert client.get(f"/api/v1/messages/{partial['id']}/raw", headers=company_a.auth).content == broken


def test_the_format_is_listed(client: TestClient, company_a: Company) -> None:
    formats = client.get("/api/v1/formats", headers=company_a.auth).json()
    assert {
        "name": "ais-nmea",
        "title": formats[[f["name"] for f in formats].index("ais-nmea")]["title"],
        "media_type": "text/plain",
    } in formats


def test_sentences_without_a_tag_block_take_the_time_the_message_arrived(
    client: TestClient, db: Database, company_a: Company
) -> None:
    plain = [position(mmsi=477654300, second=5), *voyage(mmsi=477654300, seq=2), position(mmsi=477700300, second=50)]
    body = lines(GOOD) + "".join(f"{line}\r\n" for line in plain).encode()  # as most receivers emit them
    before = int(utcnow().timestamp())
    outcome = _send(client, company_a, body)
    after = int(utcnow().timestamp())
    assert (outcome["status"], outcome["accepted"], outcome["errors"]) == ("accepted", 4, []), outcome
    archived = client.get(f"/api/v1/messages/{outcome['id']}/raw", headers=company_a.auth).content
    assert archived == body, "the archive keeps the message exactly as it arrived"
    message = client.get(f"/api/v1/messages/{outcome['id']}", headers=company_a.auth).json()
    arrived = int(datetime.fromisoformat(message["received_at"]).timestamp())
    assert before <= arrived <= after
    with db.transaction() as session:
        stored = {p.mmsi: p for p in session.scalars(select(vessels.VesselPosition))}
    assert stored["477222300"].time_source == "receiver"  # its own tag block's time
    assert stored["477222300"].at == datetime.fromtimestamp(T0 + 5, UTC)
    for mmsi, second in (("477654300", 5), ("477700300", 50)):
        assert stored[mmsi].time_source == "arrival"
        assert stored[mmsi].at == position_time(datetime.fromtimestamp(arrived, UTC), second)
    replayed = client.post(f"/api/v1/messages/{outcome['id']}/replay", headers=company_a.auth).json()
    assert (replayed["status"], replayed["accepted"], replayed["duplicates"]) == ("accepted", 0, 4)
