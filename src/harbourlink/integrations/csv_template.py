"""The CSV template for companies without EDI: one event per row, headers in the first row.

Columns (order free, names case-insensitive; only the first five are required)::

    event_id     optional; the sender's own id for the row, makes re-sending the file harmless
    event_type   EQUIPMENT | TRANSPORT | SHIPMENT | REEFER | RELEASE | CUSTOMS
    event_code   DCSA code for the type, e.g. GTIN, LOAD, DISC, ARRI, DEPA, RELS, HOLD, MEAS
    event_time   ISO 8601; without an offset it is Hong Kong time (UTC+8)
    container | mbl | hbl | booking | declaration | awb    at least one reference, or vessel_imo
    classifier   ACT (default) | EST | PLN
    location     UN/LOCODE, e.g. HKHKG;   facility   SMDG terminal code, e.g. HITHK
    vessel_imo, vessel_name, voyage, mode (VESSEL | BARGE | TRUCK | RAIL | AIR)
    temperature, setpoint    degrees Celsius, for REEFER readings
    remarks      free text

A row with an error is reported as ``row N, column NAME`` and the other rows are still taken;
that includes a cell over 128 KiB (``csv``'s limit) and a value longer than the event store's
column for it (``events.FIELD_LENGTHS``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import ClassVar

from harbourlink.events import (
    FIELD_LENGTHS,
    SOURCE_KEY_LENGTH,
    Classifier,
    EventDraft,
    EventType,
    Reference,
    content_key,
)
from harbourlink.integrations.parsing import ItemError, Parsed
from harbourlink.kernel import ValidationFailed
from harbourlink.references import ReferenceType, parse_imo_number, parse_unlocode, validate_reference

HONG_KONG = timezone(timedelta(hours=8), "HKT")
REQUIRED = ("event_type", "event_code", "event_time")
REFERENCE_COLUMNS = {"container": ReferenceType.CONTAINER, "mbl": ReferenceType.MBL, "hbl": ReferenceType.HBL,
                     "booking": ReferenceType.BOOKING, "declaration": ReferenceType.DECLARATION,
                     "awb": ReferenceType.AWB}
MAX_ROWS = 100_000
MAX_CELL = csv.field_size_limit()
SOURCE_PREFIX = "csv:"
# The longest value each free-text column may hold: the event store's column width (after the
# prefix for event_id). Identifiers are checked by their own rules, which fix their length.
COLUMN_LENGTHS = {"event_id": SOURCE_KEY_LENGTH - len(SOURCE_PREFIX), "event_code": FIELD_LENGTHS["event_code"],
                  "facility": FIELD_LENGTHS["facility"], "vessel_name": FIELD_LENGTHS["vessel_name"],
                  "voyage": FIELD_LENGTHS["voyage"], "mode": FIELD_LENGTHS["mode_of_transport"]}
MAX_MESSAGE = 300
_CELL = re.compile(r'"[^"]*(?:""[^"]*)*"|[^,\r\n]*')


class RowError(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        # Messages quote the value; a cell may hold 128 KiB of it.
        self.message = message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE] + "…"


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
                found.append(Reference(kind.value, validate_reference(kind, raw, field=None)))
            except ValidationFailed as exc:
                raise RowError(column, exc.message) from None
    return found


def _identifier(row: dict[str, str], column: str, parse: Callable[[str], str]) -> str | None:
    """A UN/LOCODE or IMO number in its canonical form (None when the cell is empty), checked as EDIFACT's are."""
    raw = (row.get(column) or "").strip()
    if not raw:
        return None
    try:
        return parse(raw)
    except ValidationFailed as exc:
        raise RowError(column, exc.message) from None


