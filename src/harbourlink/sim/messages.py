"""The bytes each simulated party sends, in the formats HarbourLink's real adapters read (pure).

- DCSA Track & Trace 2.2 events (``dcsa-tnt-2.2``): the carrier's and the barge operator's
  transport, equipment and shipment events (this module);
- UN/EDIFACT CODECO and COARRI (``edifact``): the terminal's gate and vessel moves (``edifact``);
- AIS NMEA with receive-time tag blocks (``ais-nmea``): the AIS feed (``nmea``);
- terminal JSON (``terminal-json``): release status and reefer readings (this module);
- customs status JSON (``customs-status-json``): ``integrations.customs_status.render_reports``.

Times are written in Hong Kong time (+08:00), as the parties in the port write them.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from harbourlink.sim.scenario import Box, Call

HONG_KONG_TIME = timezone(timedelta(hours=8))
# Namespace of the simulator's DCSA eventIDs: a UUID derived from what the event says, so the
# same scenario always sends the same ids and a re-sent event is a duplicate, not a new event.
EVENT_NAMESPACE = uuid.UUID("6f1c2a7d-0b4c-4e0b-9a51-2611da7aee01")


def local_time(moment: datetime) -> str:
    """ISO 8601 in Hong Kong time, to the second."""
    return moment.astimezone(HONG_KONG_TIME).isoformat(timespec="seconds")


def event_id(*parts: object) -> str:
    """A stable eventID for the event these parts describe."""
    return str(uuid.uuid5(EVENT_NAMESPACE, "|".join(str(p) for p in parts)))


@dataclass(frozen=True)
class Documents:
    """The carrier's documents an event is about: booking and Master B/L."""

    booking: str
    mbl: str

    def references(self) -> list[dict[str, str]]:
        return [
            {"documentReferenceType": "BKG", "documentReferenceValue": self.booking},
            {"documentReferenceType": "TRD", "documentReferenceValue": self.mbl},
        ]


def transport_call(call: Call, *, port: str, facility: str | None, inbound: bool | None) -> dict[str, Any]:
    """DCSA ``transportCall`` of ``call`` at ``port``; ``inbound`` True for the port it sails to next.

    ``None`` is the Hong Kong call itself, which has both an import and an export voyage.
    """
    voyages: dict[str, str] = {}
    if inbound is None:
        voyages = {"importVoyageNumber": call.voyage_in, "exportVoyageNumber": call.voyage_out}
    elif inbound:
        voyages = {"importVoyageNumber": call.voyage_out}
    else:
        voyages = {"exportVoyageNumber": call.voyage_in}
    sequence = {False: 1, None: 2, True: 3}[inbound]
    # The carrier's own id of the call: a plan naming another terminal is still about the same call.
    terminal = call.terminal if facility else None
    body: dict[str, Any] = {
        "transportCallID": "-".join(p for p in (call.carrier, call.voyage_in, port, terminal) if p),
        "carrierServiceCode": call.service,
        **voyages,
        "transportCallSequenceNumber": sequence,
        "UNLocationCode": port,
        "modeOfTransport": call.mode,
        "vessel": {
            "vesselIMONumber": call.vessel.imo,
            "vesselName": call.vessel.name,
            "vesselFlag": call.vessel.flag,
            "vesselCallSignNumber": call.vessel.call_sign,
        },
    }
    if facility:
        body.update(facilityCode=facility, facilityCodeListProvider="SMDG", facilityTypeCode="POTE")
    return body


def transport_event(
    call: Call,
    documents: Documents,
    *,
    code: str,
    classifier: str,
    at: datetime,
    sent: datetime,
    port: str,
    facility: str | None,
    inbound: bool | None,
) -> dict[str, Any]:
    """An ARRI or DEPA of a call, planned, estimated or actual, about one Master B/L."""
    return {
        "eventID": event_id("T", documents.mbl, call.key, port, code, classifier, sent.isoformat()),
        "eventCreatedDateTime": local_time(sent),
        "eventType": "TRANSPORT",
        "eventClassifierCode": classifier,
        "eventDateTime": local_time(at),
        "transportEventTypeCode": code,
        "transportCall": transport_call(call, port=port, facility=facility, inbound=inbound),
        "documentReferences": documents.references(),
    }


