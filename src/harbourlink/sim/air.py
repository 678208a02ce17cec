"""Air cargo through Hong Kong International Airport on the simulated day, in the airline's three forms (pure).

Two air waybills of the demo airline, drawn from the seed::

    export HKG → LAX on CX880, a consolidation of the forwarder's (its house air waybill is the SME's)
      ├── FSU: received from the shipper, booked, manifested; 3 of 12 pieces offloaded for lack of
      │   space (DIS OFLD), the flight leaves 1 h 45 min late with 9 (late departure, offload)
      ├── XFSU: arrives in Los Angeles 1 h 30 min after its plan (late arrival), received from the flight
      └── ONE Record: the consignee notified
    import PVG → HKG on CX367, the forwarder's
      ├── ONE Record: booked and departed, the flight a TransportMovement with its planned times
      ├── XFSU: arrives in Hong Kong; one piece missing at the warehouse (DIS MSCA, a discrepancy);
      │   5 of 6 pieces received from the flight
      └── ONE Record: the consignee notified

``messages(shipments, start, end)`` gives each status's message as the airline sends it: FSU text
and XFSU grouped per air waybill in 15-minute windows, ONE Record as a Shipment with its events
(the Notification form is the adapter's to read; the demo sends the Shipment form).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from xml.sax.saxutils import escape

from harbourlink.references import awb_check_digit, find_airport

AIRLINE_PREFIX = "160"
WINDOW = timedelta(minutes=15)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class AirStatus:
    code: str
    at: datetime
    """When it happened; for BKD and MAN, when the airline said it."""
    airport: str
    form: str
    """``cargo-imp``, ``cargo-xml`` or ``one-record``: how the airline sends it."""
    pieces: int
    discrepancy: str | None = None
    departed: bool = True
    """For a flight's statuses: whether the time of departure is known yet (DEP and after)."""


@dataclass(frozen=True)
class AirShipment:
    awb: str
    house: str | None
    origin: str
    destination: str
    pieces: int
    weight: float
    flight: str
    planned_departure: datetime
    departure: datetime
    planned_arrival: datetime
    arrival: datetime
    statuses: tuple[AirStatus, ...] = field(default_factory=tuple)

    @property
    def display(self) -> str:
        return f"{self.awb[:3]}-{self.awb[3:]}"


def air_waybill(rng: random.Random) -> str:
    serial = f"{rng.randrange(10**6, 10**7):07d}"
    return f"{AIRLINE_PREFIX}{serial}{awb_check_digit(serial)}"


def shipments(rng: random.Random, start: datetime, *, house: str) -> tuple[AirShipment, ...]:
    """The day's two air waybills; ``house`` is the forwarder's house air waybill on the export."""
    at = start + timedelta(minutes=rng.randrange(0, 30, 5))
    dep, arr = at + 3 * HOUR, at + 15 * HOUR + 25 * MINUTE
    export = AirShipment(
        awb=air_waybill(rng),
        house=house,
        origin="HKG",
        destination="LAX",
        pieces=12,
        weight=385.5,
        flight="CX880",
        planned_departure=dep,
        departure=dep + 105 * MINUTE,
        planned_arrival=arr,
        arrival=arr + 90 * MINUTE,
        statuses=(
            AirStatus("RCS", at + 30 * MINUTE, "HKG", "cargo-imp", 12),
            AirStatus("BKD", at + 40 * MINUTE, "HKG", "cargo-imp", 12, departed=False),
            AirStatus("MAN", at + 2 * HOUR + 15 * MINUTE, "HKG", "cargo-imp", 12, departed=False),
            AirStatus("DIS", at + 3 * HOUR + 10 * MINUTE, "HKG", "cargo-imp", 3, discrepancy="OFLD"),
            AirStatus("DEP", dep + 105 * MINUTE, "HKG", "cargo-imp", 9),
            AirStatus("ARR", arr + 90 * MINUTE, "LAX", "cargo-xml", 9),
            AirStatus("RCF", arr + 160 * MINUTE, "LAX", "cargo-xml", 9),
            AirStatus("NFD", arr + 215 * MINUTE, "LAX", "one-record", 9),
        ),
    )
    dep, arr = at + 5 * HOUR, at + 7 * HOUR + 35 * MINUTE
    inbound = AirShipment(
        awb=air_waybill(rng),
        house=None,
        origin="PVG",
        destination="HKG",
        pieces=6,
        weight=148.0,
        flight="CX367",
        planned_departure=dep,
        departure=dep + 10 * MINUTE,
        planned_arrival=arr,
        arrival=arr + 5 * MINUTE,
        statuses=(
            AirStatus("BKD", at + 4 * HOUR, "PVG", "one-record", 6, departed=False),
            AirStatus("DEP", dep + 10 * MINUTE, "PVG", "one-record", 6),
            AirStatus("ARR", arr + 5 * MINUTE, "HKG", "cargo-xml", 6),
            AirStatus("DIS", arr + 55 * MINUTE, "HKG", "cargo-xml", 1, discrepancy="MSCA"),
            AirStatus("RCF", arr + 65 * MINUTE, "HKG", "cargo-xml", 5),
            AirStatus("NFD", arr + 85 * MINUTE, "HKG", "one-record", 5),
        ),
    )
    return export, inbound


