"""Emptying the outbox: claim due rows, send each on its channel, log the attempt, retry or dead-letter.

No network call runs inside a transaction: a round claims rows (a lease in ``claimed_until``),
commits, sends, then records each outcome in its own short transaction. A process killed after
the ingest committed loses nothing (the rows wait, and the lease of a half-sent row expires);
the only duplicate possible is a message sent just before a crash and not yet recorded, and it
carries the same ``webhook-id``/``Message-ID``, so a receiver can drop it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbourlink import identity
from harbourlink.alerts.channels import Sent, email, sms, webhook
from harbourlink.alerts.engine import is_visible
from harbourlink.alerts.models import Alert, AlertNotification, AlertSubscription, DeliveryAttempt, WebhookEndpoint
from harbourlink.alerts.visibility import subscriber_scope
from harbourlink.integrations.webhooks import CallbackPolicy, signed_headers
from harbourlink.kernel import Database, utcnow, work

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Channels:
    """Where messages go: the installation's address (for links), webhook policy, SMTP and SMS."""

    base_url: str
    sealer: identity.Sealer
    policy: CallbackPolicy = field(default_factory=CallbackPolicy)
    smtp: email.SmtpConfig | None = None
    sms: sms.SmsConfig | None = None
    max_attempts: int = 8
    lease: timedelta = work.DEFAULT_LEASE
    """How long a claimed row is this sender's; longer than a delivery's timeouts, or a slow send goes twice."""


@dataclass
class RoundReport:
    delivered: int = 0
    retrying: int = 0
    dead: int = 0
    withheld: int = 0


def _claim(db: Database, now: datetime, limit: int, lease: timedelta) -> list[int]:
    with db.transaction() as session:
        candidates = select(AlertNotification.id).order_by(AlertNotification.id).limit(limit)
        return work.claim(session, AlertNotification, candidates, now=now, lease=lease).ids


def _still_visible(session: Session, alert: Alert) -> bool:
    """The recipient may still see the cargo (a grant may have ended since the alert opened)."""
    subscription = session.get(AlertSubscription, alert.subscription_id)
    return subscription is not None and is_visible(
        session, subscriber_scope(subscription), alert.subject_kind, alert.subject
    )


Send = Callable[[httpx.Client], Sent]


def _webhook(session: Session, channels: Channels, row: AlertNotification, *, body: bytes, now: datetime) -> Send:
    endpoint = session.get(WebhookEndpoint, row.recipient)
    if endpoint is None or not endpoint.active:
        return lambda _client: Sent(None, "the endpoint was deleted or disabled")
    sealed = [endpoint.secret_sealed]
    if endpoint.previous_secret_sealed and endpoint.previous_until and endpoint.previous_until > now:
        sealed.append(endpoint.previous_secret_sealed)
    keys = [key for key in (channels.sealer.unseal(s) for s in sealed) if key]
    signed = signed_headers(keys, row.public_id, int(now.timestamp()), body)
    url = endpoint.url
    return lambda client: webhook.send(client, url, signed, body, channels.policy)


def _prepare(session: Session, channels: Channels, row: AlertNotification, now: datetime) -> Send:
    """Everything a send needs from the database, read now, so the network call runs outside any transaction."""
    payload = json.loads(json.dumps(row.payload))
    payload["data"]["timeline_url"] = channels.base_url.rstrip("/") + payload["data"]["timeline_url"]
    if row.channel == "webhook":
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        return _webhook(session, channels, row, body=body, now=now)
    smtp, provider = channels.smtp, channels.sms
    if row.channel == "email" and smtp is not None:
        message = email.compose(
            payload["data"], to=row.recipient, sender=smtp.sender, language=row.language, message_id=row.public_id
        )
        return lambda _client: email.send(smtp, message)
    if row.channel == "sms" and provider is not None:
        to, text, message_id = row.recipient, sms.text(payload["data"], row.language), row.public_id
        return lambda client: sms.send(client, provider, to=to, body=text, message_id=message_id)
    missing = f"the {row.channel} channel is not configured"
    return lambda _client: Sent(None, missing)


def _attempt(db: Database, channels: Channels, client: httpx.Client, notification_id: int, report: RoundReport) -> None:
    now = utcnow()
    with db.transaction() as session:
        row = session.get(AlertNotification, notification_id)
        alert = session.get(Alert, row.alert_id) if row is not None else None
        if row is None or alert is None:
            return
        if not _still_visible(session, alert):
            row.status, row.claimed_until = "withheld", None
            report.withheld += 1
            return
        send, row_id = _prepare(session, channels, row, now), row.id
    started = time.monotonic()
    outcome = send(client)
    _record(db, channels, row_id, outcome=outcome, duration_ms=int((time.monotonic() - started) * 1000), report=report)


def _record(
    db: Database, channels: Channels, notification_id: int, *, outcome: Sent, duration_ms: int, report: RoundReport
) -> None:
    now = utcnow()
    with db.transaction() as session:
        row = session.get(AlertNotification, notification_id)
        if row is None:
            return
        session.add(
            DeliveryAttempt(
                notification_id=row.id, at=now, status_code=outcome.status, error=outcome.error, duration_ms=duration_ms
            )
        )
        if outcome.ok:
            work.succeeded(row, status="delivered")
            row.delivered_at = now
            report.delivered += 1
        elif work.failed(row, outcome.error or "failed", now=now, max_attempts=channels.max_attempts):
            report.dead += 1
        else:
            report.retrying += 1


def deliver_notifications(
    db: Database, client: httpx.Client, channels: Channels, *, now: datetime | None = None, limit: int = 200
) -> RoundReport:
    """One round over the due outbox rows; ``now`` is for tests (retries become due later)."""
    report = RoundReport()
    for notification_id in _claim(db, now or utcnow(), limit, channels.lease):
        try:
            _attempt(db, channels, client, notification_id, report)
        except Exception:
            log.exception("alert notification %s could not be attempted", notification_id)
    return report
