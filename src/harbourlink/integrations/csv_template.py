"""The CSV template for companies without EDI: one event per row, headers in the first row.

Columns (order free, names case-insensitive; only the first five are required)::

    event_id     optional; the sender's own id for the row, makes re-sending the file harmless
    event_type   EQUIPMENT | TRANSPORT | SHIPMENT | REEFER | RELEASE | CUSTOMS
    event_code   DCSA code for the type, e.g. GTIN, LOAD, DISC, ARRI, DEPA, RELS, HOLD, MEAS
    event_time   ISO 8601; without an offset it is Hong Kong time (UTC+8)
    container | mbl | hbl | booking | declaration    at least one reference, or vessel_imo
    classifier   ACT (default) | EST | PLN
    location     UN/LOCODE, e.g. HKHKG;   facility   SMDG terminal code, e.g. HITHK
    vessel_imo, vessel_name, voyage, mode (VESSEL | BARGE | TRUCK | RAIL | AIR)
    temperature, setpoint    degrees Celsius, for REEFER readings
    remarks      free text

A row with an error is reported as ``row N, column NAME`` and the other rows are still taken.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone
from typing import ClassVar

from harbourlink.events import Classifier, EventDraft, EventType, Reference, content_key
from harbourlink.integrations.parsing import ItemError, Parsed
from harbourlink.kernel import ValidationFailed
from harbourlink.references import ReferenceType, normalise_reference

HONG_KONG = timezone(timedelta(hours=8), "HKT")
REQUIRED = ("event_type", "event_code", "event_time")
REFERENCE_COLUMNS = {"container": ReferenceType.CONTAINER, "mbl": ReferenceType.MBL, "hbl": ReferenceType.HBL,
                     "booking": ReferenceType.BOOKING, "declaration": ReferenceType.DECLARATION}
MAX_ROWS = 100_000


class RowError(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


def parse_time(raw: str, column: str) -> datetime:
    try:
        moment = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        raise RowError(column, f"{raw!r} is not an ISO 8601 time such as 2026-11-21T10:02:00+08:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=HONG_KONG)


def _number(row: dict[str, str], column: str) -> float | None:
    value = (row.get(column) or "").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise RowError(column, f"{value!r} is not a number") from None


_ALLOWED = {EventType: frozenset(EventType), Classifier: frozenset(Classifier)}


def _choice(row: dict[str, str], column: str, enum: type[EventType] | type[Classifier], default: str = "") -> str:
    value = (row.get(column) or default).strip().upper()
    if value not in _ALLOWED[enum]:
        raise RowError(column, f"{value!r} is not one of {', '.join(sorted(_ALLOWED[enum]))}")
    return value


def _references(row: dict[str, str]) -> list[Reference]:
    found = []
    for column, kind in REFERENCE_COLUMNS.items():
        raw = (row.get(column) or "").strip()
        if raw:
            try:
                found.append(Reference(kind.value, normalise_reference(kind, raw)))
            except ValidationFailed as exc:
                raise RowError(column, exc.message) from None
    return found


def _row_event(row: dict[str, str]) -> EventDraft:
    for column in REQUIRED:
        if not (row.get(column) or "").strip():
            raise RowError(column, "is empty")
    event_type = EventType(_choice(row, "event_type", EventType))
    details: dict[str, object] = {}
    for column in ("temperature", "setpoint"):
        number = _number(row, column)
        if number is not None:
            details[column] = number
    if (row.get("remarks") or "").strip():
        details["remarks"] = row["remarks"].strip()
    draft = EventDraft(
        source_key="", event_type=event_type, event_code=row["event_code"].strip().upper(),
        classifier=Classifier(_choice(row, "classifier", Classifier, "ACT")),
        event_time=parse_time(row["event_time"], "event_time"), references=_references(row),
        location=(row.get("location") or "").strip().upper() or None,
        facility=(row.get("facility") or "").strip().upper() or None,
        vessel_imo=(row.get("vessel_imo") or "").strip() or None,
        vessel_name=(row.get("vessel_name") or "").strip() or None,
        voyage=(row.get("voyage") or "").strip() or None,
        mode_of_transport=(row.get("mode") or "").strip().upper() or None, details=details,
    )
    own_id = (row.get("event_id") or "").strip()
    draft.source_key = f"csv:{own_id}" if own_id else "csv:" + content_key(
        draft.event_type, draft.event_code, draft.classifier, draft.event_time, sorted(draft.references),
        draft.location, draft.facility, draft.vessel_imo, draft.details)
    return draft


class CsvTemplateAdapter:
    name: ClassVar[str] = "csv"
    title: ClassVar[str] = "HarbourLink CSV template (one event per row)"
    media_type: ClassVar[str] = "text/csv"

    def parse(self, raw: bytes) -> Parsed:
        parsed = Parsed()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            parsed.errors.append(ItemError(f"byte {exc.start}", "the file is not UTF-8 text"))
            return parsed
        reader = csv.DictReader(io.StringIO(text))
        headers = [h.strip().lower() for h in (reader.fieldnames or [])]
        missing = [c for c in REQUIRED if c not in headers]
        if missing:
            parsed.errors.append(ItemError("row 1 (headers)", "missing columns: " + ", ".join(missing)))
            return parsed
        reader.fieldnames = headers
        for number, row in enumerate(reader, start=2):
            if number - 1 > MAX_ROWS:
                parsed.errors.append(ItemError(f"row {number}", f"more than {MAX_ROWS} rows; split the file"))
                break
            if None in row:
                parsed.errors.append(ItemError(f"row {number}", "more cells than headers"))
                continue
            try:
                draft = _row_event(row)
            except RowError as error:
                parsed.errors.append(ItemError(f"row {number}, column {error.column}", error.message))
                continue
            draft.origin = f"row {number}"
            parsed.events.append(draft)
        return parsed
