"""The air section of the tracking page: each air waybill's route, flights and statuses for people.

The view (``tracking.AirWaybillView``) is the API's answer; here airports get their names in the
page's language, times are written in each airport's own local time (as airlines and airports
state them, with the airport's code beside them), and each flight says how late it left or
landed against its plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from babel.dates import format_datetime

from harbourlink.references import find_airport
from harbourlink.web.alert_figures import duration
from harbourlink.web.labels import N_
from harbourlink.web.track_words import Words

LATE = N_("%(duration)s late")
EARLY_OR_ON_TIME = N_("On time")
STATUS_TONE = {"DLV": "ok", "DDL": "ok", "NFD": "ok", "DIS": "bad"}
LATE_AFTER_MINUTES = 15
"""A flight within a quarter of an hour of its plan is on time, as airlines count punctuality."""


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    """The airport's name in the page's language; its code when the bundled list does not know it."""


@dataclass(frozen=True)
class Moment:
    at: datetime
    text: str
    """In the airport's local time."""


@dataclass
class FlightSide:
    """A departure or an arrival: where, and the planned, estimated and actual times."""

    place: Place | None
    planned: Moment | None
    estimated: Moment | None
    actual: Moment | None
    late: str | None = None
    tone: str = ""


@dataclass
class FlightCard:
    flight: str
    departure: FlightSide
    arrival: FlightSide
    booked_pieces: int | None
    departed_pieces: int | None


@dataclass
class StatusLine:
    what: str
    code: str
    classifier: str
    tone: str
    moment: Moment
    place: Place | None
    facts: list[str]
    source: str
    discrepancy: str | None = None
    kind: str | None = None
    """'Planned' or 'Estimated' for a status whose time is not yet what happened (a booking's departure)."""


@dataclass
class AirCard:
    awb: str
    display: str
    origin: Place | None
    destination: Place | None
    load: str | None
    houses: list[str]
    latest: StatusLine | None
    flights: list[FlightCard] = field(default_factory=list)
    statuses: list[StatusLine] = field(default_factory=list)


def place(words: Words, code: str | None) -> Place | None:
    if not code:
        return None
    airport = find_airport(code)
    return Place(code, airport.name(words.catalogue.language.code) if airport else code)


def moment(words: Words, at: datetime | None, airport: str | None) -> Moment | None:
    """A time as the airport states it: in its own time zone (Hong Kong time for an unknown airport)."""
    if at is None:
        return None
    known = find_airport(airport)
    zone = known.time_zone if known else None
    if zone is None:
        return Moment(at, words.catalogue.format_datetime(at, "short"))
    return Moment(at, format_datetime(at, format="short", tzinfo=zone, locale=words.catalogue.language.locale))


def load(words: Words, pieces: int | None, weight: float | None, unit: str | None) -> str | None:
    """'12 pieces · 385.5 kg'."""
    parts = []
    if pieces is not None:
        parts.append(words.t(N_("%(count)s pieces"), count=pieces))
    if weight is not None:
        parts.append(f"{weight:g} {'lb' if unit == 'L' else 'kg'}")
    return " · ".join(parts) or None


def _side(words: Words, flight: Any, side: str, code: str | None) -> FlightSide:
    view = FlightSide(
        place=place(words, code),
        planned=moment(words, getattr(flight, f"planned_{side}"), code),
        estimated=moment(words, getattr(flight, f"estimated_{side}"), code),
        actual=moment(words, getattr(flight, f"actual_{side}"), code),
    )
    compared = view.actual or view.estimated
    if view.planned is not None and compared is not None:
        minutes = (compared.at - view.planned.at).total_seconds() / 60
        if minutes >= LATE_AFTER_MINUTES:
            view.late, view.tone = words.t(LATE, duration=duration(words.catalogue, minutes)), "bad"
        else:
            view.late, view.tone = words.t(EARLY_OR_ON_TIME), "ok"
    return view


def _status(words: Words, status: Any) -> StatusLine:
    facts = [
        fact
        for fact in (
            status.flight,
            load(words, status.pieces, status.weight, status.weight_unit),
            status.house and words.t(N_("House air waybill %(number)s"), number=status.house),
        )
        if fact
    ]
    discrepancy = words.code("discrepancy", status.discrepancy) if status.discrepancy else None
    return StatusLine(
        what=words.event("AIR", status.code),
        code=status.code,
        classifier=status.classifier,
        tone=STATUS_TONE.get(status.code, ""),
        moment=moment(words, status.at, status.airport) or Moment(status.at, ""),
        place=place(words, status.airport),
        facts=facts,
        source=status.source,
        discrepancy=discrepancy,
        kind=None if status.classifier == "ACT" else words.code("classifier", status.classifier),
    )


def build(words: Words, waybills: list[Any], linked_houses: list[str]) -> list[AirCard]:
    """The page's air cards, one per air waybill of the view; ``linked_houses``: the house air waybills
    linked to them that the viewer may see."""
    cards = []
    for waybill in waybills:
        cards.append(
            AirCard(
                awb=waybill.awb,
                display=waybill.display,
                origin=place(words, waybill.origin),
                destination=place(words, waybill.destination),
                load=load(words, waybill.pieces, waybill.weight, waybill.weight_unit),
                houses=sorted(set(waybill.houses) | set(linked_houses)),
                latest=_status(words, waybill.latest) if waybill.latest else None,
                flights=[
                    FlightCard(
                        flight=f.flight,
                        departure=_side(words, f, "departure", f.departs),
                        arrival=_side(words, f, "arrival", f.arrives),
                        booked_pieces=f.booked_pieces,
                        departed_pieces=f.departed_pieces,
                    )
                    for f in waybill.flights
                ],
                statuses=[_status(words, s) for s in reversed(waybill.statuses)],
            )
        )
    return cards
