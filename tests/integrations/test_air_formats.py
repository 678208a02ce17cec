"""Cargo-IMP FSU, Cargo-XML XFSU and ONE Record: statuses read, and malformed ones refused at their place."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from harbourlink.integrations.air import CargoImpAdapter, CargoXmlAdapter, OneRecordAdapter
from harbourlink.integrations.parsing import Parsed

AIR = Path(__file__).parent.parent / "samples" / "air"


class FixedClock:
    def __init__(self, moment: datetime):
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


FSU = CargoImpAdapter(FixedClock(datetime(2026, 11, 25, tzinfo=UTC)))


def _errors(parsed: Parsed) -> list[tuple[str, str]]:
    return [(e.location, e.message) for e in parsed.errors]


def test_fsu_sample() -> None:
    parsed = FSU.parse((AIR / "fsu-cx880-hkg-lax.txt").read_bytes())
    assert parsed.errors == []
    assert [e.event_code for e in parsed.events] == ["RCS", "BKD", "MAN", "DIS", "DEP"]
    dep = parsed.events[-1]
    assert dep.event_time == datetime(2026, 11, 24, 8, 15, tzinfo=UTC)  # 16:15 in Hong Kong
    assert dep.details["planned_departure"] == "2026-11-24T14:30:00+08:00"
    assert (dep.details["pieces"], dep.details["total_pieces"], dep.details["shipment"]) == (9, 12, "P")
    booked = parsed.events[1]
    assert booked.classifier == "PLN" and booked.details["planned_arrival"] == "2026-11-24T10:55:00-08:00"


def test_fsu_year_is_the_latest_that_is_not_far_ahead() -> None:
    january = CargoImpAdapter(FixedClock(datetime(2027, 1, 3, tzinfo=UTC)))
    body = b"FSU/14\n160-12345675HKGLAX/T1K10\nRCS/30DEC1015/HKG/T1K10\nBKD/CX880/%s/HKGLAX/T1K10/S1430\n"
    received, booked = january.parse(body % b"20FEB").events
    assert received.event_time.year == 2026 and booked.event_time.year == 2027  # a booking weeks ahead
    months_later = CargoImpAdapter(FixedClock(datetime(2027, 8, 3, tzinfo=UTC)))
    assert months_later.parse(body % b"20FEB").events[0].event_time.year == 2026


def test_fsu_errors_name_line_and_field() -> None:
    raw = (
        b"FSU/14\n160-12345675HKGLAX/T12K385.5\n"
        b"DEP/CX880/24NOV/HKGLAX/T12K385.5/S1430/X1526\n"  # line 3: a time kind that is not S, E or A
        b"ARR/CX880/31NOV/LAX/T12K385.5/A1140\n"  # line 4: no such day
        b"DIS/CX880/24NOV/HKG/LOST/P3K96.0/A1530\n"  # line 5: no such discrepancy code
        b"XYZ/24NOV1015/HKG/T12K385.5\n"  # line 6: no such status
        b"NFD/25NOV0900/LAX/T12K385.5\n"
    )  # line 7: fine
    parsed = FSU.parse(raw)
    assert [e.event_code for e in parsed.events] == ["NFD"]
    locations = [location for location, _ in _errors(parsed)]
    assert locations == [
        "line 3 (DEP), field 7",
        "line 4 (ARR), field 3",
        "line 5 (DIS), field 5",
        "line 6 (XYZ), field 1",
    ]
    assert "not a time (S, E or A and HHMM)" in _errors(parsed)[0][1]


def test_fsu_bad_check_digit_skips_that_message_only() -> None:
    raw = (
        b"FSU/14\n160-12345674HKGLAX/T12K385.5\nRCS/23NOV1015/HKG/T12K385.5\n"
        b"FSU/14\n160-12345675HKGLAX/T12K385.5\nRCS/23NOV1015/HKG/T12K385.5\n"
    )
    parsed = FSU.parse(raw)
    assert len(parsed.events) == 1 and parsed.events[0].references[0].value == "16012345675"
    [(location, message)] = _errors(parsed)
    assert location == "line 2 (consignment), field 1" and "check digit should be 5" in message


def test_fsu_refuses_what_is_not_one() -> None:
    assert _errors(FSU.parse(b"hello\n")) == [
        ("line 1", "expected FSU/<version> (a Cargo-IMP status update) before this line")
    ]
    assert _errors(FSU.parse("FSU/14\n160-12345675HKGLAX\nRCS/23NOV1015/香港".encode()))[0][0] == "byte 40"


def test_xfsu_sample() -> None:
    parsed = CargoXmlAdapter().parse((AIR / "xfsu-cx880-arrival-lax.xml").read_bytes())
    assert parsed.errors == []
    arrival, received = parsed.events
    assert arrival.event_code == "ARR" and arrival.event_time == datetime(2026, 11, 24, 20, 40, tzinfo=UTC)
    assert arrival.details["planned_arrival"] == "2026-11-24T10:55:00-08:00"
    assert (received.event_code, received.details["pieces"]) == ("RCF", 9)


XFSU = """<rsm:StatusMessage xmlns:rsm="iata:statusmessage:1" xmlns:ram="iata:datamodel:3">
<rsm:MasterConsignment>
  <ram:TransportContractDocument><ram:ID>{awb}</ram:ID></ram:TransportContractDocument>
  <ram:ReportedStatus><ram:ReasonCode>DEP</ram:ReasonCode>
    <ram:AssociatedStatusConsignment><ram:PieceQuantity>{pieces}</ram:PieceQuantity>
      <ram:SpecifiedLogisticsTransportMovement><ram:ID>CX880</ram:ID>
        <ram:DepartureEvent><ram:DepartureOccurrenceDateTime>2026-11-24T16:15:00</ram:DepartureOccurrenceDateTime>
          <ram:DepartureDateTimeTypeCode>A</ram:DepartureDateTimeTypeCode></ram:DepartureEvent>
        <ram:SpecifiedLocation><ram:ID>HKG</ram:ID></ram:SpecifiedLocation><ram:SpecifiedLocation><ram:ID>LAX</ram:ID></ram:SpecifiedLocation>
      </ram:SpecifiedLogisticsTransportMovement></ram:AssociatedStatusConsignment>
    <ram:AssociatedStatusConsignment><ram:PieceQuantity>2</ram:PieceQuantity>
      <ram:SpecifiedLogisticsTransportMovement><ram:ID>CX884</ram:ID>
        <ram:SpecifiedLocation><ram:ID>HKG</ram:ID></ram:SpecifiedLocation></ram:SpecifiedLogisticsTransportMovement>
    </ram:AssociatedStatusConsignment>
  </ram:ReportedStatus>
