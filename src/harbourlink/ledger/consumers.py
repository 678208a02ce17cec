"""The ledger's consumer of stored events: entries for a message's new events and positions, queued for the sequencer.

Entries are built here, off the ingest transaction, a chunk of events at a time: each chunk is
read and built outside any write, then written in a short transaction of its own, so a large
message never holds SQLite's one write lock for long. An event or position already logged (by an
earlier run cut short, or by ``backfill``) is never queued again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harbourlink import events
from harbourlink.kernel import Database, work
from harbourlink.ledger.entries import (
    enqueue_positions,
    prepare_events,
    unlogged_events,
    unlogged_positions,
    write_prepared,
)

CHUNK = 2000


def _log(db: Database, payload: Mapping[str, Any], _attempt: int) -> None:
    stored = events.Stored.from_payload(payload)
    while True:
        with db.transaction() as session:
            prepared = prepare_events(session, unlogged_events(session, message_id=stored.message_id, limit=CHUNK))
        if not prepared.links:
            break
        with db.transaction() as session:
            write_prepared(session, prepared)
    with db.transaction() as session:
        positions = unlogged_positions(session, message_id=stored.message_id)
        enqueue_positions(
            session, [(p.seq, p) for p in positions], owner_org_id=stored.owner_org_id, received_at=stored.received_at
        )


# A message's entries take about 0.1 ms an event (its salted commitments): one message a claim, so a
# worker's round stays short and comes back soon to the cheap queues before this one (alerts), and
# the other workers take the next messages instead of waiting for one worker's batch.
CONSUMERS = [work.Consumer(events.seam.queue_name("ledger"), manage=_log, batch=1)]
