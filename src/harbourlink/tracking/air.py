"""The air part of a timeline: each air waybill's route, flights and statuses, whatever form they came in.

Airlines report on the master air waybill in Cargo-IMP ``FSU``, Cargo-XML ``XFSU`` or ONE Record;
each status is an ``AIR`` event whose details carry the flight, airports, pieces, weight and
times (``integrations.air``). Here they become one picture per air waybill: the latest status,
the flights with every planned, estimated and actual time the statuses gave (a later statement
replaces an earlier one), and the statuses in the order they happened.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from harbourlink.events import Event
from harbourlink.references import ReferenceType

TIMES = (
    "planned_departure",
    "estimated_departure",
    "actual_departure",
    "planned_arrival",
    "estimated_arrival",
    "actual_arrival",
)


class AirStatusView(BaseModel):
    code: str = Field(description="IATA status code: BKD, RCS, MAN, DEP, ARR, RCF, NFD, AWD, DLV, DIS …")
    classifier: str
    at: datetime = Field(description="when it happened (or, for a booking, the planned departure)")
    airport: str | None = Field(description="IATA airport code")
    flight: str | None
    pieces: int | None
    weight: float | None
    weight_unit: str | None = Field(description="K (kilograms) or L (pounds)")
    discrepancy: str | None = Field(default=None, description="for DIS: OFLD offloaded, MSCA missing cargo …")
    house: str | None = Field(default=None, description="the house air waybill the status names, if any")
    format: str | None = Field(default=None, description="cargo-imp, cargo-xml or one-record")
    source: str


class FlightView(BaseModel):
    flight: str
    departs: str | None
    arrives: str | None
    booked_pieces: int | None
    departed_pieces: int | None
    planned_departure: datetime | None = None
    estimated_departure: datetime | None = None
    actual_departure: datetime | None = None
    planned_arrival: datetime | None = None
    estimated_arrival: datetime | None = None
    actual_arrival: datetime | None = None


class AirWaybillView(BaseModel):
    awb: str = Field(description="11 digits, as stored")
    display: str = Field(description="as airlines print it: 160-12345675")
    origin: str | None
    destination: str | None
    pieces: int | None = Field(description="the consignment's total pieces, as the statuses give it")
    weight: float | None
    weight_unit: str | None
    houses: list[str] = Field(description="house air waybills named by its statuses")
    latest: AirStatusView | None
    flights: list[FlightView]
    statuses: list[AirStatusView]


def _status(event: Event, owners: dict[str, str], references: list[tuple[str, str]]) -> AirStatusView:
    details: dict[str, Any] = event.details or {}
    return AirStatusView(
        code=event.event_code,
        classifier=event.classifier,
        at=event.event_time,
        airport=details.get("airport"),
        flight=details.get("flight"),
        pieces=details.get("pieces"),
        weight=details.get("weight"),
        weight_unit=details.get("weight_unit"),
        discrepancy=details.get("discrepancy"),
        house=next((v for k, v in references if k == ReferenceType.HAWB.value), None),
        format=details.get("format"),
        source=owners.get(event.owner_org_id, ""),
    )


def _flights(events: list[Event]) -> list[FlightView]:
    flights: dict[str, FlightView] = {}
    # Statements in the order they were made: a later one replaces an earlier time.
    for event in sorted(events, key=lambda e: (e.created_time or e.received_at, e.seq)):
        details = event.details or {}
        number = details.get("flight")
        if not number:
            continue
        flight = flights.setdefault(
            number, FlightView(flight=number, departs=None, arrives=None, booked_pieces=None, departed_pieces=None)
        )
        flight.departs = details.get("departs") or flight.departs
        flight.arrives = details.get("arrives") or flight.arrives
        for name in TIMES:
            if details.get(name):
                setattr(flight, name, datetime.fromisoformat(details[name]))
        if event.event_code == "BKD" and details.get("pieces") is not None:
            flight.booked_pieces = details["pieces"]
        if event.event_code == "DEP":
            flight.departed_pieces = details.get("pieces", flight.departed_pieces)
            flight.actual_departure = flight.actual_departure or event.event_time
            flight.departs = flight.departs or details.get("airport")
        if event.event_code in ("ARR", "RCF"):
            flight.actual_arrival = flight.actual_arrival or event.event_time
            flight.arrives = flight.arrives or details.get("airport")
    return sorted(
        flights.values(),
        key=lambda f: (
            f.planned_departure
            or f.actual_departure
            or datetime.max.replace(tzinfo=f.actual_arrival.tzinfo if f.actual_arrival else None),
            f.flight,
        ),
    )


def air_waybills(
    events: list[Event], references: dict[int, list[tuple[str, str]]], owners: dict[str, str]
) -> list[AirWaybillView]:
    """One view per air waybill that the found ``AIR`` events are about."""
    by_awb: dict[str, list[Event]] = {}
    for event in events:
        if event.event_type != "AIR":
            continue
        for kind, value in references.get(event.seq, []):
            if kind == ReferenceType.AWB.value:
                by_awb.setdefault(value, []).append(event)
    views = []
    for awb, mine in sorted(by_awb.items()):
        ordered = sorted(mine, key=lambda e: (e.event_time, e.seq))
        statuses = [_status(e, owners, references.get(e.seq, [])) for e in ordered]
        totals = [e.details for e in ordered if (e.details or {}).get("total_pieces") is not None]
        weights = [
            e.details
            for e in ordered
            if (e.details or {}).get("weight") is not None and (e.details or {}).get("shipment", "T") == "T"
        ]
        first = next((e.details for e in ordered if (e.details or {}).get("origin")), {})
        actual = [s for s in statuses if s.classifier == "ACT"]
        views.append(
            AirWaybillView(
                awb=awb,
                display=f"{awb[:3]}-{awb[3:]}",
                origin=first.get("origin"),
                destination=first.get("destination"),
                pieces=totals[-1]["total_pieces"] if totals else None,
                weight=weights[-1]["weight"] if weights else None,
                weight_unit=weights[-1].get("weight_unit") if weights else None,
                houses=sorted({s.house for s in statuses if s.house}),
                latest=actual[-1] if actual else (statuses[-1] if statuses else None),
                flights=_flights(mine),
                statuses=statuses,
            )
        )
    return views