</rsm:MasterConsignment></rsm:StatusMessage>"""


def test_xfsu_errors_name_the_element() -> None:
    parsed = CargoXmlAdapter().parse(XFSU.format(awb="160-12345675", pieces="nine").encode())
    assert _errors(parsed) == [
        (
            "/StatusMessage/MasterConsignment/ReportedStatus/AssociatedStatusConsignment[1]/PieceQuantity",
            "'nine' is not a number",
        ),
        (
            "/StatusMessage/MasterConsignment/ReportedStatus/AssociatedStatusConsignment[2]",
            "DEP: the status gives no time (of its own, or of its flight)",
        ),
    ]
    wrong = CargoXmlAdapter().parse(XFSU.format(awb="160-12345674", pieces="9").encode())
    assert _errors(wrong)[0][0] == "/StatusMessage/MasterConsignment/TransportContractDocument/ID"
    broken = CargoXmlAdapter().parse(b"<StatusMessage><MasterConsignment></StatusMessage>")
    assert _errors(broken)[0][0] == "line 1, column 37" and "not well-formed" in _errors(broken)[0][1]


def test_xfsu_refuses_entities() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><StatusMessage>&lol;</StatusMessage>'
    assert _errors(CargoXmlAdapter().parse(bomb)) == [("/", "a document type declaration is not accepted in Cargo-XML")]


def test_one_record_sample() -> None:
    parsed = OneRecordAdapter().parse((AIR / "one-record-delivery-lax.jsonld").read_bytes())
    assert parsed.errors == []
    assert [e.event_code for e in parsed.events] == ["NFD", "AWD", "DLV"]
    assert parsed.events[2].event_time == datetime(2026, 11, 25, 17, 20, tzinfo=UTC)


def test_one_record_house_waybill_and_flight() -> None:
    raw = b"""{"@context": {"cargo": "https://onerecord.iata.org/ns/cargo#"}, "@graph": [
      {"@id": "s1", "@type": "cargo:Shipment",
       "cargo:waybill": {"cargo:waybillType": {"@id": "cargo:HOUSE"}, "cargo:waybillNumber": "HLKHKG2611001",
                         "cargo:masterWaybill": {"cargo:waybillPrefix": "160", "cargo:waybillNumber": "12345675"}},
       "cargo:pieces": [{"@id": "p1"}, {"@id": "p2"}],
       "cargo:events": [{"@type": "cargo:LogisticsEvent", "cargo:eventCode": "DEP",
                         "cargo:eventDate": "2026-11-24T16:15:00", "cargo:eventTimeType": "ACTUAL",
                         "cargo:eventLocation": {"cargo:locationCodes": [{"cargo:code": "HKG"}]}}]},
      {"@type": "cargo:TransportMovement", "cargo:transportIdentifier": "CX880",
       "cargo:departureLocation": {"cargo:locationCodes": [{"cargo:code": "HKG"}]},
       "cargo:arrivalLocation": {"cargo:locationCodes": [{"cargo:code": "LAX"}]},
       "cargo:movementTimes": [{"cargo:movementTimestamp": "2026-11-24T14:30:00+08:00", "cargo:movementMilestone": "SD"},
                               {"cargo:movementTimestamp": "2026-11-24T10:55:00-08:00",
                                "cargo:movementMilestone": {"@id": "https://onerecord.iata.org/ns/code-lists/MovementIndicator#SA"}}]}]}"""
    [event] = OneRecordAdapter().parse(raw).events
    assert sorted((r.kind, r.value) for r in event.references) == [("AWB", "16012345675"), ("HAWB", "HLKHKG2611001")]
    assert (event.details["flight"], event.details["arrives"], event.details["pieces"]) == ("CX880", "LAX", 2)
    assert event.details["planned_departure"] == "2026-11-24T14:30:00+08:00"
    assert event.event_time == datetime(2026, 11, 24, 8, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("body", "location", "words"),
    [
        (b'{"@type": "cargo:LogisticsEvent", "cargo:eventCode": "DEP"}', '$["cargo:eventFor"]', "Shipment"),
        (
            b'{"@type": "api:Notification", "api:hasEventType": {"@id": "api:LOGISTICS_OBJECT_UPDATED"}}',
            '$["api:hasEventType"]',
            "only a LOGISTICS_EVENT_RECEIVED",
        ),
        (
            b'{"@type": "cargo:Shipment", "cargo:waybill": {"cargo:waybillPrefix": "160", "cargo:waybillNumber": "12345675"},'
            b' "cargo:events": [{"@type": "cargo:LogisticsEvent", "cargo:eventCode": "DEP", "cargo:eventDate": "soon",'
            b' "cargo:eventLocation": {"cargo:locationCodes": [{"cargo:code": "HKG"}]}}]}',
            '$["cargo:events"][0]["cargo:eventDate"]',
            "not a date and time",
        ),
        (
            b'{"@type": "cargo:Shipment", "cargo:waybill": {"cargo:waybillPrefix": "160", "cargo:waybillNumber": "12345674"},'
            b' "cargo:events": [{"@type": "cargo:LogisticsEvent", "cargo:eventCode": "XXX"}]}',
            '$["cargo:events"][0]["cargo:eventCode"]',
            "not an IATA status code",
        ),
        (b'[1, {"@type": "cargo:Piece"}]', "$[0]", "must be a JSON-LD node"),
    ],
)
def test_one_record_errors_carry_the_json_path(body: bytes, location: str, words: str) -> None:
    parsed = OneRecordAdapter().parse(body)
    assert parsed.events == []
    assert parsed.errors[0].location == location and words in parsed.errors[0].message, _errors(parsed)
