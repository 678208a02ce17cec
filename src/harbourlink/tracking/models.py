"""Tables of tracking: DCSA Track & Trace subscriptions and their delivery outbox, and each company's numbers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from harbourlink.events import REFERENCE_KIND_LENGTH, REFERENCE_VALUE_LENGTH
from harbourlink.kernel import Base
from harbourlink.kernel.clock import utcnow
from harbourlink.kernel.db import SequenceNumber
from harbourlink.kernel.ids import new_id
from harbourlink.kernel.workqueue import Leased, pending_index


class DcsaSubscription(Base):
    """A company's ``/v2/event-subscriptions`` entry. ``id`` is the public subscriptionID.

    The secret signs callbacks, so it must be readable: it is kept sealed (Fernet, installation
    key), like TOTP seeds. ``filters`` holds the 2.2 filter fields exactly as the subscriber gave
    them (``TntFilters.as_json``).
    """

    __tablename__ = "dcsa_event_subscriptions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by: Mapped[str | None] = mapped_column(String(36))
    callback_url: Mapped[str] = mapped_column(String(2000))
    secret_sealed: Mapped[str] = mapped_column(Text)
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    secret_rotated_at: Mapped[datetime | None]


class DcsaDelivery(Leased, Base):
    """One event owed to one subscription: written in the transaction that stored the event (an outbox).

    ``status``: ``pending`` (due at ``next_attempt_at``; a dispatcher holding it sets
    ``claimed_until``), ``delivered``, ``failed`` (gave up after the last retry), ``withheld``
    (no longer visible to the subscriber, or its subscription's filters changed, when its turn came).
    """

    __tablename__ = "dcsa_callback_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_seq"),
        Index("ix_dcsa_callback_deliveries_due", "status", "next_attempt_at"),
        pending_index("ix_dcsa_callback_deliveries_pending", "id"),
    )

    id: Mapped[int] = mapped_column(SequenceNumber, primary_key=True, autoincrement=True)
    subscription_id: Mapped[str] = mapped_column(ForeignKey("dcsa_event_subscriptions.id", ondelete="CASCADE"))
    event_seq: Mapped[int] = mapped_column(SequenceNumber, ForeignKey("events.seq", ondelete="CASCADE"), index=True)
    last_attempt_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    last_status: Mapped[int | None] = mapped_column(Integer)


class CargoHolding(Base):
    """A number a company's own events name: when its newest event arrived, and the event telling its status.

    Tracking's consumer of stored events keeps it (one statement per message), so listing a
    company's numbers newest first reads an index instead of every event the company ever sent.
    The status is the number's latest actual move (``status_act``; a temperature reading is no
    move), else its latest plan or estimate, by event time.
    """

    __tablename__ = "cargo_holdings"
    __table_args__ = (
        Index("ix_cargo_holdings_recent", "org_id", "last_at", "kind", "value"),
        # The search box matches the start of a number: LIKE 'PREFIX%' by index in any collation.
        Index("ix_cargo_holdings_value", "org_id", "value", postgresql_ops={"value": "text_pattern_ops"}),
    )

    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(REFERENCE_KIND_LENGTH), primary_key=True)
    value: Mapped[str] = mapped_column(String(REFERENCE_VALUE_LENGTH), primary_key=True)
    last_at: Mapped[datetime]
    status_seq: Mapped[int] = mapped_column(SequenceNumber)
    status_act: Mapped[bool] = mapped_column(Boolean)
    status_time: Mapped[datetime]
