"""Vessel tables: the latest known static data, and the position track."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from harbourlink.kernel import Base
from harbourlink.kernel.clock import utcnow
from harbourlink.kernel.db import SequenceNumber
from harbourlink.vessels.domain import RECEIVER_TIME


class Vessel(Base):
    __tablename__ = "vessels"

    mmsi: Mapped[str] = mapped_column(String(9), primary_key=True)
    imo: Mapped[str | None] = mapped_column(String(7), index=True)
    name: Mapped[str | None] = mapped_column(String(100))
    call_sign: Mapped[str | None] = mapped_column(String(10))
    ship_type: Mapped[int | None] = mapped_column(Integer)
    length_m: Mapped[int | None] = mapped_column(Integer)
    beam_m: Mapped[int | None] = mapped_column(Integer)
    draught_m: Mapped[float | None] = mapped_column(Float)
    destination: Mapped[str | None] = mapped_column(String(40))
    eta: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class VesselPosition(Base):
    """One AIS position. On PostgreSQL the table is partitioned by month of ``at`` (migration 0030,
    ``operations.partitions``), so its primary key there is (seq, at); ``seq`` alone stays unique, drawn
    from one sequence. The unique (mmsi, at) key's index serves every read of a ship's track."""

    __tablename__ = "vessel_positions"
    __table_args__ = (UniqueConstraint("mmsi", "at"),)

    seq: Mapped[int] = mapped_column(SequenceNumber, primary_key=True, autoincrement=True)
    mmsi: Mapped[str] = mapped_column(String(9))
    at: Mapped[datetime]
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    speed_knots: Mapped[float | None] = mapped_column(Float)
    course: Mapped[float | None] = mapped_column(Float)
    heading: Mapped[int | None] = mapped_column(Integer)
    nav_status: Mapped[int | None] = mapped_column(Integer)
    message_id: Mapped[str | None] = mapped_column(String(36), index=True)
    time_source: Mapped[str] = mapped_column(String(10), default=RECEIVER_TIME, server_default=RECEIVER_TIME)
