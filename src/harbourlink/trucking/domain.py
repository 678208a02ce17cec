"""Pure rules of trucking: a trip's states, one position fix and its checks, the arrival estimate.

No I/O here: times come in with the fixes, and "now" is passed by the caller.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import pairwise


class TripStatus(StrEnum):
    """A trip is planned (a job for a driver), started at pickup, finished at the warehouse's receipt."""

    PLANNED = "planned"
    STARTED = "started"
    FINISHED = "finished"


class Source(StrEnum):
    """Where a position came from: the driver's phone (the trip API) or a tracker of the vehicle (OsmAnd)."""

    PHONE = "phone"
    DEVICE = "device"


KNOTS_TO_KMH = 1.852
MPS_TO_KMH = 3.6
EARTH_RADIUS_KM = 6371.0
MAX_SPEED_KMH = 250.0
"""Faster than any truck: a value above it is a unit mistake, refused with its name."""

TIME_SLACK = timedelta(minutes=5)
"""A phone's clock may be off a little: a fix this far before the start, after the end or in the future still
counts; further off, it is refused."""


@dataclass(frozen=True, slots=True)
class Fix:
    """One position of a truck, at the time the phone or tracker took it. Speeds in km/h."""

    at: datetime
    latitude: float
    longitude: float
    accuracy_m: float | None = None
    speed_kmh: float | None = None
    heading: float | None = None
    altitude_m: float | None = None
    battery_percent: float | None = None


def _finite(value: float | None) -> bool:
    return value is None or math.isfinite(value)


FIELDS = {
    "latitude": "lat",
    "longitude": "lon",
    "accuracy_m": "accuracy",
    "speed_kmh": "speed",
    "heading": "heading",
    "altitude_m": "altitude",
    "battery_percent": "battery",
}
"""A fix's fields by the names the APIs give them, for error messages."""


def check_fix(fix: Fix, *, now: datetime) -> list[tuple[str, str]]:
    """What is wrong with a fix, as (field, problem) by the APIs' field names; empty when it can be stored."""
    problems = [
        (name, "is not a finite number") for attribute, name in FIELDS.items() if not _finite(getattr(fix, attribute))
    ]
    if problems:
        return problems
    if not -90 <= fix.latitude <= 90:
        problems.append(("lat", f"{fix.latitude} is outside -90 to 90"))
    if not -180 <= fix.longitude <= 180:
        problems.append(("lon", f"{fix.longitude} is outside -180 to 180"))
    if fix.latitude == 0 and fix.longitude == 0:
        problems.append(("lat", "0, 0 is what a receiver without a fix reports, not a truck's position"))
    if fix.accuracy_m is not None and fix.accuracy_m < 0:
        problems.append(("accuracy", "is negative"))
    if fix.speed_kmh is not None and not 0 <= fix.speed_kmh <= MAX_SPEED_KMH:
        problems.append(("speed", f"{fix.speed_kmh:.1f} km/h is outside 0 to {MAX_SPEED_KMH:.0f} km/h"))
    if fix.heading is not None and not 0 <= fix.heading <= 360:
        problems.append(("heading", f"{fix.heading} is outside 0 to 360 degrees"))
    if fix.battery_percent is not None and not 0 <= fix.battery_percent <= 100:
        problems.append(("battery", f"{fix.battery_percent} is outside 0 to 100 %"))
    if fix.at.tzinfo is None:
        problems.append(("time", "has no time zone"))
    elif fix.at > now + TIME_SLACK:
        problems.append(("time", f"{fix.at.isoformat()} is in the future"))
    return problems


def outside_trip(at: datetime, *, started_at: datetime | None, finished_at: datetime | None) -> str | None:
    """Why a fix taken at ``at`` is not the trip's (before it started or after it ended), or None."""
    if started_at is not None and at < started_at - TIME_SLACK:
        return f"{at.isoformat()} is before the trip started ({started_at.isoformat()})"
    if finished_at is not None and at > finished_at + TIME_SLACK:
        return f"{at.isoformat()} is after the trip ended ({finished_at.isoformat()})"
    return None


def device_digest(device_id: str) -> str:
    """How a device id is kept: its SHA-256, so a stolen database holds no usable tracker credentials."""
    return hashlib.sha256(device_id.encode()).hexdigest()


# The arrival estimate. A ROUGH ESTIMATE, NOT A ROUTE: the straight line from the latest position to
# the destination, lengthened by ROAD_FACTOR for the roads' detours, over the truck's recent speed.
ROAD_FACTOR = 1.3
"""Roads in Hong Kong wind round hills and harbour: an assumed 1.3 times the straight line (not measured)."""
RECENT = timedelta(minutes=15)
MIN_SPEED_KMH = 5.0
"""Slower than this, recently and over the whole trip, the truck is waiting: no estimate is given."""
ARRIVED_WITHIN_KM = 0.2


@dataclass(frozen=True, slots=True)
class Arrival:
    arrival: datetime
    distance_km: float
    """Left to drive, by the road factor."""
    speed_kmh: float


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle (haversine) distance between two (latitude, longitude) points."""
    lat1, lat2 = math.radians(a[0]), math.radians(b[0])
    east = math.radians(b[1] - a[1])
    half = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(east / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(half)))


def _path_km(fixes: Sequence[Fix]) -> float:
    return sum(distance_km((a.latitude, a.longitude), (b.latitude, b.longitude)) for a, b in pairwise(fixes))


def _speed(fixes: Sequence[Fix]) -> float | None:
    """km/h along the fixes over the time they span (a minute or more, and no faster than a truck goes);
    else the mean of the speeds they report."""
    span = (fixes[-1].at - fixes[0].at).total_seconds() if fixes else 0
    if span >= 60:
        travelled = _path_km(fixes) / (span / 3600)
        if travelled <= MAX_SPEED_KMH:
            return travelled
    reported = [f.speed_kmh for f in fixes if f.speed_kmh is not None]
    return sum(reported) / len(reported) if reported else None


def estimate_arrival(fixes: Sequence[Fix], destination: tuple[float, float]) -> Arrival | None:
    """When the truck would reach ``destination`` (latitude, longitude); ``fixes`` oldest first.

    The speed is the recent one (the last ``RECENT`` of fixes); when the truck stands in traffic,
    its average over the whole trip; below ``MIN_SPEED_KMH`` both ways, no estimate.
    """
    if not fixes:
        return None
    latest = fixes[-1]
    straight = distance_km((latest.latitude, latest.longitude), destination)
    recent = [f for f in fixes if f.at >= latest.at - RECENT]
    speed = _speed(recent)
    if speed is None or speed < MIN_SPEED_KMH:
        speed = _speed(fixes)
    if straight <= ARRIVED_WITHIN_KM:
        return Arrival(latest.at, 0.0, speed or 0.0)
    if speed is None or speed < MIN_SPEED_KMH:
        return None
    road = straight * ROAD_FACTOR
    return Arrival(latest.at + timedelta(hours=road / speed), road, speed)
