"""Generated e-lock traces for testing and measuring the deviation detector. Pure and seeded: the same seed
gives the same trace.

A trace is a truck driving its route at a steady speed with one fix every ``interval_s``, spoiled the ways
real ones are: GPS jitter; multipath jumps (a fix or two hundreds of metres off, often claiming to be
accurate); no fix at all inside GNSS-denied stretches and a poor one just after; fixes that reach the
server late (minutes, after a network gap) and so out of order. A deviating trace leaves the route at a
chosen moment, drives parallel to it ``offset_m`` beyond the corridor's edge for ``duration_s``, and
comes back.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from shapely import LineString

from harbourlink.elock.domain import Geofence, Route

SEED_ROUTE_LINE: list[tuple[float, float]] = [
    (113.9385, 22.3060),  # Hong Kong International Airport, the air cargo terminals
    (113.9700, 22.3180),
    (114.0100, 22.3350),
    (114.0500, 22.3480),  # North Lantau Highway, towards the Tsing Ma Bridge
    (114.0740, 22.3520),
    (114.0800, 22.3750),  # Ting Kau
    (114.0600, 22.3950),  # Tai Lam Tunnel, south portal
    (114.0500, 22.4350),  # Tai Lam Tunnel, north portal
    (114.0450, 22.4500),  # Yuen Long
    (114.0700, 22.4950),  # San Tin
    (114.0740, 22.5085),  # Lok Ma Chau control point
    (114.0805, 22.5230),  # Huanggang port
    (114.0000, 22.5500),
    (113.9000, 22.5800),
    (113.8300, 22.6250),
    (113.8110, 22.6390),  # Shenzhen Bao'an airport
]
"""The seed's trip, airport → Lok Ma Chau → Huanggang → Shenzhen airport, as a rough line of the roads."""
SEED_TUNNEL: list[tuple[float, float]] = [
    (114.0560, 22.3960),
    (114.0650, 22.3960),
    (114.0550, 22.4350),
    (114.0460, 22.4350),
]
"""Around the Tai Lam Tunnel, where no fix comes."""
SEED_HALF_WIDTH_M = 150.0


def seed_route() -> Route:
    return Route(
        line=SEED_ROUTE_LINE,
        half_width_m=SEED_HALF_WIDTH_M,
        gnss_denied=[SEED_TUNNEL],
        origin=Geofence("HKIA air cargo", 113.9385, 22.3060, 400.0),
        hk_exit=Geofence("Lok Ma Chau control point", 114.0740, 22.5085, 300.0),
        mainland_entry=Geofence("Huanggang port", 114.0805, 22.5230, 300.0),
        destination=Geofence("Shenzhen airport", 113.8110, 22.6390, 400.0),
    )


@dataclass(frozen=True)
class TraceFix:
    at: datetime
    """When the lock took the fix."""
    arrives: datetime
    """When the server gets it."""
    lon: float
    lat: float
    accuracy_m: float
    true_outside_m: float
    """How far beyond the corridor's edge the truck really was (negative: inside)."""


@dataclass(frozen=True)
class Deviation:
    start_s: float
    """Seconds after the trace's start when the truck leaves the route."""
    duration_s: float
    offset_m: float
    """How far beyond the corridor's edge it drives."""


@dataclass(frozen=True)
class Spoilers:
    jitter_m: float = 6.0
    multipath_rate: float = 0.01
    multipath_m: tuple[float, float] = (150.0, 700.0)
    late_rate: float = 0.05
    late_s: tuple[float, float] = (30.0, 300.0)
    ramp_s: float = 20.0
    """How long leaving (and rejoining) the route takes."""


def trace(
    route: Route,
    *,
    seed: int,
    start: datetime,
    speed_kmh: float = 60.0,
    interval_s: float = 10.0,
    deviation: Deviation | None = None,
    spoilers: Spoilers | None = None,
) -> list[TraceFix]:
    """Fixes in arrival order."""
    spoil = spoilers or Spoilers()
    rng = random.Random(seed)  # noqa: S311 - noise for a simulation, seeded to repeat
    line = LineString([route.frame.xy(lon, lat) for lon, lat in route.line])
    speed = speed_kmh / 3.6
    fixes: list[TraceFix] = []
    elapsed, multipath_left, jump = 0.0, 0, (0.0, 0.0)
    after_tunnel = False
    while elapsed * speed <= line.length:
        along = elapsed * speed
        here = line.interpolate(along)
        ahead = line.interpolate(min(along + 5.0, line.length))
        behind = line.interpolate(max(along - 5.0, 0.0))
        dx, dy = ahead.x - behind.x, ahead.y - behind.y
        norm = math.hypot(dx, dy) or 1.0
        left = (-dy / norm, dx / norm)
        side = _offset(deviation, elapsed, spoil.ramp_s, route.half_width_m)
        x, y = here.x + left[0] * side, here.y + left[1] * side
        at = start + timedelta(seconds=elapsed)
        elapsed += interval_s
        lon, lat = route.frame.lonlat(x, y)
        if route.denied(lon, lat):
            after_tunnel = True
            continue
        true_outside = abs(side) - route.half_width_m if side else -route.half_width_m
        accuracy = rng.uniform(4.0, 15.0)
        ex, ey = rng.gauss(0, spoil.jitter_m), rng.gauss(0, spoil.jitter_m)
        if after_tunnel:  # the receiver reacquires: a poor fix, and it knows it
            after_tunnel = False
            error = rng.uniform(50.0, 250.0)
            angle = rng.uniform(0, 2 * math.pi)
            ex, ey, accuracy = ex + error * math.cos(angle), ey + error * math.sin(angle), error * 1.2
        elif multipath_left == 0 and rng.random() < spoil.multipath_rate:
            multipath_left = rng.choice((1, 1, 2))
            size, angle = rng.uniform(*spoil.multipath_m), rng.uniform(0, 2 * math.pi)
            jump = (size * math.cos(angle), size * math.sin(angle))
        if multipath_left:
            multipath_left -= 1
            ex, ey = ex + jump[0], ey + jump[1]
        lon, lat = route.frame.lonlat(x + ex, y + ey)
        delay = rng.uniform(0.5, 3.0)
        if rng.random() < spoil.late_rate:
            delay += rng.uniform(*spoil.late_s)
        fixes.append(TraceFix(at, at + timedelta(seconds=delay), lon, lat, accuracy, true_outside))
    return sorted(fixes, key=lambda f: f.arrives)


def _offset(deviation: Deviation | None, elapsed: float, ramp_s: float, half_width_m: float) -> float:
    """Metres left of the route's line at this moment."""
    if deviation is None:
        return 0.0
    full = half_width_m + deviation.offset_m
    into = elapsed - deviation.start_s
    if into < 0 or into > deviation.duration_s + 2 * ramp_s:
        return 0.0
    if into < ramp_s:
        return full * into / ramp_s
    if into > ramp_s + deviation.duration_s:
        return full * (deviation.duration_s + 2 * ramp_s - into) / ramp_s
    return full
