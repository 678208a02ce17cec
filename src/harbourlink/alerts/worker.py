"""Alerts' duties in the worker loop: time rules and escalations, then the outbox (the ``dispatch`` role)."""

from __future__ import annotations

import httpx

from harbourlink.alerts.dispatch import Channels, deliver_notifications
from harbourlink.alerts.engine import evaluate_due
from harbourlink.alerts.lifecycle import escalate_due
from harbourlink.kernel import Database
from harbourlink.kernel.workqueue import Job


def run_round(db: Database, client: httpx.Client, channels: Channels) -> int:
    """One pass; returns how many messages were attempted (a busy loop goes round again at once)."""
    with db.transaction() as session:
        evaluate_due(session)
        escalate_due(session)
    report = deliver_notifications(db, client, channels)
    return report.delivered + report.retrying + report.dead


def delivery_job(db: Database, channels: Channels, *, every: float = 0.2) -> Job:
    """Alert delivery for the worker loop."""
    return Job("alert-delivery", "dispatch", lambda client: run_round(db, client, channels) > 0, every=every)
