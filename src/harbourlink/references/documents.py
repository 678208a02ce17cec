"""Document numbers: bills of lading, air waybills, bookings and customs declarations.

- **Master B/L** (the carrier's): 8 to 20 letters and digits, usually behind the carrier's
  prefix (``MAEU203176301``); 20 is DCSA's limit for a transport document reference.
- **House B/L** (a forwarder's own numbering): 4 to 35 letters and digits.
- **Air waybill**: a 3-digit airline prefix and an 8-digit serial whose last digit is the
  first seven taken mod 7 (``160-12345675``: 1234567 mod 7 = 5).
- **House air waybill** (a forwarder's own numbering under a master air waybill): 4 to 35
  letters and digits, like a House B/L.
- **Booking reference** and **customs declaration number**: 6 to 35 letters and digits; the
  formats differ by carrier and by customs office, so only the shape is checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from harbourlink.kernel.phrases import N_, Phrase
from harbourlink.references.carriers import carrier_prefix_of
from harbourlink.references.errors import (
    AIR_WAYBILL,
    BL_NUMBER,
    BOOKING_REFERENCE,
    CHECK_DIGIT,
    DECLARATION_NUMBER,
    HOUSE_AIR_WAYBILL,
    HOUSE_BL_NUMBER,
    INVALID_AWB,
    INVALID_BL_NUMBER,
    INVALID_BOOKING_REFERENCE,
    INVALID_DECLARATION_NUMBER,
    check_alnum,
    identifier_problem,
    invalid,
)
from harbourlink.references.kinds import PARSED_CACHE, fold

AWB_SHAPE = Phrase("air_waybill_shape", N_("should be a 3-digit airline prefix and an 8-digit serial"))


@dataclass(frozen=True, slots=True)
class MasterBillOfLading:
    """A carrier's B/L number and, when its prefix is known, the carrier."""

    value: str
    carrier_prefix: str | None
    carrier_name: str | None

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class AirWaybill:
    """An air waybill number, stored as 11 digits."""

    value: str

    @property
    def airline_prefix(self) -> str:
        return self.value[:3]

    @property
    def serial(self) -> str:
        return self.value[3:]

    @property
    def display(self) -> str:
        """As airlines print it: ``160-12345675``."""
        return f"{self.value[:3]}-{self.value[3:]}"

    def __str__(self) -> str:
        return self.value


@lru_cache(maxsize=PARSED_CACHE)  # a feed names the same few thousand numbers again and again
def parse_master_bl(raw: str, *, field: str | None = None) -> MasterBillOfLading:
    """The master B/L number in ``raw`` and its carrier if the prefix is known, or ValidationFailed."""
    value = check_alnum(fold(raw), raw, label=BL_NUMBER, code=INVALID_BL_NUMBER, field=field, shortest=8, longest=20)
    known = carrier_prefix_of(value)
    return MasterBillOfLading(value, known.prefix if known else None, known.carrier if known else None)


def parse_house_bl(raw: str, *, field: str | None = None) -> str:
    """The house B/L number in ``raw`` (4 to 35 letters and digits), or ValidationFailed."""
    return check_alnum(
        fold(raw), raw, label=HOUSE_BL_NUMBER, code=INVALID_BL_NUMBER, field=field, shortest=4, longest=35
    )


def parse_house_awb(raw: str, *, field: str | None = None) -> str:
    """The house air waybill number in ``raw`` (4 to 35 letters and digits), or ValidationFailed."""
    return check_alnum(fold(raw), raw, label=HOUSE_AIR_WAYBILL, code=INVALID_AWB, field=field, shortest=4, longest=35)


def awb_check_digit(serial_first_seven: str) -> str:
    """The air waybill check digit: the serial's first seven digits mod 7 (``1234567`` → ``5``)."""
    return str(int(serial_first_seven) % 7)


def is_air_waybill(raw: str) -> bool:
    """Whether the text is an 11-digit air waybill number with the right check digit."""
    value = fold(raw)
    return bool(re.fullmatch(r"[0-9]{11}", value)) and awb_check_digit(value[3:10]) == value[10]


def parse_air_waybill(raw: str, *, field: str | None = None) -> AirWaybill:
    """The air waybill in ``raw`` ("160-12345675", "16012345675"), or ValidationFailed."""
    value = fold(raw)
    shown = value or repr(raw)
    if not re.fullmatch(r"[0-9]{11}", value):
        raise invalid(
            identifier_problem(AIR_WAYBILL, shown, AWB_SHAPE()),
            code=INVALID_AWB,
            value=raw,
            reason="format",
            field=field,
        )
    expected = awb_check_digit(value[3:10])
    if value[10] != expected:
        raise invalid(
            identifier_problem(
                AIR_WAYBILL, f"{value[:3]}-{value[3:]}", CHECK_DIGIT(expected=expected, found=value[10])
            ),
            code=INVALID_AWB,
            value=raw,
            reason="check_digit",
            field=field,
            expected_check_digit=expected,
        )
    return AirWaybill(value)


def parse_booking_reference(raw: str, *, field: str | None = None) -> str:
    """The booking reference in ``raw`` (6 to 35 letters and digits), or ValidationFailed."""
    return check_alnum(
        fold(raw), raw, label=BOOKING_REFERENCE, code=INVALID_BOOKING_REFERENCE, field=field, shortest=6, longest=35
    )


def parse_declaration_number(raw: str, *, field: str | None = None) -> str:
    """The customs declaration number in ``raw`` (6 to 35 letters and digits), or ValidationFailed."""
    return check_alnum(
        fold(raw), raw, label=DECLARATION_NUMBER, code=INVALID_DECLARATION_NUMBER, field=field, shortest=6, longest=35
    )
