"""SMDG Terminal Code List: container terminals as child codes of a UN/LOCODE.

Source: SMDG Terminal Code List (smdg-org/Terminal-Code-List), © SMDG, licensed under
Creative Commons Attribution 4.0 (CC-BY 4.0); bundled unchanged in ``data/`` with its notice.
A terminal is named by (UN/LOCODE, terminal code), e.g. (``HKHKG``, ``MTLHK``); in EDIFACT
``LOC+11+HKHKG:139:6+MTLHK:72:306``, in DCSA ``facilityCodeListProvider`` = ``SMDG``.
Rows that also carry an alternative UN/LOCODE are found under either code. The file is read
once, on first use.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from datetime import date
from importlib import resources

from harbourlink.references.kinds import fold
from harbourlink.references.locations import parse_unlocode

SMDG_ATTRIBUTION = "SMDG Terminal Code List, © SMDG, CC-BY 4.0 (https://github.com/smdg-org/Terminal-Code-List)"
_DATA_FILE = "smdg-terminal-codes.csv"


@dataclass(frozen=True, slots=True)
class Terminal:
    """One row of the SMDG list: where a terminal is, who runs it, and since when."""

    unlocode: str
    code: str
    name: str
    company: str
    latitude: float | None
    longitude: float | None
    valid_from: date | None
    valid_to: date | None
    last_change: date | None
    alternative_unlocode: str | None = None
    website: str | None = None
    address: str | None = None
    remarks: str | None = None

    def is_valid_on(self, day: date) -> bool:
        """Whether SMDG lists the code as in force on ``day``."""
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


def find_terminal(unlocode: str, code: str) -> Terminal | None:
    """The terminal with this (UN/LOCODE, SMDG code), or None; a malformed UN/LOCODE is ValidationFailed."""
    return _by_key().get((parse_unlocode(unlocode, field="unlocode").value, fold(code)))


def terminals_at(unlocode: str, *, on: date | None = None) -> list[Terminal]:
    """The terminals SMDG lists at a UN/LOCODE (valid ``on`` a day, if given), by code."""
    place = parse_unlocode(unlocode, field="unlocode").value
    found = [t for t in _load() if place in (t.unlocode, t.alternative_unlocode)]
    return sorted((t for t in found if on is None or t.is_valid_on(on)), key=lambda t: t.code)


@functools.cache
def _load() -> tuple[Terminal, ...]:
    text = resources.files("harbourlink.references").joinpath("data", _DATA_FILE).read_text(encoding="utf-8-sig")
    return tuple(_terminal(row) for row in csv.DictReader(io.StringIO(text)))


@functools.cache
def _by_key() -> dict[tuple[str, str], Terminal]:
    index: dict[tuple[str, str], Terminal] = {}
    for terminal in _load():
        index[terminal.unlocode, terminal.code] = terminal
        if terminal.alternative_unlocode:
            index.setdefault((terminal.alternative_unlocode, terminal.code), terminal)
    return index


def _terminal(row: dict[str, str]) -> Terminal:
    return Terminal(
        unlocode=row["UNLOCODE"].strip(),
        code=row["Terminal Code"].strip(),
        name=row["Terminal Facility Name"].strip(),
        company=row["Terminal Company Name"].strip(),
        latitude=_number(row["Latitude"]),
        longitude=_number(row["Longitude"]),
        valid_from=_day(row["Valid from"]),
        valid_to=_day(row["Valid to"]),
        last_change=_day(row["Last change"]),
        alternative_unlocode=row["Alternative UNLOCODE"].strip() or None,
        website=row["Terminal Website"].strip() or None,
        address=row["Terminal Address"].strip() or None,
        remarks=row["Remarks"].strip() or None,
    )


def _number(text: str) -> float | None:
    return float(text) if text.strip() else None


def _day(text: str) -> date | None:
    return date.fromisoformat(text.strip()) if text.strip() else None
