"""Alerts' consumer of stored events: the rules the new events may change are evaluated."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from harbourlink import events
from harbourlink.alerts.engine import on_events
from harbourlink.kernel import work


def _evaluate(session: Session, payload: Mapping[str, Any]) -> None:
    stored = events.Stored.from_payload(payload)
    on_events(session, stored.message_id)


CONSUMERS = [work.Consumer(events.seam.queue_name("alerts"), _evaluate)]
