"""One air status as every air format says it, and the ``AIR`` event it becomes.

A status is about one air waybill at one airport: booked on a flight (``BKD``), received from
the shipper (``RCS``), manifested (``MAN``), departed (``DEP``), arrived (``ARR``), received
from the flight (``RCF``), consignee notified (``NFD``), documents delivered (``AWD``),
delivered (``DLV``), or a discrepancy (``DIS``, with a code such as ``OFLD`` offloaded or
``MSCA`` missing cargo). Cargo-IMP and Cargo-XML state local times at the airport; a time
without an offset is placed in the airport's time zone (``references.find_airport``), or UTC
for an airport the bundled list does not know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from harbourlink.events import Classifier, EventDraft, EventType, Reference, content_key
from harbourlink.events.domain import AIR_CODES
from harbourlink.kernel import ValidationFailed
from harbourlink.kernel.phrases import N_, Phrase, Wording
from harbourlink.references import (
    ReferenceType,
    find_airport,
    parse_air_waybill,
    parse_airport_code,
    parse_house_awb,
)

STATUS_CODES = AIR_CODES
DISCREPANCY_CODES = frozenset(
    {"DFLD", "FDAV", "FDAW", "FDCA", "FDMB", "MSAV", "MSAW", "MSCA", "MSMB", "OFLD", "OVCD", "SSPD"}
)
"""cXML code list 1.18's DIS codes: definitely loaded, found or missing mail document, air waybill,
cargo, mailbag, offloaded, overcarried, shortshipped."""
FLIGHT_BOUND = frozenset({"BKD", "MAN", "PRE", "DEP"})
"""Statuses said of the departure airport of a flight."""
ARRIVAL_BOUND = frozenset({"ARR", "RCF", "AWR"})
"""Statuses said of the arrival airport of a flight."""
WEIGHT_UNITS = {"K": "K", "KGM": "K", "L": "L", "LBR": "L"}
MAX_PIECES = 99_999
MAX_WEIGHT = 9_999_999.0
_FLIGHT = re.compile(r"^[A-Z0-9]{2}[A-Z]?[0-9]{1,4}[A-Z]?$")
TIME_KINDS = {"S": "planned", "E": "estimated", "A": "actual"}

NOT_A_STATUS_CODE = Phrase("air_status_code", N_("%(value)s is not an IATA status code (%(codes)s)"))
NOT_A_DISCREPANCY = Phrase("air_discrepancy_code", N_("%(value)s is not a discrepancy code (%(codes)s)"))
NOT_A_FLIGHT = Phrase("flight_shape", N_("flight %(value)s: should be an airline designator and a number (CX880)"))
NOT_PIECES = Phrase("air_pieces", N_("%(value)s pieces is not a count of pieces (0 to %(limit)s)"))
NOT_A_WEIGHT = Phrase("air_weight", N_("%(value)s is not a weight (0 to %(limit)s)"))
NOT_A_WEIGHT_UNIT = Phrase("weight_unit", N_("%(value)s is not KGM or LBR"))
NOT_A_DATE_TIME = Phrase("air_date_time", N_("%(value)s is not a date and time (%(example)s)"))
NO_TIME = Phrase("air_status_no_time", N_("%(code)s: the status gives no time (of its own, or of its flight)"))
NO_DISCREPANCY = Phrase("air_discrepancy_missing", N_("DIS: the discrepancy code (such as OFLD or MSCA) is missing"))
TOO_MANY = Phrase("air_too_many_statuses", N_("more than %(limit)s statuses in one message"))


class StatusError(Exception):
    """A status cannot be read: where it is in its message (``place``) and what is wrong (``problem``)."""

    def __init__(self, place: Wording, problem: Wording):
        super().__init__(str(problem))
        self.place = place
        self.problem = problem


@dataclass
class AirStatus:
    """What one status line, XFSU status or ONE Record event says; ``place`` names it in its message."""

    code: str
    awb: str
    airport: str
    place: Wording
    at: datetime | None = None
    """The moment of the status itself, when the message gives one."""
    origin: str | None = None
    destination: str | None = None
    house: str | None = None
    flight: str | None = None
    flight_date: str | None = None
    departs: str | None = None
    arrives: str | None = None
    pieces: int | None = None
    weight: float | None = None
    weight_unit: str | None = None
    shipment: str | None = None
    """``T`` (the whole consignment) or ``P`` (part of it)."""
    total_pieces: int | None = None
    discrepancy: str | None = None
    times: dict[str, datetime] = field(default_factory=dict)
    """``planned_departure``, ``estimated_arrival``, ``actual_departure`` …"""
    format: str = ""


def check_code(code: str, where: Wording) -> str:
    value = code.strip().upper()
    if value not in STATUS_CODES:
        raise StatusError(where, NOT_A_STATUS_CODE(value=repr(value), codes=", ".join(sorted(STATUS_CODES))))
    return value


def check_discrepancy(code: str, where: Wording) -> str:
    value = code.strip().upper()
    if value not in DISCREPANCY_CODES:
        raise StatusError(where, NOT_A_DISCREPANCY(value=repr(value), codes=", ".join(sorted(DISCREPANCY_CODES))))
    return value


def check_awb(raw: str, where: Wording) -> str:
    try:
        return parse_air_waybill(raw, field=None).value
    except ValidationFailed as exc:
        raise StatusError(where, exc.wording) from None


def check_house(raw: str, where: Wording) -> str:
    try:
        return parse_house_awb(raw, field=None)
    except ValidationFailed as exc:
        raise StatusError(where, exc.wording) from None


def check_airport(raw: str, where: Wording) -> str:
    try:
        return parse_airport_code(raw, field=None)
    except ValidationFailed as exc:
        raise StatusError(where, exc.wording) from None


def check_flight(raw: str, where: Wording) -> str:
    value = raw.strip().upper().replace(" ", "")
    if not _FLIGHT.match(value):
        raise StatusError(where, NOT_A_FLIGHT(value=value or repr(raw)))
    return value


def check_pieces(value: int, where: Wording) -> int:
    if not 0 <= value <= MAX_PIECES:
        raise StatusError(where, NOT_PIECES(value=value, limit=MAX_PIECES))
    return value


def check_weight(value: float, where: Wording) -> float:
    if not 0 <= value <= MAX_WEIGHT:  # NaN fails the comparison too
        raise StatusError(where, NOT_A_WEIGHT(value=str(value), limit=f"{MAX_WEIGHT:.0f}"))
    return value


def local(moment: datetime, airport: str | None) -> datetime:
    """A time as the message gave it, placed in the airport's time zone when it carries no offset."""
    if moment.tzinfo is not None:
        return moment
    known = find_airport(airport)
    return moment.replace(tzinfo=known.time_zone if known else UTC)


