"""DCSA Track & Trace 2.2 events in: ``dcsa-tnt-2.2``.

The body is what a carrier's ``GET /v2/events`` answers or its subscription callback posts: a
JSON array of shipment, transport and equipment events (one event object, or ``{"events":
[...]}``, is also taken). Each event is validated against the 2.2 schema chosen by its
``eventType``; every error names its JSON path (``$[3].eventDateTime: is required``), and the
other events of the message are still taken.

Mapping (the whole original event is kept in ``details["dcsa"]``, so ``GET /v2/events`` gives
it back as it came):

- ``eventID`` → source key ``dcsa:<eventID>`` (the same id from 2.2 and 3.0 is one event);
- ``documentReferences`` ``BKG`` → BOOKING, ``TRD`` → MBL; a shipment event's ``documentID``
  likewise by its ``documentTypeCode``; ``equipmentReference`` and ``references[]`` of type
  ``EQ`` → CONTAINER;
- ``references[]`` of the other types (``FF`` freight forwarder's, ``SI`` shipper's, ``PO``,
  ``CR``, ``AAO`` consignee's) are customers' own references given at booking: the spec calls
  ``FF`` "Freight Forwarder's Reference", a forwarder's file number, not its House B/L (a
  transport document, which 2.2 has no reference type for). They stay in the original only;
  making one an HBL would let a forwarder's job number stand for a bill of lading in lookups
  and in "anyone with the reference" grants;
- ``transportCall`` (or an equipment event's ``eventLocation``) → UN/LOCODE, the SMDG facility
  code (only when ``facilityCodeListProvider`` is ``SMDG``), vessel IMO and name, voyage (import
  voyage for ARRI/DISC, export voyage otherwise), mode of transport.
"""

from __future__ import annotations

from typing import Any, ClassVar

from harbourlink.events import Classifier, EventDraft, EventType, Reference, content_key
from harbourlink.integrations.dcsa.common import (
    CODE_FIELDS,
    DOCUMENT_KINDS,
    INBOUND_CODES,
    MappingError,
    dedupe,
    imo_number,
    locode,
    parse_events,
    reference,
    text_or_none,
    upper_or_none,
)
from harbourlink.integrations.dcsa.schema import parse_date_time, v22_schema
from harbourlink.integrations.parsing import IS_REQUIRED, NOT_ONE_OF, Parsed, json_place
from harbourlink.kernel.phrases import N_, Phrase, Wording
from harbourlink.references import ReferenceType

V22_SCHEMAS = {"SHIPMENT": "shipmentEvent", "TRANSPORT": "transportEvent", "EQUIPMENT": "equipmentEvent"}
NOT_AN_EVENT = Phrase("dcsa_event_not_object", N_("an event is a JSON object"))
NOT_A_DATE_TIME = Phrase("not_a_date_time", N_("%(value)s is not a date-time with its UTC offset"))


def _references(event: dict[str, Any], path: str) -> list[Reference]:
    found: list[Reference] = []
    for position, item in enumerate(event.get("documentReferences") or []):
        kind = DOCUMENT_KINDS.get(item.get("documentReferenceType", ""))
        here = f"{path}.documentReferences[{position}]"
        if "documentReferenceValue" not in item:
            raise MappingError(f"{here}.documentReferenceValue", IS_REQUIRED())
        if kind is not None:
            found.append(reference(kind, item["documentReferenceValue"], f"{here}.documentReferenceValue"))
    if event["eventType"] == "SHIPMENT":
        kind = DOCUMENT_KINDS.get(event["documentTypeCode"])
        if kind is not None:
            found.append(reference(kind, event["documentID"], f"{path}.documentID"))
    if "equipmentReference" in event:
        found.append(reference(ReferenceType.CONTAINER, event["equipmentReference"], f"{path}.equipmentReference"))
    for position, item in enumerate(event.get("references") or []):
        if item["referenceType"] == "EQ":
            found.append(
                reference(
                    ReferenceType.CONTAINER, item["referenceValue"], f"{path}.references[{position}].referenceValue"
                )
            )
    return dedupe(found)