def equipment_event(
    box: Box,
    documents: Documents,
    *,
    code: str,
    at: datetime,
    sent: datetime,
    port: str,
    facility: str | None,
    call: Call | None = None,
    inbound: bool | None = None,
) -> dict[str, Any]:
    """A container's move: LOAD/DISC name the call (``call``), GTIN/GTOT only the place."""
    event: dict[str, Any] = {
        "eventID": event_id("E", box.number, code, port, at.isoformat()),
        "eventCreatedDateTime": local_time(sent),
        "eventType": "EQUIPMENT",
        "eventClassifierCode": "ACT",
        "eventDateTime": local_time(at),
        "equipmentEventTypeCode": code,
        "equipmentReference": box.number,
        "ISOEquipmentCode": box.iso_code,
        "emptyIndicatorCode": "LADEN",
    }
    if call is not None:
        event["transportCall"] = transport_call(call, port=port, facility=facility, inbound=inbound)
    else:
        place: dict[str, Any] = {"UNLocationCode": port}
        if facility:
            place.update(facilityCode=facility, facilityCodeListProvider="SMDG")
        event["eventLocation"] = place
    event["documentReferences"] = documents.references()
    event["seals"] = [{"sealNumber": box.seal, "sealSource": "CAR", "sealType": "BLT"}]
    return event


def shipment_event(
    documents: Documents, *, code: str, at: datetime, sent: datetime, reason: str, containers: list[str]
) -> dict[str, Any]:
    """A transport document's status: ISSU issued, RELS released to the consignee."""
    return {
        "eventID": event_id("S", documents.mbl, code, at.isoformat()),
        "eventCreatedDateTime": local_time(sent),
        "eventType": "SHIPMENT",
        "eventClassifierCode": "ACT",
        "eventDateTime": local_time(at),
        "shipmentEventTypeCode": code,
        "documentTypeCode": "TRD",
        "documentID": documents.mbl,
        "reason": reason,
        "references": [{"referenceType": "EQ", "referenceValue": number} for number in containers],
    }


def dcsa_events(events: list[dict[str, Any]]) -> bytes:
    """A ``dcsa-tnt-2.2`` body: the JSON array a subscription callback posts."""
    return json.dumps(events, separators=(",", ":")).encode()


def release_item(
    box: Box,
    *,
    status: str,
    at: datetime,
    mbl: str,
    holds: list[str] | None = None,
    free_time_ends: datetime | None = None,
) -> dict[str, Any]:
    """One container's release status in a terminal feed."""
    item: dict[str, Any] = {"container": box.number, "status": status, "at": local_time(at), "mbl": mbl}
    if holds:
        item["holds"] = holds
    if free_time_ends is not None:
        item["free_time_ends"] = local_time(free_time_ends)
    return item


def reading_item(
    box: Box, *, at: datetime, supply_air: float | None, return_air: float | None, humidity: float | None = None
) -> dict[str, Any]:
    """One reefer reading; no temperatures means the unit reported power off."""
    item: dict[str, Any] = {"container": box.number, "at": local_time(at), "setpoint": box.setpoint}
    if supply_air is None:
        item["power"] = "OFF"
        return item
    item.update(supply_air=supply_air, return_air=return_air, power="ON")
    if humidity is not None:
        item["humidity"] = humidity
    return item


def terminal_feed(terminal: str, *, releases: list[dict[str, Any]], readings: list[dict[str, Any]]) -> bytes:
    """A ``terminal-json`` feed of one terminal."""
    document: dict[str, Any] = {"terminal": terminal, "location": "HKHKG"}
    if releases:
        document["releases"] = releases
    if readings:
        document["reefer_readings"] = readings
    return json.dumps(document, separators=(",", ":")).encode()
