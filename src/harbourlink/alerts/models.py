"""Tables of alerts: subscriptions, alerts, time watches, webhook endpoints, the outbox and its log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from harbourlink.kernel import Base
from harbourlink.kernel.clock import utcnow
from harbourlink.kernel.db import SequenceNumber
from harbourlink.kernel.ids import new_id
from harbourlink.kernel.workqueue import Leased, pending_index


class AlertSubscription(Base):
    """Who wants which alerts about what. ``user_id`` None: the whole company; ``reference`` None:
    all cargo the company may see. ``thresholds`` maps a type's threshold names to values. While
    ``paused_at`` is set no rule is evaluated for it; its open alerts stay as they are. ``filters``
    narrows a subscription to all cargo: ``subject_kinds`` (HBL, MBL, CONTAINER, VESSEL) and
    ``locations`` (UN/LOCODEs of the events), a saved filter."""

    __tablename__ = "alert_subscriptions"
    __table_args__ = (Index("ix_alert_subscriptions_reference", "reference_type", "reference"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_by: Mapped[str | None] = mapped_column(String(36))
    reference_type: Mapped[str | None] = mapped_column(String(20))
    reference: Mapped[str | None] = mapped_column(String(40))
    alert_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    thresholds: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    quiet_start: Mapped[str | None] = mapped_column(String(5))
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    time_zone: Mapped[str] = mapped_column(String(40), default="Asia/Hong_Kong")
    language: Mapped[str | None] = mapped_column(String(10))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))
    escalate_after_minutes: Mapped[int | None] = mapped_column(Integer)
    escalate_to: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    paused_at: Mapped[datetime | None]
    filters: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Alert(Base):
    """One condition that held for one subscription. ``open_key`` equals ``condition`` until resolved
    (then NULL), so the unique constraint allows one unresolved alert per condition and any number of
    resolved ones. ``revision`` counts the times recipients were told (opened, changed …)."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("subscription_id", "alert_type", "subject", "open_key"),
        Index("ix_alerts_org_updated", "org_id", "updated_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    user_id: Mapped[str | None] = mapped_column(String(36))
    subscription_id: Mapped[str] = mapped_column(ForeignKey("alert_subscriptions.id", ondelete="CASCADE"))
    alert_type: Mapped[str] = mapped_column(String(40))
    subject_kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(40))
    condition: Mapped[str] = mapped_column(String(120))
    open_key: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(12), default="open")
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(36))
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(36))
    escalated_at: Mapped[datetime | None]


class AlertWatch(Base):
    """A subject to evaluate again when time passes (a duration ends, free time approaches)."""

    __tablename__ = "alert_watches"

    subscription_id: Mapped[str] = mapped_column(
        ForeignKey("alert_subscriptions.id", ondelete="CASCADE"), primary_key=True
    )
    alert_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    subject: Mapped[str] = mapped_column(String(40), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(index=True)


class WebhookEndpoint(Base):
    """A company's receiver of alert webhooks. Secrets are sealed; during a rotation the previous one
    still signs (Standard Webhooks sends both signatures) until ``previous_until``."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    event_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    secret_sealed: Mapped[str] = mapped_column(Text)
    previous_secret_sealed: Mapped[str | None] = mapped_column(Text)
    previous_until: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AlertNotification(Leased, Base):
    """The outbox: one message owed to one recipient on one channel, written in the transaction that
    opened or changed the alert. ``idempotency_key`` (alert, revision, change, channel, recipient) is
    unique, so evaluating twice never owes a message twice; it is also the ``webhook-id``.

    ``status``: ``pending`` (due at ``next_attempt_at``), ``delivered``, ``dead`` (retries exhausted;
    the dead-letter list), ``withheld`` (the recipient may no longer see the cargo).
    """

    __tablename__ = "alert_notifications"
    __table_args__ = (
        Index("ix_alert_notifications_due", "status", "next_attempt_at"),
        pending_index("ix_alert_notifications_pending", "id"),
    )

    id: Mapped[int] = mapped_column(SequenceNumber, primary_key=True, autoincrement=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_id)
    idempotency_key: Mapped[str] = mapped_column(String(300), unique=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    alert_id: Mapped[str] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    change: Mapped[str] = mapped_column(String(12))
    channel: Mapped[str] = mapped_column(String(10))
    recipient: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(10))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    delivered_at: Mapped[datetime | None]


class DeliveryAttempt(Base):
    """The delivery log: every attempt at a notification and how it ended."""

    __tablename__ = "alert_delivery_attempts"

    id: Mapped[int] = mapped_column(SequenceNumber, primary_key=True, autoincrement=True)
    notification_id: Mapped[int] = mapped_column(
        SequenceNumber, ForeignKey("alert_notifications.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
