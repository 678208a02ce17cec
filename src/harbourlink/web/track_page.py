"""What the tracking page shows, built from ``tracking.TrackingView`` in the page's language.

The view is the API's answer; this module only arranges it for people: names for codes,
ages ("5 min ago"), the map and the reefer chart, the schedule with every source side by side
and a note when they disagree, and the ship's own AIS report of its arrival as one more source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from babel.dates import format_timedelta

from harbourlink.kernel import utcnow
from harbourlink.tracking import TrackingView
from harbourlink.web import track_air, track_chart, track_map
from harbourlink.web.labels import N_
from harbourlink.web.track_words import CUSTOMS_TONE, RELEASE_TONE, Words

AIS_SOURCE = N_("The ship's AIS report")
AIS_POSITIONS_SOURCE = N_("Estimated from the ship's AIS positions")
SPREAD = N_("The sources differ by up to %(duration)s.")
MARKER_LABEL = N_("%(vessel)s at %(position)s, %(age)s")
LOGGED = N_("In the ledger")
SCREEN_EVENTS = 100
"""Events listed on a tracking page's first screen (and on each page of earlier ones), newest first."""
READINGS = (("REEFER", "MEAS"),)
"""Readings every few minutes would bury the moves: each container's chart shows them, the list the rest."""
CLASSIFIER_RANK = {"ACT": 3, "EST": 2, "AIS": 1, "PLN": 0}
"""An actual beats an estimate, which beats the plan; among equals the newest news wins. The
ETA in a ship's AIS report is typed in by the crew and often stale, so a carrier's or a
terminal's estimate is believed first."""

EventView = Any
"""One of ``TrackingView.events``; the tracking package exports the whole view, not its parts."""


@dataclass(frozen=True)
class Stamp:
    """A time and how long ago it was, for ``<time data-age>`` that the script keeps current."""

    at: datetime
    age: str


@dataclass
class EstimateRow:
    classifier: str
    kind: str
    time: datetime
    source: str
    received: Stamp
    best: bool = False
    from_ais: bool = False

    @property
    def rank(self) -> int:
        return CLASSIFIER_RANK.get("AIS" if self.from_ais else self.classifier, 0)


@dataclass
class Stop:
    """One arrival or departure at a place, with every source's word on its time."""

    title: str
    code: str
    location: str | None
    facility: str | None
    vessel: str | None
    voyage: str | None
    rows: list[EstimateRow]
    spread: str | None = None
    """How far apart the sources' times are, when they disagree."""

    @property
    def best(self) -> EstimateRow | None:
        return next((row for row in self.rows if row.best), None)


@dataclass
class ContainerCard:
    number: str
    last_move: EventView | None
    release: Any
    release_tone: str
    holds: list[str]
    free_time_ends: datetime | None
    chart: track_chart.ReeferChart | None
    setpoint: float | None
    readings: list[Any]


@dataclass
class TrackPage:
    view: TrackingView
    matched: list[tuple[str, str, bool]]
    """Kind, number and whether it was reached through a link rather than typed."""
    stops: list[Stop]
    next_arrival: Stop | None
    containers: list[ContainerCard]
    vessel_map: track_map.VesselMap | None
    position: str | None
    position_age: Stamp | None
    marker_label: str | None
    timeline: list[EventView]
    readings_elsewhere: bool
    air: list[track_air.AirCard] = field(default_factory=list)
    logged: bool = False
    """Whether any event of the timeline is in the ledger (or queued for it), so the page explains the mark."""
    earlier: int | None = None
    """The store place the page of earlier events starts below, when the timeline goes on beyond this screen."""
    customs_tone: dict[str, str] = field(default_factory=lambda: dict(CUSTOMS_TONE))
    live: dict[str, str] = field(default_factory=dict)
    """What the page's script needs: the API address, the projection and its messages."""


def _stamp(words: Words, moment: datetime, seconds: int | None = None) -> Stamp:
    if seconds is None:
        seconds = int((utcnow() - moment).total_seconds())
    return Stamp(moment, words.age(max(seconds, 0)))


def _source(words: Words, estimate: Any) -> str:
    """Who said this time; AIS sources are named in the reader's language, with their note."""
    if not (estimate.from_ais or estimate.from_positions):
        return str(estimate.source)
    name = words.t(AIS_SOURCE if estimate.from_ais else AIS_POSITIONS_SOURCE)
    return f"{name} ({estimate.note})" if estimate.note else name


def _stops(words: Words, view: TrackingView) -> list[Stop]:
    stops = []
    for entry in view.schedule:
        rows = [
            EstimateRow(
                classifier=e.classifier,
                kind=words.code("classifier", e.classifier),
                time=e.time,
                source=_source(words, e),
                received=_stamp(words, e.received_at, e.age_seconds),
                from_ais=e.from_ais or e.from_positions,
            )
            for e in entry.estimates
        ]
        stops.append(
            Stop(
                title=words.event("TRANSPORT", entry.event_code),
                code=entry.event_code,
                location=entry.location,
                facility=entry.facility,
                vessel=entry.vessel_name,
                voyage=entry.voyage,
                rows=rows,
            )
        )
    return stops


