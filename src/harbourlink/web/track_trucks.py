"""The trucks of a tracking page: each trip carrying the tracked cargo, on a street-scale map with its trail.

A trip shows when the viewer may see its cargo (``trucking.trips_about``, with the numbers the
search presented). The page's script (``static/track.js``) listens to each trip's stream and moves
the truck, its trail and its arrival estimate without a reload; it formats nothing of its own
but times, and takes every word from the card's data attributes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote, urlencode

from sqlalchemy.orm import Session

from harbourlink import trucking
from harbourlink.kernel import Actor
from harbourlink.tracking import Found
from harbourlink.web import track_map
from harbourlink.web.labels import N_
from harbourlink.web.track_words import Words

STATUS = {"planned": N_("Not started"), "started": N_("On the road"), "finished": N_("Delivered")}
STATUS_TONE = {"planned": "", "started": "warn", "finished": "ok"}
ARRIVES = N_("Arrives at %(place)s about %(time)s")
ARRIVES_NO_PLACE = N_("Arrives about %(time)s")
TO_GO = N_("%(distance)s km to go at %(speed)s km/h")
SPEED = N_("%(speed)s km/h")
DELIVERED = N_("Delivered %(time)s")
MARKER = N_("Truck %(vehicle)s at %(position)s, %(age)s")
TRAIL = 300


@dataclass
class TruckCard:
    trip: trucking.TripRead
    status: str
    tone: str
    map: track_map.VesselMap | None
    position: str | None
    age: str | None
    speed: str | None
    arrives: str | None
    to_go: str | None
    marker: str | None
    picked_up: str | None
    delivered: str | None
    stream: str
    words: dict[str, str] = field(default_factory=dict)
    """What the page's script fills in, in the page's language (``{time}`` and the like where values go)."""


def _time(words: Words, moment: datetime) -> str:
    return words.catalogue.format_datetime(moment, "HH:mm")


def _arrives(words: Words, trip: trucking.TripRead, time: str) -> str:
    place = trip.destination.name if trip.destination else None
    return words.t(ARRIVES, place=place, time=time) if place else words.t(ARRIVES_NO_PLACE, time=time)


def card(words: Words, trip: trucking.TripRead, *, now: datetime) -> TruckCard:
    """One truck as the tracking page draws it."""
    here = trip.position
    destination = (trip.destination.longitude, trip.destination.latitude) if trip.destination else None
    drawn = position = age = speed = marker = None
    if here is not None:
        drawn = track_map.draw_route(
            (here.lon, here.lat), [(p.lon, p.lat) for p in trip.positions], here.heading, destination
        )
        position = words.position(here.lat, here.lon)
        age = words.age(max(int((now - here.time).total_seconds()), 0))
        speed = words.t(SPEED, speed=f"{here.speed_kmh:.0f}") if here.speed_kmh is not None else None
        marker = words.t(MARKER, vehicle=trip.vehicle, position=position, age=age)
    arrives = to_go = None
    if trip.eta is not None:
        arrives = _arrives(words, trip, _time(words, trip.eta.arrival))
        to_go = words.t(TO_GO, distance=f"{trip.eta.distance_km:.1f}", speed=f"{trip.eta.speed_kmh:.0f}")
    stream = f"/api/v1/trips/{quote(trip.id, safe='')}/stream?{urlencode({'reference': trip.reference})}"
    live = {
        "status-planned": words.t(STATUS["planned"]),
        "status-started": words.t(STATUS["started"]),
        "status-finished": words.t(STATUS["finished"]),
        "arrives": _arrives(words, trip, "{time}"),
        "to-go": words.t(TO_GO, distance="{distance}", speed="{speed}"),
        "speed": words.t(SPEED, speed="{speed}"),
        "delivered": words.t(DELIVERED, time="{time}"),
        "marker": words.t(MARKER, vehicle=trip.vehicle, position="{position}", age="{age}"),
    }
    return TruckCard(
        trip=trip,
        status=words.t(STATUS.get(trip.status, trip.status)),
        tone=STATUS_TONE.get(trip.status, ""),
        map=drawn,
        position=position,
        age=age,
        speed=speed,
        arrives=arrives,
        to_go=to_go,
        marker=marker,
        stream=stream,
        words=live,
        picked_up=_time(words, trip.started_at) if trip.started_at else None,
        delivered=words.t(DELIVERED, time=_time(words, trip.finished_at)) if trip.finished_at else None,
    )


def cards(session: Session, actor: Actor, found: Found, words: Words, *, now: datetime) -> list[TruckCard]:
    """The trucks carrying what the page tracks (its numbers, and the boxes and bookings they lead to)."""
    trips = trucking.trips_about(session, found.scope, set(found.matched) | found.scope.held)
    return [card(words, trucking.describe(session, actor, trip, limit=TRAIL), now=now) for trip in trips]
