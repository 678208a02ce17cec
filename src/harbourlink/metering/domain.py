"""The month a statement covers and the statement as CSV: pure rules."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from harbourlink.kernel.errors import ValidationFailed

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
CURRENCY = "HKD"
STATEMENT_COLUMNS = ("company", "service", "month", "used_at", "key", "units", "unit_price", "amount", "currency")


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        if not re.fullmatch(MONTH_PATTERN, text):
            raise ValidationFailed(
                "a month is written YYYY-MM, e.g. 2026-12", code="invalid_month", data={"field": "month", "value": text}
            )
        year, month = text.split("-")
        return cls(int(year), int(month))

    @classmethod
    def of(cls, moment: datetime) -> Month:
        return cls(moment.year, moment.month)

    @property
    def start(self) -> datetime:
        """Months are counted in UTC, as the meter stores times."""
        return datetime(self.year, self.month, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        return datetime(self.year + self.month // 12, self.month % 12 + 1, 1, tzinfo=UTC)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class Use:
    used_at: datetime
    key: str
    units: int


@dataclass(frozen=True)
class Statement:
    """What a company owes for one charged service in one month."""

    org_id: str
    service: str
    month: Month
    unit_price: Decimal
    uses: Sequence[Use]

    @property
    def units(self) -> int:
        return sum(use.units for use in self.uses)

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.units


def statement_csv(statement: Statement) -> str:
    """One line per use, then the total: a spreadsheet adds it up to the same figure."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(STATEMENT_COLUMNS)
    common = (statement.org_id, statement.service, str(statement.month))
    for use in statement.uses:
        amount = statement.unit_price * use.units
        writer.writerow((*common, use.used_at.isoformat(), use.key, use.units, statement.unit_price, amount, CURRENCY))
    writer.writerow((*common, "total", "", statement.units, statement.unit_price, statement.amount, CURRENCY))
    return buffer.getvalue()