def _local(moment: datetime, airport: str) -> datetime:
    known = find_airport(airport)
    return moment.astimezone(known.time_zone) if known else moment


def _day(moment: datetime) -> str:
    return moment.strftime("%d%b").upper()


def _quantity(shipment: AirShipment, pieces: int) -> str:
    weight = round(shipment.weight * pieces / shipment.pieces, 1)
    return f"T{pieces}K{weight}" if pieces == shipment.pieces else f"P{pieces}K{weight}T{shipment.pieces}"


def fsu(shipment: AirShipment, statuses: list[AirStatus]) -> str:
    """One Cargo-IMP FSU with a line per status."""
    leaves = _local(shipment.planned_departure, shipment.origin)
    lands = _local(shipment.planned_arrival, shipment.destination)
    route = f"{shipment.origin}{shipment.destination}"
    lines = ["FSU/14", f"{shipment.display}{route}/{_quantity(shipment, shipment.pieces)}"]
    for status in statuses:
        quantity = _quantity(shipment, status.pieces)
        here = _local(status.at, status.airport)
        flight = f"{shipment.flight}/{_day(leaves)}"
        if status.code in ("BKD", "MAN"):
            lines.append(f"{status.code}/{flight}/{route}/{quantity}/S{leaves:%H%M}/S{lands:%d%b%H%M}".upper())
        elif status.code == "DEP":
            lines.append(f"DEP/{flight}/{route}/{quantity}/S{leaves:%H%M}/A{here:%d%b%H%M}".upper())
        elif status.code == "DIS":
            lines.append(f"DIS/{flight}/{status.airport}/{status.discrepancy}/{quantity}/A{here:%d%b%H%M}".upper())
        else:
            lines.append(f"{status.code}/{here:%d%b%H%M}/{status.airport}/{quantity}".upper())
    return "\r\n".join(lines) + "\r\n"


def _xml_time(moment: datetime, airport: str) -> str:
    return _local(moment, airport).strftime("%Y-%m-%dT%H:%M:%S")


def xfsu(shipment: AirShipment, statuses: list[AirStatus], *, message_id: str) -> str:
    """One Cargo-XML XFSU (StatusMessage) with a ReportedStatus per status."""
    reported = []
    for status in statuses:
        weight = round(shipment.weight * status.pieces / shipment.pieces, 1)
        split = "T" if status.pieces == shipment.pieces else "P"
        movement = [f"<ram:ID>{shipment.flight}</ram:ID>"]
        if status.code == "ARR":
            movement.append(
                "<ram:ScheduledArrivalEvent><ram:ScheduledOccurrenceDateTime>"
                f"{_xml_time(shipment.planned_arrival, shipment.destination)}"
                "</ram:ScheduledOccurrenceDateTime></ram:ScheduledArrivalEvent>"
            )
            movement.append(
                f"<ram:ArrivalEvent><ram:ArrivalOccurrenceDateTime>{_xml_time(status.at, status.airport)}"
                "</ram:ArrivalOccurrenceDateTime><ram:ArrivalDateTimeTypeCode>A"
                "</ram:ArrivalDateTimeTypeCode></ram:ArrivalEvent>"
            )
            movement.append(f"<ram:SpecifiedLocation><ram:ID>{shipment.origin}</ram:ID></ram:SpecifiedLocation>")
        movement.append(f"<ram:SpecifiedLocation><ram:ID>{status.airport}</ram:ID></ram:SpecifiedLocation>")
        if status.code != "ARR":
            movement.append(
                f"<ram:SpecifiedEvent><ram:OccurrenceDateTime>{_xml_time(status.at, status.airport)}"
                "</ram:OccurrenceDateTime><ram:DateTimeTypeCode>A</ram:DateTimeTypeCode>"
                "</ram:SpecifiedEvent>"
            )
        discrepancy = (
            f"<ram:DiscrepancyDescriptionCode>{status.discrepancy}</ram:DiscrepancyDescriptionCode>"
            if status.discrepancy
            else ""
        )
        reported.append(
            f"<ram:ReportedStatus><ram:ReasonCode>{status.code}</ram:ReasonCode><ram:AssociatedStatusConsignment>"
            f'<ram:GrossWeightMeasure unitCode="KGM">{weight}</ram:GrossWeightMeasure>'
            f"<ram:PieceQuantity>{status.pieces}</ram:PieceQuantity>"
            f"<ram:TransportSplitDescription>{split}</ram:TransportSplitDescription>{discrepancy}"
            f"<ram:SpecifiedLogisticsTransportMovement>{''.join(movement)}</ram:SpecifiedLogisticsTransportMovement>"
            "</ram:AssociatedStatusConsignment></ram:ReportedStatus>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rsm:StatusMessage xmlns:rsm="iata:statusmessage:1" xmlns:ram="iata:datamodel:3">'
        f"<rsm:MessageHeaderDocument><ram:ID>{escape(message_id)}</ram:ID><ram:TypeCode>FSU</ram:TypeCode>"
        "</rsm:MessageHeaderDocument>"
        f'<rsm:MasterConsignment><ram:GrossWeightMeasure unitCode="KGM">{shipment.weight}</ram:GrossWeightMeasure>'
        f"<ram:TotalPieceQuantity>{shipment.pieces}</ram:TotalPieceQuantity>"
        f"<ram:TransportContractDocument><ram:ID>{shipment.display}</ram:ID></ram:TransportContractDocument>"
        f"<ram:OriginLocation><ram:ID>{shipment.origin}</ram:ID></ram:OriginLocation>"
        f"<ram:FinalDestinationLocation><ram:ID>{shipment.destination}</ram:ID></ram:FinalDestinationLocation>"
        f"{''.join(reported)}</rsm:MasterConsignment></rsm:StatusMessage>\n"
    )


