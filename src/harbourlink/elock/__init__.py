"""E-locks: the Single E-lock Scheme — one lock, two customs, segmented supervision.

::

    customs registers Locks ── HK customs approves a Trip (lock, truck, cargo, four places, route corridor)
                                   │
    lock ── eSeal sentences over TCP ─▶ ElockSentence (raw, replayable) ─▶ positions (per segment)
                                   │                                    ─▶ custody changes (lock/unlock, why)
                                   │                                    ─▶ alerts (deviation, tamper)
                                   ▼
    HK customs sees the HK segment, mainland customs the mainland segment; the trucking company the trip's state.

Custody changes are equipment events (``RSEA`` locked, ``RMVD`` unlocked) of the segment's customs,
published through the event seam. The protocol (``eseal``), the custody rules (``domain``) and the
deviation detector (``deviation``) are pure.
"""

from harbourlink.elock.deviation import Detector, Episode, Thresholds
from harbourlink.elock.domain import Geofence, LockState, Route, Segment, Transition, Trigger, TripState
from harbourlink.elock.errors import DeviceBusy, DeviceExists, InvalidTrip, NotCustoms
from harbourlink.elock.eseal import Frame, Framer, SentenceType
from harbourlink.elock.reports import receive_json, receive_osmand
from harbourlink.elock.schemas import (
    ElockAlertRead,
    ElockDeviceCreate,
    ElockDeviceIssued,
    ElockDeviceRead,
    ElockPositionRead,
    ElockReportIn,
    ElockReportOutcome,
    ElockSessionRead,
    ElockTripCreate,
    ElockTripCreated,
    ElockTripRead,
)
from harbourlink.elock.service import (
    WATCH_QUEUE,
    Outcome,
    archive_failed,
    check_trip,
    create_trip,
    list_devices,
    list_trips,
    live_subject,
    read_session,
    read_trip,
    receive_frame,
    register_device,
    replay_sentence,
    trip_evidence,
    trip_positions,
)
from harbourlink.elock.sessions import seal_log as seal_trip_log
from harbourlink.elock.traces import Deviation, TraceFix, seed_route, trace

__all__ = [
    "WATCH_QUEUE",
    "Detector",
    "Deviation",
    "DeviceBusy",
    "DeviceExists",
    "ElockAlertRead",
    "ElockDeviceCreate",
    "ElockDeviceIssued",
    "ElockDeviceRead",
    "ElockPositionRead",
    "ElockReportIn",
    "ElockReportOutcome",
    "ElockSessionRead",
    "ElockTripCreate",
    "ElockTripCreated",
    "ElockTripRead",
    "Episode",
    "Frame",
    "Framer",
    "Geofence",
    "InvalidTrip",
    "LockState",
    "NotCustoms",
    "Outcome",
    "Route",
    "Segment",
    "SentenceType",
    "Thresholds",
    "TraceFix",
    "Transition",
    "Trigger",
    "TripState",
    "archive_failed",
    "check_trip",
    "create_trip",
    "list_devices",
    "list_trips",
    "live_subject",
    "read_session",
    "read_trip",
    "receive_frame",
    "receive_json",
    "receive_osmand",
    "register_device",
    "replay_sentence",
    "seal_trip_log",
    "seed_route",
    "trace",
    "trip_evidence",
    "trip_positions",
]
