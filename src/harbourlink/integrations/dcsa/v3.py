"""DCSA Track & Trace 3.0 (Beta-1) and Reefer 1.0 (Beta-1) events in: ``dcsa-tnt-3``.

Each event is ``{"metadata": {...}, "payload": {...}}``; ``metadata.eventType`` says which
payload schema applies (SHIPMENT, TRANSPORT, EQUIPMENT, and REEFER from the Reefer API, which
becomes ``EventType.REEFER`` with ``details["temperature"]``/``details["setpoint"]`` in degrees
Celsius, as every other reefer source gives them). The body forms, error paths and reference
mapping are those of ``dcsa-tnt-2.2`` (``relatedDocumentReferences`` play ``documentReferences``'
part, ``documentReference`` plays ``documentID``'s); the original is kept in ``details["dcsa_v3"]``.

A retraction (``metadata.retractedEventID``, no payload) is stored as an event of its own, never
by deleting anything: its source key is ``dcsa:retract:<retracted eventID>`` (retracting twice
is a duplicate) and ``details["retracts"]`` names the event it withdraws. The adapter cannot see
the store, so it leaves the retraction's code, time and references empty; the inbound pipeline
fills them from the retracted event (``integrations.dcsa.retractions``) before storing, so
that whoever could see the event sees its retraction.
"""

from __future__ import annotations

from typing import Any, ClassVar

from harbourlink.events import Classifier, EventDraft, EventType, Reference
from harbourlink.integrations.dcsa.common import (
    CODE_FIELDS,
    DOCUMENT_KINDS,
    INBOUND_CODES,
    dedupe,
    imo_number,
    locode,
    parse_events,
    reference,
    text_or_none,
    upper_or_none,
)
from harbourlink.integrations.dcsa.render import RETRACTION_PREFIX
from harbourlink.integrations.dcsa.schema import parse_date_time, v3_schema
from harbourlink.integrations.parsing import Parsed, json_place
from harbourlink.kernel.phrases import N_, Phrase, Wording
from harbourlink.references import ReferenceType

PAYLOAD_SCHEMAS = {
    "SHIPMENT": "shipmentPayload",
    "TRANSPORT": "transportPayload",
    "EQUIPMENT": "equipmentPayload",
    "REEFER": "reeferPayload",
}
NOT_AN_EVENT = Phrase("dcsa3_event_not_object", N_("an event is a JSON object with metadata and payload"))


def check_v3_event(event: Any, path: str) -> list[tuple[str, Wording]]:
    """Schema errors of one 3.0 event: the envelope, then the payload its ``eventType`` names."""
    if not isinstance(event, dict):
        return [(path, NOT_AN_EVENT())]
    problems = v3_schema("event").errors(event, path)
    if problems:
        return problems
    metadata = event["metadata"]
    if "retractedEventID" in metadata:
        return []
    schema = PAYLOAD_SCHEMAS[metadata["eventType"]]
    return v3_schema(schema).errors(event["payload"], f"{path}.payload")


def _references(payload: dict[str, Any], event_type: str, path: str) -> list[Reference]:
    found: list[Reference] = []
    if event_type == "SHIPMENT":
        kind = DOCUMENT_KINDS.get(payload["documentTypeCode"])
        if kind is not None:
            found.append(reference(kind, payload["documentReference"], f"{path}.documentReference"))
    for position, item in enumerate(payload.get("relatedDocumentReferences") or []):
        kind = DOCUMENT_KINDS.get(item["type"])
        if kind is not None:
            found.append(reference(kind, item["value"], f"{path}.relatedDocumentReferences[{position}].value"))
    if "equipmentReference" in payload:
        found.append(reference(ReferenceType.CONTAINER, payload["equipmentReference"], f"{path}.equipmentReference"))
    for position, item in enumerate(payload.get("references") or []):
        if item["type"] == "EQ":
            found.append(reference(ReferenceType.CONTAINER, item["value"], f"{path}.references[{position}].value"))
    return dedupe(found)


