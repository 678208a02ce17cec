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
from harbourlink.integrations.parsing import (
    BYTE,
    HEADER_ROW,
    LONGER_THAN,
    NOT_A_NUMBER,
    NOT_ISO_TIME,
    NOT_ONE_OF,
    ROW,
    ROW_COLUMN,
    ItemError,
    Parsed,
)
from harbourlink.kernel import ValidationFailed
from harbourlink.kernel.phrases import N_, Phrase, Wording
from harbourlink.references import ReferenceType, parse_imo_number, parse_unlocode, validate_reference

HONG_KONG = timezone(timedelta(hours=8), "HKT")
REQUIRED = ("event_type", "event_code", "event_time")
REFERENCE_COLUMNS = {
    "container": ReferenceType.CONTAINER,
    "mbl": ReferenceType.MBL,
    "hbl": ReferenceType.HBL,
    "booking": ReferenceType.BOOKING,
    "declaration": ReferenceType.DECLARATION,
    "awb": ReferenceType.AWB,
}
MAX_ROWS = 100_000
MAX_CELL = csv.field_size_limit()
SOURCE_PREFIX = "csv:"
# The longest value each free-text column may hold: the event store's column width (after the
# prefix for event_id). Identifiers are checked by their own rules, which fix their length.
COLUMN_LENGTHS = {
    "event_id": SOURCE_KEY_LENGTH - len(SOURCE_PREFIX),
    "event_code": FIELD_LENGTHS["event_code"],
    "facility": FIELD_LENGTHS["facility"],
    "vessel_name": FIELD_LENGTHS["vessel_name"],
    "voyage": FIELD_LENGTHS["voyage"],
    "mode": FIELD_LENGTHS["mode_of_transport"],
}
_CELL = re.compile(r'"[^"]*(?:""[^"]*)*"|[^,\r\n]*')

NOT_UTF8 = Phrase("file_not_utf8", N_("the file is not UTF-8 text"))
EMPTY = Phrase("empty_cell", N_("is empty"))
MISSING_COLUMNS = Phrase("missing_columns", N_("missing columns: %(columns)s"))
TOO_MANY_ROWS = Phrase("too_many_rows", N_("more than %(limit)s rows; split the file"))
EXTRA_CELLS = Phrase("extra_cells", N_("more cells than headers"))
LONG_CELL = Phrase("long_cell", N_("a cell is longer than %(length)s characters"))
UNREADABLE = Phrase("csv_unreadable", N_("not readable as CSV: %(reason)s"))
# What Python's CSV reader says of a record it cannot read; each has a phrase so a page can say it.
CSV_REASONS = (
    (re.compile(r"^unexpected end of data$"), Phrase("csv_end_of_data", N_("unexpected end of data"))),
    (
        re.compile(r"^'(.)' expected after '(.)'$", re.DOTALL),
        Phrase("csv_expected_after", N_("'%(expected)s' expected after '%(after)s'")),
    ),
    (
        re.compile(r"^new-line character seen in unquoted field"),
        Phrase("csv_newline_unquoted", N_("a line break inside a field that is not in quotes")),
    ),
)
BROKEN = Phrase("csv_broken", N_("not readable as CSV"))
TIME_EXAMPLE = "2026-11-21T10:02:00+08:00"


class RowError(Exception):
    def __init__(self, column: str, problem: Wording):
        super().__init__(str(problem))
        self.column = column
        self.problem = problem


def parse_time(raw: str, column: str) -> datetime:
    try:
        moment = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        raise RowError(column, NOT_ISO_TIME(value=repr(raw), example=TIME_EXAMPLE)) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=HONG_KONG)


def _number(row: dict[str, str], column: str) -> float | None:
    value = (row.get(column) or "").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise RowError(column, NOT_A_NUMBER(value=repr(value))) from None


_ALLOWED = {EventType: frozenset(EventType), Classifier: frozenset(Classifier)}


def _choice(row: dict[str, str], column: str, enum: type[EventType] | type[Classifier], default: str = "") -> str:
    value = (row.get(column) or default).strip().upper()
    if value not in _ALLOWED[enum]:
        raise RowError(column, NOT_ONE_OF(value=repr(value), choices=", ".join(sorted(_ALLOWED[enum]))))
    return value


def _references(row: dict[str, str]) -> list[Reference]:
    found = []
    for column, kind in REFERENCE_COLUMNS.items():
        raw = (row.get(column) or "").strip()
        if raw:
            try:
                found.append(Reference(kind.value, validate_reference(kind, raw, field=None)))
            except ValidationFailed as exc:
                raise RowError(column, exc.wording) from None
    return found


def _identifier(row: dict[str, str], column: str, parse: Callable[[str], str]) -> str | None:
    """A UN/LOCODE or IMO number in its canonical form (None when the cell is empty), checked as EDIFACT's are."""
    raw = (row.get(column) or "").strip()
    if not raw:
        return None
    try:
        return parse(raw)
    except ValidationFailed as exc:
        raise RowError(column, exc.wording) from None


