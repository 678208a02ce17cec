"""E-locks: the Single E-lock Scheme (one lock, two customs, segmented supervision)."""

from harbourlink.elock.domain import Geofence, LockState, Route, Segment, Transition, TripState, Trigger
from harbourlink.elock.traces import Deviation, TraceFix, seed_route, trace

__all__ = [
    "Deviation",
    "Geofence",
    "LockState",
    "Route",
    "Segment",
    "TraceFix",
    "Transition",
    "Trigger",
    "TripState",
    "seed_route",
    "trace",
]