def _when(status: AirStatus) -> tuple[datetime, Classifier] | None:
    """The event's time: the status's own moment, else the flight's actual, estimated or planned time."""
    if status.at is not None:
        return status.at, Classifier.ACT
    side = "arrival" if status.code in ARRIVAL_BOUND else "departure"
    for kind, classifier in (("actual", Classifier.ACT), ("estimated", Classifier.EST), ("planned", Classifier.PLN)):
        moment = status.times.get(f"{kind}_{side}")
        if moment is not None:
            return moment, classifier if status.code not in ("DEP", "ARR", "RCF") else Classifier.ACT
    return None


def air_event(status: AirStatus) -> EventDraft:
    """The ``AIR`` event of a status, or StatusError when it gives no time at all."""
    when = _when(status)
    if when is None:
        raise StatusError(status.place, NO_TIME(code=status.code))
    moment, classifier = when
    if status.code == "DIS" and status.discrepancy is None:
        raise StatusError(status.place, NO_DISCREPANCY())
    references = [Reference(ReferenceType.AWB.value, status.awb)]
    if status.house:
        references.append(Reference(ReferenceType.HAWB.value, status.house))
    details: dict[str, Any] = {
        "airport": status.airport,
        "origin": status.origin,
        "destination": status.destination,
        "flight": status.flight,
        "flight_date": status.flight_date,
        "departs": status.departs,
        "arrives": status.arrives,
        "pieces": status.pieces,
        "weight": status.weight,
        "weight_unit": status.weight_unit,
        "shipment": status.shipment,
        "total_pieces": status.total_pieces,
        "discrepancy": status.discrepancy,
        "format": status.format,
        **{name: moment_.isoformat() for name, moment_ in sorted(status.times.items())},
    }
    details = {key: value for key, value in details.items() if value is not None}
    known = find_airport(status.airport)
    key = content_key(
        status.awb,
        status.house,
        status.code,
        status.airport,
        status.flight,
        moment.astimezone(UTC),
        status.pieces,
        status.discrepancy,
    )
    return EventDraft(
        source_key=f"air:{key}",
        event_type=EventType.AIR,
        event_code=status.code,
        classifier=classifier,
        event_time=moment,
        references=references,
        location=known.unlocode if known else None,
        mode_of_transport="AIR",
        details=details,
        origin=status.place,
        key_from_content=True,
    )
