"""IATA ONE Record: ``LogisticsEvent``\\ s on a ``Shipment``, as JSON-LD, and the API's ``Notification``\\ s.

A body is one of these, or a ``@graph`` (or ``@set``, or a JSON array) of several::

    a Shipment with its events     {"@type": "cargo:Shipment", "cargo:waybill": {…}, "cargo:events": [{…}]}
    a LogisticsEvent               {"@type": "cargo:LogisticsEvent", "cargo:eventFor": {"@id": <a Shipment>}, …}
    a Notification                 {"@type": "api:Notification",
                                    "api:hasEventType": {"@id": "api:LOGISTICS_EVENT_RECEIVED"},
                                    "api:hasLogisticsObject": {<the Shipment>}, "api:hasLogisticsEvent": {<the event>}}

Properties are read by their local names, whatever the prefix or namespace (``cargo:eventCode``,
``https://onerecord.iata.org/ns/cargo#eventCode``); a node given only by ``@id`` is found
elsewhere in the same document. From a ``LogisticsEvent``: ``eventCode`` (``DEP``, a
``CodeListElement``, or the StatusCode individual ``…StatusCode#DIS_OFLD``), ``eventDate``,
``eventTimeType`` (``ACTUAL``; ``PLANNED`` or ``ESTIMATED`` make it a planned or expected time),
``eventLocation`` (its ``locationCodes``: the IATA airport code). From the ``Shipment``:
``waybill`` (``waybillPrefix``, ``waybillNumber``, ``waybillType`` MASTER or HOUSE with its
``masterWaybill``), ``totalGrossWeight`` (``numericalValue``, ``unit`` KGM or LBR), ``pieces``
(counted). A flight comes from a ``TransportMovement`` in the same document
(``transportIdentifier``, ``departureLocation``, ``arrivalLocation``, ``movementTimes`` with
``movementTimestamp`` and ``movementMilestone`` SD/ED/AD/SA/EA/AA), the one leaving the event's
airport for BKD, MAN, PRE, DEP and DIS, the one reaching it for ARR, RCF and AWR. Errors carry the
JSON path: ``$["@graph"][2]["cargo:eventDate"]``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, ClassVar

from harbourlink.integrations.air.common import (
    ARRIVAL_BOUND,
    FLIGHT_BOUND,
    NOT_A_DATE_TIME,
    NOT_A_WEIGHT_UNIT,
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
    check_weight,
    local,
)
from harbourlink.integrations.json_fields import NO_DOCUMENT, NOT_UNICODE, load_document
from harbourlink.integrations.json_input import json_path, unreadable_part
from harbourlink.integrations.parsing import IS_REQUIRED, ItemError, Parsed, json_place
from harbourlink.kernel.phrases import N_, Phrase, Wording

MAX_NODES = 100_000
MILESTONES = {
    "SD": "planned_departure",
    "ED": "estimated_departure",
    "AD": "actual_departure",
    "SA": "planned_arrival",
    "EA": "estimated_arrival",
    "AA": "actual_arrival",
}
TIME_TYPES = {
    "ACTUAL": "actual",
    "PLANNED": "planned",
    "SCHEDULED": "planned",
    "ESTIMATED": "estimated",
    "EXPECTED": "estimated",
}
Node = dict[str, Any]
TIME_EXAMPLE = "2026-11-24T15:26:00+08:00"

NOT_A_REFERENCE = Phrase("jsonld_node_or_id", N_('must be an object (a node or {"@id": …})'))
NOT_IN_DOCUMENT = Phrase("jsonld_id_not_found", N_("%(id)s is not in this document, so its data cannot be read"))
NOTHING = Phrase("one_record_nothing", N_("no LogisticsEvent, Shipment with events or Notification in the document"))
NOT_A_NODE = Phrase("jsonld_not_a_node", N_("must be a JSON-LD node (an object)"))
OTHER_TYPES = Phrase("one_record_other_types", N_("%(types)s is not a Shipment, LogisticsEvent or Notification"))
UNTYPED = Phrase("one_record_untyped", N_("a node without @type is not a Shipment, LogisticsEvent or Notification"))
NOT_RECEIVED = Phrase(
    "one_record_notification_type", N_("%(value)s: only a LOGISTICS_EVENT_RECEIVED notification carries a status")
)
NO_NOTIFIED_EVENT = Phrase("one_record_notified_event_required", N_("the notified LogisticsEvent is required"))
NO_SHIPMENT = Phrase("one_record_shipment_required", N_("the Shipment the event is for is required"))
NO_CODE = Phrase("one_record_event_code_required", N_("the status code (DEP, RCS …) is required"))
NO_LOCATION = Phrase("one_record_event_location_required", N_("the airport of the event is required"))
NOT_A_TIME_TYPE = Phrase("one_record_time_type", N_("%(value)s is not ACTUAL, PLANNED or ESTIMATED"))
NO_WAYBILL = Phrase("one_record_waybill_required", N_("the Shipment's waybill is required"))
NO_MASTER = Phrase("one_record_master_waybill_required", N_("a HOUSE waybill needs its master waybill"))
NOT_AN_AMOUNT = Phrase("one_record_weight_value", N_("numericalValue must be a number"))
NO_AIRPORT_CODE = Phrase(
    "one_record_location_code_required", N_("the location's IATA airport code (locationCodes) is required")
)
NO_DATE_TIME = Phrase("date_time_required", N_("a date and time is required"))


def _wrong(path: str, problem: Wording) -> StatusError:
    """The error of the part at a JSON path."""
    return StatusError(json_place(path), problem)


def local_name(name: str) -> str:
    """``cargo:eventCode``, ``https://…/cargo#eventCode`` and ``eventCode`` all read ``eventCode``."""
    return name.rsplit("#", 1)[-1].rsplit("/", 1)[-1].rsplit(":", 1)[-1]


