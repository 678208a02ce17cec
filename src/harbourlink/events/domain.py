"""The event model, after DCSA Track & Trace, extended where DCSA stops.

An adapter turns a message into ``EventDraft`` values; the store gives each an id and a place
in the global order. DCSA's three families (shipment, transport, equipment) keep their codes;
HarbourLink adds reefer readings, terminal release status and customs status as event types of
their own, because carriers' DCSA feeds do not carry them and terminals and customs send them.
Air cargo statuses keep IATA's own codes (Cargo-IMP FSU, Cargo-XML XFSU and ONE Record share
them) as the ``AIR`` event type, about an air waybill.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from harbourlink.kernel.phrases import N_, Phrase, Wording


class EventType(StrEnum):
    SHIPMENT = "SHIPMENT"
    TRANSPORT = "TRANSPORT"
    EQUIPMENT = "EQUIPMENT"
    REEFER = "REEFER"
    RELEASE = "RELEASE"
    CUSTOMS = "CUSTOMS"
    AIR = "AIR"


class Classifier(StrEnum):
    """DCSA eventClassifierCode: planned, estimated, actual."""

    PLN = "PLN"
    EST = "EST"
    ACT = "ACT"


SHIPMENT_CODES = frozenset(
    {
        "RECE",
        "DRFT",
        "PENA",
        "PENU",
        "PENC",
        "CONF",
        "REJE",
        "APPR",
        "ISSU",
        "SURR",
        "SUBM",
        "VOID",
        "REQS",
        "CMPL",
        "HOLD",
        "RELS",
        "CANC",
    }
)
TRANSPORT_CODES = frozenset({"ARRI", "DEPA"})
EQUIPMENT_CODES = frozenset(
    {
        "LOAD",
        "DISC",
        "GTIN",
        "GTOT",
        "STUF",
        "STRP",
        "PICK",
        "DROP",
        "INSP",
        "RSEA",
        "RMVD",
        "AVPU",
        "AVDO",
        "CUSS",
        "CUSI",
        "CUSR",
        "CROS",
        # HarbourLink's own, for what DCSA lacks: an e-lock's alarms (``elock``): tampered with, off its route,
        # stopped where no stop is planned, signal lost, low battery, late
        "TAMP",
        "DEVI",
        "STOP",
        "NSIG",
        "LBAT",
        "LATE",
    }
)
REEFER_CODES = frozenset({"MEAS", "ADJU", "POWR"})
RELEASE_CODES = frozenset({"RELS", "HOLD", "AVPU"})
CUSTOMS_CODES = frozenset({"SUBM", "ACPT", "CUSS", "CUSI", "HOLD", "CUSR", "REJE"})
# IATA status codes (cXML code list 1.18): before departure, flight, arrival, and DIS (discrepancy).
AIR_CODES = frozenset(
    {
        "BKD",
        "FOH",
        "RCS",
        "MAN",
        "PRE",
        "DEP",
        "ARR",
        "RCT",
        "TFD",
        "TRM",
        "RCF",
        "AWR",
        "NFD",
        "AWD",
        "CCD",
        "CRC",
        "TGC",
        "DLV",
        "DDL",
        "DIS",
    }
)

CODES_BY_TYPE: dict[EventType, frozenset[str]] = {
    EventType.SHIPMENT: SHIPMENT_CODES,
    EventType.TRANSPORT: TRANSPORT_CODES,
    EventType.EQUIPMENT: EQUIPMENT_CODES,
    EventType.REEFER: REEFER_CODES,
    EventType.RELEASE: RELEASE_CODES,
    EventType.CUSTOMS: CUSTOMS_CODES,
    EventType.AIR: AIR_CODES,
}

MODES_OF_TRANSPORT = frozenset({"VESSEL", "BARGE", "RAIL", "TRUCK", "AIR"})

# Widths of the event store's text columns; models.py builds its columns from these, so the
# check below refuses a value that is too long with its name instead of the database failing
# the whole message on it.
SOURCE_KEY_LENGTH = 200
FIELD_LENGTHS: dict[str, int] = {
    "event_code": 8,
    "location": 5,
    "facility": 12,
    "vessel_imo": 7,
    "vessel_name": 100,
    "voyage": 50,
    "mode_of_transport": 10,
}
REFERENCE_KIND_LENGTH = 20
REFERENCE_VALUE_LENGTH = 40


@dataclass(frozen=True, slots=True, order=True)
class Reference:
    """One identifier an event is about: (``MBL``, ``PONU0123456``), (``CONTAINER``, ``MSCU1234566``) …"""

    kind: str
    value: str


@dataclass(slots=True)
class EventDraft:
    """A validated event as an adapter produced it, before the store gives it an id.

    ``source_key`` identifies the event at its source (DCSA eventID, EDIFACT interchange and
    message reference with the item's position, a CSV's own id column …); the same source
    key from the same owner is the same event, so a duplicate delivery changes nothing.
    """

    source_key: str
    event_type: EventType
    event_code: str
    classifier: Classifier
    event_time: datetime
    references: list[Reference] = field(default_factory=list)
    created_time: datetime | None = None
    location: str | None = None
    facility: str | None = None
    vessel_imo: str | None = None
    vessel_name: str | None = None
    voyage: str | None = None
    mode_of_transport: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    origin: Wording | None = None
    """Where in its message the event came from (``segment 12``, ``row 4``), for error reports."""
    key_from_content: bool = False
    """The source gives no id, so ``source_key`` is a hash of what identifies the event (a terminal
    release: container, status, time); sending it again with other remarks is still the same event."""

    def reference(self, kind: str) -> str | None:
        """The first reference of a kind, if the event names one."""
        return next((r.value for r in self.references if r.kind == kind), None)


ITEM = Phrase("item", N_("item %(number)s"))
"""The place of an event whose adapter named none: its position in the message, from 1."""
NOT_A_CODE = Phrase("event_code_not_of_type", N_("%(code)s is not a %(type)s event code"))
NAIVE_TIME = Phrase("event_time_without_zone", N_("event time has no time zone"))
UNKNOWN_MODE = Phrase("unknown_mode_of_transport", N_("unknown mode of transport %(mode)s"))
NOTHING_NAMED = Phrase("event_names_nothing", N_("the event names no shipment, container, document or vessel"))
FIELD_TOO_LONG = Phrase("field_too_long", N_("%(field)s: longer than %(length)s characters"))
FIELD_WITH_NUL = Phrase("field_with_nul", N_("%(field)s: contains a NUL character"))
KIND_TOO_LONG = Phrase("reference_kind_too_long", N_("reference kind %(kind)s…: longer than %(length)s characters"))
REFERENCE_TOO_LONG = Phrase("reference_too_long", N_("reference %(kind)s: longer than %(length)s characters"))


def place_of(draft: EventDraft, position: int) -> Wording:
    """Where the draft came from in its message; ``position`` (from 0) when its adapter named no place."""
    return draft.origin or ITEM(number=position + 1)


def check_event(draft: EventDraft) -> Wording | None:
    """Why a draft breaks the model (an unknown code for its type, a naive time …), or None."""
    if draft.event_code not in CODES_BY_TYPE[draft.event_type]:
        return NOT_A_CODE(code=repr(draft.event_code), type=draft.event_type.value)
    if draft.event_time.tzinfo is None:
        return NAIVE_TIME()
    if draft.mode_of_transport is not None and draft.mode_of_transport not in MODES_OF_TRANSPORT:
        return UNKNOWN_MODE(mode=repr(draft.mode_of_transport))
    if not draft.references and draft.vessel_imo is None:
        return NOTHING_NAMED()
    return _too_long(draft)


def _too_long(draft: EventDraft) -> Wording | None:
    """A value the store's column cannot hold: longer than the column, or with a NUL (PostgreSQL text cannot)."""
    texts = [(name, getattr(draft, name), length) for name, length in FIELD_LENGTHS.items()]
    texts.append(("source key", draft.source_key, SOURCE_KEY_LENGTH))
    for name, value, length in texts:
        if value is not None and len(value) > length:
            return FIELD_TOO_LONG(field=name, length=length)
        if value is not None and "\x00" in value:
            return FIELD_WITH_NUL(field=name)
    for reference in draft.references:
        kind = reference.kind[:REFERENCE_KIND_LENGTH]
        if len(reference.kind) > REFERENCE_KIND_LENGTH:
            return KIND_TOO_LONG(kind=kind, length=REFERENCE_KIND_LENGTH)
        if len(reference.value) > REFERENCE_VALUE_LENGTH:
            return REFERENCE_TOO_LONG(kind=kind, length=REFERENCE_VALUE_LENGTH)
    return None


