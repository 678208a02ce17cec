"""An older road-cargo system's export, read: its user accounts, saved templates and consignments as three
CSV files (``accounts.csv``, ``templates.csv``, ``consignments.csv``; docs/formats.md).

Pure: text in, records and located errors out. Each row is checked alone, so one bad row costs no
other; an error names the file, the line (the header is line 1) and the column. A row's key in the old
system (an account id, a template id, a consignment's reference) is what makes a second import of the
same export change nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol, TypeVar

from harbourlink.road.domain import CargoData, Direction, data_problems

ACCOUNTS, TEMPLATES, CONSIGNMENTS = "accounts.csv", "templates.csv", "consignments.csv"
FILES = (ACCOUNTS, TEMPLATES, CONSIGNMENTS)
CARGO_COLUMNS = (
    "direction",
    "packages",
    "package_description",
    "goods_description",
    "consignor_name",
    "consignor_address",
    "consignee_name",
    "consignee_address",
)
COLUMNS: dict[str, tuple[str, ...]] = {
    ACCOUNTS: ("account_id", "email", "name", "role"),
    TEMPLATES: ("template_id", "account_id", "name", *CARGO_COLUMNS),
    CONSIGNMENTS: ("reference", "account_id", *CARGO_COLUMNS, "expected_at"),
}
"""Each file's columns; their order is free, extra columns are ignored."""
ROLES = ("administrator", "message_signer", "user", "driver")
"""The old system's roles as HarbourLink's: a migrated person keeps what they could do."""
MAX_KEY = 35
_NO_TIME = datetime(1970, 1, 1, tzinfo=UTC)
"""A template has no crossing time; this stands in while its data set is checked."""


@dataclass(frozen=True, slots=True)
class RowError:
    """What is wrong with one row, and where: file, line and column."""

    file: str
    line: int
    field: str
    code: str
    message: str


class _Keyed(Protocol):
    @property
    def key(self) -> str: ...


R = TypeVar("R", bound=_Keyed)


@dataclass(frozen=True, slots=True)
class OldAccount:
    key: str
    line: int
    email: str
    name: str
    role: str


@dataclass(frozen=True, slots=True)
class OldTemplate:
    key: str
    line: int
    account: str
    name: str
    data: CargoData
    """The template's cargo; its ``expected_at`` means nothing."""


@dataclass(frozen=True, slots=True)
class OldConsignment:
    key: str
    """The old system's reference, kept as the submitter's reference."""
    line: int
    account: str
    data: CargoData


@dataclass
class Export:
    """What the files hold: the good rows, and an error for each bad one (``read`` counts every row)."""

    accounts: list[OldAccount]
    templates: list[OldTemplate]
    consignments: list[OldConsignment]
    errors: list[RowError]
    """Each rejected row's errors."""
    read: dict[str, int]
    unread: list[RowError]
    """Files not read at all (a header lacking a column, text that is not CSV): their rows count nowhere."""


class _Row:
    """One data row, answering its columns and collecting what is wrong with them."""

    def __init__(self, file: str, line: int, values: dict[str, str | None]) -> None:
        self.file, self.line, self.values = file, line, values
        self.errors: list[RowError] = []

    def fail(self, field: str, code: str, message: str) -> None:
        self.errors.append(RowError(self.file, self.line, field, code, message))

    def text(self, column: str, *, limit: int | None = None) -> str:
        value = (self.values.get(column) or "").strip()
        if not value:
            self.fail(column, "required", f"{column} is required")
        elif limit is not None and len(value) > limit:
            self.fail(column, "string_too_long", f"{column}: longer than {limit} characters")
        return value

    def cargo(self, expected_at: datetime, reference: str = "") -> CargoData | None:
        direction, packages = self.text("direction").lower(), self.text("packages")
        if direction and direction not in {d.value for d in Direction}:
            self.fail("direction", "invalid_choice", "direction: give import or export")
        if packages and not packages.isdigit():
            self.fail("packages", "invalid_number", f"packages: {packages[:20]!r} is not a whole number")
        data = CargoData(
            # A wrong direction or count is reported above; a stand-in lets every other item be checked too.
            direction=Direction(direction) if direction in {d.value for d in Direction} else Direction.IMPORT,
            packages=int(packages) if packages.isdigit() else 1,
            expected_at=expected_at,
            submitter_reference=reference,
            **{column: (self.values.get(column) or "").strip() for column in CARGO_COLUMNS[2:]},
        )
        for problem in data_problems(data):
            self.fail(problem.field, problem.code, problem.message)
        return None if self.errors else data


