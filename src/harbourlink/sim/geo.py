"""Where simulated ships sail: waypoints in Hong Kong's fairways and the Pearl River Delta.

A route is a list of (latitude, longitude) waypoints on water; a ship moves along it at a
constant speed, and ``Route.at`` gives its position and course at any fraction of the way.
The waypoints follow the channels deep-sea ships use to reach Kwai Tsing (22.33 N, 114.12 E)::

    from the east (Shanghai, Kaohsiung, Yantian): south of Waglan, East Lamma Channel,
        between Lamma and Hong Kong Island, west of Green Island, Rambler Channel;
    from the south-west (Singapore): south of Cheung Chau, West Lamma Channel, Rambler Channel;
    river trade to the Pearl River Delta: south of Tsing Yi, Kap Shui Mun, north of Lantau and the
        airport platform, Urmston Road, across the estuary to Hengmen (Zhongshan) and on to
        Jiangmen by the river.

Straight legs between waypoints are short enough not to cut across islands; the river legs
beyond Hengmen are drawn coarsely (a chart of the West River is beyond a simulator).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

Point = tuple[float, float]
"""Latitude, longitude in degrees."""

EARTH_RADIUS_NM = 3440.065

# Berths on the water side of each SMDG terminal's quay at Kwai Tsing.
BERTHS: dict[str, Point] = {
    "MTLHK": (22.3460, 114.1140),  # Terminals 1, 2, 5 (and 9 South across Rambler Channel)
    "DPWHK": (22.3410, 114.1160),  # Terminal 3
    "HITHK": (22.3340, 114.1190),  # Terminals 4, 6, 7 (and 9 North)
    "ACTHK": (22.3235, 114.1240),  # Terminal 8 West
    "CHTHK": (22.3225, 114.1310),  # Terminal 8 East
}

_RAMBLER_SOUTH: Point = (22.3180, 114.1150)
_WESTERN_HARBOUR: Point = (22.3000, 114.1080)
_WEST_OF_GREEN_ISLAND: Point = (22.2830, 114.0980)

# Seaward ends first, so an inbound route reads from the sea to the berth.
EAST_APPROACH: tuple[Point, ...] = (
    (22.1000, 114.4500),  # offing south-east of Waglan
    (22.1500, 114.3000),  # south of Waglan Island
    (22.1900, 114.1700),  # southern entrance, East Lamma Channel
    (22.2200, 114.1450),
    (22.2450, 114.1200),  # between Lamma's north tip and Hong Kong Island
    (22.2700, 114.1100),
    _WEST_OF_GREEN_ISLAND,
    _WESTERN_HARBOUR,
    _RAMBLER_SOUTH,
)
SOUTHWEST_APPROACH: tuple[Point, ...] = (
    (22.0500, 113.9500),  # offing south-west of Lantau
    (22.1600, 114.0400),  # south of Cheung Chau
    (22.2000, 114.0700),  # West Lamma Channel
    (22.2400, 114.0880),
    (22.2700, 114.0980),
    _WEST_OF_GREEN_ISLAND,
    _WESTERN_HARBOUR,
    _RAMBLER_SOUTH,
)
# Kwai Tsing to the river ports, Hong Kong end first.
_TO_THE_ESTUARY: tuple[Point, ...] = (
    _RAMBLER_SOUTH,
    (22.3220, 114.0880),  # south of Tsing Yi
    (22.3380, 114.0620),  # south of Ma Wan
    (22.3490, 114.0470),  # Kap Shui Mun
    (22.3480, 114.0200),  # north of Lantau
    (22.3450, 113.9500),  # north of the airport platform
    (22.3600, 113.8700),  # Urmston Road
    (22.4000, 113.7500),  # across the estuary
    (22.4800, 113.6600),
    (22.5500, 113.6000),  # Hengmen
)
RIVER_PORTS: dict[str, tuple[Point, ...]] = {
    "CNZSN": (*_TO_THE_ESTUARY, (22.5600, 113.5200)),  # Zhongshan port
    "CNJMN": (*_TO_THE_ESTUARY, (22.6000, 113.4500), (22.6200, 113.2500), (22.5800, 113.1000)),  # Jiangmen
}

# The side of Hong Kong from which ships of each port arrive, and to which they leave.
SEA_SIDE: dict[str, tuple[Point, ...]] = {
    "CNSHA": EAST_APPROACH,
    "CNYTN": EAST_APPROACH,
    "TWKHH": EAST_APPROACH,
    "CNNGB": EAST_APPROACH,
    "SGSIN": SOUTHWEST_APPROACH,
    "MYPKG": SOUTHWEST_APPROACH,
    "VNSGN": SOUTHWEST_APPROACH,
}


def distance_nm(a: Point, b: Point) -> float:
    """Great-circle distance in nautical miles."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_NM * math.asin(math.sqrt(h))


def bearing(a: Point, b: Point) -> float:
    """Initial course from ``a`` to ``b``, degrees true (0–360)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    x = math.sin(lon2 - lon1) * math.cos(lat2)
    y = math.cos(lat1) * math.sin(lat2) - math.sin(lat1) * math.cos(lat2) * math.cos(lon2 - lon1)
    return (math.degrees(math.atan2(x, y)) + 360) % 360


@dataclass(frozen=True)
class Route:
    """Waypoints in sailing order."""

    points: tuple[Point, ...]

    @cached_property
    def legs(self) -> tuple[float, ...]:
        return tuple(distance_nm(a, b) for a, b in zip(self.points, self.points[1:], strict=False))

    @property
    def length_nm(self) -> float:
        return sum(self.legs)

    def reversed(self) -> Route:
        return Route(tuple(reversed(self.points)))

    def at(self, fraction: float) -> tuple[Point, float]:
        """Position and course at ``fraction`` (0 = start, 1 = end) of the way, by distance."""
        remaining = max(0.0, min(1.0, fraction)) * self.length_nm
        for index, leg in enumerate(self.legs):
            start, end = self.points[index], self.points[index + 1]
            if remaining <= leg or index == len(self.legs) - 1:
                share = remaining / leg if leg else 0.0
                share = min(share, 1.0)
                point = (start[0] + (end[0] - start[0]) * share, start[1] + (end[1] - start[1]) * share)
                return point, bearing(start, end)
            remaining -= leg
        return self.points[-1], 0.0


def inbound_route(previous_port: str, terminal: str) -> Route:
    """From the sea off Hong Kong, on the side ``previous_port`` lies, to the terminal's berth."""
    return Route((*SEA_SIDE[previous_port], BERTHS[terminal]))


def outbound_route(terminal: str, next_port: str) -> Route:
    """From the terminal's berth out to sea, towards ``next_port``."""
    return inbound_route(next_port, terminal).reversed()


def river_route(terminal: str, river_port: str) -> Route:
    """From a Kwai Tsing berth to a Pearl River Delta port."""
    return Route((BERTHS[terminal], *RIVER_PORTS[river_port]))
