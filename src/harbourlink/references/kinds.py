"""The reference kinds an owner can share data by, and their canonical spelling."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from harbourlink.kernel.errors import ValidationFailed
from harbourlink.kernel.phrases import N_, Phrase

LOOSE_REFERENCE = Phrase(
    "reference_shape", N_("a %(kind)s reference has 3 to 40 letters, digits or '/' (spaces and dashes are ignored)")
)


class ReferenceType(StrEnum):
    MBL = "MBL"
    HBL = "HBL"
    CONTAINER = "CONTAINER"
    BOOKING = "BOOKING"
    AWB = "AWB"
    HAWB = "HAWB"
    DECLARATION = "DECLARATION"


# Spaces, dashes and dots are how people group long numbers ("MSCU 123456-6", "160-1234 5675");
# no identifier of the trade gives them meaning, so they are dropped. Unicode dashes arrive by
# copy-paste from documents and mail.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015_.\u00b7]+")
_ALLOWED = re.compile(r"^[A-Z0-9][A-Z0-9/]{2,39}$")


PARSED_CACHE = 1 << 16
"""Parsed identifiers remembered per process: parsing is pure, and a feed repeats its numbers."""


def fold(raw: str) -> str:
    """The raw text in upper case, without spaces or separators, full-width forms made ASCII.

    NFKC turns the full-width letters and digits of Chinese and Japanese input methods
    (``ＭＳＣＵ１２３``) into ASCII, which matters for a port community typing in zh-HK.
    """
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw)).upper()


def normalise_reference(reference_type: ReferenceType, raw: str) -> str:
    """The canonical spelling under which a reference is stored, shared and looked up.

    Lenient on purpose: it accepts any reference of 3 to 40 letters, digits or '/', because an
    owner may share a reference HarbourLink has no strict rule for. ``validate_reference`` is
    the strict check; whenever it accepts a reference, both return the same value.
    """
    value = fold(raw)
    if not _ALLOWED.match(value):
        raise ValidationFailed(
            LOOSE_REFERENCE(kind=reference_type.value),
            code="invalid_reference",
            data={"field": "reference", "reference_type": reference_type.value, "value": raw, "reason": "format"},
        )
    return value
