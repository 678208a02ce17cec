"""Queueing for the ledger what was stored before the ledger logged it: events and AIS positions.

Run once after upgrading a deployment that held data before the ledger existed (or after a
restore that lost the queue); ``harbourlink ledger backfill`` calls it until nothing is left.
Each call is one transaction over at most ``limit`` events and ``limit`` positions, entries are
built exactly as the ledger's consumer of stored events builds them (reefer readings and
positions batched by the message they came in), and an item already logged is never queued again.
"""

from __future__ import annotations

from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbourlink.inbound import InboundMessage
from harbourlink.kernel import utcnow
from harbourlink.ledger.entries import enqueue_events, enqueue_positions, unlogged_events, unlogged_positions

NO_OWNER = ""
"""Owner named in the entry of positions stored without a message (AIS data is owned by none)."""


def backfill(session: Session, *, limit: int = 5000) -> tuple[int, int]:
    """Queues entries for up to ``limit`` unlogged events and positions; returns how many of each."""
    event_ids = unlogged_events(session, limit=limit)
    enqueue_events(session, event_ids)
    positions = unlogged_positions(session, limit=limit)
    message_ids = {p.message_id for p in positions if p.message_id is not None}
    senders = {
        row.id: (row.sender_org_id, row.received_at)
        for row in session.execute(
            select(InboundMessage.id, InboundMessage.sender_org_id, InboundMessage.received_at).where(
                InboundMessage.id.in_(message_ids)
            )
        )
    }
    by_message = sorted(positions, key=lambda p: (p.message_id or "", p.seq))
    for message_id, group in groupby(by_message, key=lambda p: p.message_id or ""):
        owner, received_at = senders.get(message_id, (NO_OWNER, utcnow()))
        enqueue_positions(session, [(p.seq, p) for p in group], owner_org_id=owner, received_at=received_at)
    return len(event_ids), len(positions)
