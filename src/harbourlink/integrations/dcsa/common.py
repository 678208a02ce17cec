"""What the two DCSA adapters share: reading the body, references, places, located errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from harbourlink.events import EventDraft, EventType, Reference
from harbourlink.integrations.json_fields import NO_DOCUMENT, load_document
from harbourlink.integrations.json_input import unreadable_part
from harbourlink.integrations.parsing import (
    NOT_A_STRING,
    ItemError,
    Parsed,
    json_place,
)
from harbourlink.kernel import ValidationFailed
from harbourlink.kernel.phrases import N_, Phrase, Wording
from harbourlink.references import ReferenceType, parse_imo_number, parse_unlocode, validate_reference

MAX_EVENTS = 100_000

# DCSA document types that are HarbourLink reference kinds (owners share by these).
DOCUMENT_KINDS = {"BKG": ReferenceType.BOOKING, "TRD": ReferenceType.MBL}

# The DCSA event code field of each family; REEFER exists from 3.0 (Reefer 1.0) on.
CODE_FIELDS = {
    EventType.SHIPMENT: "shipmentEventTypeCode",
    EventType.TRANSPORT: "transportEventTypeCode",
    EventType.EQUIPMENT: "equipmentEventTypeCode",
    EventType.REEFER: "reeferEventTypeCode",
}

# Inbound moves: the import voyage names them; everything else goes by the export voyage.
INBOUND_CODES = frozenset({"ARRI", "DISC"})

NOT_UTF8 = Phrase("message_not_utf8", N_("the message is not UTF-8 text"))
NOT_EVENTS = Phrase("dcsa_not_events", N_('expected a JSON array of events, one event object, or {"events": [...]}'))
NO_EVENTS = Phrase("dcsa_no_events", N_("the message holds no events"))
TOO_MANY = Phrase("dcsa_too_many_events", N_("more than %(limit)s events; split the message"))


class MappingError(Exception):
    """An event that passed the schema but cannot become a HarbourLink event, at a JSON path."""

    def __init__(self, path: str, problem: Wording):
        super().__init__(str(problem))
        self.path = path
        self.problem = problem


@dataclass(frozen=True)
class Item:
    """One event of a message, the JSON path it sits at and how many containers hold it."""

    path: str
    value: Any
    depth: int = 0


def read_items(raw: bytes, parsed: Parsed) -> Iterator[Item]:
    """The events of a body: a JSON array of events (the callback body), one event, or ``{"events": [...]}``."""
    document = load_document(raw, parsed, decode=lambda body: body.decode("utf-8-sig"), not_text=NOT_UTF8)
    if document is NO_DOCUMENT:
        return
    if isinstance(document, list):
        items, base, depth = document, "$", 1
    elif isinstance(document, dict) and isinstance(document.get("events"), list) and len(document) == 1:
        items, base, depth = document["events"], "$.events", 2
    elif isinstance(document, dict):
        yield Item("$", document)
        return
    else:
        parsed.errors.append(ItemError(json_place("$"), NOT_EVENTS()))
        return
    if not items:
        parsed.errors.append(ItemError(json_place(base), NO_EVENTS()))
        return
    if len(items) > MAX_EVENTS:
        parsed.errors.append(ItemError(json_place(base), TOO_MANY(limit=MAX_EVENTS)))
        return
    for position, value in enumerate(items):
        yield Item(f"{base}[{position}]", value, depth)


def parse_events(
    raw: bytes, check: Callable[[Any, str], list[tuple[str, Wording]]], draft: Callable[[Any, str], EventDraft]
) -> Parsed:
    """A DCSA message's events: each checked against its schema (``check``), then mapped (``draft``);
    an event that fails either is reported at its path, and the others are kept."""
    parsed = Parsed()
    for item in read_items(raw, parsed):
        unreadable = unreadable_part(item.value, item.path, depth=item.depth)
        if unreadable is not None:
            parsed.errors.append(ItemError(json_place(unreadable[0]), unreadable[1]))
            continue
        problems = check(item.value, item.path)
        if problems:
            parsed.errors.extend(ItemError(json_place(where), problem) for where, problem in problems)
            continue
        try:
            parsed.events.append(draft(item.value, item.path))
        except MappingError as error:
            parsed.errors.append(ItemError(json_place(error.path), error.problem))
    return parsed


def reference(kind: ReferenceType, raw: object, path: str) -> Reference:
    """A reference in HarbourLink's canonical spelling, or a ``MappingError`` at ``path``."""
    if not isinstance(raw, str):
        raise MappingError(path, NOT_A_STRING())
    try:
        return Reference(kind.value, validate_reference(kind, raw, field=None))
    except ValidationFailed as exc:
        raise MappingError(path, exc.wording) from None


def locode(raw: object, path: str) -> str | None:
    """A UN/LOCODE checked as EDIFACT's are (shape and ISO 3166 country), or a ``MappingError`` at ``path``."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        return parse_unlocode(raw).value
    except ValidationFailed as exc:
        raise MappingError(path, exc.wording) from None


def imo_number(raw: object, path: str) -> str | None:
    """An IMO number with its check digit verified, or a ``MappingError`` at ``path``."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        return parse_imo_number(raw).value
    except ValidationFailed as exc:
        raise MappingError(path, exc.wording) from None


def upper_or_none(value: object) -> str | None:
    return value.strip().upper() or None if isinstance(value, str) else None


def text_or_none(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def dedupe(references: list[Reference]) -> list[Reference]:
    return list(dict.fromkeys(references))
