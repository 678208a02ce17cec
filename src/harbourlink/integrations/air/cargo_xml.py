"""IATA Cargo-XML ``XFSU`` (status message), the XML form of the FSU.

What is read, by element name whatever the namespace prefixes (``rsm:``, ``ram:``)::

    StatusMessage
      MasterConsignment
        GrossWeightMeasure (unitCode KGM or LBR), TotalPieceQuantity
        TransportContractDocument/ID            the air waybill, 160-12345675
        OriginLocation/ID, FinalDestinationLocation/ID
        ReportedStatus (one or more)
          ReasonCode                            the status code, DEP
          AssociatedStatusConsignment (one or more: one status each)
            GrossWeightMeasure, PieceQuantity, TransportSplitDescription (T or P)
            DiscrepancyDescriptionCode          for DIS: OFLD, MSCA …
            SpecifiedLogisticsTransportMovement
              ID                                the flight, CX880
              ScheduledArrivalEvent/ScheduledOccurrenceDateTime
              DepartureEvent/DepartureOccurrenceDateTime + DepartureDateTimeTypeCode (S, E, A)
              ArrivalEvent/ArrivalOccurrenceDateTime + ArrivalDateTimeTypeCode
              SpecifiedLocation/ID              the status's airport; for a flight, departure then arrival
              SpecifiedEvent/OccurrenceDateTime the moment of the status itself
            IncludedHouseConsignment/TransportContractDocument/ID   a house air waybill, if any

Times without an offset are local at their airport. A document type declaration is refused (no
entity can expand inside HarbourLink). Errors name the element:
``/StatusMessage/MasterConsignment/ReportedStatus[2]/AssociatedStatusConsignment[1]/PieceQuantity``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import ClassVar

from harbourlink.integrations.air.common import (
    ARRIVAL_BOUND,
    FLIGHT_BOUND,
    NOT_A_DATE_TIME,
    NOT_A_WEIGHT_UNIT,
    TIME_KINDS,
    TOO_MANY,
    WEIGHT_UNITS,
    AirStatus,
    StatusError,
    air_event,
    check_airport,
    check_awb,
    check_code,
    check_discrepancy,
    check_flight,
    check_house,
    check_pieces,
    check_weight,
    local,
)
from harbourlink.integrations.parsing import (
    IS_REQUIRED,
    LINE_COLUMN,
    NOT_A_NUMBER,
    ItemError,
    Parsed,
    xml_place,
)
from harbourlink.kernel.phrases import N_, Phrase, Wording

MAX_STATUSES = 100_000
_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
TIME_EXAMPLE = "2026-11-24T15:26:00"

NOT_WHOLE_PIECES = Phrase("not_whole_pieces", N_("%(value)s is not a whole number of pieces"))
NOT_A_TIME_KIND = Phrase("xfsu_time_kind", N_("%(value)s is not S (scheduled), E (estimated) or A (actual)"))
DECLARATION = Phrase("xml_declaration_refused", N_("a document type declaration is not accepted in Cargo-XML"))
NOT_WELL_FORMED = Phrase("xml_not_well_formed", N_("not well-formed XML"))
NOT_WELL_FORMED_BECAUSE = Phrase("xml_not_well_formed_because", N_("not well-formed XML: %(reason)s"))
NOT_XFSU = Phrase("xfsu_expected", N_("expected a StatusMessage (XFSU)"))
NO_STATUS = Phrase("xfsu_no_status", N_("no status in the message"))
NOT_A_SPLIT = Phrase("xfsu_split", N_("%(value)s is not T (total) or P (part)"))
NO_MOVEMENT = Phrase("xfsu_movement_required", N_("is required: it names the airport and the time of the status"))
NO_AIRPORT = Phrase("xfsu_airport_required", N_("the airport of the status is required"))


def _name(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


class _Node:
    """An element and its path for errors; children found by local name."""

    def __init__(self, element: ET.Element, path: str):
        self.element, self.path = element, path

    def all(self, name: str) -> list[_Node]:
        found = [child for child in self.element if _name(child) == name]
        return [
            _Node(child, f"{self.path}/{name}[{index}]" if len(found) > 1 else f"{self.path}/{name}")
            for index, child in enumerate(found, start=1)
        ]

    def one(self, name: str) -> _Node | None:
        found = self.all(name)
        return found[0] if found else None

    def text(self, *names: str, required: bool = False) -> str | None:
        node: _Node | None = self
        for name in names:
            node = node.one(name) if node is not None else None
        value = (node.element.text or "").strip() if node is not None else ""
        if not value:
            if required:
                raise StatusError(self.at(*names), IS_REQUIRED())
            return None
        return value

    def at(self, *names: str) -> Wording:
        """The place of a descendant element (of this one, without names)."""
        return xml_place("/".join((self.path, *names)))


def _number(node: _Node, name: str, *, whole: bool) -> float | None:
    text = node.text(name)
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        raise StatusError(node.at(name), NOT_A_NUMBER(value=repr(text))) from None
    if whole and value != int(value):
        raise StatusError(node.at(name), NOT_WHOLE_PIECES(value=repr(text)))
    return value


def _weight(node: _Node, status: AirStatus, *names: str) -> None:
    for name in names:
        measure = node.one(name)
        value = _number(node, name, whole=False)
        if measure is None or value is None:
            continue
        unit = (measure.element.get("unitCode") or "KGM").upper()
        if unit not in WEIGHT_UNITS:
            raise StatusError(measure.at("@unitCode"), NOT_A_WEIGHT_UNIT(value=repr(unit)))
        status.weight, status.weight_unit = check_weight(value, measure.at()), WEIGHT_UNITS[unit]
        return


def _moment(node: _Node, name: str, airport: str | None) -> datetime | None:
    text = node.text(name)
    if text is None:
        return None
    try:
        return local(datetime.fromisoformat(text.replace("Z", "+00:00")), airport)
    except ValueError:
        raise StatusError(node.at(name), NOT_A_DATE_TIME(value=repr(text), example=TIME_EXAMPLE)) from None


def _kind(node: _Node, name: str) -> str:
    code = (node.text(name) or "A").upper()
    if code not in TIME_KINDS:
        raise StatusError(node.at(name), NOT_A_TIME_KIND(value=repr(code)))
    return TIME_KINDS[code]


class CargoXmlAdapter:
    name: ClassVar[str] = "cargo-xml"
    title: ClassVar[str] = "IATA Cargo-XML XFSU status messages"
    media_type: ClassVar[str] = "application/xml"

    def parse(self, raw: bytes) -> Parsed:
        parsed = Parsed()
        if _DECLARATION.search(raw):
            parsed.errors.append(ItemError(xml_place("/"), DECLARATION()))
            return parsed
        try:
            root = ET.fromstring(raw)  # noqa: S314 - no DTD reaches the parser (refused above)
        except ET.ParseError as exc:
            line, column = exc.position
            reason = getattr(exc, "msg", None)
            parsed.errors.append(
                ItemError(
                    LINE_COLUMN(line=line, column=column + 1),
                    NOT_WELL_FORMED_BECAUSE(reason=reason) if reason else NOT_WELL_FORMED(),
                )
            )
            return parsed
        message = _Node(root, f"/{_name(root)}")
        if _name(root) != "StatusMessage":
            parsed.errors.append(ItemError(message.at(), NOT_XFSU()))
            return parsed
        try:
            consignment, master = self._master(message)
        except StatusError as error:
            parsed.errors.append(ItemError(error.place, error.problem))
            return parsed
        count = 0
        for reported in master.all("ReportedStatus"):
            for item in reported.all("AssociatedStatusConsignment") or [reported]:
                count += 1
                if count > MAX_STATUSES:
                    parsed.errors.append(ItemError(item.at(), TOO_MANY(limit=MAX_STATUSES)))
                    return parsed
                try:
                    status = self._status(reported, item, consignment)
                    parsed.events.append(air_event(status))
                except StatusError as error:
                    parsed.errors.append(ItemError(error.place, error.problem))
        if count == 0:
            parsed.errors.append(ItemError(master.at("ReportedStatus"), NO_STATUS()))
        return parsed

    def _master(self, message: _Node) -> tuple[AirStatus, _Node]:
        master = message.one("MasterConsignment")
        if master is None:
            raise StatusError(message.at("MasterConsignment"), IS_REQUIRED())
        awb = check_awb(
            master.text("TransportContractDocument", "ID", required=True) or "",
            master.at("TransportContractDocument", "ID"),
        )
        origin = master.text("OriginLocation", "ID")
        destination = master.text("FinalDestinationLocation", "ID")
        consignment = AirStatus(
            code="",
            awb=awb,
            airport="",
            place=master.at(),
            format=self.name,
            origin=check_airport(origin, master.at("OriginLocation", "ID")) if origin else None,
            destination=check_airport(destination, master.at("FinalDestinationLocation", "ID"))
            if destination
            else None,
        )
        total = _number(master, "TotalPieceQuantity", whole=True)
        if total is not None:
            consignment.total_pieces = check_pieces(int(total), master.at("TotalPieceQuantity"))
        return consignment, master

    def _status(self, reported: _Node, item: _Node, consignment: AirStatus) -> AirStatus:
        code = check_code(reported.text("ReasonCode", required=True) or "", reported.at("ReasonCode"))
        status = AirStatus(
            code=code,
            awb=consignment.awb,
            airport="",
            place=item.at(),
            origin=consignment.origin,
            destination=consignment.destination,
            total_pieces=consignment.total_pieces,
            format=self.name,
        )
        pieces = _number(item, "PieceQuantity", whole=True)
        if pieces is not None:
            status.pieces = check_pieces(int(pieces), item.at("PieceQuantity"))
        _weight(item, status, "GrossWeightMeasure")
        split = (item.text("TransportSplitDescription") or "").upper() or None
        if split not in (None, "T", "P"):
            raise StatusError(item.at("TransportSplitDescription"), NOT_A_SPLIT(value=repr(split)))
        status.shipment = split
        discrepancy = item.text("DiscrepancyDescriptionCode")
        if discrepancy:
            status.discrepancy = check_discrepancy(discrepancy, item.at("DiscrepancyDescriptionCode"))
        house = item.text("IncludedHouseConsignment", "TransportContractDocument", "ID")
        if house:
            status.house = check_house(house, item.at("IncludedHouseConsignment", "TransportContractDocument", "ID"))
        movement = item.one("SpecifiedLogisticsTransportMovement")
        if movement is None:
            raise StatusError(item.at("SpecifiedLogisticsTransportMovement"), NO_MOVEMENT())
        self._movement(movement, status)
        return status

    def _movement(self, movement: _Node, status: AirStatus) -> None:
        flight = movement.text("ID")
        if flight:
            status.flight = check_flight(flight, movement.at("ID"))
        places = [
            check_airport(node.text("ID", required=True) or "", node.at("ID"))
            for node in movement.all("SpecifiedLocation")
        ]
        if not places:
            raise StatusError(movement.at("SpecifiedLocation", "ID"), NO_AIRPORT())
        status.airport = places[0]
        if status.code in FLIGHT_BOUND | ARRIVAL_BOUND and len(places) > 1:
            status.departs, status.arrives = places[0], places[1]
            status.airport = places[1] if status.code in ARRIVAL_BOUND else places[0]
        elif status.code in FLIGHT_BOUND:
            status.departs = places[0]
        elif status.code in ARRIVAL_BOUND:
            status.arrives = places[0]
        for side, event in (("departure", "Departure"), ("arrival", "Arrival")):
            node = movement.one(f"{event}Event")
            if node is None:
                continue
            airport = status.departs if side == "departure" else status.arrives or status.airport
            moment = _moment(node, f"{event}OccurrenceDateTime", airport)
            if moment is not None:
                status.times[f"{_kind(node, f'{event}DateTimeTypeCode')}_{side}"] = moment
        scheduled = movement.one("ScheduledArrivalEvent")
        if scheduled is not None:
            moment = _moment(scheduled, "ScheduledOccurrenceDateTime", status.arrives or status.airport)
            if moment is not None:
                status.times.setdefault("planned_arrival", moment)
        own = movement.one("SpecifiedEvent")
        if own is not None:
            status.at = _moment(own, "OccurrenceDateTime", status.airport)
        if status.flight and status.times:
            first = min(status.times.values())
            status.flight_date = first.date().isoformat()
