"""E-locks: the Single E-lock Scheme — one lock, two customs, segmented supervision.

::

    customs registers Locks ── HK customs approves a Trip (lock, truck, cargo, four places, route corridor)
                                   │
    lock ── eSeal sentences over TCP ─▶ ElockSentence (raw, replayable) ─▶ positions (per segment)
                                   │                                    ─▶ custody changes (lock/unlock, why)
                                   │                                    ─▶ alerts (deviation, tamper)
                                   ▼
    HK customs sees the HK segment, mainland customs the mainland segment; the trucking company the trip's state.
    officers (``officers``): the console, alerts acknowledged and disposed of, the trip's one inspection.

Custody changes are equipment events (``RSEA`` locked, ``RMVD`` unlocked) of the segment's customs,
published through the event seam. The protocol (``eseal``), the custody rules (``domain``) and the
deviation detector (``deviation``) are pure.
"""

from harbourlink.elock.deviation import Detector, Episode, Thresholds
from harbourlink.elock.domain import Geofence, LockState, Route, Segment, Transition, Trigger, TripState
from harbourlink.elock.errors import (
    AlertDisposed,
    DeviceBusy,
    DeviceExists,
    FollowUpRefused,
    InspectedOnce,
    InvalidTrip,
    NotCustoms,
)
from harbourlink.elock.eseal import Frame, Framer, SentenceType
from harbourlink.elock.officers import (
    InspectionDesk,
    console,
    console_subject,
    console_trip_ids,
    do_acknowledge,
    do_dispose,
    do_follow_up,
    do_inspection,
    find_desk,
    get_alert,
    get_inspection,
    list_alerts,
)
from harbourlink.elock.oversight import Disposition, FollowUp, InspectionResult
from harbourlink.elock.reports import receive_json, receive_osmand
from harbourlink.elock.schemas import (
    ElockAlertCase,
    ElockAlertRead,
    ElockConsoleRead,
    ElockConsoleTrip,
    ElockDeviceCreate,
    ElockDeviceIssued,
    ElockDeviceRead,
    ElockDispositionCreate,
    ElockFollowUpCreate,
    ElockInspectionCreate,
    ElockInspectionRead,
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
    "AlertDisposed",
    "Detector",
    "Deviation",
    "DeviceBusy",
    "DeviceExists",
    "Disposition",
    "ElockAlertCase",
    "ElockAlertRead",
    "ElockConsoleRead",
    "ElockConsoleTrip",
    "ElockDeviceCreate",
    "ElockDeviceIssued",
    "ElockDeviceRead",
    "ElockDispositionCreate",
    "ElockFollowUpCreate",
    "ElockInspectionCreate",
    "ElockInspectionRead",
    "ElockPositionRead",
    "ElockReportIn",
    "ElockReportOutcome",
    "ElockSessionRead",
    "ElockTripCreate",
    "ElockTripCreated",
    "ElockTripRead",
    "Episode",
    "FollowUp",
    "FollowUpRefused",
    "Frame",
    "Framer",
    "Geofence",
    "InspectedOnce",
    "InspectionDesk",
    "InspectionResult",
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
    "console",
    "console_subject",
    "console_trip_ids",
    "create_trip",
    "do_acknowledge",
    "do_dispose",
    "do_follow_up",
    "do_inspection",
    "find_desk",
    "get_alert",
    "get_inspection",
    "list_alerts",
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
