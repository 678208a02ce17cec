"""Terminal feeds in JSON: container release status and reefer readings, as terminals publish them.

There is no industry standard for these two feeds, so HarbourLink defines one (documented in
``docs/formats/terminal-json.md``)::

    {"terminal": "HITHK", "location": "HKHKG",
     "releases": [{"container": "MSCU1234566", "status": "RELEASED" | "HOLD" | "AVAILABLE",
                   "at": "2026-11-23T10:02:00+08:00", "mbl": "PONU0123456",
                   "holds": ["CUSTOMS", "LINE"], "free_time_ends": "2026-11-28T23:59:00+08:00"}],
     "reefer_readings": [{"container": "MSCU1234566", "at": "2026-11-23T10:00:00+08:00",
                          "supply_air": 4.8, "return_air": 5.6, "setpoint": 5.0,
                          "power": "ON" | "OFF", "humidity": 85}]}

Release → RELEASE events (RELS released, HOLD held, AVPU available for pick-up); readings →
REEFER ``MEAS`` events, or ``POWR`` when the unit reports power off. Errors carry a JSON path.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from harbourlink.events import Classifier, EventDraft, EventType, Reference, content_key
from harbourlink.integrations.csv_template import RowError, parse_time
from harbourlink.integrations.json_fields import NO_DOCUMENT, NOT_UNICODE, FieldError, load_document, text_field
from harbourlink.integrations.json_input import unreadable_part
from harbourlink.integrations.parsing import (
    MUST_BE_ARRAY,
    MUST_BE_OBJECT,
    NOT_ONE_OF,
    ItemError,
    Parsed,
    json_place,
)
from harbourlink.kernel import ValidationFailed
from harbourlink.kernel.phrases import N_, Phrase
from harbourlink.references import ReferenceType, parse_unlocode, validate_reference

RELEASE_CODES = {"RELEASED": "RELS", "HOLD": "HOLD", "AVAILABLE": "AVPU"}
HOLD_KINDS = frozenset({"CUSTOMS", "LINE", "TERMINAL", "PORT_HEALTH", "OTHER"})
MAX_ITEMS = 100_000

NOT_A_FEED = Phrase("terminal_not_a_feed", N_("must be an object with 'releases' and/or 'reefer_readings'"))
NO_TERMINAL = Phrase("terminal_and_location_required", N_("terminal (SMDG code) and location (UN/LOCODE) are required"))
EMPTY_FEED = Phrase("terminal_empty_feed", N_("no releases or reefer_readings in the feed"))
MUST_BE_NUMBER = Phrase("must_be_number", N_("must be a number, not %(value)s"))
NOT_A_READING = Phrase("reefer_out_of_range", N_("%(value)s °C is outside what a reefer unit can report"))
HOLDS = Phrase("hold_kinds", N_("must be a list of %(kinds)s"))
NOT_ON_OR_OFF = Phrase("not_on_or_off", N_("%(value)s is not ON or OFF"))
NO_TEMPERATURE = Phrase("reading_without_temperature", N_("a reading with power ON needs supply_air or return_air"))


def _number(item: dict[str, Any], key: str, path: str) -> float | None:
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FieldError(f"{path}.{key}", MUST_BE_NUMBER(value=json.dumps(value)))
    if not -80 <= value <= 80 and key != "humidity":
        raise FieldError(f"{path}.{key}", NOT_A_READING(value=value))
    return float(value)


def _time(item: dict[str, Any], key: str, path: str) -> Any:
    raw = text_field(item, key, path, required=True)
    try:
        return parse_time(raw or "", key)
    except RowError as error:
        raise FieldError(f"{path}.{key}", error.problem) from None


def _reference(kind: ReferenceType, raw: str, path: str) -> Reference:
    try:
        return Reference(kind.value, validate_reference(kind, raw, field=None))
    except ValidationFailed as exc:
        raise FieldError(path, exc.wording) from None


def _container(item: dict[str, Any], path: str) -> Reference:
    raw = text_field(item, "container", path, required=True) or ""
    return _reference(ReferenceType.CONTAINER, raw, f"{path}.container")


class TerminalJsonAdapter:
    name: ClassVar[str] = "terminal-json"
    title: ClassVar[str] = "Terminal feed: release status and reefer readings (JSON)"
    media_type: ClassVar[str] = "application/json"

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
        if not isinstance(document, dict):
            parsed.errors.append(ItemError(json_place("$"), NOT_A_FEED()))
            return parsed
        terminal = document.get("terminal")
        location = document.get("location")
        if not isinstance(terminal, str) or not isinstance(location, str):
            parsed.errors.append(ItemError(json_place("$.terminal"), NO_TERMINAL()))
            return parsed
        try:
            location = parse_unlocode(location).value
        except ValidationFailed as exc:
            parsed.errors.append(ItemError(json_place("$.location"), exc.wording))
            return parsed
        for key, reader in (("releases", self._release), ("reefer_readings", self._reading)):
            items = document.get(key, [])
            if not isinstance(items, list):
                parsed.errors.append(ItemError(json_place(f"$.{key}"), MUST_BE_ARRAY()))
                continue
            for index, item in enumerate(items[:MAX_ITEMS]):
                path = f"$.{key}[{index}]"
                try:
                    if not isinstance(item, dict):
                        raise FieldError(path, MUST_BE_OBJECT())
                    unreadable = unreadable_part(item, path, depth=2)
                    if unreadable is not None:
                        raise FieldError(*unreadable)
                    draft = reader(item, path)
                except FieldError as error:
                    parsed.errors.append(ItemError(json_place(error.path), error.problem))
                    continue
                draft.facility, draft.location, draft.origin = terminal.upper(), location.upper(), json_place(path)
                draft.key_from_content = True
                draft.source_key = f"terminal:{terminal.upper()}:" + content_key(
                    draft.event_code, draft.event_time, sorted(draft.references), draft.details
                )
                parsed.events.append(draft)
        if not parsed.events and not parsed.errors:
            parsed.errors.append(ItemError(json_place("$"), EMPTY_FEED()))
        return parsed

    @staticmethod
    def _release(item: dict[str, Any], path: str) -> EventDraft:
        status = (text_field(item, "status", path, required=True) or "").upper()
        if status not in RELEASE_CODES:
            raise FieldError(f"{path}.status", NOT_ONE_OF(value=repr(status), choices=", ".join(RELEASE_CODES)))
        holds = item.get("holds", [])
        if not isinstance(holds, list) or not all(isinstance(kind, str) and kind in HOLD_KINDS for kind in holds):
            raise FieldError(f"{path}.holds", HOLDS(kinds=", ".join(sorted(HOLD_KINDS))))
        references = [_container(item, path)]
        mbl = text_field(item, "mbl", path, required=False)
        if mbl:
            references.append(_reference(ReferenceType.MBL, mbl, f"{path}.mbl"))
        details: dict[str, Any] = {"release_status": status, "holds": holds}
        if item.get("free_time_ends") is not None:
            details["free_time_ends"] = _time(item, "free_time_ends", path).isoformat()
        return EventDraft(
            source_key="",
            event_type=EventType.RELEASE,
            event_code=RELEASE_CODES[status],
            classifier=Classifier.ACT,
            event_time=_time(item, "at", path),
            references=references,
            details=details,
        )

    @staticmethod
    def _reading(item: dict[str, Any], path: str) -> EventDraft:
        power = (text_field(item, "power", path, required=False) or "ON").upper()
        if power not in ("ON", "OFF"):
            raise FieldError(f"{path}.power", NOT_ON_OR_OFF(value=repr(power)))
        details: dict[str, Any] = {"power": power}
        for key in ("supply_air", "return_air", "setpoint", "humidity"):
            value = _number(item, key, path)
            if value is not None:
                details[key] = value
        if power == "ON" and "supply_air" not in details and "return_air" not in details:
            raise FieldError(f"{path}.supply_air", NO_TEMPERATURE())
        details["temperature"] = details.get("supply_air", details.get("return_air"))
        return EventDraft(
            source_key="",
            event_type=EventType.REEFER,
            event_code="MEAS" if power == "ON" else "POWR",
            classifier=Classifier.ACT,
            event_time=_time(item, "at", path),
            references=[_container(item, path)],
            details=details,
        )
