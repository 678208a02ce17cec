"""The supervision rules besides the route: unplanned stops, silence, a flat battery, lateness. Pure: no I/O, no clock.

* **Unplanned stop**: fixes in a row all within ``stop_radius_m`` of the first of them, spanning at least
  ``stop_after``, the first of them outside every geofence (handling at a control point is planned) and
  outside the GNSS-denied stretches (a queue in a tunnel shows as a stop of scattered fixes). It ends at
  the first fix farther away. Worked out again from the fixes in time order, like deviations, so a late
  fix moves a stop's end instead of doubling it.
* **Signal lost**: nothing heard from the lock for ``silent_after`` while it is sealed on the road,
  unless its last fix was near a known GNSS-denied stretch: a tunnel gets ``tunnel_grace`` more.
* **Low battery**: the lock's own voltage below ``low_battery_v``; it ends ``battery_back_v`` higher,
  so a voltage sagging and recovering around the threshold does not flap.
* **Late**: not at the Hong Kong exit point by its expected time plus ``late_margin``, or not at the
  destination by its.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from harbourlink.elock.domain import Route, in_any_geofence


@dataclass(frozen=True)
class Limits:
    stop_after: timedelta = timedelta(minutes=10)
    stop_radius_m: float = 50.0
    silent_after: timedelta = timedelta(minutes=5)
    tunnel_grace: timedelta = timedelta(minutes=15)
    tunnel_near_m: float = 500.0
    """A fix this close to a GNSS-denied stretch may be the last before the lock went under it."""
    low_battery_v: float = 3.6
    battery_back_v: float = 0.1
    late_margin: timedelta = timedelta(minutes=30)


@dataclass(frozen=True)
class Point:
    at: datetime
    lon: float
    lat: float


@dataclass(frozen=True)
class Stop:
    """A truck standing still where no stop is planned: from its first fix there, to the first fix that left."""

    started_at: datetime
    confirmed_at: datetime
    ended_at: datetime | None
    lon: float
    lat: float

    @property
    def minutes(self) -> int:
        return int(((self.ended_at or self.confirmed_at) - self.started_at).total_seconds() // 60)


def stops(route: Route, fixes: list[Point], limits: Limits) -> list[Stop]:
    """The unplanned stops among fixes given in time order."""
    found: list[Stop] = []
    anchor = 0
    for n in range(1, len(fixes) + 1):
        if n < len(fixes) and _within(route, fixes[anchor], fixes[n], limits.stop_radius_m):
            continue
        last = fixes[n - 1]
        first = fixes[anchor]
        if last.at - first.at >= limits.stop_after and _unplanned(route, first):
            confirmed = next(f.at for f in fixes[anchor:n] if f.at - first.at >= limits.stop_after)
            found.append(Stop(first.at, confirmed, fixes[n].at if n < len(fixes) else None, first.lon, first.lat))
        anchor = n
    return found


def _within(route: Route, a: Point, b: Point, radius_m: float) -> bool:
    ax, ay = route.frame.xy(a.lon, a.lat)
    bx, by = route.frame.xy(b.lon, b.lat)
    return math.hypot(ax - bx, ay - by) <= radius_m


def _unplanned(route: Route, where: Point) -> bool:
    return not in_any_geofence(route, where.lon, where.lat) and not route.denied(where.lon, where.lat)


def silence_allowed(route: Route, last_fix: Point | None, limits: Limits) -> timedelta:
    """How long the lock may be silent after its last report before the signal counts as lost."""
    if last_fix is not None and route.denied_within(last_fix.lon, last_fix.lat, limits.tunnel_near_m):
        return limits.silent_after + limits.tunnel_grace
    return limits.silent_after


def battery_low(volts: float, *, low_now: bool, limits: Limits) -> bool:
    """Whether the battery counts as low after this reading (0 or less: the lock did not say)."""
    if volts <= 0:
        return low_now
    if low_now:
        return volts < limits.low_battery_v + limits.battery_back_v
    return volts < limits.low_battery_v
