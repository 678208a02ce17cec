"""Tables of the event store: append-only events and the references each is about."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from harbourlink.events.domain import FIELD_LENGTHS, REFERENCE_KIND_LENGTH, REFERENCE_VALUE_LENGTH, SOURCE_KEY_LENGTH
from harbourlink.kernel import Base
from harbourlink.kernel.clock import utcnow
from harbourlink.kernel.db import SequenceNumber


class Event(Base):
    """One business event. ``seq`` orders the whole store (cursors follow it); ``id`` is public."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("owner_org_id", "source_key"),
        Index("ix_events_vessel_time", "vessel_imo", "event_time"),
        # A vessel call's schedule, newest first, by ship and voyage (tracking.lookup), from the index alone.
        Index("ix_events_vessel_call", "vessel_imo", "voyage", "event_type", "seq"),
    )

    seq: Mapped[int] = mapped_column(SequenceNumber, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    owner_org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    message_id: Mapped[str | None] = mapped_column(String(36), index=True)
    source_key: Mapped[str] = mapped_column(String(SOURCE_KEY_LENGTH))
    event_type: Mapped[str] = mapped_column(String(12))
    event_code: Mapped[str] = mapped_column(String(FIELD_LENGTHS["event_code"]))
    classifier: Mapped[str] = mapped_column(String(3))
    event_time: Mapped[datetime]
    created_time: Mapped[datetime | None]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    location: Mapped[str | None] = mapped_column(String(FIELD_LENGTHS["location"]))
    facility: Mapped[str | None] = mapped_column(String(FIELD_LENGTHS["facility"]))
    vessel_imo: Mapped[str | None] = mapped_column(String(FIELD_LENGTHS["vessel_imo"]))
    vessel_name: Mapped[str | None] = mapped_column(String(FIELD_LENGTHS["vessel_name"]))
    voyage: Mapped[str | None] = mapped_column(String(FIELD_LENGTHS["voyage"]))
    mode_of_transport: Mapped[str | None] = mapped_column(String(FIELD_LENGTHS["mode_of_transport"]))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class EventReference(Base):
    """An identifier an event is about; lookups by any number a user holds go through here."""

    __tablename__ = "event_references"
    # The search box knows a number but not its kind: look it up by value first. An event's own
    # references are read by event, from the index alone.
    __table_args__ = (
        Index("ix_event_references_event", "event_seq", "kind", "value"),
        Index("ix_event_references_value", "value"),
    )

    kind: Mapped[str] = mapped_column(String(REFERENCE_KIND_LENGTH), primary_key=True)
    value: Mapped[str] = mapped_column(String(REFERENCE_VALUE_LENGTH), primary_key=True)
    event_seq: Mapped[int] = mapped_column(
        SequenceNumber, ForeignKey("events.seq", ondelete="CASCADE"), primary_key=True
    )