def _voyage(call: dict[str, Any], code: str) -> str | None:
    export = text_or_none(call.get("exportVoyageNumber")) or text_or_none(call.get("carrierVoyageNumber"))
    imported = text_or_none(call.get("importVoyageNumber"))
    return (imported or export) if code in INBOUND_CODES else (export or imported)


def _location(event: dict[str, Any], path: str) -> str | None:
    call: dict[str, Any] = event.get("transportCall") or {}
    if call.get("UNLocationCode"):
        return locode(call["UNLocationCode"], f"{path}.transportCall.UNLocationCode")
    if call.get("location"):
        return locode(call["location"].get("UNLocationCode"), f"{path}.transportCall.location.UNLocationCode")
    place: dict[str, Any] = event.get("eventLocation") or {}
    return locode(place.get("UNLocationCode"), f"{path}.eventLocation.UNLocationCode")


def draft_from_v22(event: dict[str, Any], path: str) -> EventDraft:
    """One schema-valid 2.2 event as an ``EventDraft``; ``MappingError`` when it cannot be one."""
    event_type = EventType(event["eventType"])
    code = event[CODE_FIELDS[event_type]]
    call: dict[str, Any] = event.get("transportCall") or {}
    place: dict[str, Any] = call.get("location") or event.get("eventLocation") or {}
    vessel: dict[str, Any] = call.get("vessel") or {}
    holder = call if call.get("facilityCode") else place
    facility, provider = holder.get("facilityCode"), holder.get("facilityCodeListProvider")
    event_id = event.get("eventID")
    try:
        event_time = parse_date_time(event["eventDateTime"])
        created = parse_date_time(event["eventCreatedDateTime"])
    except ValueError:
        raise MappingError(f"{path}.eventDateTime", NOT_A_DATE_TIME(value=repr(event["eventDateTime"]))) from None
    return EventDraft(
        source_key="dcsa:" + (event_id or content_key(event)),
        event_type=event_type,
        event_code=code,
        classifier=Classifier(event["eventClassifierCode"]),
        event_time=event_time,
        created_time=created,
        references=_references(event, path),
        location=_location(event, path),
        facility=upper_or_none(facility) if provider == "SMDG" else None,
        vessel_imo=imo_number(vessel.get("vesselIMONumber"), f"{path}.transportCall.vessel.vesselIMONumber"),
        vessel_name=text_or_none(vessel.get("vesselName")),
        voyage=_voyage(call, code),
        mode_of_transport=upper_or_none(call.get("modeOfTransport")),
        details={"dcsa": event},
        origin=json_place(path),
        key_from_content=event_id is None,
    )


def check_v22_event(event: Any, path: str) -> list[tuple[str, Wording]]:
    """Schema errors of one 2.2 event, chosen by its ``eventType``."""
    if not isinstance(event, dict):
        return [(path, NOT_AN_EVENT())]
    event_type = event.get("eventType")
    if event_type not in V22_SCHEMAS:
        where = f"{path}.eventType"
        if event_type is None:
            return [(where, IS_REQUIRED())]
        return [(where, NOT_ONE_OF(value=repr(event_type), choices=repr(sorted(V22_SCHEMAS))))]
    return v22_schema(V22_SCHEMAS[event_type]).errors(event, path)


class DcsaTnt22Adapter:
    name: ClassVar[str] = "dcsa-tnt-2.2"
    title: ClassVar[str] = "DCSA Track & Trace 2.2 events (JSON array, as GET /v2/events or a callback sends them)"
    media_type: ClassVar[str] = "application/json"

    def parse(self, raw: bytes) -> Parsed:
        return parse_events(raw, check_v22_event, draft_from_v22)
