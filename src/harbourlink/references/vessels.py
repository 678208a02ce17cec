"""Vessel identifiers: IMO numbers and MMSIs.

An **IMO number** is seven digits, the last a check digit: the first six weighted 7, 6 … 2,
summed, mod 10 (``IMO 9074729``: 9·7+0·6+7·5+4·4+7·3+2·2 = 139, check digit 9). It stays with
the hull for life. An **MMSI** (ITU-R M.585) is nine digits and names a radio station: the
Maritime Identification Digits (MID, 201–775, one or more per flag; Hong Kong's is 477)
stand first for a ship, and behind a marker for other stations::

    MIDxxxxxx  ship            0MIDxxxxx  group of ships    00MIDxxxx  coast station
    111MIDxxx  SAR aircraft    99MIDxxxx  aid to navigation 98MIDxxxx  craft of a parent ship
    8MIDxxxxx  handheld VHF    970xxyyyy  AIS-SART          972xxyyyy  man overboard
    974xxyyyy  EPIRB-AIS
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from harbourlink.kernel.phrases import N_, Phrase
from harbourlink.references.errors import (
    CHECK_DIGIT,
    IMO_NUMBER,
    INVALID_IMO_NUMBER,
    INVALID_MMSI,
    MMSI,
    identifier_problem,
    invalid,
)
from harbourlink.references.kinds import PARSED_CACHE, fold

SEVEN_DIGITS = Phrase("imo_shape", N_("should be 7 digits"))
NINE_DIGITS = Phrase("mmsi_shape", N_("should be 9 digits"))
NO_STATION = Phrase("mmsi_no_station", N_("9%(digit)s starts no kind of station ITU-R M.585 defines"))
NOT_A_MID = Phrase("mmsi_not_a_mid", N_("%(mid)s is not a Maritime Identification Digits block (201–775)"))

MID_HONG_KONG = 477
_IMO_PREFIX = re.compile(r"^IMO(?:NO|NUMBER)?:?")
_MMSI_PREFIX = re.compile(r"^MMSI(?:NO|NUMBER)?:?")

# A few MIDs a Hong Kong port community meets daily (ITU MID table); partial, for display only.
_MID_COUNTRY: dict[int, str] = {
    477: "HK",
    412: "CN",
    413: "CN",
    414: "CN",
    453: "MO",
    416: "TW",
    431: "JP",
    432: "JP",
    440: "KR",
    441: "KR",
    563: "SG",
    564: "SG",
    565: "SG",
    566: "SG",
    533: "MY",
    525: "ID",
    548: "PH",
    574: "VN",
    567: "TH",
    351: "PA",
    352: "PA",
    353: "PA",
    354: "PA",
    355: "PA",
    356: "PA",
    357: "PA",
    370: "PA",
    371: "PA",
    372: "PA",
    373: "PA",
    636: "LR",
    637: "LR",
    538: "MH",
    215: "MT",
    229: "MT",
    248: "MT",
    249: "MT",
    256: "MT",
    308: "BS",
    309: "BS",
    311: "BS",
    237: "GR",
    239: "GR",
    240: "GR",
    241: "GR",
    209: "CY",
    210: "CY",
    212: "CY",
    244: "NL",
    245: "NL",
    246: "NL",
    211: "DE",
    218: "DE",
    232: "GB",
    233: "GB",
    234: "GB",
    235: "GB",
    338: "US",
    366: "US",
    367: "US",
    368: "US",
    369: "US",
    419: "IN",
    503: "AU",
}


class MmsiKind(StrEnum):
    SHIP = "ship"
    GROUP = "group"
    COAST_STATION = "coast_station"
    SAR_AIRCRAFT = "sar_aircraft"
    AID_TO_NAVIGATION = "aid_to_navigation"
    CRAFT_OF_PARENT_SHIP = "craft_of_parent_ship"
    HANDHELD = "handheld"
    AIS_SART = "ais_sart"
    MAN_OVERBOARD = "man_overboard"
    EPIRB_AIS = "epirb_ais"


# Marker before the MID, and the kind; longest markers first so "111" wins over a ship MID.
_WITH_MID: tuple[tuple[str, MmsiKind], ...] = (
    ("111", MmsiKind.SAR_AIRCRAFT),
    ("00", MmsiKind.COAST_STATION),
    ("99", MmsiKind.AID_TO_NAVIGATION),
    ("98", MmsiKind.CRAFT_OF_PARENT_SHIP),
    ("0", MmsiKind.GROUP),
    ("8", MmsiKind.HANDHELD),
)
_WITHOUT_MID = {"970": MmsiKind.AIS_SART, "972": MmsiKind.MAN_OVERBOARD, "974": MmsiKind.EPIRB_AIS}


@dataclass(frozen=True, slots=True)
class ImoNumber:
    """An IMO ship identification number; ``value`` is the seven digits."""

    value: str

    @property
    def display(self) -> str:
        return f"IMO {self.value}"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Mmsi:
    """A Maritime Mobile Service Identity, its kind of station and MID (None for SART/MOB/EPIRB)."""

    value: str
    kind: MmsiKind
    mid: int | None

    @property
    def country(self) -> str | None:
        """ISO 3166 alpha-2 code of the MID's flag, where the short table knows it."""
        return None if self.mid is None else _MID_COUNTRY.get(self.mid)

    def __str__(self) -> str:
        return self.value


