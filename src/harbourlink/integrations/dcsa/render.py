"""HarbourLink events out in DCSA Track & Trace 2.2 shape (``GET /v2/events``, callbacks).

An event that came in as 2.2 goes out as it came (``details["dcsa"]``). One that came in as
3.0 is translated field by field. Any other (EDIFACT, CSV, terminal feeds …) is put together
from the model. Only what 2.2 can say goes out: shipment, transport and equipment events whose
codes 2.2 knows; reefer readings, release and customs status are HarbourLink's extensions, and
a 3.0 retraction has no 2.2 form. ``render_v22`` answers None for those.

The synthesised form fills what 2.2 requires and HarbourLink may not know: a transport call's
``transportCallID`` is a stable digest of vessel, voyage and place (so the arrival and departure
of one call share it), and an equipment event whose emptiness is unknown says ``LADEN``.
"""

from __future__ import annotations

import copy
import hashlib
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from harbourlink.references import ReferenceType

V22_TYPES = ("SHIPMENT", "TRANSPORT", "EQUIPMENT")
V22_CODES: dict[str, frozenset[str]] = {
    "SHIPMENT": frozenset(
        {
            "RECE",
            "DRFT",
            "PENA",
            "PENU",
            "REJE",
            "APPR",
            "ISSU",
            "SURR",
            "SUBM",
            "VOID",
            "CONF",
            "REQS",
            "CMPL",
            "HOLD",
            "RELS",
        }
    ),
    "TRANSPORT": frozenset({"ARRI", "DEPA"}),
    "EQUIPMENT": frozenset({"LOAD", "DISC", "GTIN", "GTOT", "STUF", "STRP", "PICK", "DROP", "INSP", "RSEA", "RMVD"}),
}
V22_DOCUMENT_TYPES = frozenset({"CBR", "BKG", "SHI", "SRM", "TRD", "ARN", "VGM", "CAS", "CUS", "DGD", "OOG"})
V22_REFERENCE_TYPES = frozenset({"FF", "SI", "PO", "CR", "AAO", "EQ"})
V22_MODES = frozenset({"VESSEL", "RAIL", "TRUCK", "BARGE"})
V22_FACILITY_TYPES = frozenset({"BOCR", "CLOC", "COFS", "COYA", "OFFD", "DEPO", "INTE", "POTE", "RAMP"})
V22_SEAL_TYPES = frozenset({"KLP", "BLT", "WIR"})
RETRACTION_PREFIX = "dcsa:retract:"
"""Source key prefix of a 3.0 retraction; the rest is the retracted eventID."""
KIND_TO_DOCUMENT = {ReferenceType.BOOKING.value: "BKG", ReferenceType.MBL.value: "TRD"}


class StoredEvent(Protocol):
    """What rendering reads of a stored event (``harbourlink.events.Event`` has it all)."""

    id: str
    event_type: str
    event_code: str
    classifier: str
    event_time: datetime
    created_time: datetime | None
    received_at: datetime
    location: str | None
    facility: str | None
    vessel_imo: str | None
    vessel_name: str | None
    voyage: str | None
    mode_of_transport: str | None
    details: dict[str, Any]


