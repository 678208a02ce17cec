"""Reading the segments the three messages share: DTM, LOC, TDT, EQD, RFF, SEL and MEA.

Each reader takes a segment and returns plain values or raises ``SegmentError`` saying what
is wrong with that segment. Identifiers go through ``harbourlink.references``, so a container
number with a wrong ISO 6346 check digit is refused here exactly as anywhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from harbourlink.events import Reference
from harbourlink.integrations.edifact.syntax import Segment, SegmentError
from harbourlink.integrations.parsing import NOT_A_NUMBER
from harbourlink.kernel import ValidationFailed
from harbourlink.kernel.phrases import N_, Phrase
from harbourlink.references import (
    ReferenceType,
    find_terminal,
    parse_imo_number,
    parse_unlocode,
    validate_reference,
)

HONG_KONG = timezone(timedelta(hours=8), "HKT")

# DE 2379, date/time/period format code: the formats HarbourLink reads and their layout.
TIME_FORMATS = {
    "102": ("CCYYMMDD", "%Y%m%d"),
    "203": ("CCYYMMDDHHMM", "%Y%m%d%H%M"),
    "204": ("CCYYMMDDHHMMSS", "%Y%m%d%H%M%S"),
    "205": ("CCYYMMDDHHMMZHHMM", "%Y%m%d%H%M%z"),
    "303": ("CCYYMMDDHHMMZZZ", "%Y%m%d%H%M"),
    "304": ("CCYYMMDDHHMMSSZZZ", "%Y%m%d%H%M%S"),
}
_ZONE_NAMES = {"UTC": UTC, "GMT": UTC, "Z": UTC, "UT": UTC}
_ZONE_OFFSET = re.compile(r"^([+-])(\d{2})(\d{2})?$")

NONE_GIVEN = Phrase("none_given", N_("(none)"))
DTM_PLUS = Phrase(
    "dtm_plus", N_("DTM has one data element; a '+' in a time zone needs the release character before it ('?+0800')")
)
DTM_EMPTY = Phrase("dtm_empty", N_("DTM+%(qualifier)s has no date/time value"))
DTM_FORMAT = Phrase("dtm_format", N_("date/time format %(format)s is not read here; use one of %(formats)s"))
DTM_VALUE = Phrase("dtm_value", N_("%(value)s is not a date/time in format %(format)s (%(layout)s)"))
TDT_MODE = Phrase("tdt_mode", N_("transport mode %(mode)s is not one of %(modes)s (UN/ECE Recommendation 19)"))
EQD_QUALIFIER = Phrase("eqd_qualifier", N_("equipment qualifier %(qualifier)s is not a container (CN)"))
EQD_EMPTY = Phrase("eqd_empty", N_("EQD+CN has no container number"))
FULL_EMPTY_CODE = Phrase("full_empty", N_("full/empty indicator %(value)s is neither 4 (empty) nor 5 (full)"))
RFF_EMPTY = Phrase("rff_empty", N_("RFF+%(qualifier)s has no reference number"))
SEL_EMPTY = Phrase("sel_empty", N_("SEL has no seal number"))

# DE 1153, reference code qualifier: the references HarbourLink shares cargo by.
REFERENCE_QUALIFIERS = {
    "BM": ReferenceType.MBL,  # bill of lading number
    "BH": ReferenceType.HBL,  # house bill of lading number
    "BN": ReferenceType.BOOKING,  # consignment identifier, carrier assigned (booking)
    "AAE": ReferenceType.DECLARATION,  # goods declaration number
    "AWB": ReferenceType.AWB,  # air waybill number
}
# DE 8067, transport mode name code (UN/ECE Recommendation 19).
MODES = {"1": "VESSEL", "2": "RAIL", "3": "TRUCK", "4": "AIR", "8": "BARGE"}
# DE 8169, full or empty indicator code.
FULL_EMPTY = {"4": "EMPTY", "5": "LADEN"}
# DE 9303 seal issuer (SEL C215), as DCSA's seal source codes.
SEAL_SOURCES = {"CA": "CAR", "SH": "SHI", "CU": "CUS", "AC": "CUS", "TO": "TER", "CB": "CUS"}


def read_time(segment: Segment, zone: tzinfo) -> tuple[str, datetime]:
    """DTM: the qualifier (2005) and the moment, in ``zone`` when the format carries no zone of its own."""
    segment.check()
    qualifier, value, format_code = segment.value(0, 0), segment.value(0, 1), segment.value(0, 2)
    if len(segment.elements) > 1:
        raise SegmentError(segment, DTM_PLUS())
    if not value:
        raise SegmentError(segment, DTM_EMPTY(qualifier=qualifier))
    format_code = format_code or {8: "102", 12: "203", 14: "204"}.get(len(value), "")
    if format_code not in TIME_FORMATS:
        raise SegmentError(segment, DTM_FORMAT(format=format_code or NONE_GIVEN(), formats=", ".join(TIME_FORMATS)))
    try:
        return qualifier, parse_time(value, format_code, zone)
    except ValueError:
        layout = TIME_FORMATS[format_code][0]
        raise SegmentError(segment, DTM_VALUE(value=repr(value), format=format_code, layout=layout)) from None


def parse_time(value: str, format_code: str, zone: tzinfo) -> datetime:
    """One EDIFACT date/time value; ValueError when it does not match its format."""
    layout = TIME_FORMATS[format_code][1]
    if format_code in ("303", "304"):
        digits = 12 if format_code == "303" else 14
        moment, zone = datetime.strptime(value[:digits], layout), _zone(value[digits:])  # noqa: DTZ007
        return moment.replace(tzinfo=zone)
    if format_code == "205" and len(value) != 17:
        raise ValueError(value)
    moment = datetime.strptime(value, layout)  # noqa: DTZ007 - the zone is added just below
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _zone(text: str) -> tzinfo:
    if text.upper() in _ZONE_NAMES:
        return _ZONE_NAMES[text.upper()]
    found = _ZONE_OFFSET.match(text)
    if not found:
        raise ValueError(text)
    sign = -1 if found.group(1) == "-" else 1
    return timezone(sign * timedelta(hours=int(found.group(2)), minutes=int(found.group(3) or 0)))


@dataclass(frozen=True, slots=True)
class Place:
    """LOC: the qualifier (3227), the place's code as sent, the UN/LOCODE and the terminal beside it."""

    qualifier: str
    code: str
    locode: str | None
    terminal: str | None

    def facility(self) -> str | None:
        """The terminal when the SMDG list has it at this UN/LOCODE, else None."""
        if self.locode is None or self.terminal is None:
            return None
        found = find_terminal(self.locode, self.terminal)
        return found.code if found else None


