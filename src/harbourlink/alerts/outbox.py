"""Writing the outbox: who is owed which message about an alert change, in the caller's transaction.

Each row's ``idempotency_key`` is (alert, revision, change, channel, recipient); the insert
ignores a key already present, so a rule evaluated twice, or an ingest replayed, owes nothing
twice. E-mail and SMS wait for the end of the subscription's quiet hours; webhooks do not.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from harbourlink import identity
from harbourlink.alerts.channels.texts import language_of
from harbourlink.alerts.domain import Change, in_quiet_hours, quiet_hours_end
from harbourlink.alerts.models import Alert, AlertNotification, AlertSubscription, WebhookEndpoint
from harbourlink.kernel import live, new_id

HUMAN_CHANNELS = ("email", "sms")


def live_subject(org_id: str) -> str:
    """What a company's open inboxes and tracking pages wait on (``kernel.live``)."""
    return f"alerts.{org_id}"


def alert_payload(alert: Alert, change: Change, now: datetime) -> dict[str, Any]:
    """The webhook body (and the source of e-mail and SMS text): only what the alert's figures hold,
    which the rule computed from events the subscriber may see. ``timeline_url`` is relative here;
    the dispatcher prefixes the installation's address."""
    return {
        "type": f"alert.{alert.alert_type}",
        "timestamp": now.isoformat(),
        "data": {
            "alert_id": alert.id,
            "alert_type": alert.alert_type,
            "change": change.value,
            "status": alert.status,
            "revision": alert.revision,
            "reference": {"type": alert.subject_kind, "value": alert.subject},
            "condition": alert.condition,
            "figures": alert.figures,
            "opened_at": alert.opened_at.isoformat(),
            "timeline_url": f"/track/{alert.subject}",
        },
    }


def _recipients(
    session: Session, subscription: AlertSubscription, alert: Alert, change: Change
) -> list[tuple[str, str, str]]:
    """(channel, recipient, language) for each message owed."""
    user = identity.user_by_id(session, subscription.user_id) if subscription.user_id else None
    language = language_of(subscription.language or (user.language if user else None))
    owed: list[tuple[str, str, str]] = []
    channels = set(subscription.channels)
    if change == Change.ESCALATED:
        channels &= {"webhook"}
        if subscription.escalate_to:
            owed.append(("email", subscription.escalate_to, language))
    if "webhook" in channels:
        endpoints = session.scalars(
            select(WebhookEndpoint).where(
                WebhookEndpoint.org_id == subscription.org_id, WebhookEndpoint.active.is_(True)
            )
        )
        owed += [
            ("webhook", e.id, "en")
            for e in endpoints
            if not e.event_types or f"alert.{alert.alert_type}" in e.event_types
        ]
    email = subscription.email or (user.email if user else None)
    if "email" in channels and email:
        owed.append(("email", email, language))
    phone = subscription.phone or (user.mobile if user else None)
    if "sms" in channels and phone:
        owed.append(("sms", phone, language))
    return owed


def _due(subscription: AlertSubscription, channel: str, now: datetime) -> datetime:
    if channel not in HUMAN_CHANNELS or not subscription.quiet_start or not subscription.quiet_end:
        return now
    local = now.astimezone(ZoneInfo(subscription.time_zone))
    if not in_quiet_hours(local, subscription.quiet_start, subscription.quiet_end):
        return now
    return quiet_hours_end(local, subscription.quiet_end)


def enqueue(session: Session, subscription: AlertSubscription, alert: Alert, change: Change, *, now: datetime) -> int:
    """Outbox rows for one change of one alert; returns how many were new. Open inboxes hear of it at commit."""
    session.flush()  # the alert's id and revision must be final before they name the rows
    live.announce(session, live_subject(alert.org_id))
    payload = alert_payload(alert, change, now)
    rows = [
        {
            "idempotency_key": f"{alert.id}:{alert.revision}:{change.value}:{channel}:{recipient}",
            "org_id": alert.org_id,
            "alert_id": alert.id,
            "change": change.value,
            "channel": channel,
            "recipient": recipient,
            "language": language,
            "payload": payload,
            "status": "pending",
            "attempts": 0,
            "created_at": now,
            "next_attempt_at": _due(subscription, channel, now),
        }
        for channel, recipient, language in _recipients(session, subscription, alert, change)
    ]
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert(AlertNotification) if dialect == "postgresql" else sqlite.insert(AlertNotification)
    for row in rows:
        row["public_id"] = new_id()
    result = session.execute(insert.on_conflict_do_nothing(index_elements=["idempotency_key"]), rows)
    return int(getattr(result, "rowcount", 0) or 0)
