"""Stable error codes of the identifiers, and the one way they are raised.

Every failure is a ``ValidationFailed`` whose data carries ``value`` (the text as given),
``reason`` (a stable word: ``format``, ``check_digit`` …), ``field`` when the caller named
one, and ``suggestion`` when one repair is certain enough to offer.
"""

from __future__ import annotations

from harbourlink.kernel.errors import ValidationFailed

INVALID_CONTAINER_NUMBER = "invalid_container_number"
INVALID_IMO_NUMBER = "invalid_imo_number"
INVALID_MMSI = "invalid_mmsi"
INVALID_UNLOCODE = "invalid_unlocode"
INVALID_BL_NUMBER = "invalid_bl_number"
INVALID_AWB = "invalid_awb"
INVALID_BOOKING_REFERENCE = "invalid_booking_reference"
INVALID_DECLARATION_NUMBER = "invalid_declaration_number"


def invalid(message: str, *, code: str, value: str, reason: str, field: str | None = None,
            suggestion: str | None = None, **extra: object) -> ValidationFailed:
    """A ``ValidationFailed`` with the data every identifier error carries."""
    data: dict[str, object] = {"value": value, "reason": reason, **extra}
    if field is not None:
        data["field"] = field
    if suggestion is not None:
        data["suggestion"] = suggestion
    return ValidationFailed(message, code=code, data=data)


def check_alnum(value: str, raw: str, *, label: str, code: str, field: str | None,
                shortest: int, longest: int) -> str:
    """The folded value if it has ``shortest``..``longest`` letters and digits only."""
    shown = value or repr(raw)
    stray = next((c for c in value if not (c.isascii() and c.isalnum())), None)
    if stray is not None:
        raise invalid(f"{label} {shown}: {stray!r} is not a letter or digit", code=code, value=raw,
                      reason="characters", field=field)
    if len(value) < shortest:
        raise invalid(f"{label} {shown}: too short, {len(value)} characters where at least {shortest} are needed",
                      code=code, value=raw, reason="too_short", field=field)
    if len(value) > longest:
        raise invalid(f"{label} {shown}: too long, {len(value)} characters where at most {longest} fit",
                      code=code, value=raw, reason="too_long", field=field)
    return value
