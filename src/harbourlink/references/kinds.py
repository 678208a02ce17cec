"""The reference kinds an owner can share data by, and their canonical spelling."""

from __future__ import annotations

import re
from enum import StrEnum

from harbourlink.kernel.errors import ValidationFailed


class ReferenceType(StrEnum):
    MBL = "MBL"
    HBL = "HBL"
    CONTAINER = "CONTAINER"
    BOOKING = "BOOKING"
    AWB = "AWB"
    DECLARATION = "DECLARATION"


_ALLOWED = re.compile(r"^[A-Z0-9][A-Z0-9/-]{2,39}$")


def normalise_reference(reference_type: ReferenceType, raw: str) -> str:
    """Upper case without spaces, as carriers print and people type them differently."""
    value = re.sub(r"\s+", "", raw).upper()
    if reference_type is ReferenceType.AWB:
        value = value.replace("-", "")
    if not _ALLOWED.match(value):
        raise ValidationFailed(
            f"a {reference_type.value} reference has 3 to 40 letters, digits, '-' or '/'",
            code="invalid_reference",
            data={"field": "reference", "reference_type": reference_type.value, "value": raw},
        )
    return value
