"""IATA Cargo-IMP ``FSU`` (status update) messages, the line-based text airlines still send.

A body holds one or more messages, each opened by its standard message identifier (``FSU/14``;
Type B address and originator lines before it are skipped), then the consignment line and one
status per line::

    FSU/14
    160-12345675HKGLAX/T12K385.5                   AWB, origin, destination / T pieces K weight
    RCS/23NOV1015/HKG/T12K385.5                    code / day and time / airport / quantity
    BKD/CX880/24NOV/HKGLAX/T12K385.5/S1430/S1055    code / flight / day / from-to / quantity / times
    DEP/CX880/24NOV/HKGLAX/T12K385.5/S1430/A1526    a departure's times: S planned, E estimated, A actual
    ARR/CX880/24NOV/LAX/T12K385.5/S1055/A1140       an arrival's times, at the arrival airport
    DIS/CX880/24NOV/HKG/OFLD/P3K96.0/A1530          discrepancy code, the pieces concerned, when found
    NFD/25NOV0900/LAX/T12K385.5                     (RCT, TFD, TRM name the other carrier first: TFD/KA/…)

A quantity is ``T`` (the whole consignment) or ``P`` (part, optionally ``T`` and the total after
it: ``P5K160.0T12``), pieces, and ``K`` (kilograms) or ``L`` (pounds) with the weight. Times
are local at the airport (``HHMM``, or ``DDMMMHHMM`` on another day). Cargo-IMP writes days
without a year: the year is the latest that puts the day no more than 60 days after the moment
the message is read.
``OSI`` lines and continuation lines (``/…``) are remarks and are skipped. Errors name the line
and the field: ``line 5 (DEP), field 6: 'X1526' is not a time (S, E or A and HHMM)``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import ClassVar

from harbourlink.integrations.air.common import (
    ARRIVAL_BOUND,
    FLIGHT_BOUND,
    TIME_KINDS,
    AirStatus,
    StatusError,
    air_event,
    check_airport,
    check_awb,
    check_code,
    check_discrepancy,
    check_flight,
    check_pieces,
    check_weight,
    local,
)
from harbourlink.integrations.parsing import BYTE, LINE, ItemError, Parsed
from harbourlink.kernel.clock import Clock, SystemClock
from harbourlink.kernel.phrases import N_, Phrase, Wording

MAX_LINES = 100_000
MONTHS = {
    name: number
    for number, name in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), start=1
    )
}
_HEADER = re.compile(r"^FSU/[0-9]{1,3}$")
_ENVELOPE = re.compile(r"^(Q[A-Z] |\.)")
_CONSIGNMENT = re.compile(r"^([0-9]{3}-?[0-9]{8})([A-Z]{3})([A-Z]{3})(?:/(.*))?$")
_QUANTITY = re.compile(r"^([TP])([0-9]{1,5})(?:([KL])([0-9]{1,7}(?:\.[0-9]{1,2})?))?(?:T([0-9]{1,5}))?$")
_DAY = re.compile(r"^([0-9]{2})([A-Z]{3})$")
_MOMENT = re.compile(r"^([0-9]{2})([A-Z]{3})([0-9]{4})$")
_TIME = re.compile(r"^([SEA])(?:([0-9]{2})([A-Z]{3}))?([0-9]{4})$")
CARRIER_FIRST = frozenset({"RCT", "TFD", "TRM"})
AHEAD = timedelta(days=60)
"""A status tells what happened, or a flight booked days ahead: a day without a year is the latest one
no further than this ahead of the moment the message is read."""

# Places: a line by its number and what it holds, and a field of it counted from 1.
STATUS_LINE = Phrase("fsu_line", N_("line %(line)s (%(code)s)"))
CONSIGNMENT_LINE = Phrase("fsu_consignment_line", N_("line %(line)s (consignment)"))
IN_FIELD = Phrase("in_field", N_("%(place)s, field %(field)s"))
# What a line is missing.
MISSING = Phrase("fsu_field_missing", N_("%(what)s is missing"))
THE_FLIGHT = Phrase("fsu_the_flight", N_("the flight"))
FLIGHT_DAY = Phrase("fsu_the_flight_day", N_("the flight's day"))
THE_AIRPORTS = Phrase("fsu_the_airports", N_("the airports"))
THE_AIRPORT = Phrase("fsu_the_airport", N_("the airport"))
DISCREPANCY_CODE = Phrase("fsu_the_discrepancy_code", N_("the discrepancy code"))
THE_QUANTITY = Phrase("fsu_the_quantity", N_("the quantity"))
DAY_AND_TIME = Phrase("fsu_the_day_and_time", N_("the day and time (23NOV1015)"))

NOT_ASCII = Phrase("cargo_imp_not_ascii", N_("Cargo-IMP is ASCII text; this byte is not"))
NOT_FSU = Phrase("fsu_expected", N_("expected FSU/<version> (a Cargo-IMP status update) before this line"))
NO_STATUS_LINES = Phrase("fsu_no_status_lines", N_("no FSU status lines in the message"))
NOT_A_CONSIGNMENT = Phrase(
    "fsu_consignment",
    N_(
        "expected the air waybill, origin and destination "
        "(160-12345675HKGLAX/T12K385.5); this message's statuses are not read"
    ),
)
NOT_TWO_AIRPORTS = Phrase("fsu_not_two_airports", N_("%(value)s is not the departure and arrival airports (HKGLAX)"))
NOT_ONE_AIRPORT = Phrase("fsu_not_one_airport", N_("%(value)s is not the airport"))
DIS_WITHOUT_TIME = Phrase("fsu_discrepancy_time", N_("DIS: the time it was found (A1530) is required"))
NOT_A_TIME = Phrase("fsu_time", N_("%(value)s is not a time (S, E or A and HHMM)"))
NOT_A_DAY_AND_TIME = Phrase("fsu_day_and_time", N_("%(value)s is not a day and time (23NOV1015)"))
NOT_A_QUANTITY = Phrase(
    "fsu_quantity", N_("%(value)s is not a quantity (T12K385.5: T or P, pieces, K or L and the weight)")
)
NOT_A_DAY = Phrase("fsu_day", N_("%(value)s is not a day (24NOV)"))
NOT_IN_CALENDAR = Phrase("fsu_calendar_day", N_("%(value)s is not a day of the calendar"))
NOT_A_TIME_OF_DAY = Phrase("fsu_time_of_day", N_("%(value)s is not a time of day (HHMM)"))


class _Line:
    """One status line split at its slants, with errors named by line and field."""

    def __init__(self, number: int, text: str):
        self.number, self.fields = number, text.split("/")
        self.code = self.fields[0].strip().upper()

    def where(self, index: int | None = None) -> Wording:
        head = STATUS_LINE(line=self.number, code=self.code)
        return head if index is None else IN_FIELD(place=head, field=index + 1)

    def get(self, index: int, what: Phrase) -> str:
        if index >= len(self.fields) or not self.fields[index].strip():
            raise StatusError(self.where(index), MISSING(what=what()))
        return self.fields[index].strip().upper()


class CargoImpAdapter:
    name: ClassVar[str] = "cargo-imp"
    title: ClassVar[str] = "IATA Cargo-IMP FSU status messages (text)"
    media_type: ClassVar[str] = "text/plain"

    def __init__(self, clock: Clock | None = None):
        self.clock = clock or SystemClock()

    def parse(self, raw: bytes) -> Parsed:
        parsed = Parsed()
        try:
            text = raw.decode("ascii")
        except UnicodeDecodeError as exc:
            parsed.errors.append(ItemError(BYTE(byte=exc.start), NOT_ASCII()))
            return parsed
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")[:MAX_LINES]
        consignment: AirStatus | None = None
        state = "envelope"  # then "consignment", "statuses"; "skip" after a consignment line that failed
        for number, content in enumerate(lines, start=1):
            line = content.strip()
            if not line or line in ("ZZZZ", "=") or line.startswith(("OSI", "/")):
                continue
            if _HEADER.match(line.upper()):
                state, consignment = "consignment", None
                continue
            if state == "skip":
                continue
            if state == "envelope":
                if not _ENVELOPE.match(line):
                    parsed.errors.append(ItemError(LINE(line=number), NOT_FSU()))
                    return parsed
                continue
            try:
                if consignment is None:
                    state = "skip"
                    consignment, state = self._consignment(number, line), "statuses"
                    continue
                parsed.events.append(air_event(self._status(_Line(number, line), consignment)))
            except StatusError as error:
                parsed.errors.append(ItemError(error.place, error.problem))
        if not parsed.events and not parsed.errors:
            parsed.errors.append(ItemError(LINE(line=1), NO_STATUS_LINES()))
        return parsed

    def _consignment(self, number: int, line: str) -> AirStatus:
        where = CONSIGNMENT_LINE(line=number)
        match = _CONSIGNMENT.match(line.upper())
        if match is None:
            raise StatusError(where, NOT_A_CONSIGNMENT())
        awb, origin, destination, quantity = match.groups()
        status = AirStatus(
            code="",
            awb=check_awb(awb, IN_FIELD(place=where, field=1)),
            airport=origin,
            place=where,
            origin=origin,
            destination=destination,
            format=self.name,
        )
        if quantity:
            self._quantity(status, quantity, IN_FIELD(place=where, field=2))
            status.total_pieces = status.total_pieces or status.pieces
        return status

    def _status(self, line: _Line, consignment: AirStatus) -> AirStatus:
        code = check_code(line.code, line.where(0))
        status = AirStatus(
            code=code,
            awb=consignment.awb,
            airport="",
            place=line.where(),
            origin=consignment.origin,
            destination=consignment.destination,
            total_pieces=consignment.total_pieces,
            format=self.name,
        )
        if code in FLIGHT_BOUND or code in ARRIVAL_BOUND or code == "DIS":
            self._flight_line(line, status)
        else:
            self._station_line(line, status)
        return status

    def _flight_line(self, line: _Line, status: AirStatus) -> None:
        status.flight = check_flight(line.get(1, THE_FLIGHT), line.where(1))
        day = self._day(line.get(2, FLIGHT_DAY), line.where(2))
        status.flight_date = day.isoformat()
        places = line.get(3, THE_AIRPORTS)
        if len(places) == 6:
            status.departs = check_airport(places[:3], line.where(3))
            status.arrives = check_airport(places[3:], line.where(3))
        elif len(places) == 3 and status.code in ARRIVAL_BOUND:
            status.arrives = check_airport(places, line.where(3))
        elif len(places) == 3 and status.code == "DIS":
            status.airport = check_airport(places, line.where(3))
        else:
            wanted = NOT_TWO_AIRPORTS if status.code in FLIGHT_BOUND else NOT_ONE_AIRPORT
            raise StatusError(line.where(3), wanted(value=repr(places)))
        if status.code != "DIS":
            status.airport = (status.departs if status.code in FLIGHT_BOUND else status.arrives) or ""
        elif len(places) == 6:
            status.airport = status.departs or ""
        rest = 4
        if status.code == "DIS":
            status.discrepancy = check_discrepancy(line.get(4, DISCREPANCY_CODE), line.where(4))
            rest = 5
        self._quantity(status, line.get(rest, THE_QUANTITY), line.where(rest))
        times = [(index, field.strip().upper()) for index, field in enumerate(line.fields) if index > rest]
        for order, (index, text) in enumerate(times):
            self._time(line, status, index, text, day=day, order=order)
        if status.code == "DIS" and status.at is None:
            raise StatusError(line.where(), DIS_WITHOUT_TIME())

    def _time(self, line: _Line, status: AirStatus, index: int, text: str, *, day: date, order: int) -> None:
        match = _TIME.match(text)
        if match is None:
            raise StatusError(line.where(index), NOT_A_TIME(value=repr(text)))
        kind, day_text, month, clock = match.groups()
        on = self._day(f"{day_text}{month}", line.where(index)) if day_text else day
        if status.code == "DIS":
            status.at = local(self._moment(on, clock, line.where(index)), status.airport)
            return
        arrival = status.code in ARRIVAL_BOUND or (status.code in ("BKD", "MAN", "PRE") and order == 1)
        side, airport = ("arrival", status.arrives) if arrival else ("departure", status.departs)
        moment = local(self._moment(on, clock, line.where(index)), airport)
        if arrival and not day_text and status.departs and status.times.get(f"{TIME_KINDS[kind]}_departure"):
            # An arrival earlier in the day than its departure lands the next day (or later, past the date line).
            while moment <= status.times[f"{TIME_KINDS[kind]}_departure"]:
                moment += timedelta(days=1)
        status.times[f"{TIME_KINDS[kind]}_{side}"] = moment

    def _station_line(self, line: _Line, status: AirStatus) -> None:
        first = 2 if line.code in CARRIER_FIRST else 1
        moment_text = line.get(first, DAY_AND_TIME)
        match = _MOMENT.match(moment_text)
        if match is None:
            raise StatusError(line.where(first), NOT_A_DAY_AND_TIME(value=repr(moment_text)))
        day = self._day(match.group(1) + match.group(2), line.where(first))
        status.airport = check_airport(line.get(first + 1, THE_AIRPORT), line.where(first + 1))
        status.at = local(self._moment(day, match.group(3), line.where(first)), status.airport)
        if len(line.fields) > first + 2 and line.fields[first + 2].strip():
            self._quantity(status, line.fields[first + 2].strip().upper(), line.where(first + 2))

    @staticmethod
    def _quantity(status: AirStatus, text: str, where: Wording) -> None:
        match = _QUANTITY.match(text)
        if match is None:
            raise StatusError(where, NOT_A_QUANTITY(value=repr(text)))
        shipment, pieces, unit, weight, total = match.groups()
        status.shipment, status.pieces = shipment, check_pieces(int(pieces), where)
        if weight is not None:
            status.weight, status.weight_unit = check_weight(float(weight), where), unit
        if total is not None:
            status.total_pieces = check_pieces(int(total), where)
        elif shipment == "T":
            status.total_pieces = status.pieces

    def _day(self, text: str, where: Wording) -> date:
        match = _DAY.match(text)
        if match is None or match.group(2) not in MONTHS:
            raise StatusError(where, NOT_A_DAY(value=repr(text)))
        latest = self.clock.now().date() + AHEAD
        candidates = []
        for year in (latest.year - 1, latest.year):
            try:
                candidates.append(date(year, MONTHS[match.group(2)], int(match.group(1))))
            except ValueError:
                continue
        if not candidates:
            raise StatusError(where, NOT_IN_CALENDAR(value=repr(text)))
        fitting = [day for day in candidates if day <= latest]
        return max(fitting) if fitting else min(candidates)

    @staticmethod
    def _moment(day: date, clock: str, where: Wording) -> datetime:
        hours, minutes = int(clock[:2]), int(clock[2:])
        if hours > 23 or minutes > 59:
            raise StatusError(where, NOT_A_TIME_OF_DAY(value=clock))
        return datetime.combine(day, time(hours, minutes))
