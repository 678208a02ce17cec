"""The background loop of alerts: time rules, escalations, then the outbox, every ``interval`` seconds."""

from __future__ import annotations

import logging

import httpx

from harbourlink.alerts.dispatch import Channels, deliver_notifications
from harbourlink.alerts.engine import evaluate_due
from harbourlink.alerts.lifecycle import escalate_due
from harbourlink.integrations.webhooks import DeliveryLoop
from harbourlink.kernel import Database

log = logging.getLogger(__name__)


def run_round(db: Database, client: httpx.Client, channels: Channels) -> int:
    """One pass; returns how many messages were attempted (a busy loop goes round again at once)."""
    with db.transaction() as session:
        evaluate_due(session)
        escalate_due(session)
    report = deliver_notifications(db, client, channels)
    return report.delivered + report.retrying + report.dead


class AlertDispatcher(DeliveryLoop):
    """A daemon thread; ``stop`` waits for the round in progress."""

    thread_name = "alert-dispatcher"

    def __init__(self, db: Database, channels: Channels, *, interval: float = 0.2):
        super().__init__(interval=interval)
        self.db, self.channels = db, channels

    def run_round(self, client: httpx.Client) -> bool:
        return run_round(self.db, client, self.channels) > 0