def _celsius(values: dict[str, Any] | None, field: str) -> float | None:
    if not values or not isinstance(values.get(field), int | float):
        return None
    value = float(values[field])
    if values.get("temperatureUnit") == "FAH":
        value = (value - 32) * 5 / 9
    return round(value, 2)


def _reefer_details(payload: dict[str, Any]) -> dict[str, Any]:
    details: dict[str, Any] = {}
    temperature = _celsius(payload.get("measurements"), "temperature")
    setpoint = _celsius(payload.get("setpoints"), "temperature")
    if temperature is not None:
        details["temperature"] = temperature
    if setpoint is not None:
        details["setpoint"] = setpoint
    for field in ("humidity", "o2", "co2"):
        value = (payload.get("measurements") or {}).get(field)
        if isinstance(value, int | float):
            details[field] = value
    return details


def _place(payload: dict[str, Any], code: str, path: str) -> dict[str, Any]:
    call: dict[str, Any] = payload.get("transportCall") or {}
    location: dict[str, Any] = call.get("location") or payload.get("eventLocation") or {}
    where = f"{path}.transportCall.location" if call.get("location") else f"{path}.eventLocation"
    craft_key = "vessel" if call.get("vessel") else "barge"
    craft: dict[str, Any] = call.get(craft_key) or {}
    export = text_or_none(call.get("carrierExportVoyageNumber"))
    imported = text_or_none(call.get("carrierImportVoyageNumber"))
    return {
        "location": locode(location.get("UNLocationCode"), f"{where}.UNLocationCode"),
        "facility": upper_or_none(location.get("facilityCode"))
        if location.get("facilityCodeListProvider") == "SMDG"
        else None,
        "vessel_imo": imo_number(craft.get("vesselIMONumber"), f"{path}.transportCall.{craft_key}.vesselIMONumber"),
        "vessel_name": text_or_none(craft.get("name")),
        "voyage": (imported or export) if code in INBOUND_CODES else (export or imported),
        "mode_of_transport": upper_or_none(call.get("modeOfTransport")),
    }


def draft_from_v3(event: dict[str, Any], path: str) -> EventDraft:
    """One schema-valid 3.0 event (or retraction) as an ``EventDraft``."""
    metadata: dict[str, Any] = event["metadata"]
    event_type = EventType(metadata["eventType"])
    created = parse_date_time(metadata["eventCreatedDateTime"])
    retracted = metadata.get("retractedEventID")
    if retracted is not None:
        return EventDraft(
            source_key=RETRACTION_PREFIX + retracted,
            event_type=event_type,
            event_code="",
            classifier=Classifier.ACT,
            event_time=created,
            created_time=created,
            details={"dcsa_v3": event, "retracts": {"eventID": retracted}},
            origin=json_place(path),
        )
    payload: dict[str, Any] = event["payload"]
    code = payload[CODE_FIELDS[event_type]]
    details: dict[str, Any] = {"dcsa_v3": event}
    if event_type is EventType.REEFER:
        details.update(_reefer_details(payload))
    return EventDraft(
        source_key="dcsa:" + metadata["eventID"],
        event_type=event_type,
        event_code=code,
        classifier=Classifier(payload["eventClassifierCode"]),
        event_time=parse_date_time(payload["eventDateTime"]),
        created_time=created,
        references=_references(payload, event_type.value, f"{path}.payload"),
        details=details,
        origin=json_place(path),
        **_place(payload, code, f"{path}.payload"),
    )


class DcsaTnt3Adapter:
    name: ClassVar[str] = "dcsa-tnt-3"
    title: ClassVar[str] = "DCSA Track & Trace 3.0 Beta events, with Reefer events (metadata/payload, retractions)"
    media_type: ClassVar[str] = "application/json"

    def parse(self, raw: bytes) -> Parsed:
        return parse_events(raw, check_v3_event, draft_from_v3)
