"""IATA airport codes: the airports of air cargo statuses, their places, time zones and names.

An air status names its airport by IATA's three-letter code (``HKG``). The bundled list
(``data/airports.csv``) gives the UN/LOCODE of the place it serves, the time zone in which
Cargo-IMP and Cargo-XML state local times, and the airport's name in the three languages of
the pages. A code that is well formed but not listed is still a valid airport.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass
from importlib import resources
from zoneinfo import ZoneInfo

from harbourlink.kernel.phrases import N_, Phrase
from harbourlink.references.errors import AIRPORT, identifier_problem, invalid
from harbourlink.references.kinds import fold

INVALID_AIRPORT = "invalid_airport"
_SHAPE = re.compile(r"^[A-Z]{3}$")
AIRPORT_SHAPE = Phrase("airport_shape", N_("should be a 3-letter IATA airport code"))


@dataclass(frozen=True, slots=True)
class Airport:
    """One listed airport."""

    code: str
    unlocode: str
    time_zone: ZoneInfo
    names: dict[str, str]
    """By page language: ``en``, ``zh-HK`` (Traditional), ``zh-CN`` (Simplified)."""

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["en"]


@functools.cache
def _airports() -> dict[str, Airport]:
    text = resources.files("harbourlink.references").joinpath("data/airports.csv").read_text("utf-8")
    return {
        row["iata"]: Airport(
            row["iata"],
            row["unlocode"],
            ZoneInfo(row["time_zone"]),
            {"en": row["name_en"], "zh-HK": row["name_zh_hant"], "zh-CN": row["name_zh_hans"]},
        )
        for row in csv.DictReader(io.StringIO(text))
    }


def parse_airport_code(raw: str, *, field: str | None = None) -> str:
    """The IATA airport code in ``raw`` ("hkg", "HKG"), or ValidationFailed."""
    value = fold(raw)
    if not _SHAPE.match(value):
        raise invalid(
            identifier_problem(AIRPORT, value or repr(raw), AIRPORT_SHAPE()),
            code=INVALID_AIRPORT,
            value=raw,
            reason="format",
            field=field,
        )
    return value


def find_airport(code: str | None) -> Airport | None:
    """The listed airport of an IATA code, or None."""
    return _airports().get(code or "")
