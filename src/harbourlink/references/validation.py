"""One entry point per question: is this a valid reference of a kind, and what could a text be."""

from __future__ import annotations

from collections.abc import Callable

from harbourlink.kernel.errors import ValidationFailed
from harbourlink.references.carriers import carrier_prefix_of
from harbourlink.references.container import is_container_number, parse_container_number
from harbourlink.references.documents import (
    is_air_waybill,
    parse_air_waybill,
    parse_booking_reference,
    parse_declaration_number,
    parse_house_awb,
    parse_house_bl,
    parse_master_bl,
)
from harbourlink.references.kinds import ReferenceType, fold

_CHECKS: dict[ReferenceType, Callable[[str, str | None], str]] = {
    ReferenceType.CONTAINER: lambda raw, field: parse_container_number(raw, field=field).value,
    ReferenceType.MBL: lambda raw, field: parse_master_bl(raw, field=field).value,
    ReferenceType.HBL: lambda raw, field: parse_house_bl(raw, field=field),
    ReferenceType.AWB: lambda raw, field: parse_air_waybill(raw, field=field).value,
    ReferenceType.HAWB: lambda raw, field: parse_house_awb(raw, field=field),
    ReferenceType.BOOKING: lambda raw, field: parse_booking_reference(raw, field=field),
    ReferenceType.DECLARATION: lambda raw, field: parse_declaration_number(raw, field=field),
}

# When nothing in the text points one way: the carrier's document, the forwarder's, then the rest.
_FALLBACK_ORDER = (
    ReferenceType.MBL,
    ReferenceType.HBL,
    ReferenceType.HAWB,
    ReferenceType.BOOKING,
    ReferenceType.DECLARATION,
)


def validate_reference(reference_type: ReferenceType, raw: str, *, field: str | None = "reference") -> str:
    """The canonical value of a reference of this kind, or ValidationFailed saying what is wrong.

    The value equals ``normalise_reference(reference_type, raw)``, so a validated reference
    matches the one stored by a grant.
    """
    return _CHECKS[reference_type](raw, field)


def is_valid_reference(reference_type: ReferenceType, raw: str) -> bool:
    """Whether ``validate_reference`` would accept the text."""
    try:
        validate_reference(reference_type, raw)
    except ValidationFailed:
        return False
    return True


def detect_reference_type(raw: str) -> list[ReferenceType]:
    """The kinds of reference a search-box text could be, most likely first; each one validates.

    A container number whose check digit holds is taken as a container alone (a random text of
    that shape passes the check one time in eleven). An 11-digit number whose check digit
    holds is an air waybill first. A known carrier prefix makes a master B/L first.
    """
    value = fold(raw)
    if is_container_number(value):
        return [ReferenceType.CONTAINER]
    first: list[ReferenceType] = []
    if is_air_waybill(value):
        first.append(ReferenceType.AWB)
    if carrier_prefix_of(value) is not None:
        first.append(ReferenceType.MBL)
    rest = [kind for kind in _FALLBACK_ORDER if kind not in first]
    return [kind for kind in first + rest if is_valid_reference(kind, value)]
