"""Tables of trucking: trips, the trackers issued to vehicles, truck positions and the raw reports they came in."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from harbourlink.kernel import Base
from harbourlink.kernel.clock import utcnow
from harbourlink.kernel.db import SequenceNumber
from harbourlink.kernel.ids import new_id


class Trip(Base):
    """A truck carrying one consignment (a reference others may track) for the trucking company that owns it."""

    __tablename__ = "trips"
    __table_args__ = (
        Index("ix_trips_reference", "reference", "reference_type"),
        Index("ix_trips_org_status", "org_id", "status"),
        Index("ix_trips_driver_status", "driver_user_id", "status"),
        Index("ix_trips_org_vehicle", "org_id", "vehicle", "started_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    reference_type: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(40))
    vehicle: Mapped[str] = mapped_column(String(10))
    driver_user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(10))
    destination_name: Mapped[str | None] = mapped_column(String(120))
    destination_latitude: Mapped[float | None] = mapped_column(Float)
    destination_longitude: Mapped[float | None] = mapped_column(Float)
    packages: Mapped[int | None] = mapped_column(Integer)
    """How many packages the truck carries, when the dispatcher said: the warehouse's count is checked against it."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(36))
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class Device(Base):
    """A tracker's credential: a long random id issued to one vehicle of a company, kept as a digest, revocable."""

    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    vehicle: Mapped[str] = mapped_column(String(10))
    prefix: Mapped[str] = mapped_column(String(8))
    """The device id's first digits, so people can tell their trackers apart."""
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(36))
    last_seen_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(36))
    refused: Mapped[int] = mapped_column(Integer, default=0)
    """Reports refused since the revocation: a tracker still sending needs someone's attention."""


class TruckPosition(Base):
    """One position of a truck. ``track`` is the trip (for the driver's phone) or the device (for a tracker):
    the same track and time is the same position, stored once however often it is sent.

    On PostgreSQL the table is partitioned by month of ``at`` (migration 0030), its primary key there (seq, at)."""

    __tablename__ = "truck_positions"
    __table_args__ = (UniqueConstraint("track", "at"), Index("ix_truck_positions_trip_at", "trip_id", "at"))

    seq: Mapped[int] = mapped_column(SequenceNumber, primary_key=True, autoincrement=True)
    track: Mapped[str] = mapped_column(String(36))
    at: Mapped[datetime]
    org_id: Mapped[str] = mapped_column(String(36))
    trip_id: Mapped[str | None] = mapped_column(String(36))
    device_id: Mapped[str | None] = mapped_column(String(36))
    source: Mapped[str] = mapped_column(String(10))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    speed_kmh: Mapped[float | None] = mapped_column(Float)
    heading: Mapped[float | None] = mapped_column(Float)
    altitude_m: Mapped[float | None] = mapped_column(Float)
    battery_percent: Mapped[float | None] = mapped_column(Float)
    report_id: Mapped[str] = mapped_column(String(36))
    received_at: Mapped[datetime]


class PositionReport(Base):
    """A report of positions exactly as it arrived (an OsmAnd request, a trip API body), with what became of it.

    Kept before it is trusted, so a refused one can be read, corrected and replayed.
    """

    __tablename__ = "position_reports"
    __table_args__ = (Index("ix_position_reports_org_status", "org_id", "status", "received_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    channel: Mapped[str] = mapped_column(String(10))
    """``osmand`` (a tracker) or ``trip`` (the trip API: the driver's phone or the company's system)."""
    device_id: Mapped[str | None] = mapped_column(String(36))
    trip_id: Mapped[str | None] = mapped_column(String(36))
    sender_user_id: Mapped[str | None] = mapped_column(String(36))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    content_type: Mapped[str | None] = mapped_column(String(100))
    query: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(10))
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    replay_of: Mapped[str | None] = mapped_column(String(36))
