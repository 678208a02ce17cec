"""Pure rules of e-lock trips: the route's geometry, the control points' geofences, the custody state machine.

Geometry is done in a local metric plane (an equirectangular projection about the route's first point):
across the 60 km from Chek Lap Kok to Shenzhen its error is well under a metre per kilometre, far
below GPS noise, and it needs no projection library. Shapely does the distances and containment.

Custody, after the Single E-lock Scheme (seed 002): the lock is sealed at the origin once cleared;
it **locks** when the truck leaves the origin (HK customs supervises), **unlocks** on arrival at the
Hong Kong exit control point, **locks** again entering the mainland control point (mainland customs
supervises) and **unlocks** at the destination. Each change records what triggered it: the position
that entered or left a geofence, or the lock's own event. No I/O here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from shapely import LineString, Point, Polygon, prepared

EARTH_RADIUS_M = 6_371_008.8


class TripState(StrEnum):
    """Where a trip is in its custody: each state after the first belongs to one customs authority's segment."""

    APPROVED = "approved"
    """Approved by HK customs, sealed at the origin, not yet left."""
    HK_TRANSIT = "hk_transit"
    """Locked, on its way to the Hong Kong exit point under HK customs."""
    AT_HK_EXIT = "at_hk_exit"
    """Unlocked at the Hong Kong exit point; crossing the boundary."""
    MAINLAND_TRANSIT = "mainland_transit"
    """Locked again at the mainland entry point, under mainland customs."""
    ARRIVED = "arrived"
    """Unlocked at the destination."""


class Segment(StrEnum):
    """Whose supervision a moment of the trip falls under."""

    HK = "hk"
    MAINLAND = "mainland"


class LockState(StrEnum):
    LOCKED = "locked"
    UNLOCKED = "unlocked"


SEGMENT_OF: dict[TripState, Segment] = {
    TripState.APPROVED: Segment.HK,
    TripState.HK_TRANSIT: Segment.HK,
    TripState.AT_HK_EXIT: Segment.HK,
    TripState.MAINLAND_TRANSIT: Segment.MAINLAND,
    TripState.ARRIVED: Segment.MAINLAND,
}
"""HK customs supervises until the lock closes at the mainland point; what happens on the bridge between the two
control points is still Hong Kong's record."""

LOCK_OF: dict[TripState, LockState] = {
    TripState.APPROVED: LockState.UNLOCKED,
    TripState.HK_TRANSIT: LockState.LOCKED,
    TripState.AT_HK_EXIT: LockState.UNLOCKED,
    TripState.MAINLAND_TRANSIT: LockState.LOCKED,
    TripState.ARRIVED: LockState.UNLOCKED,
}


@dataclass(frozen=True)
class LocalFrame:
    """Metres east and north of an origin point: equirectangular, good over tens of kilometres."""

    lon0: float
    lat0: float

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        scale = math.radians(1) * EARTH_RADIUS_M
        return ((lon - self.lon0) * scale * math.cos(math.radians(self.lat0)), (lat - self.lat0) * scale)

    def lonlat(self, x: float, y: float) -> tuple[float, float]:
        scale = math.radians(1) * EARTH_RADIUS_M
        return (self.lon0 + x / (scale * math.cos(math.radians(self.lat0))), self.lat0 + y / scale)


@dataclass(frozen=True)
class Geofence:
    """A control point or place: a circle about a point."""

    name: str
    lon: float
    lat: float
    radius_m: float


@dataclass
class Route:
    """An approved route: a corridor of ``half_width_m`` either side of a line, known GNSS-denied areas
    (tunnels, covered decks), and the four places of the trip. Coordinates are [lon, lat]."""

    line: list[tuple[float, float]]
    half_width_m: float
    gnss_denied: list[list[tuple[float, float]]]
    origin: Geofence
    hk_exit: Geofence
    mainland_entry: Geofence
    destination: Geofence
    frame: LocalFrame = field(init=False)
    _line: LineString = field(init=False, repr=False)
    _denied: list[prepared.PreparedGeometry] = field(init=False, repr=False)  # type: ignore[type-arg]
    _denied_areas: list[Polygon] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.frame = LocalFrame(*self.line[0])
        self._line = LineString([self.frame.xy(lon, lat) for lon, lat in self.line])
        self._denied_areas = [Polygon([self.frame.xy(lon, lat) for lon, lat in ring]) for ring in self.gnss_denied]
        self._denied = [prepared.prep(area) for area in self._denied_areas]

    def offset_m(self, lon: float, lat: float) -> float:
        """How far the point is from the route's line, in metres."""
        return float(self._line.distance(Point(self.frame.xy(lon, lat))))

    def outside_m(self, lon: float, lat: float) -> float:
        """How far beyond the corridor's edge the point is (negative: inside the corridor)."""
        return self.offset_m(lon, lat) - self.half_width_m

    def denied(self, lon: float, lat: float) -> bool:
        """True inside a known GNSS-denied stretch, where positions are not to be trusted."""
        point = Point(self.frame.xy(lon, lat))
        return any(area.contains(point) for area in self._denied)

    def denied_within(self, lon: float, lat: float, distance_m: float) -> bool:
        """True within ``distance_m`` of a known GNSS-denied stretch (the last fix before a tunnel is outside it)."""
        point = Point(self.frame.xy(lon, lat))
        return any(area.distance(point) <= distance_m for area in self._denied_areas)

    def inside(self, fence: Geofence, lon: float, lat: float) -> bool:
        x, y = self.frame.xy(lon, lat)
        cx, cy = self.frame.xy(fence.lon, fence.lat)
        return math.hypot(x - cx, y - cy) <= fence.radius_m