def _location(code: str) -> dict[str, object]:
    return {"@type": "cargo:Location", "cargo:locationCodes": [{"@type": "cargo:CodeListElement", "cargo:code": code}]}


def one_record(shipment: AirShipment, statuses: list[AirStatus]) -> str:
    """The airline's Shipment with these LogisticsEvents, and the flight as a TransportMovement."""
    base = f"https://1r.clkaircargo.example/logistics-objects/{shipment.awb}"
    events = [
        {
            "@id": f"{base}/logistics-events/{status.code.lower()}-{status.at:%Y%m%d%H%M}",
            "@type": "cargo:LogisticsEvent",
            "cargo:eventCode": status.code,
            "cargo:eventDate": status.at.isoformat(),
            "cargo:eventTimeType": {"@id": "cargo:ACTUAL"},
            "cargo:eventLocation": _location(status.airport),
            "cargo:eventFor": {"@id": base},
        }
        for status in statuses
    ]
    times = [("SD", shipment.planned_departure), ("SA", shipment.planned_arrival)]
    if any(s.departed for s in statuses if s.airport == shipment.origin):
        times.append(("AD", shipment.departure))
    document = {
        "@context": {"cargo": "https://onerecord.iata.org/ns/cargo#"},
        "@graph": [
            {
                "@id": base,
                "@type": "cargo:Shipment",
                "cargo:waybill": {
                    "@type": "cargo:Waybill",
                    "cargo:waybillType": {"@id": "cargo:MASTER"},
                    "cargo:waybillPrefix": shipment.awb[:3],
                    "cargo:waybillNumber": shipment.awb[3:],
                    "cargo:departureLocation": _location(shipment.origin),
                    "cargo:arrivalLocation": _location(shipment.destination),
                },
                "cargo:totalGrossWeight": {
                    "@type": "cargo:Value",
                    "cargo:numericalValue": shipment.weight,
                    "cargo:unit": {"@id": "https://vocabulary.uncefact.org/UnitMeasureCode#KGM"},
                },
                "cargo:events": events,
            },
            {
                "@id": f"{base}/movements/{shipment.flight}",
                "@type": "cargo:TransportMovement",
                "cargo:transportIdentifier": shipment.flight,
                "cargo:departureLocation": _location(shipment.origin),
                "cargo:arrivalLocation": _location(shipment.destination),
                "cargo:movementTimes": [
                    {
                        "@type": "cargo:MovementTime",
                        "cargo:movementTimestamp": moment.isoformat(),
                        "cargo:movementMilestone": milestone,
                    }
                    for milestone, moment in times
                ],
            },
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=1)


def messages(day: tuple[AirShipment, ...], *, start: datetime, end: datetime) -> list[tuple[datetime, str, bytes, str]]:
    """(due, format, body, label) of every air message of the day, in 15-minute windows per air waybill and form."""
    grouped: dict[tuple[datetime, str, str], list[AirStatus]] = {}
    for shipment in day:
        for status in shipment.statuses:
            if status.at >= end:
                continue
            due = start if status.at < start else start + WINDOW * ((status.at - start) // WINDOW + 1)
            grouped.setdefault((due, status.form, shipment.awb), []).append(status)
    by_awb = {shipment.awb: shipment for shipment in day}
    sends = []
    for (due, form, awb), statuses in sorted(grouped.items()):
        shipment = by_awb[awb]
        if form == "cargo-imp":
            body = fsu(shipment, statuses)
        elif form == "cargo-xml":
            body = xfsu(shipment, statuses, message_id=f"CLK{due:%y%m%d%H%M}{awb[-4:]}")
        else:
            body = one_record(shipment, statuses)
        codes = ", ".join(s.code for s in statuses)
        sends.append((due, form, body.encode(), f"{form} {shipment.display}: {codes}"))
    return sends