def _row_event(row: dict[str, str]) -> EventDraft:
    for column in REQUIRED:
        if not (row.get(column) or "").strip():
            raise RowError(column, "is empty")
    for column, length in COLUMN_LENGTHS.items():
        if len((row.get(column) or "").strip()) > length:
            raise RowError(column, f"longer than {length} characters")
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
        location=_identifier(row, "location", lambda raw: parse_unlocode(raw).value),
        facility=(row.get("facility") or "").strip().upper() or None,
        vessel_imo=_identifier(row, "vessel_imo", lambda raw: parse_imo_number(raw).value),
        vessel_name=(row.get("vessel_name") or "").strip() or None,
        voyage=(row.get("voyage") or "").strip() or None,
        mode_of_transport=(row.get("mode") or "").strip().upper() or None, details=details,
    )
    own_id = (row.get("event_id") or "").strip()
    draft.key_from_content = not own_id
    draft.source_key = SOURCE_PREFIX + own_id if own_id else SOURCE_PREFIX + content_key(
        draft.event_type, draft.event_code, draft.classifier, draft.event_time, sorted(draft.references),
        draft.location, draft.facility, draft.vessel_imo, draft.details)
    return draft


class _Lines:
    """The file's lines as ``csv.reader`` takes them, able to skip the rest of a record it could not read."""

    def __init__(self, text: str) -> None:
        self.lines = io.StringIO(text, newline="").readlines()  # \r, \n or \r\n ends a line, as csv wants
        self.next = 0
        self.record_start = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.next >= len(self.lines):
            raise StopIteration
        self.next += 1
        return self.lines[self.next - 1]

    def skip_record(self) -> str:
        """Moves past the broken record's last line (where its quotes balance) and returns the record."""
        quotes = sum(line.count('"') for line in self.lines[self.record_start:self.next])
        while quotes % 2 and self.next < len(self.lines):
            quotes += self.lines[self.next].count('"')
            self.next += 1
        return "".join(self.lines[self.record_start:self.next])


def _broken_record(record: str, headers: list[str], error: csv.Error) -> tuple[str, str]:
    """Which column of a record ``csv`` refused holds the over-long cell, and what to say."""
    if "field limit" not in str(error):
        return "", f"not readable as CSV: {error}"
    position, index = 0, 0
    while position <= len(record):
        cell = _CELL.match(record, position)
        if cell is None:
            break
        if cell.end() - cell.start() > MAX_CELL:
            name = headers[index] if index < len(headers) else f"{index + 1}"
            return f", column {name}", f"longer than {MAX_CELL} characters"
        position, index = cell.end() + 1, index + 1
        if record[cell.end():cell.end() + 1] != ",":
            break
    return "", f"a cell is longer than {MAX_CELL} characters"


def _records(lines: _Lines, parsed: Parsed, headers: list[str]) -> Iterator[tuple[int, list[str]]]:
    """The rows after the headers, numbered as in the file's records; a row ``csv`` cannot read is
    reported and skipped, and reading goes on with the next."""
    reader = csv.reader(lines)
    number = 1
    while True:
        lines.record_start = lines.next
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            number += 1
            place, message = _broken_record(lines.skip_record(), headers, error)
            parsed.errors.append(ItemError(f"row {number}{place}", message))
            continue
        if cells:
            number += 1
            yield number, cells


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
        lines = _Lines(text)
        try:
            headers = [h.strip().lower() for h in next(csv.reader(lines), [])]
        except csv.Error as error:
            parsed.errors.append(ItemError("row 1 (headers)", f"not readable as CSV: {error}"))
            return parsed
        missing = [c for c in REQUIRED if c not in headers]
        if missing:
            parsed.errors.append(ItemError("row 1 (headers)", "missing columns: " + ", ".join(missing)))
            return parsed
        for number, cells in _records(lines, parsed, headers):
            if number - 1 > MAX_ROWS:
                parsed.errors.append(ItemError(f"row {number}", f"more than {MAX_ROWS} rows; split the file"))
                break
            if len(cells) > len(headers):
                parsed.errors.append(ItemError(f"row {number}", "more cells than headers"))
                continue
            try:
                draft = _row_event(dict(zip(headers, cells, strict=False)))
            except RowError as error:
                parsed.errors.append(ItemError(f"row {number}, column {error.column}", error.message))
                continue
            draft.origin = f"row {number}"
            parsed.events.append(draft)
        return parsed
