"""Trucking: trips of trucks carrying cargo from pickup to the warehouse, and their positions.

::

    trucking company ── plans a Trip (cargo reference, vehicle, driver) ── driver starts it at pickup
         │                                                                  │
         ├── issues Devices (trackers) ── OsmAnd reports ─┐                 ├── phone posts positions
         │                                                ▼                 ▼
         │                               PositionReport (raw, replayable) ─▶ TruckPosition (once per track, time)
         │                                                                  │
         └── trip finished at receipt ◀─────────── others watch it live (``live_subject``) with trail and ETA

A trip is the trucking company's; another company sees it exactly while it may see the cargo the
trip carries (``trips.readable_trip``, ``trips.trips_about``). Its start and end are equipment
events (``PICK``, ``DROP``) published through the event seam.
"""

from harbourlink.trucking.devices import issue_device, list_devices, revoke_device
from harbourlink.trucking.domain import Arrival, Fix, TripStatus, distance_km, estimate_arrival
from harbourlink.trucking.models import Device, PositionReport, Trip, TruckPosition
from harbourlink.trucking.osmand import OsmandError, OsmandReport
from harbourlink.trucking.positions import (
    MAX_POSITIONS,
    DeviceOutcome,
    get_report,
    list_reports,
    outcome,
    receive_osmand,
    receive_trip_positions,
    replay_report,
)
from harbourlink.trucking.schemas import (
    Destination,
    DeviceCreate,
    DeviceCreated,
    DeviceRead,
    EtaRead,
    ItemError,
    PositionIn,
    PositionRead,
    ReportOutcome,
    ReportRead,
    TripCreate,
    TripRead,
)
from harbourlink.trucking.seam import PositionsStored, positions_queue, publish_positions
from harbourlink.trucking.trips import (
    Marks,
    create_trip,
    describe,
    describe_all,
    end_trips_at_receipt,
    find_cargo,
    finish_trip,
    is_driver,
    list_trips,
    live_subject,
    marks,
    readable_trip,
    running_trip_of,
    shared_fixes,
    start_trip,
    trip_fixes,
    trips_about,
)

__all__ = [
    "MAX_POSITIONS",
    "Arrival",
    "Destination",
    "Device",
    "DeviceCreate",
    "DeviceCreated",
    "DeviceOutcome",
    "DeviceRead",
    "EtaRead",
    "Fix",
    "ItemError",
    "Marks",
    "OsmandError",
    "OsmandReport",
    "PositionIn",
    "PositionRead",
    "PositionReport",
    "PositionsStored",
    "ReportOutcome",
    "ReportRead",
    "Trip",
    "TripCreate",
    "TripRead",
    "TripStatus",
    "TruckPosition",
    "create_trip",
    "describe",
    "describe_all",
    "distance_km",
    "end_trips_at_receipt",
    "estimate_arrival",
    "find_cargo",
    "finish_trip",
    "get_report",
    "is_driver",
    "issue_device",
    "list_devices",
    "list_reports",
    "list_trips",
    "live_subject",
    "marks",
    "outcome",
    "positions_queue",
    "publish_positions",
    "readable_trip",
    "receive_osmand",
    "receive_trip_positions",
    "replay_report",
    "revoke_device",
    "running_trip_of",
    "shared_fixes",
    "start_trip",
    "trip_fixes",
    "trips_about",
]
