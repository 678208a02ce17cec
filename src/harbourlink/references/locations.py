"""UN/LOCODE: a country (ISO 3166-1 alpha-2) and three characters of A–Z and 2–9 (``HKHKG``).

Countries are checked against ``pycountry``'s ISO 3166-1 list, plus ``XZ``, which UN/LOCODE
uses for installations in international waters. The place part leaves out 0 and 1 so that
they are never read as O and I.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pycountry

from harbourlink.kernel.phrases import N_, Phrase
from harbourlink.references.errors import INVALID_UNLOCODE, UNLOCODE, identifier_problem, invalid
from harbourlink.references.kinds import PARSED_CACHE, fold

UNLOCODE_SHAPE = Phrase("unlocode_shape", N_("should be a 2-letter country and 3 characters of A–Z or 2–9"))
NOT_A_COUNTRY = Phrase("not_a_country", N_("%(country)s is not an ISO 3166 country code"))

_SHAPE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")
_NOT_ISO_COUNTRIES = frozenset({"XZ"})


@dataclass(frozen=True, slots=True)
class UnLocode:
    """A UN/LOCODE such as ``HKHKG``."""

    value: str

    @property
    def country(self) -> str:
        return self.value[:2]

    @property
    def location(self) -> str:
        return self.value[2:]

    def __str__(self) -> str:
        return self.value


def is_country_code(code: str) -> bool:
    """Whether ``code`` is an ISO 3166-1 alpha-2 country code (or UN/LOCODE's ``XZ``)."""
    return code in _NOT_ISO_COUNTRIES or (len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None)


@lru_cache(maxsize=PARSED_CACHE)  # a feed names the same few thousand numbers again and again
def parse_unlocode(raw: str, *, field: str | None = None) -> UnLocode:
    """The UN/LOCODE in ``raw`` ("HK HKG", "hkhkg"), or ValidationFailed."""
    value = fold(raw)
    shown = value or repr(raw)
    if not _SHAPE.match(value):
        raise invalid(
            identifier_problem(UNLOCODE, shown, UNLOCODE_SHAPE()),
            code=INVALID_UNLOCODE,
            value=raw,
            reason="format",
            field=field,
        )
    if not is_country_code(value[:2]):
        raise invalid(
            identifier_problem(UNLOCODE, shown, NOT_A_COUNTRY(country=value[:2])),
            code=INVALID_UNLOCODE,
            value=raw,
            reason="country",
            field=field,
        )
    return UnLocode(value)