def _get(node: Node, name: str) -> tuple[Any, str | None]:
    """A property's value and its key as written, by local name."""
    for key, value in node.items():
        if not key.startswith("@") and local_name(key) == name:
            return value, key
    return None, None


def _types(node: Node) -> set[str]:
    kinds = node.get("@type", [])
    return {local_name(k) for k in (kinds if isinstance(kinds, list) else [kinds]) if isinstance(k, str)}


def _text(value: Any) -> str | None:
    """A literal or a named individual as text: ``"DEP"``, ``{"@value": "DEP"}``, ``{"@id": "…#DEP"}``,
    a ``CodeListElement`` ``{"cargo:code": "DEP"}``."""
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dict):
        if "@value" in value:
            return _text(value["@value"])
        code, _ = _get(value, "code")
        if code is not None:
            return _text(code)
        if isinstance(value.get("@id"), str):
            return local_name(value["@id"])
    return None


class _Document:
    """The nodes of a document by ``@id``, so a reference finds its node; and its transport movements."""

    def __init__(self) -> None:
        self.by_id: dict[str, tuple[Node, str]] = {}
        self.movements: list[tuple[Node, str]] = []

    def index(self, value: Any, path: str, depth: int = 0) -> None:
        if depth > 12:
            return
        if isinstance(value, list):
            for index, item in enumerate(value):
                self.index(item, f"{path}[{index}]", depth + 1)
        elif isinstance(value, dict):
            if isinstance(value.get("@id"), str) and len(value) > 1:
                self.by_id.setdefault(value["@id"], (value, path))
            if "TransportMovement" in _types(value):
                self.movements.append((value, path))
            for key, child in value.items():
                if isinstance(child, dict | list):
                    self.index(child, json_path(path, [key]), depth + 1)

    def node(self, value: Any, path: str) -> tuple[Node, str]:
        """The node a property points to: embedded, or found by its ``@id``."""
        if isinstance(value, list) and value:
            value, path = value[0], f"{path}[0]"
        if not isinstance(value, dict):
            raise _wrong(path, NOT_A_REFERENCE())
        if len(value) == 1 and isinstance(value.get("@id"), str):
            found = self.by_id.get(value["@id"])
            if found is None:
                raise _wrong(path, NOT_IN_DOCUMENT(id=value["@id"]))
            return found
        return value, path


