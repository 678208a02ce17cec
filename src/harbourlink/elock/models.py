"""Tables of e-locks: the registry, approved trips, every sentence as it came, positions, custody changes, alerts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from harbourlink.kernel import Base
from harbourlink.kernel.clock import utcnow
from harbourlink.kernel.db import SequenceNumber
from harbourlink.kernel.ids import new_id


class ElockDevice(Base):
    """A lock customs put in service, known by the id it sends in its sentences."""

    __tablename__ = "elock_devices"

    device_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    protocol: Mapped[str] = mapped_column(String(10))
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime | None]
    token_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    """SHA-256 of the token a lock reporting by OsmAnd or the JSON API sends; None for eSeal, which has none."""


class ElockTrip(Base):
    """A sealed journey approved by Hong Kong customs, supervised in two segments."""

    __tablename__ = "elock_trips"
    __table_args__ = (Index("ix_elock_trips_device_state", "device_id", "state"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    device_id: Mapped[str] = mapped_column(ForeignKey("elock_devices.device_id"))
    vehicle: Mapped[str] = mapped_column(String(10))
    references: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    route: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The approved route and the four places, as approved (``schemas.RouteIn`` and ``PlaceIn``)."""
    hk_org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    mainland_org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    trucking_org_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    state: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(36))
    expected_hk_exit: Mapped[datetime | None]
    expected_arrival: Mapped[datetime | None]


class ElockSentence(Base):
    """What a lock sent, exactly as framed off the connection, kept before it is read: garbage included."""

    __tablename__ = "elock_sentences"
    __table_args__ = (Index("ix_elock_sentences_status", "status", "received_at"),)

    seq: Mapped[int] = mapped_column(SequenceNumber, primary_key=True, autoincrement=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    peer: Mapped[str] = mapped_column(String(64))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    device_id: Mapped[str | None] = mapped_column(String(32), index=True)
    trip_id: Mapped[str | None] = mapped_column(String(36), index=True)
    status: Mapped[str] = mapped_column(String(10))
    """``accepted``, ``duplicate``, ``reply`` (a short form), ``rejected`` (unreadable, unknown lock) or
    ``failed`` (an internal error: replay it)."""
    error: Mapped[str | None] = mapped_column(Text)
    replay_of: Mapped[int | None] = mapped_column(SequenceNumber)


class ElockPosition(Base):
    """A fix of a lock on a trip, in the segment it was taken in."""

    __tablename__ = "elock_positions"
    __table_args__ = (UniqueConstraint("trip_id", "at"), Index("ix_elock_positions_trip_segment", "trip_id", "segment"))

    seq: Mapped[int] = mapped_column(SequenceNumber, primary_key=True, autoincrement=True)
    trip_id: Mapped[str] = mapped_column(ForeignKey("elock_trips.id"))
    segment: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime]
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    speed_kmh: Mapped[float | None] = mapped_column(Float)
    heading: Mapped[float | None] = mapped_column(Float)
    sentence_seq: Mapped[int | None] = mapped_column(SequenceNumber)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class ElockTransition(Base):
    """A change of custody (lock or unlock) and what triggered it."""

    __tablename__ = "elock_transitions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    trip_id: Mapped[str] = mapped_column(ForeignKey("elock_trips.id"), index=True)
    segment: Mapped[str] = mapped_column(String(10))
    before: Mapped[str] = mapped_column(String(20))
    after: Mapped[str] = mapped_column(String(20))
    lock: Mapped[str] = mapped_column(String(10))
    trigger: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime]
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    sentence_seq: Mapped[int | None] = mapped_column(SequenceNumber)


class ElockAlert(Base):
    """A deviation from the route or a tamper event, for the officers of the segment it happened in."""

    __tablename__ = "elock_alerts"
    __table_args__ = (UniqueConstraint("trip_id", "kind", "key"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    trip_id: Mapped[str] = mapped_column(ForeignKey("elock_trips.id"), index=True)
    segment: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    sentence_seq: Mapped[int | None] = mapped_column(SequenceNumber)
    count: Mapped[int] = mapped_column(Integer, default=1)


class ElockSealSession(Base):
    """One authority's seal session on a trip's lock (one chip, one custodian): its own key, sealed at rest, and
    the head of its own log."""

    __tablename__ = "elock_seal_sessions"
    __table_args__ = (UniqueConstraint("trip_id", "segment"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    trip_id: Mapped[str] = mapped_column(ForeignKey("elock_trips.id"))
    segment: Mapped[str] = mapped_column(String(10))
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    key_sealed: Mapped[str] = mapped_column(Text)
    """The session's MAC key, encrypted under the installation secret (as TOTP seeds are, decision 0003)."""
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    length: Mapped[int] = mapped_column(Integer, default=0)
    head_mac: Mapped[str] = mapped_column(String(64), default="")


class ElockSessionEntry(Base):
    """An entry of a seal session's log: what the session saw (a fix, a custody change, an alarm), chained by MAC."""

    __tablename__ = "elock_session_entries"
    __table_args__ = (UniqueConstraint("session_id", "n"),)

    seq: Mapped[int] = mapped_column(SequenceNumber, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("elock_seal_sessions.id"))
    n: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    mac: Mapped[str | None] = mapped_column(String(64))
    """None until sealed: the edges that hold the installation secret seal new entries before they commit."""


class ElockAlertHandling(Base):
    """What the segment's officers did about an alert: acknowledged it (someone is on it), then recorded how it
    ended. One row per alert, made on the first acknowledgement; the disposition is recorded once."""

    __tablename__ = "elock_alert_handling"

    alert_id: Mapped[str] = mapped_column(ForeignKey("elock_alerts.id"), primary_key=True)
    acknowledged_at: Mapped[datetime]
    acknowledged_by: Mapped[str | None] = mapped_column(String(36))
    disposition: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    disposed_at: Mapped[datetime | None]
    disposed_by: Mapped[str | None] = mapped_column(String(36))


class ElockInspection(Base):
    """The one inspection of a trip's cargo (R-LOCK-4), at the Hong Kong exit or the mainland entry point, and
    the other authority's answer: it relies on it, or inspects again."""

    __tablename__ = "elock_inspections"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    trip_id: Mapped[str] = mapped_column(ForeignKey("elock_trips.id"), unique=True)
    segment: Mapped[str] = mapped_column(String(10))
    place: Mapped[str] = mapped_column(String(20))
    place_name: Mapped[str] = mapped_column(String(100))
    officer: Mapped[str] = mapped_column(String(100))
    inspected_at: Mapped[datetime]
    result: Mapped[str] = mapped_column(String(20))
    seal_reapplied: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[str | None] = mapped_column(String(36))
    follow_up: Mapped[str | None] = mapped_column(String(20))
    follow_up_note: Mapped[str | None] = mapped_column(Text)
    follow_up_at: Mapped[datetime | None]
    follow_up_by: Mapped[str | None] = mapped_column(String(36))
