"""Stable error codes of the identifiers, and the one way they are raised.

Every failure is a ``ValidationFailed`` whose data carries ``value`` (the text as given),
``reason`` (a stable word: ``format``, ``check_digit`` …), ``field`` when the caller named
one, and ``suggestion`` when one repair is certain enough to offer. Its message is a wording
(``kernel.phrases``): ``<identifier> <value>: <problem>``, each part a phrase of its own.
"""

from __future__ import annotations

from harbourlink.kernel.errors import ValidationFailed
from harbourlink.kernel.phrases import N_, Phrase, Wording

INVALID_CONTAINER_NUMBER = "invalid_container_number"
INVALID_IMO_NUMBER = "invalid_imo_number"
INVALID_MMSI = "invalid_mmsi"
INVALID_UNLOCODE = "invalid_unlocode"
INVALID_BL_NUMBER = "invalid_bl_number"
INVALID_AWB = "invalid_awb"
INVALID_BOOKING_REFERENCE = "invalid_booking_reference"
INVALID_DECLARATION_NUMBER = "invalid_declaration_number"

IDENTIFIER_PROBLEM = Phrase("identifier_problem", N_("%(identifier)s %(value)s: %(problem)s"))
CONTAINER_NUMBER = Phrase("container_number", N_("container number"))
BL_NUMBER = Phrase("bl_number", N_("B/L number"))
HOUSE_BL_NUMBER = Phrase("house_bl_number", N_("house B/L number"))
BOOKING_REFERENCE = Phrase("booking_reference", N_("booking reference"))
DECLARATION_NUMBER = Phrase("declaration_number", N_("declaration number"))
AIR_WAYBILL = Phrase("air_waybill", N_("air waybill"))
HOUSE_AIR_WAYBILL = Phrase("house_air_waybill", N_("house air waybill"))
AIRPORT = Phrase("airport", N_("airport"))
UNLOCODE = Phrase("unlocode", N_("UN/LOCODE"))
IMO_NUMBER = Phrase("imo_number", N_("IMO number"))
MMSI = Phrase("mmsi", N_("MMSI"))
CHECK_DIGIT = Phrase("check_digit_wrong", N_("check digit should be %(expected)s, not %(found)s"))
NOT_ALPHANUMERIC = Phrase("not_letter_or_digit", N_("%(character)s is not a letter or digit"))
TOO_SHORT = Phrase("too_short", N_("too short, %(length)s characters where at least %(shortest)s are needed"))
TOO_LONG = Phrase("too_long", N_("too long, %(length)s characters where at most %(longest)s fit"))


def identifier_problem(identifier: Phrase, value: str, problem: Wording) -> Wording:
    """``container number MSCU1234567: check digit should be 6, not 7``."""
    return IDENTIFIER_PROBLEM(identifier=identifier(), value=value, problem=problem)


def invalid(
    message: Wording,
    *,
    code: str,
    value: str,
    reason: str,
    field: str | None = None,
    suggestion: str | None = None,
    **extra: object,
) -> ValidationFailed:
    """A ``ValidationFailed`` with the data every identifier error carries."""
    data: dict[str, object] = {"value": value, "reason": reason, **extra}
    if field is not None:
        data["field"] = field
    if suggestion is not None:
        data["suggestion"] = suggestion
    return ValidationFailed(message, code=code, data=data)


def check_alnum(
    value: str, raw: str, *, label: Phrase, code: str, field: str | None, shortest: int, longest: int
) -> str:
    """The folded value if it has ``shortest``..``longest`` letters and digits only."""
    shown = value or repr(raw)
    stray = next((c for c in value if not (c.isascii() and c.isalnum())), None)
    if stray is not None:
        raise invalid(
            identifier_problem(label, shown, NOT_ALPHANUMERIC(character=repr(stray))),
            code=code,
            value=raw,
            reason="characters",
            field=field,
        )
    if len(value) < shortest:
        raise invalid(
            identifier_problem(label, shown, TOO_SHORT(length=len(value), shortest=shortest)),
            code=code,
            value=raw,
            reason="too_short",
            field=field,
        )
    if len(value) > longest:
        raise invalid(
            identifier_problem(label, shown, TOO_LONG(length=len(value), longest=longest)),
            code=code,
            value=raw,
            reason="too_long",
            field=field,
        )
    return value
