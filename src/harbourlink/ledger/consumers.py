"""The ledger's consumer of stored events: entries for a message's new events and positions, queued for the sequencer.

Entries are built here, off the ingest transaction; an event or position already logged (by an
earlier run, or by ``backfill``) is never queued again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from harbourlink import events
from harbourlink.kernel import work
from harbourlink.ledger.entries import enqueue_events, enqueue_positions, unlogged_events, unlogged_positions


def _log(session: Session, payload: Mapping[str, Any]) -> None:
    stored = events.Stored.from_payload(payload)
    enqueue_events(session, unlogged_events(session, message_id=stored.message_id))
    positions = unlogged_positions(session, message_id=stored.message_id)
    enqueue_positions(session, [(p.seq, p) for p in positions], owner_org_id=stored.owner_org_id,
                      received_at=stored.received_at)


CONSUMERS = [work.Consumer(events.seam.queue_name("ledger"), _log)]