# What a re-delivery is compared on: the event's own fields, its references and its details.
COMPARED_FIELDS = (
    "event_type",
    "event_code",
    "classifier",
    "event_time",
    "location",
    "facility",
    "vessel_imo",
    "vessel_name",
    "voyage",
    "mode_of_transport",
)
# Details that hold the event exactly as its source sent it; when both deliveries carry the same
# one, the fields that differ are named in the source's own words (``eventDateTime``).
ORIGINALS = ("dcsa", "dcsa_v3")
MAX_NAMED = 6
WHOLE_EVENT = "the event"
"""What ``differing_fields`` names when the originals differ as a whole rather than field by field."""


def content_of(draft: EventDraft) -> dict[str, Any]:
    """The content a stored event is compared on when its source key comes again."""
    content: dict[str, Any] = {name: getattr(draft, name) for name in COMPARED_FIELDS}
    content["event_type"], content["classifier"] = draft.event_type.value, draft.classifier.value
    content["references"] = sorted({(r.kind, r.value) for r in draft.references})
    content["details"] = draft.details
    return content


def differing_fields(new: dict[str, Any], old: dict[str, Any]) -> list[str]:
    """The fields in which a re-delivered event (``new``) differs from the stored one (``old``), both
    from ``content_of``; none when it is the same event sent again. Retracting twice is the same
    retraction, whatever its envelope says."""
    new_details, old_details = new["details"], old["details"]
    if "retracts" in new_details and "retracts" in old_details:
        return []
    for key in ORIGINALS:
        if key in new_details and key in old_details:
            names = _json_differences(new_details[key], old_details[key], "")
            return _named(names)
    names = [name for name in (*COMPARED_FIELDS, "references") if new[name] != old[name]]
    names += sorted(
        key
        for key in set(new_details) | set(old_details)
        if key not in ORIGINALS and new_details.get(key) != old_details.get(key)
    )
    return _named(names)


