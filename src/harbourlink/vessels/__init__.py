"""Vessels: AIS position reports and static data, keyed by MMSI and joined to cargo by IMO number."""

from harbourlink.vessels.domain import ARRIVAL_TIME, RECEIVER_TIME, PositionReport, VesselStatic
from harbourlink.vessels.eta import EtaEstimate, estimate_arrival, port_position
from harbourlink.vessels.models import Vessel, VesselPosition
from harbourlink.vessels.store import (
    get_vessel,
    latest_position,
    mmsi_of,
    record_positions,
    record_statics,
    track,
    vessel_with_track,
)

__all__ = [
    "ARRIVAL_TIME",
    "RECEIVER_TIME",
    "EtaEstimate",
    "PositionReport",
    "Vessel",
    "VesselPosition",
    "VesselStatic",
    "estimate_arrival",
    "get_vessel",
    "latest_position",
    "mmsi_of",
    "port_position",
    "record_positions",
    "record_statics",
    "track",
    "vessel_with_track",
]
