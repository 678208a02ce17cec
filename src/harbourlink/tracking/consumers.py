"""Tracking's consumers of stored events: the DCSA callback outbox, and each company's numbers (My cargo)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from harbourlink import events
from harbourlink.kernel import work
from harbourlink.tracking.cargo import record_holdings
from harbourlink.tracking.subscriptions import enqueue_dcsa_callbacks


def _dcsa_callbacks(session: Session, payload: Mapping[str, Any]) -> None:
    stored = events.Stored.from_payload(payload)
    enqueue_dcsa_callbacks(session, events.stored_event_ids(session, stored.message_id))


def _holdings(session: Session, payload: Mapping[str, Any]) -> None:
    record_holdings(session, events.Stored.from_payload(payload).message_id)


CONSUMERS = [
    work.Consumer(events.seam.queue_name("dcsa-callbacks"), _dcsa_callbacks),
    # A whole message's numbers an item: one a claim, as the ledger's (see there).
    work.Consumer(events.seam.queue_name("holdings"), _holdings, batch=1),
]