def read_place(segment: Segment) -> Place:
    """LOC+qualifier+LOCODE:139:6+TERMINAL:TER:ZZZ (or :72:306, SMDG's agency code)."""
    segment.check()
    place, related = segment.components(1), segment.components(2)
    code = place[0].strip() if place else ""
    code_list = place[1].strip() if len(place) > 1 else ""
    agency = place[2].strip() if len(place) > 2 else ""
    locode = None
    if code and (code_list == "139" or agency == "6" or (not code_list and not agency and len(code) == 5)):
        try:
            locode = parse_unlocode(code, field="LOC").value
        except ValidationFailed as exc:
            raise SegmentError(segment, exc.wording) from None
    terminal = related[0].strip() if related and related[0].strip() else None
    return Place(segment.value(0), code, locode, terminal.upper() if terminal else None)


@dataclass(frozen=True, slots=True)
class Transport:
    """TDT: stage (8051), voyage (8028), mode, carrier, and the means of transport's identity (C222)."""

    stage: str
    voyage: str | None
    mode: str | None
    carrier: str | None
    imo: str | None
    call_sign: str | None
    identifier: str | None
    name: str | None


def read_transport(segment: Segment) -> Transport:
    """TDT+20+VOYAGE+1++CARRIER:172:20+++9321483:146:11:MSC OSCAR (IMO) or CALLSIGN:103::NAME."""
    segment.check()
    mode_code = segment.value(2)
    if mode_code and mode_code not in MODES:
        raise SegmentError(segment, TDT_MODE(mode=repr(mode_code), modes=", ".join(MODES)))
    ident, code_list, agency, name = (segment.value(7, i) for i in range(4))
    imo = call_sign = identifier = None
    seagoing = mode_code in ("", "1", "8")  # code 146 names a truck's plate too when the mode is road
    if ident and seagoing and (code_list == "146" or agency == "11"):
        try:
            imo = parse_imo_number(ident, field="TDT").value
        except ValidationFailed as exc:
            raise SegmentError(segment, exc.wording) from None
    elif ident and code_list == "103":
        call_sign = ident
    elif ident:
        identifier = ident
    return Transport(
        segment.value(0),
        segment.value(1) or None,
        MODES.get(mode_code),
        segment.value(4) or None,
        imo,
        call_sign,
        identifier,
        name or None,
    )


