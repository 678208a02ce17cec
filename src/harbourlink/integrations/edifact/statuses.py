"""IFTSTA status codes (STS C555/4405) and the DCSA events they are.

Carriers' IFTSTA (D.99B, as INTTRA and CargoSmart relay it) carry the shipment status codes of
ANSI X12 315 in STS, e.g. ``STS+1+VD::22``. Each code below is mapped because its meaning is
one DCSA event without guessing; a code not listed is refused with its segment, never dropped.
UN/ECE Recommendation 24's numeric codes are not mapped: their list was not at hand to check.

    code  meaning (X12 315)                    DCSA event
    VA    vessel arrival                       TRANSPORT ARRI
    VD    vessel departure                     TRANSPORT DEPA
    AR    rail arrival at destination ramp     TRANSPORT ARRI (rail)
    RL    rail departure from origin ramp      TRANSPORT DEPA (rail)
    AE    loaded on vessel                     EQUIPMENT LOAD
    UV    unloaded from vessel                 EQUIPMENT DISC
    AL    loaded on rail                       EQUIPMENT LOAD (rail)
    UR    unloaded from rail                   EQUIPMENT DISC (rail)
    I     in-gate                              EQUIPMENT GTIN
    OA    out-gate                             EQUIPMENT GTOT
    EE    empty equipment dispatched           EQUIPMENT GTOT, empty
    RD    empty container returned             EQUIPMENT GTIN, empty
    AV    available for delivery               EQUIPMENT AVPU
    CR    carrier release                      RELEASE RELS
    CT    customs release                      CUSTOMS CUSR
"""

from __future__ import annotations

from dataclasses import dataclass

from harbourlink.events import EventType


@dataclass(frozen=True, slots=True)
class StatusMeaning:
    event_type: EventType
    event_code: str
    description: str
    mode: str | None = None
    empty_indicator: str | None = None


STATUS_CODES: dict[str, StatusMeaning] = {
    "VA": StatusMeaning(EventType.TRANSPORT, "ARRI", "vessel arrival"),
    "VD": StatusMeaning(EventType.TRANSPORT, "DEPA", "vessel departure"),
    "AR": StatusMeaning(EventType.TRANSPORT, "ARRI", "rail arrival at destination ramp", mode="RAIL"),
    "RL": StatusMeaning(EventType.TRANSPORT, "DEPA", "rail departure from origin ramp", mode="RAIL"),
    "AE": StatusMeaning(EventType.EQUIPMENT, "LOAD", "loaded on vessel"),
    "UV": StatusMeaning(EventType.EQUIPMENT, "DISC", "unloaded from vessel"),
    "AL": StatusMeaning(EventType.EQUIPMENT, "LOAD", "loaded on rail", mode="RAIL"),
    "UR": StatusMeaning(EventType.EQUIPMENT, "DISC", "unloaded from rail", mode="RAIL"),
    "I": StatusMeaning(EventType.EQUIPMENT, "GTIN", "in-gate"),
    "OA": StatusMeaning(EventType.EQUIPMENT, "GTOT", "out-gate"),
    "EE": StatusMeaning(EventType.EQUIPMENT, "GTOT", "empty equipment dispatched", empty_indicator="EMPTY"),
    "RD": StatusMeaning(EventType.EQUIPMENT, "GTIN", "empty container returned", empty_indicator="EMPTY"),
    "AV": StatusMeaning(EventType.EQUIPMENT, "AVPU", "available for delivery"),
    "CR": StatusMeaning(EventType.RELEASE, "RELS", "carrier release"),
    "CT": StatusMeaning(EventType.CUSTOMS, "CUSR", "customs release"),
}


def status_code_for(event_type: EventType, event_code: str, mode: str | None) -> str | None:
    """The STS code that says this event, preferring the rail code for rail moves; None if there is none."""
    rail = mode == "RAIL"
    candidates = [
        code
        for code, meaning in STATUS_CODES.items()
        if (meaning.event_type, meaning.event_code) == (event_type, event_code) and meaning.empty_indicator is None
    ]
    preferred = [code for code in candidates if (STATUS_CODES[code].mode == "RAIL") == rail]
    chosen = preferred or candidates
    return chosen[0] if chosen else None