def imo_check_digit(first_six: str) -> str:
    """The IMO check digit of six digits (``907472`` → ``9``)."""
    return str(sum(int(d) * w for d, w in zip(first_six, range(7, 1, -1), strict=True)) % 10)


@lru_cache(maxsize=PARSED_CACHE)  # a feed names the same few thousand numbers again and again
def parse_imo_number(raw: str, *, field: str | None = None) -> ImoNumber:
    """The IMO number in ``raw`` ("IMO 9074729", "9074729", "imo-9074729"), or ValidationFailed."""
    value = _IMO_PREFIX.sub("", fold(raw))
    shown = value or repr(raw)
    if not re.fullmatch(r"[0-9]{7}", value):
        raise invalid(
            identifier_problem(IMO_NUMBER, shown, SEVEN_DIGITS()),
            code=INVALID_IMO_NUMBER,
            value=raw,
            reason="format",
            field=field,
        )
    expected = imo_check_digit(value[:6])
    if value[6] != expected:
        raise invalid(
            identifier_problem(IMO_NUMBER, shown, CHECK_DIGIT(expected=expected, found=value[6])),
            code=INVALID_IMO_NUMBER,
            value=raw,
            reason="check_digit",
            field=field,
            expected_check_digit=expected,
        )
    return ImoNumber(value)


def parse_mmsi(raw: str, *, field: str | None = None) -> Mmsi:
    """The MMSI in ``raw`` with its kind of station, or ValidationFailed (bad shape or MID)."""
    value = _MMSI_PREFIX.sub("", fold(raw))
    shown = value or repr(raw)
    if not re.fullmatch(r"[0-9]{9}", value):
        raise invalid(
            identifier_problem(MMSI, shown, NINE_DIGITS()), code=INVALID_MMSI, value=raw, reason="format", field=field
        )
    if value[:3] in _WITHOUT_MID:
        return Mmsi(value, _WITHOUT_MID[value[:3]], None)
    marker, kind = next(((m, k) for m, k in _WITH_MID if value.startswith(m)), ("", MmsiKind.SHIP))
    if value.startswith("9") and not marker:
        raise invalid(
            identifier_problem(MMSI, shown, NO_STATION(digit=value[1])),
            code=INVALID_MMSI,
            value=raw,
            reason="format",
            field=field,
        )
    mid = int(value[len(marker) : len(marker) + 3])
    if not 201 <= mid <= 775:
        raise invalid(
            identifier_problem(MMSI, shown, NOT_A_MID(mid=f"{mid:03d}")),
            code=INVALID_MMSI,
            value=raw,
            reason="mid",
            field=field,
            kind=kind.value,
        )
    return Mmsi(value, kind, mid)