def _row_event(row: dict[str, str]) -> EventDraft:
    for column in REQUIRED:
        if not (row.get(column) or "").strip():
            raise RowError(column, EMPTY())
    for column, length in COLUMN_LENGTHS.items():
        if len((row.get(column) or "").strip()) > length:
            raise RowError(column, LONGER_THAN(length=length))
    event_type = EventType(_choice(row, "event_type", EventType))
    details: dict[str, object] = {}
    for column in ("temperature", "setpoint"):
        number = _number(row, column)
        if number is not None:
            details[column] = number
    if (row.get("remarks") or "").strip():
        details["remarks"] = row["remarks"].strip()
    draft = EventDraft(
        source_key="",
        event_type=event_type,
        event_code=row["event_code"].strip().upper(),
        classifier=Classifier(_choice(row, "classifier", Classifier, "ACT")),
        event_time=parse_time(row["event_time"], "event_time"),
        references=_references(row),
        location=_identifier(row, "location", lambda raw: parse_unlocode(raw).value),
        facility=(row.get("facility") or "").strip().upper() or None,
        vessel_imo=_identifier(row, "vessel_imo", lambda raw: parse_imo_number(raw).value),
        vessel_name=(row.get("vessel_name") or "").strip() or None,
        voyage=(row.get("voyage") or "").strip() or None,
        mode_of_transport=(row.get("mode") or "").strip().upper() or None,
        details=details,
    )
    own_id = (row.get("event_id") or "").strip()
    draft.key_from_content = not own_id
    draft.source_key = (
        SOURCE_PREFIX + own_id
        if own_id
        else SOURCE_PREFIX
        + content_key(
            draft.event_type,
            draft.event_code,
            draft.classifier,
            draft.event_time,
            sorted(draft.references),
            draft.location,
            draft.facility,
            draft.vessel_imo,
            draft.details,
        )
    )
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
        quotes = sum(line.count('"') for line in self.lines[self.record_start : self.next])
        while quotes % 2 and self.next < len(self.lines):
            quotes += self.lines[self.next].count('"')
            self.next += 1
        return "".join(self.lines[self.record_start : self.next])


def unreadable(error: csv.Error) -> Wording:
    """Why Python's CSV reader could not read a record, as a wording."""
    for pattern, phrase in CSV_REASONS:
        found = pattern.match(str(error))
        if found:
            return phrase(**dict(zip(("expected", "after"), found.groups(), strict=False)))
    return BROKEN()


def _broken_record(number: int, record: str, headers: list[str], error: csv.Error) -> ItemError:
    """Which column of a record ``csv`` refused holds the over-long cell, and what to say."""
    if "field limit" not in str(error):
        return ItemError(ROW(row=number), UNREADABLE(reason=unreadable(error)))
    position, index = 0, 0
    while position <= len(record):
        cell = _CELL.match(record, position)
        if cell is None:
            break
        if cell.end() - cell.start() > MAX_CELL:
            name = headers[index] if index < len(headers) else f"{index + 1}"
            return ItemError(ROW_COLUMN(row=number, column=name), LONGER_THAN(length=MAX_CELL))
        position, index = cell.end() + 1, index + 1
        if record[cell.end() : cell.end() + 1] != ",":
            break
    return ItemError(ROW(row=number), LONG_CELL(length=MAX_CELL))


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
            parsed.errors.append(_broken_record(number, lines.skip_record(), headers, error))
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
            parsed.errors.append(ItemError(BYTE(byte=exc.start), NOT_UTF8()))
            return parsed
        lines = _Lines(text)
        try:
            headers = [h.strip().lower() for h in next(csv.reader(lines), [])]
        except csv.Error as error:
            parsed.errors.append(ItemError(HEADER_ROW(), UNREADABLE(reason=unreadable(error))))
            return parsed
        missing = [c for c in REQUIRED if c not in headers]
        if missing:
            parsed.errors.append(ItemError(HEADER_ROW(), MISSING_COLUMNS(columns=", ".join(missing))))
            return parsed
        for number, cells in _records(lines, parsed, headers):
            if number - 1 > MAX_ROWS:
                parsed.errors.append(ItemError(ROW(row=number), TOO_MANY_ROWS(limit=MAX_ROWS)))
                break
            if len(cells) > len(headers):
                parsed.errors.append(ItemError(ROW(row=number), EXTRA_CELLS()))
                continue
            try:
                draft = _row_event(dict(zip(headers, cells, strict=False)))
            except RowError as error:
                parsed.errors.append(ItemError(ROW_COLUMN(row=number, column=error.column), error.problem))
                continue
            draft.origin = ROW(row=number)
            parsed.events.append(draft)
        return parsed