def _json_differences(new: Any, old: Any, prefix: str, depth: int = 0) -> list[str]:
    if new == old:
        return []
    if not isinstance(new, dict) or not isinstance(old, dict) or depth == 2:
        return [prefix.rstrip(".") or WHOLE_EVENT]
    names: list[str] = []
    for key in [*new, *(k for k in old if k not in new)]:
        names += _json_differences(new.get(key), old.get(key), f"{prefix}{key}.", depth + 1)
    return names


def _named(names: list[str]) -> list[str]:
    return names if len(names) <= MAX_NAMED else [*names[:MAX_NAMED], "…"]


CONFLICT = Phrase("conflict", N_("conflicts with %(other)s: %(fields)s differs"))
CONFLICTS = Phrase("conflicts", N_("conflicts with %(other)s: %(fields)s differ"))
CONFLICTING_EVENT = Phrase("conflicting_event", N_("conflicts with %(other)s: the event differs"))
EARLIER_ITEM = Phrase("earlier_item", N_("%(place)s of this message"))
STORED_FROM_MESSAGE = Phrase("stored_from_message", N_("the event stored from message %(message)s"))
STORED_FROM_ELSEWHERE = Phrase("stored_from_elsewhere", N_("the event stored from another source"))


def conflict_message(names: list[str], *, with_what: Wording) -> Wording:
    """``conflicts with the event stored from message X: eventDateTime, location differ``."""
    if names == [WHOLE_EVENT]:
        return CONFLICTING_EVENT(other=with_what)
    return (CONFLICT if len(names) == 1 else CONFLICTS)(other=with_what, fields=", ".join(names))


def content_key(*parts: Any) -> str:
    """A stable key from an item's content, for sources that give their events no id of their own."""
    canonical = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
