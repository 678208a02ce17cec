"""EDIFACT through the messages API: samples become events, bad files name the segment, replay fixes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from harbourlink.events import Event, references_of
from harbourlink.kernel import Database
from tests.conftest import Company

SAMPLES = Path(__file__).parent.parent.parent / "samples" / "edifact"
CODECO = (SAMPLES / "codeco_hit_gate_in_out.edi").read_bytes()
COARRI = (SAMPLES / "coarri_oocl_discharge_hit.edi").read_bytes()
IFTSTA = (SAMPLES / "iftsta_oocl_statuses.edi").read_bytes()

UNB = "UNA:+.? '\nUNB+UNOC:3+HITHK+OOLU+261121:1750+TEST0001'\n"
GATE_IN = [
    "UNH+M1+CODECO:D:00B:UN:SMDG21'",
    "BGM+34+GI1+9'",
    "EQD+CN+OOLU6183924+45G1:102:5++2+5'",
    "DTM+7:202611210915:203'",
    "LOC+165+HKHKG:139:6+HITHK:TER:ZZZ'",
    "FTX+AAI+++TARPAULIN ON TOP'",
]


def _message(segments: list[str], reference: str = "M1") -> str:
    return "\n".join([*segments, f"UNT+{len(segments) + 1}+{reference}'"]) + "\n"


def _interchange(*messages: str, count: int | None = None) -> bytes:
    total = len(messages) if count is None else count
    return (UNB + "".join(messages) + f"UNZ+{total}+TEST0001'\n").encode("latin-1")


def _status(text: str) -> list[str]:
    return [
        "UNH+S1+IFTSTA:D:99B:UN'",
        "BGM+23+S1+9'",
        "CNI+1'",
        text,
        "DTM+334:202611212210:203'",
        "EQD+CN+MSCU1234566'",
    ]


def _replace(segments: list[str], old: str, new: str) -> list[str]:
    return [s.replace(old, new) for s in segments]


MALFORMED: dict[str, tuple[bytes, str, str]] = {
    "missing UNH": (_interchange(_message(GATE_IN[1:])), "segment 3 (BGM)", "begins with a UNH"),
    "bad UNT count": (
        _interchange("\n".join(GATE_IN) + "\nUNT+99+M1'\n"),
        "segment 9 (UNT), message M1",
        "UNT counts 99 segments but the message has 7",
    ),
    "UNT reference differs": (
        _interchange("\n".join(GATE_IN) + "\nUNT+7+M9'\n"),
        "segment 9 (UNT), message M1",
        "not the UNH's 'M1'",
    ),
    "unknown message type": (
        _interchange(_message(_replace(GATE_IN, "CODECO:D:00B", "BAPLIE:D:95B"))),
        "segment 3 (UNH), message M1",
        "message type BAPLIE is not read here",
    ),
    "bad date": (
        _interchange(_message(_replace(GATE_IN, "202611210915:203", "21/11/2026 09?:15:203"))),
        "segment 6 (DTM), message M1",
        "is not a date/time in format 203",
    ),
    "unknown date format": (
        _interchange(_message(_replace(GATE_IN, ":203'", ":999'"))),
        "segment 6 (DTM), message M1",
        "date/time format 999",
    ),
    "bad check digit": (
        _interchange(_message(_replace(GATE_IN, "OOLU6183924", "OOLU6183925"))),
        "segment 5 (EQD), message M1",
        "check digit should be 4, not 5",
    ),
    "truncated": (_interchange(_message(GATE_IN)).split(b"ON TOP")[0], "segment 8 (FTX)", "the file looks cut short"),
    "bad UNA": (
        b"UNA::.? '\n" + _interchange(_message(GATE_IN))[10:],
        "segment 1 (UNA)",
        "uses one character for two roles",
    ),
    "UNA cut short": (b"UNA:+", "segment 1 (UNA)", "is cut short"),
    "unmapped status code": (
        _interchange(_message(_status("STS+1+ZZ::22'"), "S1")),
        "segment 6 (STS), message S1",
        "status code 'ZZ' is not mapped",
    ),
    "missing EQD": (_interchange(_message(GATE_IN[:2])), "segment 5 (UNT), message M1", "no EQD+CN group"),
    "non-text byte": (
        _interchange(_message(_replace(GATE_IN, "TARPAULIN", "TARP\x00ULIN"))),
        "segment 8 (FTX), message M1",
        "byte 0x00 at offset",
    ),
    "binary file": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "segment 1", "is not text: this is not an EDIFACT file"),
    "not a gate report": (
        _interchange(_message(_replace(GATE_IN, "BGM+34", "BGM+99"))),
        "segment 4 (BGM), message M1",
        "document name code 99",
    ),
    "bad IMO": (
        _interchange(
            _message([*GATE_IN[:2], "TDT+20+128E+1++OOL:172:20+++9776172:146:11:OOCL HONG KONG'", *GATE_IN[2:]])
        ),
        "segment 5 (TDT), message M1",
        "IMO number 9776172",
    ),
    "bad UN/LOCODE": (
        _interchange(_message(_replace(GATE_IN, "HKHKG", "QQHKG"))),
        "segment 7 (LOC), message M1",
        "QQ is not an ISO 3166 country code",
    ),
    "no UNB": (b"UNH+M1+CODECO:D:00B:UN'\nUNT+2+M1'\n", "segment 1", "begins with UNA or UNB"),
}


def _send(client: TestClient, company: Company, raw: bytes) -> dict[str, Any]:
    response = client.post("/api/v1/messages", params={"format": "edifact"}, headers=company.auth, content=raw)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _stored(db: Database, message_id: object) -> list[tuple[Event, list[tuple[str, str]]]]:
    with db.transaction() as session:
        found = list(session.scalars(select(Event).where(Event.message_id == message_id).order_by(Event.event_time)))
        references = references_of(session, [e.seq for e in found])
        session.expunge_all()
    return [(event, sorted(references[event.seq])) for event in found]


def test_codeco_gate_in_and_out_at_hit(client: TestClient, db: Database, company_a: Company) -> None:
    outcome = _send(client, company_a, CODECO)
    assert (outcome["status"], outcome["accepted"], outcome["errors"]) == ("accepted", 5, [])
    stored = _stored(db, outcome["id"])
    assert [(e.event_type, e.event_code, e.classifier) for e, _ in stored] == [("EQUIPMENT", "GTIN", "ACT")] * 3 + [
        ("EQUIPMENT", "GTOT", "ACT")
    ] * 2
    assert [e.event_time for e, _ in stored] == [
        datetime(2026, 11, 21, h, m, tzinfo=UTC) for h, m in ((1, 15), (1, 41), (2, 2), (8, 20), (9, 5))
    ]
    assert all(e.event_time.utcoffset() is not None and not e.event_time.utcoffset() for e, _ in stored)
    first, first_refs = stored[0]
    assert first_refs == [("BOOKING", "OOLU2698451230"), ("CONTAINER", "OOLU6183924")]
    assert (first.location, first.facility, first.mode_of_transport) == ("HKHKG", "HITHK", "TRUCK")
    assert (first.vessel_imo, first.vessel_name, first.voyage) == ("9776171", "OOCL HONG KONG", "128E")
    assert first.details["truck_licence_plate"] == "TD8821"
    assert first.details["iso_equipment_code"] == "45G1" and first.details["empty_indicator"] == "LADEN"
    assert first.details["seals"] == [{"number": "OOLHK1234567", "source": "CAR"}]
    assert first.details["verified_gross_mass"] == {"value": 28450.0, "unit": "KGM"}
    laden_out, empty_out = stored[3], stored[4]
    assert laden_out[1] == [("CONTAINER", "MAEU5122884"), ("MBL", "OOLU2301987650")]
    assert empty_out[0].details["empty_indicator"] == "EMPTY" and empty_out[1] == [("CONTAINER", "SEGU6120770")]


def test_coarri_discharge_of_a_vessel(client: TestClient, db: Database, company_a: Company) -> None:
    outcome = _send(client, company_a, COARRI)
    assert (outcome["status"], outcome["accepted"], outcome["errors"]) == ("accepted", 3, [])
    stored = _stored(db, outcome["id"])
    assert {(e.event_type, e.event_code, e.mode_of_transport) for e, _ in stored} == {("EQUIPMENT", "DISC", "VESSEL")}
    assert {(e.vessel_imo, e.voyage, e.location, e.facility) for e, _ in stored} == {
        ("9776171", "128E", "HKHKG", "HITHK")
    }
    assert [e.event_time for e, _ in stored] == [datetime(2026, 11, 21, 17, m, tzinfo=UTC) for m in (12, 27, 58)]
    assert [e.details["stowage_location"] for e, _ in stored] == ["0120284", "0340182", "0610484"]
    assert stored[0][1] == [("CONTAINER", "MSCU1234566"), ("MBL", "OOLU2301987650")]
    assert stored[1][0].details["port_of_discharge"] == "VNSGN"  # transhipment: the container's own port
    assert stored[2][0].details["empty_indicator"] == "EMPTY"


def test_iftsta_statuses(client: TestClient, db: Database, company_a: Company) -> None:
    outcome = _send(client, company_a, IFTSTA)
    assert (outcome["status"], outcome["accepted"], outcome["errors"]) == ("accepted", 7, [])
    stored = _stored(db, outcome["id"])
    assert [(e.event_type, e.event_code) for e, _ in stored] == [
        ("EQUIPMENT", "LOAD"),
        ("TRANSPORT", "DEPA"),
        ("TRANSPORT", "ARRI"),
        ("EQUIPMENT", "DISC"),
        ("CUSTOMS", "CUSR"),
        ("RELEASE", "RELS"),
        ("EQUIPMENT", "GTOT"),
    ]
    assert [e.event_time for e, _ in stored] == [
        datetime(2026, 11, 18, 6, 20, tzinfo=UTC),
        datetime(2026, 11, 18, 15, 5, tzinfo=UTC),
        datetime(2026, 11, 21, 14, 10, tzinfo=UTC),
        datetime(2026, 11, 21, 17, 12, tzinfo=UTC),
        datetime(2026, 11, 22, 2, 30, tzinfo=UTC),
        datetime(2026, 11, 22, 3, 45, tzinfo=UTC),
        datetime(2026, 11, 23, 2, 15, tzinfo=UTC),
    ]
    loaded, departed, arrived = stored[0], stored[1], stored[2]
    assert loaded[1] == [("CONTAINER", "MSCU1234566"), ("HBL", "HKGFWD88123"), ("MBL", "OOLU2301987650")]
    assert (loaded[0].location, loaded[0].vessel_imo, loaded[0].mode_of_transport) == ("CNSHA", "9776171", "VESSEL")
    assert departed[1] == [("MBL", "OOLU2301987650")] and departed[0].vessel_name == "OOCL HONG KONG"
    assert (arrived[0].location, arrived[0].facility) == ("HKHKG", "HITHK")
    assert {e.details["status_code"] for e, _ in stored} == {"AE", "VD", "VA", "UV", "CT", "CR", "OA"}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_names_segment_and_tag(client: TestClient, company_a: Company, case: str) -> None:
    raw, place, fragment = MALFORMED[case]
    outcome = _send(client, company_a, raw)
    assert (outcome["status"], outcome["accepted"]) == ("rejected", 0), outcome
    errors = outcome["errors"]
    assert isinstance(errors, list) and errors
    assert errors[0]["location"].startswith(place), errors
    assert fragment in errors[0]["message"], errors


def test_partly_bad_interchange_keeps_the_good_messages(client: TestClient, company_a: Company) -> None:
    good = _message([s.replace("M1", "M2") for s in GATE_IN], "M2")
    bad_count = "\n".join(GATE_IN) + "\nUNT+12+M1'\n"
    outcome = _send(client, company_a, _interchange(bad_count, good, count=3))
    assert (outcome["status"], outcome["accepted"]) == ("partial", 1)
    assert [e["location"] for e in outcome["errors"]] == ["segment 9 (UNT), message M1", "segment 17 (UNZ)"]


def test_resending_is_all_duplicates(client: TestClient, company_a: Company) -> None:
    both = CODECO + IFTSTA  # two interchanges, each with its own UNA
    first = _send(client, company_a, both)
    assert (first["status"], first["accepted"], first["duplicates"]) == ("accepted", 12, 0)
    again = _send(client, company_a, both)
    assert (again["status"], again["accepted"], again["duplicates"]) == ("accepted", 0, 12)


def test_corrected_message_replays(client: TestClient, db: Database, company_a: Company) -> None:
    broken = CODECO.replace(b"CSNU7145201", b"CSNU7145202")
    partial = _send(client, company_a, broken)
    assert (partial["status"], partial["accepted"]) == ("partial", 4)
    [error] = partial["errors"]
    assert (error["location"], error["message"]) == (
        "segment 18 (EQD), message GI0001",
        "container number CSNU7145202: check digit should be 1, not 2",
    )
    assert (error["code"], error["params"]["problem"]) == (
        "identifier_problem",
        {"code": "check_digit_wrong", "params": {"expected": "1", "found": "2"}},
    )
    replayed = client.post(f"/api/v1/messages/{partial['id']}/replay", headers=company_a.auth, content=CODECO)
    assert replayed.status_code == 201, replayed.text
    assert (replayed.json()["status"], replayed.json()["accepted"], replayed.json()["duplicates"]) == ("accepted", 1, 4)
    assert [refs for _, refs in _stored(db, replayed.json()["id"])] == [
        [("BOOKING", "OOLU2698451230"), ("CONTAINER", "CSNU7145201")]
    ]
    original = client.get(f"/api/v1/messages/{partial['id']}", headers=company_a.auth).json()
    assert original["superseded_by"] == replayed.json()["id"]


def test_edifact_is_a_listed_format(client: TestClient, company_a: Company) -> None:
    formats = client.get("/api/v1/formats", headers=company_a.auth).json()
    assert {
        "name": "edifact",
        "title": "UN/EDIFACT CODECO, COARRI and IFTSTA (SMDG guides)",
        "media_type": "application/EDIFACT",
    } in formats
