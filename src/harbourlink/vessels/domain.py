"""Vessels as AIS sees them: position reports and static/voyage data, keyed by MMSI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

RECEIVER_TIME = "receiver"
"""A position timed by the receive time on its sentence (a tag block's ``c:``: the receiving station's or
the listener's, written as it heard the line)."""
ARRIVAL_TIME = "arrival"
"""A position timed by the moment its message reached HarbourLink, the sentence carrying no receive time
(plain ``!AIVDM`` lines sent to the API): later than the radio by however long the sender held them."""


@dataclass(frozen=True, slots=True)
class PositionReport:
    """Where a ship was (AIS types 1/2/3, 18, 19), in degrees, knots and degrees true.

    ``time_source`` says where ``at`` came from: ``RECEIVER_TIME`` or ``ARRIVAL_TIME``.
    """

    mmsi: str
    at: datetime
    latitude: float
    longitude: float
    speed_knots: float | None = None
    course: float | None = None
    heading: int | None = None
    nav_status: int | None = None
    time_source: str = RECEIVER_TIME


@dataclass(frozen=True, slots=True)
class VesselStatic:
    """What a ship says of itself (AIS types 5, 19, 24); any field may be missing from a given message."""

    mmsi: str
    imo: str | None = None
    name: str | None = None
    call_sign: str | None = None
    ship_type: int | None = None
    length_m: int | None = None
    beam_m: int | None = None
    draught_m: float | None = None
    destination: str | None = None
    eta: datetime | None = None