class OneRecordAdapter:
    name: ClassVar[str] = "one-record"
    title: ClassVar[str] = "IATA ONE Record: LogisticsEvents on a Shipment, Notifications (JSON-LD)"
    media_type: ClassVar[str] = "application/ld+json"

    def parse(self, raw: bytes) -> Parsed:
        parsed = Parsed()
        document = load_document(
            raw,
            parsed,
            decode=lambda body: body.decode(json.detect_encoding(body), "surrogatepass"),
            not_text=NOT_UNICODE,
        )
        if document is NO_DOCUMENT:
            return parsed
        roots: list[tuple[Any, str]]
        if isinstance(document, list):
            roots = [(item, f"$[{index}]") for index, item in enumerate(document[:MAX_NODES])]
        elif isinstance(document, dict) and ("@graph" in document or "@set" in document):
            key = "@graph" if "@graph" in document else "@set"
            items = document[key] if isinstance(document[key], list) else [document[key]]
            roots = [(item, json_path("$", [key, index])) for index, item in enumerate(items[:MAX_NODES])]
        else:
            roots = [(document, "$")]
        known = _Document()
        known.index(document, "$")
        seen: set[str] = set()
        for node, path in roots:
            for event, event_path, shipment in self._events(node, path, known, parsed):
                # A graph may list an event on its Shipment and as a node of its own: it is read once.
                if isinstance(event.get("@id"), str):
                    if event["@id"] in seen:
                        continue
                    seen.add(event["@id"])
                try:
                    unreadable = unreadable_part(event, event_path, depth=2)
                    if unreadable is not None:
                        raise _wrong(*unreadable)
                    parsed.events.append(air_event(self._status(event, event_path, shipment, known)))
                except StatusError as error:
                    parsed.errors.append(ItemError(error.place, error.problem))
        if not parsed.events and not parsed.errors:
            parsed.errors.append(ItemError(json_place("$"), NOTHING()))
        return parsed

    def _events(
        self, node: Any, path: str, known: _Document, parsed: Parsed
    ) -> list[tuple[Node, str, tuple[Node, str] | None]]:
        """The events a top-level node holds, each with the Shipment it is for (when found)."""
        if not isinstance(node, dict):
            parsed.errors.append(ItemError(json_place(path), NOT_A_NODE()))
            return []
        kinds = _types(node)
        try:
            if "Shipment" in kinds:
                events, key = _get(node, "events")
                items = events if isinstance(events, list) else [] if events is None else [events]
                base = json_path(path, [key]) if key else path
                found = [known.node(item, f"{base}[{index}]") for index, item in enumerate(items)]
                return [(event, event_path, (node, path)) for event, event_path in found]
            if "LogisticsEvent" in kinds:
                return [(node, path, self._shipment_of(node, path, known))]
            if "Notification" in kinds:
                return [self._notified(node, path, known)]
        except StatusError as error:
            parsed.errors.append(ItemError(error.place, error.problem))
            return []
        if not kinds & {"TransportMovement", "Waybill", "Piece", "Location", "Company", "Organization"}:
            parsed.errors.append(
                ItemError(json_place(path), OTHER_TYPES(types=", ".join(sorted(kinds))) if kinds else UNTYPED())
            )
        return []

    @staticmethod
    def _shipment_of(event: Node, path: str, known: _Document) -> tuple[Node, str] | None:
        target, key = _get(event, "eventFor")
        if target is None:
            target, key = _get(event, "linkedObject")
        return None if target is None or key is None else known.node(target, json_path(path, [key]))

    def _notified(self, node: Node, path: str, known: _Document) -> tuple[Node, str, tuple[Node, str] | None]:
        kind, key = _get(node, "hasEventType")
        if kind is None:
            kind, key = _get(node, "eventType")
        if _text(kind) != "LOGISTICS_EVENT_RECEIVED":
            raise _wrong(json_path(path, [key or "api:hasEventType"]), NOT_RECEIVED(value=repr(_text(kind))))
        event, event_key = _get(node, "hasLogisticsEvent")
        if event is None or event_key is None:
            raise _wrong(json_path(path, ["api:hasLogisticsEvent"]), NO_NOTIFIED_EVENT())
        found_event = known.node(event, json_path(path, [event_key]))
        target, target_key = _get(node, "hasLogisticsObject")
        shipment = known.node(target, json_path(path, [target_key])) if target is not None and target_key else None
        return found_event[0], found_event[1], shipment or self._shipment_of(*found_event, known)

    def _status(self, event: Node, path: str, shipment: tuple[Node, str] | None, known: _Document) -> AirStatus:
        if shipment is None:
            raise _wrong(json_path(path, ["cargo:eventFor"]), NO_SHIPMENT())
        code_value, code_key = _get(event, "eventCode")
        code_text = _text(code_value)
        code_path = json_place(json_path(path, [code_key or "cargo:eventCode"]))
        if not code_text:
            raise StatusError(code_path, NO_CODE())
        code, _, discrepancy = code_text.upper().partition("_")
        status = AirStatus(
            code=check_code(code, code_path), awb="", airport="", place=json_place(path), format=self.name
        )
        if discrepancy:
            status.discrepancy = check_discrepancy(discrepancy, code_path)
        self._waybill(status, *shipment, known)
        location, location_key = _get(event, "eventLocation")
        if location is None or location_key is None:
            raise _wrong(json_path(path, ["cargo:eventLocation"]), NO_LOCATION())
        status.airport = self._airport(location, json_path(path, [location_key]), known)
        self._flight(status, known)
        when, when_key = _get(event, "eventDate")
        when_path = json_path(path, [when_key or "cargo:eventDate"])
        moment = self._moment(_text(when), when_path, status.airport)
        time_type, type_key = _get(event, "eventTimeType")
        kind = TIME_TYPES.get((_text(time_type) or "ACTUAL").upper())
        if kind is None:
            raise _wrong(
                json_path(path, [type_key or "cargo:eventTimeType"]), NOT_A_TIME_TYPE(value=repr(_text(time_type)))
            )
        if kind == "actual":
            status.at = moment
        else:
            side = "arrival" if code in ARRIVAL_BOUND else "departure"
            status.times.setdefault(f"{kind}_{side}", moment)
        return status

    def _waybill(self, status: AirStatus, shipment: Node, path: str, known: _Document) -> None:
        value, key = _get(shipment, "waybill")
        if value is None or key is None:
            raise _wrong(json_path(path, ["cargo:waybill"]), NO_WAYBILL())
        waybill, waybill_path = known.node(value, json_path(path, [key]))
        number = self._number(waybill, waybill_path)
        if (_text(_get(waybill, "waybillType")[0]) or "MASTER").upper() == "HOUSE":
            status.house = check_house(number, json_place(json_path(waybill_path, ["cargo:waybillNumber"])))
            master, master_key = _get(waybill, "masterWaybill")
            if master is None or master_key is None:
                raise _wrong(json_path(waybill_path, ["cargo:masterWaybill"]), NO_MASTER())
            number = self._number(*known.node(master, json_path(waybill_path, [master_key])))
        status.awb = check_awb(number, json_place(json_path(waybill_path, ["cargo:waybillNumber"])))
        weight, weight_key = _get(shipment, "totalGrossWeight")
        if isinstance(weight, dict) and weight_key:
            amount = _get(weight, "numericalValue")[0]
            unit = (_text(_get(weight, "unit")[0]) or "KGM").upper()
            where = json_place(json_path(path, [weight_key]))
            if isinstance(amount, bool) or not isinstance(amount, int | float):
                raise StatusError(where, NOT_AN_AMOUNT())
            if unit not in WEIGHT_UNITS:
                raise StatusError(where, NOT_A_WEIGHT_UNIT(value=repr(unit)))
            status.weight, status.weight_unit = check_weight(float(amount), where), WEIGHT_UNITS[unit]
        pieces = _get(shipment, "pieces")[0]
        if isinstance(pieces, list):
            status.pieces = status.total_pieces = len(pieces)
            status.shipment = "T"
        for name, attribute in (("departureLocation", "origin"), ("arrivalLocation", "destination")):
            place, place_key = _get(waybill, name)
            if place is not None and place_key:
                setattr(status, attribute, self._airport(place, json_path(waybill_path, [place_key]), known))

    @staticmethod
    def _number(waybill: Node, path: str) -> str:
        prefix = _text(_get(waybill, "waybillPrefix")[0]) or ""
        number = _text(_get(waybill, "waybillNumber")[0])
        if not number:
            raise _wrong(json_path(path, ["cargo:waybillNumber"]), IS_REQUIRED())
        return f"{prefix}{number}"

    @staticmethod
    def _airport(value: Any, path: str, known: _Document) -> str:
        location, where = known.node(value, path) if isinstance(value, dict | list) else ({}, path)
        codes, key = _get(location, "locationCodes")
        text = _text(codes) if codes is not None else _text(location) if location else _text(value)
        if not text:
            raise _wrong(where, NO_AIRPORT_CODE())
        return check_airport(text, json_place(json_path(where, [key]) if key else where))

    def _flight(self, status: AirStatus, known: _Document) -> None:
        """The flight of a flight-bound status: the movement leaving (or reaching) the status's airport."""
        side = "arrivalLocation" if status.code in ARRIVAL_BOUND else "departureLocation"
        if status.code not in FLIGHT_BOUND | ARRIVAL_BOUND | {"DIS"}:
            return
        for movement, path in known.movements:
            places: dict[str, str] = {}
            for name in ("departureLocation", "arrivalLocation"):
                place, key = _get(movement, name)
                if place is not None and key:
                    places[name] = self._airport(place, json_path(path, [key]), known)
            if places.get(side) != status.airport:
                continue
            ident, ident_key = _get(movement, "transportIdentifier")
            if _text(ident):
                status.flight = check_flight(_text(ident) or "", json_place(json_path(path, [ident_key or ""])))
            status.departs, status.arrives = places.get("departureLocation"), places.get("arrivalLocation")
            times, times_key = _get(movement, "movementTimes")
            for index, entry in enumerate(times if isinstance(times, list) else []):
                where = json_path(path, [times_key or "", index])
                if not isinstance(entry, dict):
                    continue
                milestone = MILESTONES.get((_text(_get(entry, "movementMilestone")[0]) or "").upper())
                if milestone is None:
                    continue
                airport = status.arrives if milestone.endswith("arrival") else status.departs
                stamp = self._moment(_text(_get(entry, "movementTimestamp")[0]), where, airport)
                status.times[milestone] = stamp
            if status.times:
                status.flight_date = min(status.times.values()).date().isoformat()
            return

    @staticmethod
    def _moment(text: str | None, path: str, airport: str | None) -> datetime:
        if not text:
            raise _wrong(path, NO_DATE_TIME())
        try:
            return local(datetime.fromisoformat(text.replace("Z", "+00:00")), airport)
        except ValueError:
            raise _wrong(path, NOT_A_DATE_TIME(value=repr(text), example=TIME_EXAMPLE)) from None
