"""A rough AIS-derived ETA: great-circle distance to a port over the ship's recent average speed.

ROUGH ESTIMATE, NOT A PREDICTION. It takes the straight (great-circle) line from the latest
position to the destination and divides it by the mean speed over ground of the recent reports.
It knows nothing of fairways, traffic separation schemes, pilot boarding, tides, berth windows
or speed changes on approach, so it runs early for ships that must go round land (from the
West Lamma Channel to Kwai Tsing the fairway is about 20 % longer than the straight line) and is
meaningless for a ship that is moored, anchored or drifting: below ``min_speed`` knots no
estimate is given. Use the crew's ETA (AIS type 5) or the shipping line's schedule where they
exist; this fills the gap when neither is known. Pure: no I/O, time comes in with the reports.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

EARTH_RADIUS_NM = 3440.065
# A few positions for ports named in Hong Kong AIS destinations (UN/LOCODE → a point off the port).
PORT_POSITIONS: dict[str, tuple[float, float]] = {
    "HKHKG": (22.3300, 114.1200),  # Kwai Tsing container terminals
    "CNSHK": (22.4800, 113.9000),  # Shekou
    "CNYTN": (22.5700, 114.2700),  # Yantian
    "CNNSA": (22.6500, 113.6700),  # Nansha
    "MOMFM": (22.1900, 113.5500),  # Macau
}


class Fix(Protocol):
    """What the estimate reads of a position report (``VesselPosition`` and ``PositionReport`` fit)."""

    @property
    def at(self) -> datetime: ...
    @property
    def latitude(self) -> float: ...
    @property
    def longitude(self) -> float: ...
    @property
    def speed_knots(self) -> float | None: ...


@dataclass(frozen=True, slots=True)
class EtaEstimate:
    arrival: datetime
    distance_nm: float
    speed_knots: float
    based_on: int  # how many reports gave the speed


def great_circle_nm(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in nautical miles."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_NM * math.asin(min(1.0, math.sqrt(a)))


def recent_speed(track: Sequence[Fix], *, window: timedelta = timedelta(minutes=30)) -> tuple[float, int] | None:
    """Mean reported speed over ground in the last ``window`` before the newest report, and how many."""
    if not track:
        return None
    newest = max(fix.at for fix in track)
    speeds = [fix.speed_knots for fix in track if fix.at >= newest - window and fix.speed_knots is not None]
    if not speeds:
        return None
    return sum(speeds) / len(speeds), len(speeds)


def estimate_arrival(
    track: Sequence[Fix],
    destination: tuple[float, float],
    *,
    window: timedelta = timedelta(minutes=30),
    min_speed: float = 0.5,
    arrived_within_nm: float = 0.5,
) -> EtaEstimate | None:
    """When the ship would reach ``destination`` (lat, lon) at its recent mean speed; None if unknowable."""
    if not track:
        return None
    latest = max(track, key=lambda fix: fix.at)
    distance = great_circle_nm(latest.latitude, latest.longitude, *destination)
    speed = recent_speed(track, window=window)
    if distance <= arrived_within_nm:
        return EtaEstimate(latest.at, distance, speed[0] if speed else 0.0, speed[1] if speed else 0)
    if speed is None or speed[0] < min_speed:
        return None
    return EtaEstimate(latest.at + timedelta(hours=distance / speed[0]), distance, speed[0], speed[1])


def port_position(destination: str | None) -> tuple[float, float] | None:
    """The position of a destination written as a UN/LOCODE ("HKHKG", "HK HKG", "HKG"→ no), if known."""
    if not destination:
        return None
    code = "".join(destination.upper().split())[:5]
    return PORT_POSITIONS.get(code)