def dcsa_time(moment: datetime) -> str:
    """An aware time as DCSA writes it: ISO 8601 with offset, UTC for times HarbourLink made."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def created_moment(event: StoredEvent) -> datetime:
    """When the event was created at its source, or, if the source did not say, received here."""
    return event.created_time or event.received_at


def _is_uuid(value: object) -> bool:
    try:
        return isinstance(value, str) and str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def _fit(value: object, longest: int) -> Any:
    return value if isinstance(value, str) and 0 < len(value) <= longest else None


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value not in (None, [], {})}


def renderable(event_type: str, code: str) -> bool:
    return code in V22_CODES.get(event_type, frozenset())


def render_v22(event: StoredEvent, references: Sequence[tuple[str, str]]) -> dict[str, Any] | None:
    """The event as a 2.2 ``transportEvent``/``shipmentEvent``/``equipmentEvent``, or None."""
    details = event.details or {}
    if "retracts" in details or not renderable(event.event_type, event.event_code):
        return None
    if isinstance(details.get("dcsa"), dict):
        rendered: dict[str, Any] = copy.deepcopy(details["dcsa"])
        rendered.setdefault("eventID", event.id)
        return rendered
    if isinstance(details.get("dcsa_v3"), dict):
        return from_v3(event, details["dcsa_v3"])
    return synthesise(event, references)


# ---------------------------------------------------------------- 3.0 → 2.2


def _v3_location(location: dict[str, Any] | None) -> dict[str, Any] | None:
    if not location:
        return None
    return (
        _compact(
            {
                "locationName": _fit(location.get("locationName"), 100),
                "UNLocationCode": location.get("UNLocationCode"),
                "facilityCode": location.get("facilityCode"),
                "facilityCodeListProvider": location.get("facilityCodeListProvider"),
                "latitude": _fit(str(location["latitude"]), 10) if "latitude" in location else None,
                "longitude": _fit(str(location["longitude"]), 11) if "longitude" in location else None,
            }
        )
        or None
    )


def _v3_transport_call(call: dict[str, Any] | None, fallback_id: str) -> dict[str, Any] | None:
    if not call or call.get("modeOfTransport") not in V22_MODES:
        return None
    location: dict[str, Any] = call.get("location") or {}
    craft: dict[str, Any] = call.get("vessel") or call.get("barge") or {}
    vessel = _compact(
        {
            "vesselIMONumber": craft.get("vesselIMONumber"),
            "vesselName": craft.get("name"),
            "vesselFlag": craft.get("flag"),
            "vesselCallSignNumber": craft.get("callSign"),
            "vesselOperatorCarrierCode": craft.get("operatorCarrierCode"),
            "vesselOperatorCarrierCodeListProvider": craft.get("operatorCarrierCodeListProvider"),
        }
    )
    export = call.get("carrierExportVoyageNumber")
    return _compact(
        {
            "transportCallID": call.get("transportCallReference") or fallback_id,
            "carrierServiceCode": _fit(call.get("carrierServiceCode"), 5),
            "carrierVoyageNumber": export,
            "exportVoyageNumber": export,
            "importVoyageNumber": call.get("carrierImportVoyageNumber"),
            "transportCallSequenceNumber": call.get("transportCallSequenceNumber"),
            "UNLocationCode": location.get("UNLocationCode"),
            "facilityCode": location.get("facilityCode") if location.get("locationType") == "FACI" else None,
            "facilityCodeListProvider": location.get("facilityCodeListProvider")
            if location.get("locationType") == "FACI"
            else None,
            "facilityTypeCode": call.get("facilityTypeCode")
            if call.get("facilityTypeCode") in V22_FACILITY_TYPES
            else None,
            "modeOfTransport": call["modeOfTransport"],
            "location": _v3_location(location),
            "vessel": vessel if "vesselIMONumber" in vessel else None,
        }
    )


def _v3_documents(payload: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {"documentReferenceType": item["type"], "documentReferenceValue": item["value"]}
        for item in payload.get("relatedDocumentReferences") or []
        if item.get("type") in ("BKG", "TRD")
    ]


def _v3_references(payload: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {"referenceType": item["type"], "referenceValue": item["value"]}
        for item in payload.get("references") or []
        if item.get("type") in V22_REFERENCE_TYPES
    ]


def from_v3(event: StoredEvent, original: dict[str, Any]) -> dict[str, Any] | None:
    """A stored 3.0 event in 2.2 shape, field by field; None when 2.2 has no words for it."""
    metadata: dict[str, Any] = original.get("metadata") or {}
    payload: dict[str, Any] = original.get("payload") or {}
    event_type = metadata.get("eventType")
    if event_type not in V22_TYPES or not payload:
        return None
    event_id = metadata.get("eventID")
    rendered: dict[str, Any] = {
        "eventID": event_id if _is_uuid(event_id) else event.id,
        "eventCreatedDateTime": metadata["eventCreatedDateTime"],
        "eventType": event_type,
        "eventClassifierCode": payload["eventClassifierCode"],
        "eventDateTime": payload["eventDateTime"],
    }
    if event_type == "SHIPMENT":
        if payload.get("documentTypeCode") not in V22_DOCUMENT_TYPES:
            return None
        rendered.update(
            _compact(
                {
                    "shipmentEventTypeCode": payload["shipmentEventTypeCode"],
                    "documentTypeCode": payload["documentTypeCode"],
                    "documentID": payload["documentReference"],
                    "reason": payload.get("reason"),
                    "references": _v3_references(payload),
                }
            )
        )
        return rendered
    call = _v3_transport_call(payload.get("transportCall"), event.id)
    if event_type == "TRANSPORT":
        if call is None:
            return None
        rendered.update(
            _compact(
                {
                    "transportEventTypeCode": payload["transportEventTypeCode"],
                    "delayReasonCode": payload.get("delayReasonCode"),
                    "changeRemark": payload.get("changeRemark"),
                    "transportCall": call,
                    "documentReferences": _v3_documents(payload),
                    "references": _v3_references(payload),
                }
            )
        )
        return rendered
    seals = [
        _compact({"sealNumber": seal["number"], "sealSource": seal.get("source"), "sealType": seal["type"]})
        for seal in payload.get("seals") or []
        if seal.get("type") in V22_SEAL_TYPES
    ]
    rendered.update(
        _compact(
            {
                "equipmentEventTypeCode": payload["equipmentEventTypeCode"],
                "equipmentReference": payload.get("equipmentReference"),
                "ISOEquipmentCode": payload.get("ISOEquipmentCode"),
                "emptyIndicatorCode": payload["emptyIndicatorCode"],
                "eventLocation": _v3_location(payload.get("eventLocation")),
                "transportCall": call,
                "documentReferences": _v3_documents(payload),
                "references": _v3_references(payload),
                "seals": seals,
            }
        )
    )
    return rendered


# ---------------------------------------------------------------- from the model


def transport_call_id(event: StoredEvent) -> str:
    """A stable id for the call an event happened at: the same vessel, voyage and place give the same id."""
    parts = "|".join(
        part or "" for part in (event.mode_of_transport, event.vessel_imo, event.voyage, event.location, event.facility)
    )
    return "HL-" + hashlib.sha256(parts.encode()).hexdigest()[:32]


def _synthetic_call(event: StoredEvent) -> dict[str, Any] | None:
    mode = event.mode_of_transport or ("VESSEL" if event.vessel_imo else None)
    if mode not in V22_MODES or not (event.vessel_imo or event.voyage or event.location):
        return None
    vessel = _compact({"vesselIMONumber": event.vessel_imo, "vesselName": _fit(event.vessel_name, 35)})
    return _compact(
        {
            "transportCallID": transport_call_id(event),
            "carrierVoyageNumber": event.voyage,
            "exportVoyageNumber": event.voyage,
            "UNLocationCode": event.location,
            "facilityCode": _fit(event.facility, 6),
            "facilityCodeListProvider": "SMDG" if _fit(event.facility, 6) else None,
            "modeOfTransport": mode,
            "vessel": vessel if event.vessel_imo else None,
        }
    )


def synthesise(event: StoredEvent, references: Sequence[tuple[str, str]]) -> dict[str, Any] | None:
    """A 2.2 event from the model alone, for events from sources other than DCSA."""
    refs = sorted(set(references))
    documents = [
        {"documentReferenceType": KIND_TO_DOCUMENT[kind], "documentReferenceValue": value}
        for kind, value in refs
        if kind in KIND_TO_DOCUMENT
    ]
    containers = [value for kind, value in refs if kind == ReferenceType.CONTAINER.value]
    rendered: dict[str, Any] = {
        "eventID": event.id,
        "eventCreatedDateTime": dcsa_time(created_moment(event)),
        "eventType": event.event_type,
        "eventClassifierCode": event.classifier,
        "eventDateTime": dcsa_time(event.event_time),
    }
    if event.event_type == "SHIPMENT":
        document = next((d for d in documents if d["documentReferenceType"] == "TRD"), None) or next(
            iter(documents), None
        )
        if document is None:
            return None
        rendered.update(
            {
                "shipmentEventTypeCode": event.event_code,
                "documentTypeCode": document["documentReferenceType"],
                "documentID": document["documentReferenceValue"],
            }
        )
        if containers:
            rendered["references"] = [{"referenceType": "EQ", "referenceValue": c} for c in containers]
        return rendered
    call = _synthetic_call(event)
    if event.event_type == "TRANSPORT":
        if call is None:
            return None
        rendered.update(
            _compact(
                {
                    "transportEventTypeCode": event.event_code,
                    "transportCall": call,
                    "documentReferences": documents,
                    "references": [{"referenceType": "EQ", "referenceValue": c} for c in containers],
                }
            )
        )
        return rendered
    place = (
        None
        if call
        else _compact(
            {
                "UNLocationCode": event.location,
                "facilityCode": _fit(event.facility, 6),
                "facilityCodeListProvider": "SMDG" if _fit(event.facility, 6) else None,
            }
        )
    )
    empty = (event.details or {}).get("emptyIndicatorCode")
    rendered.update(
        _compact(
            {
                "equipmentEventTypeCode": event.event_code,
                "equipmentReference": _fit(containers[0], 15) if containers else None,
                "emptyIndicatorCode": empty if empty in ("EMPTY", "LADEN") else "LADEN",
                "eventLocation": place or None,
                "transportCall": call,
                "documentReferences": documents,
                "references": [{"referenceType": "EQ", "referenceValue": c} for c in containers[1:]],
            }
        )
    )
    return rendered
