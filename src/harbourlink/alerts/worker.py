"""The background loop of alerts: time rules, escalations, then the outbox, every ``interval`` seconds."""

from __future__ import annotations

import logging
import threading

import httpx

from harbourlink.alerts.dispatch import Channels, deliver_notifications
from harbourlink.alerts.engine import evaluate_due
from harbourlink.alerts.lifecycle import escalate_due
from harbourlink.kernel import Database

log = logging.getLogger(__name__)


def run_round(db: Database, client: httpx.Client, channels: Channels) -> int:
    """One pass; returns how many messages were attempted (a busy loop goes round again at once)."""
    with db.transaction() as session:
        evaluate_due(session)
        escalate_due(session)
    report = deliver_notifications(db, client, channels)
    return report.delivered + report.retrying + report.dead


class AlertDispatcher:
    """A daemon thread; ``stop`` waits for the round in progress."""

    def __init__(self, db: Database, channels: Channels, *, interval: float = 0.2):
        self.db, self.channels, self.interval = db, channels, interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="alert-dispatcher", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        with httpx.Client(follow_redirects=False) as client:
            while not self._stop.is_set():
                busy = 0
                try:
                    busy = run_round(self.db, client, self.channels)
                except Exception:
                    log.exception("alert round failed")
                if not busy:
                    self._stop.wait(self.interval)