def _rows(file: str, text: str, unread: list[RowError]) -> list[_Row]:
    """The data rows of ``file``; a header lacking a column, or text that is not CSV, fails the whole file."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    try:
        missing = [column for column in COLUMNS[file] if column not in (reader.fieldnames or [])]
        if missing:
            if text.strip():
                unread.append(RowError(file, 1, missing[0], "missing_column", f"the header lacks {', '.join(missing)}"))
            return []
        return [_Row(file, reader.line_num, dict(values)) for values in reader]
    except csv.Error as exc:
        unread.append(RowError(file, reader.line_num, "", "invalid_csv", f"not CSV: {exc}"))
        return []


def _account(row: _Row) -> OldAccount | None:
    key, email = row.text("account_id", limit=MAX_KEY), row.text("email", limit=254)
    name, role = row.text("name", limit=140), row.text("role").lower()
    if email and "@" not in email:
        row.fail("email", "invalid_email", "email: not an e-mail address")
    if role and role not in ROLES:
        row.fail("role", "invalid_choice", f"role: give one of {', '.join(ROLES)}")
    return None if row.errors else OldAccount(key, row.line, email.lower(), name, role)


def _template(row: _Row) -> OldTemplate | None:
    key, account = row.text("template_id", limit=MAX_KEY), row.text("account_id")
    name, data = row.text("name", limit=80), row.cargo(_NO_TIME)
    return None if row.errors or data is None else OldTemplate(key, row.line, account, name, data)


def _time(row: _Row) -> datetime | None:
    raw = row.text("expected_at")
    try:
        moment = datetime.fromisoformat(raw) if raw else None
    except ValueError:
        row.fail("expected_at", "invalid_time", f"expected_at: {raw[:30]!r} is not an ISO 8601 time")
        return None
    if moment is not None and moment.tzinfo is None:
        row.fail("expected_at", "naive_time", "expected_at: give the time with its UTC offset")
    return moment


def _consignment(row: _Row) -> OldConsignment | None:
    key, account, moment = row.text("reference", limit=MAX_KEY), row.text("account_id"), _time(row)
    data = row.cargo(moment or _NO_TIME, key)
    return None if row.errors or data is None else OldConsignment(key, row.line, account, data)


def _checked(file: str, files: dict[str, str], parse: Callable[[_Row], R | None], export: Export) -> list[R]:
    rows = _rows(file, files.get(file, ""), export.unread)
    export.read[file] = len(rows)
    accounts = {account.key for account in export.accounts}
    good: dict[str, R] = {}
    for row in rows:
        made = parse(row)
        if made is not None and made.key in good:
            row.fail(COLUMNS[file][0], "duplicate", f"{COLUMNS[file][0]}: {made.key!r} appears twice")
        owner = (row.values.get("account_id") or "").strip() if file != ACCOUNTS else ""
        if owner and owner not in accounts:
            row.fail("account_id", "unknown_account", f"account_id: {owner!r} is no good row of {ACCOUNTS}")
        if made is not None and not row.errors:
            good[made.key] = made
        export.errors.extend(row.errors)
    return list(good.values())


def read_export(files: dict[str, str]) -> Export:
    """Reads the export's files (by name; a file left out holds nothing), checking each row, that a key
    appears once per file and that a template's or consignment's account is one of the export's."""
    export = Export([], [], [], [], {}, [])
    export.accounts = _checked(ACCOUNTS, files, _account, export)
    export.templates = _checked(TEMPLATES, files, _template, export)
    export.consignments = _checked(CONSIGNMENTS, files, _consignment, export)
    return export