class Trigger(StrEnum):
    LEFT_ORIGIN = "left_origin"
    ARRIVED_HK_EXIT = "arrived_hk_exit"
    ENTERED_MAINLAND = "entered_mainland"
    ARRIVED_DESTINATION = "arrived_destination"
    LOCK_EVENT = "lock_event"
    """The lock reported it was locked (``Event-Lock``) where the plan says it locks."""
    UNLOCK_EVENT = "unlock_event"
    """The lock reported a remote unlock (``Event-RC-Unlock``) where the plan says it unlocks."""


@dataclass(frozen=True)
class Transition:
    """A change of custody and what caused it."""

    before: TripState
    after: TripState
    trigger: Trigger
    at: datetime
    lon: float | None = None
    lat: float | None = None

    @property
    def lock(self) -> LockState:
        return LOCK_OF[self.after]


_PLAN: dict[TripState, tuple[TripState, str, bool, Trigger, Trigger]] = {
    # state: (next state, geofence, leaving it (True) or entering, trigger by position, trigger by lock event)
    TripState.APPROVED: (TripState.HK_TRANSIT, "origin", True, Trigger.LEFT_ORIGIN, Trigger.LOCK_EVENT),
    TripState.HK_TRANSIT: (TripState.AT_HK_EXIT, "hk_exit", False, Trigger.ARRIVED_HK_EXIT, Trigger.UNLOCK_EVENT),
    TripState.AT_HK_EXIT: (
        TripState.MAINLAND_TRANSIT,
        "mainland_entry",
        False,
        Trigger.ENTERED_MAINLAND,
        Trigger.LOCK_EVENT,
    ),
    TripState.MAINLAND_TRANSIT: (
        TripState.ARRIVED,
        "destination",
        False,
        Trigger.ARRIVED_DESTINATION,
        Trigger.UNLOCK_EVENT,
    ),
}


def fence_of(route: Route, name: str) -> Geofence:
    fences = {
        "origin": route.origin,
        "hk_exit": route.hk_exit,
        "mainland_entry": route.mainland_entry,
        "destination": route.destination,
    }
    return fences[name]


def step_position(route: Route, state: TripState, *, at: datetime, lon: float, lat: float) -> Transition | None:
    """The custody change a position causes, if any: leaving the origin, or entering the next control point."""
    if state not in _PLAN:
        return None
    after, fence, leaving, trigger, _ = _PLAN[state]
    inside = route.inside(fence_of(route, fence), lon, lat)
    if inside == leaving:
        return None
    return Transition(state, after, trigger, at, lon, lat)


def step_lock_event(
    route: Route, state: TripState, *, locked: bool, at: datetime, lon: float | None, lat: float | None
) -> Transition | None:
    """The custody change the lock's own lock or unlock event causes: only the one the plan expects next,
    and, when the event has a position, only at the place the plan puts it (a lock unlocked on the road is
    tampering, not custody)."""
    if state not in _PLAN:
        return None
    after, fence, _, _, trigger = _PLAN[state]
    if LOCK_OF[after] is not (LockState.LOCKED if locked else LockState.UNLOCKED):
        return None
    if lon is not None and lat is not None and not locked and not route.inside(fence_of(route, fence), lon, lat):
        return None
    return Transition(state, after, trigger, at, lon, lat)


def in_any_geofence(route: Route, lon: float, lat: float) -> bool:
    return any(
        route.inside(fence, lon, lat)
        for fence in (route.origin, route.hk_exit, route.mainland_entry, route.destination)
    )


def is_tamper(*, lock: LockState, in_geofence: bool | None) -> bool:
    """A door, shock or drop event is tampering while locked and not at a known place (a place unknown for lack of
    a fix counts as outside: the lock is sealed, so someone should look)."""
    return lock is LockState.LOCKED and not in_geofence