@dataclass(frozen=True, slots=True)
class Equipment:
    """EQD: a container number checked by ISO 6346, its ISO size-type code and full/empty state."""

    number: str
    iso_code: str | None
    empty_indicator: str | None


def read_equipment(segment: Segment) -> Equipment:
    """EQD+CN+MSCU1234566:6346:5+45G1:102:5++2+5 (qualifier, number, size-type, supplier, status, full/empty)."""
    segment.check()
    qualifier = segment.value(0)
    if qualifier != "CN":
        raise SegmentError(segment, EQD_QUALIFIER(qualifier=qualifier or NONE_GIVEN()))
    number = segment.value(1)
    if not number:
        raise SegmentError(segment, EQD_EMPTY())
    try:
        container = validate_reference(ReferenceType.CONTAINER, number, field="EQD")
    except ValidationFailed as exc:
        raise SegmentError(segment, exc.wording) from None
    full_empty = segment.value(5)
    if full_empty and full_empty not in FULL_EMPTY:
        raise SegmentError(segment, FULL_EMPTY_CODE(value=repr(full_empty)))
    return Equipment(container, segment.value(2) or None, FULL_EMPTY.get(full_empty))


def read_reference(segment: Segment) -> tuple[str, str, Reference | None]:
    """RFF: the qualifier, the value, and the shared reference it is when HarbourLink tracks that kind."""
    segment.check()
    qualifier, value = segment.value(0, 0), segment.value(0, 1)
    if not value:
        raise SegmentError(segment, RFF_EMPTY(qualifier=qualifier))
    kind = REFERENCE_QUALIFIERS.get(qualifier)
    if kind is None:
        return qualifier, value, None
    try:
        return qualifier, value, Reference(kind.value, validate_reference(kind, value, field="RFF"))
    except ValidationFailed as exc:
        raise SegmentError(segment, exc.wording) from None


def read_seal(segment: Segment) -> dict[str, str]:
    """SEL+NUMBER+CA: a seal number and who fixed it (DCSA seal source)."""
    segment.check()
    number = segment.value(0)
    if not number:
        raise SegmentError(segment, SEL_EMPTY())
    issuer = segment.value(1)
    seal = {"number": number}
    if issuer:
        seal["source"] = SEAL_SOURCES.get(issuer, issuer)
    return seal


def read_measure(segment: Segment) -> tuple[str, dict[str, object]]:
    """MEA+AAE+VGM+KGM:27450: what is measured (6313) and its value with unit (either decimal mark)."""
    segment.check()
    attribute, unit, raw = segment.value(1) or segment.value(0), segment.value(2, 0), segment.value(2, 1)
    try:
        value = float(raw.replace(",", ".")) if raw else None
    except ValueError:
        raise SegmentError(segment, NOT_A_NUMBER(value=repr(raw))) from None
    return attribute, {"value": value, "unit": unit or None}