def _judge(words: Words, stop: Stop) -> None:
    """Marks the row to believe and notes how far the sources disagree."""
    if not stop.rows:
        return
    best = max(stop.rows, key=lambda row: (row.rank, row.received.at))
    best.best = True
    times = [row.time for row in stop.rows if row.classifier != "PLN"] or [row.time for row in stop.rows]
    if max(times) != min(times):
        gap = format_timedelta(max(times) - min(times), threshold=2, locale=words.catalogue.language.locale)
        stop.spread = words.t(SPREAD, duration=gap)


def _containers(words: Words, view: TrackingView, time_label: Callable[[datetime], str]) -> list[ContainerCard]:
    cards = []
    for box in view.containers:
        release = box.release
        ends = datetime.fromisoformat(release.free_time_ends) if release and release.free_time_ends else None
        cards.append(
            ContainerCard(
                number=box.number,
                last_move=box.last_event,
                release=release,
                release_tone=RELEASE_TONE.get(release.status, "") if release else "",
                holds=[words.code("hold", hold) for hold in release.holds] if release else [],
                free_time_ends=ends,
                chart=track_chart.draw(box.readings, box.setpoint, time_label),
                setpoint=box.setpoint,
                readings=list(reversed(box.readings)),
            )
        )
    return cards


def _matched(view: TrackingView) -> list[tuple[str, str, bool]]:
    return [(m.kind, m.value, m.value != view.reference) for m in view.matched]


def _screen(view: TrackingView, places: dict[str, int], *, window_full: bool) -> tuple[list[EventView], int | None]:
    """The newest events of the timeline for the first screen (newest stored, shown by time), and the store
    place the earlier ones start below, if there are any."""
    listed = sorted(
        (e for e in view.events if (e.event_type, e.event_code) not in READINGS),
        key=lambda e: places[e.id],
        reverse=True,
    )
    shown = listed[:SCREEN_EVENTS]
    if len(listed) <= SCREEN_EVENTS and not window_full:
        before = None
    else:
        before = min(places[e.id] for e in (shown or view.events))
    return sorted(shown, key=lambda e: (e.event_time, places[e.id]), reverse=True), before


def build(
    words: Words, view: TrackingView, *, api_url: str, places: dict[str, int] | None = None, window_full: bool = False
) -> TrackPage:
    """The page's content for one tracked reference; with ``places`` (each event's place in the store), its
    first screen only: the newest events, and where the earlier ones start when ``window_full`` or more
    than a screen's worth were read."""
    stops = _stops(words, view)
    for stop in stops:
        _judge(words, stop)
    arrivals = [s for s in stops if s.code == "ARRI" and s.best is not None]
    upcoming = [s for s in arrivals if s.best and s.best.classifier != "ACT"]
    next_arrival = (upcoming or arrivals)[0] if arrivals else None
    vessel_map, position, age, label = None, None, None, None
    live = {"api": api_url, "events": str(len(view.events)), "last": view.events[-1].id if view.events else ""}
    if view.vessel is not None and view.vessel.position is not None:
        here = view.vessel.position
        track = [(lon, lat) for lat, lon in view.vessel.track]
        vessel_map = track_map.draw((here.longitude, here.latitude), track, here.course)
        position = words.position(here.latitude, here.longitude)
        age = _stamp(words, here.at, here.age_seconds)
        label = words.t(MARKER_LABEL, vessel=view.vessel.name or view.vessel.imo, position=position, age=age.age)
    live["marker-label"] = words.t(MARKER_LABEL, vessel="{vessel}", position="{position}", age="{age}")
    live.update({f"age-{key}": text for key, text in words.age_templates().items()})
    live.update({f"hemisphere-{key}": text for key, text in words.hemispheres().items()})
    live["ledger-logged"] = words.t(LOGGED)

    def time_label(moment: datetime) -> str:
        return words.catalogue.format_datetime(moment, "d/M HH:mm")

    if places is None:
        timeline, earlier = [e for e in reversed(view.events) if (e.event_type, e.event_code) not in READINGS], None
    else:
        timeline, earlier = _screen(view, places, window_full=window_full)
    return TrackPage(
        view=view,
        matched=_matched(view),
        stops=stops,
        next_arrival=next_arrival,
        containers=_containers(words, view, time_label),
        vessel_map=vessel_map,
        position=position,
        position_age=age,
        marker_label=label,
        live=live,
        timeline=timeline,
        readings_elsewhere=any((e.event_type, e.event_code) in READINGS for e in view.events),
        air=track_air.build(words, view.air, view.linked_house_awbs),
        logged=any(e.ledger is not None for e in timeline),
        earlier=earlier,
    )
