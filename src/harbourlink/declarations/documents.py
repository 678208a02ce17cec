"""The commercial invoice and the packing list as uploaded files (CSV or XLSX): read safely, every error located.

One row per goods line; the first row names the columns (any order, case and spaces ignored).

Commercial invoice: ``description`` (required), ``quantity`` (required), ``unit`` (required), ``unit_price``
(required), ``currency`` (required, ISO 4217), ``hk_code`` (8 digits), ``cn_code`` (10 digits),
``declared_elements`` (申报要素), ``origin_country`` (ISO 3166 alpha-2), ``destination_country``,
``domestic_destination`` (the mainland district's code or name), and on any row ``invoice_number``,
``seller``, ``buyer``.

Packing list: ``line`` (the invoice line it packs, from 1), ``packages``, ``package_kind``, ``gross_kg``,
``net_kg`` (all but ``package_kind`` required).

Files are read in memory, never executed: XLSX through openpyxl in read-only mode with values only
(formulas are not evaluated; a cell holding one is read as its cached value or refused as empty).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from openpyxl import load_workbook

from harbourlink.kernel.errors import ValidationFailed

MAX_FILE_BYTES = 2_000_000
MAX_ROWS = 2_000
MAX_CELL = 500


class DocumentKind(StrEnum):
    INVOICE = "invoice"
    PACKING_LIST = "packing_list"


COLUMNS: dict[DocumentKind, tuple[tuple[str, ...], tuple[str, ...]]] = {
    DocumentKind.INVOICE: (
        ("description", "quantity", "unit", "unit_price", "currency"),
        (
            "hk_code",
            "cn_code",
            "declared_elements",
            "origin_country",
            "destination_country",
            "domestic_destination",
            "invoice_number",
            "seller",
            "buyer",
        ),
    ),
    DocumentKind.PACKING_LIST: (("line", "packages", "gross_kg", "net_kg"), ("package_kind",)),
}
NUMBERS = frozenset({"quantity", "unit_price", "gross_kg", "net_kg"})
COUNTS = frozenset({"line", "packages"})


@dataclass(frozen=True)
class RowError:
    row: int
    column: str | None
    message: str


@dataclass
class Parsed:
    kind: DocumentKind
    lines: list[dict[str, str]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _key(header: object) -> str:
    return str(header or "").strip().lower().replace(" ", "_").replace("-", "_")


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationFailed(
            f"the file is not UTF-8 text (byte {error.start})", code="document_not_utf8", data={"byte": error.start}
        ) from error
    yield from csv.reader(io.StringIO(text))


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ValidationFailed("the file is not a readable XLSX workbook", code="document_not_xlsx") from error
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield ["" if cell is None else str(cell) for cell in row]
    finally:
        book.close()


def _is_number(value: str) -> bool:
    try:
        number = Decimal(value)
    except InvalidOperation:
        return False
    return number.is_finite() and number >= 0


def _digits(count: int) -> Callable[[str], bool]:
    return lambda value: value.isdigit() and len(value) == count


def _letters(count: int) -> Callable[[str], bool]:
    return lambda value: value.isascii() and value.isalpha() and len(value) == count


RULES: dict[str, tuple[Callable[[str], bool], str]] = {
    **dict.fromkeys(NUMBERS, (_is_number, "not a non-negative number")),
    **dict.fromkeys(COUNTS, (str.isdigit, "not a whole number")),
    "hk_code": (_digits(8), "a Hong Kong commodity code has 8 digits"),
    "cn_code": (_digits(10), "a mainland commodity code has 10 digits"),
    "origin_country": (_letters(2), "a country is its two-letter ISO code"),
    "destination_country": (_letters(2), "a country is its two-letter ISO code"),
    "currency": (_letters(3), "a currency is its three-letter ISO code"),
}


def _read_row(
    number: int, header: Sequence[str], row: Sequence[str], columns: tuple[tuple[str, ...], tuple[str, ...]]
) -> tuple[dict[str, str], list[RowError]]:
    required, optional = columns
    line: dict[str, str] = {}
    errors: list[RowError] = []
    for column, cell in zip(header, row, strict=False):
        if column not in required and column not in optional:
            continue
        value = cell.strip()
        rule = RULES.get(column)
        if len(value) > MAX_CELL:
            errors.append(RowError(number, column, f"longer than {MAX_CELL} characters"))
        elif value and rule is not None and not rule[0](value):
            errors.append(RowError(number, column, f"{value!r}: {rule[1]}"))
        elif value:
            line[column] = value
    refused = {error.column for error in errors}
    errors += [RowError(number, c, "required value missing") for c in required if c not in line and c not in refused]
    return line, errors


def parse_document(kind: DocumentKind, filename: str, data: bytes) -> Parsed:
    """The file's goods lines, or the errors, each naming its row (1 = the header) and column."""
    if len(data) > MAX_FILE_BYTES:
        raise ValidationFailed(
            f"the file is larger than {MAX_FILE_BYTES} bytes",
            code="document_too_large",
            data={"limit": MAX_FILE_BYTES, "size": len(data)},
        )
    is_xlsx = filename.lower().endswith(".xlsx") or data[:2] == b"PK"
    rows = _xlsx_rows(data) if is_xlsx else _csv_rows(data)
    required = COLUMNS[kind][0]
    parsed = Parsed(kind)
    header: Sequence[str] | None = None
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS + 1:
            raise ValidationFailed(
                f"the file has more than {MAX_ROWS} lines", code="document_too_long", data={"limit": MAX_ROWS}
            )
        if header is None:
            header = [_key(cell) for cell in row]
            missing = [column for column in required if column not in header]
            for column in missing:
                parsed.errors.append(RowError(1, column, "required column missing"))
            if missing:
                return parsed
            continue
        if not any(cell.strip() for cell in row):
            continue
        line, errors = _read_row(number, header, row, COLUMNS[kind])
        parsed.lines.append(line)
        parsed.errors += errors
    if header is None:
        parsed.errors.append(RowError(1, None, "the file is empty"))
    return parsed
