"""How the ledger keeps up, for the platform operator: what waits to be logged, the log's growth, the witnesses.

Events wait twice: for the ledger's consumer to write their entry (a work item per message on
``stored.ledger``; a dead one waits until replayed), then, as a queued entry, for the sequencer.
Each figure is one bounded statement: the events waiting for their entry are counted by message
(what each waiting message stored, from the messages' keys), so the cost follows the number of
waiting messages, never the events'; the log's newest checkpoint and each configured witness's
newest cosignature are read backwards on their keys.
Nothing here starts the log: an installation that never sequenced answers with an empty one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from harbourlink import events, inbound
from harbourlink.kernel import work
from harbourlink.kernel.clock import as_utc
from harbourlink.kernel.series import HOUR, hour_starts
from harbourlink.ledger.models import LedgerCheckpoint, LedgerCosignature, LedgerLog, LedgerPending
from harbourlink.ledger.service import Ledger

LEDGER_QUEUE = events.seam.queue_name("ledger")


@dataclass(frozen=True)
class SequencerLag:
    """``events_waiting``: the events (and AIS positions) stored by the messages whose entries are not written
    yet (a message cut short counts whole); ``entries_queued``: written, not yet in the log;
    ``oldest_waiting_at``: when the longest-waiting of either arrived (None when nothing waits)."""

    size: int
    checkpoint_at: datetime | None
    events_waiting: int
    entries_queued: int
    oldest_waiting_at: datetime | None


@dataclass(frozen=True)
class WitnessStanding:
    """A configured witness and its newest cosignature (None when it never cosigned this log)."""

    name: str
    url: str
    cosigned_size: int | None
    cosigned_at: datetime | None


@dataclass(frozen=True)
class LogGrowth:
    """Entries added to the log in each hour starting at ``starts`` (the current hour last)."""

    starts: list[datetime]
    logged: list[int]


def _log_id(session: Session, ledger: Ledger) -> int | None:
    return session.scalar(select(LedgerLog.id).where(LedgerLog.origin == ledger.signer.name))


def _newest_checkpoint(session: Session, log_id: int | None) -> LedgerCheckpoint | None:
    if log_id is None:
        return None
    return session.scalar(
        select(LedgerCheckpoint)
        .where(LedgerCheckpoint.log_id == log_id)
        .order_by(LedgerCheckpoint.size.desc())
        .limit(1)
    )


def sequencer_lag(session: Session, ledger: Ledger) -> SequencerLag:
    """How far the log is behind the event store."""
    item = work.WorkItem
    waiting_items = (item.queue == LEDGER_QUEUE) & item.status.in_(("pending", "dead"))
    messages = select(item.payload["message_id"].as_string()).where(waiting_items)
    message = inbound.InboundMessage
    unlogged = select(func.sum(message.accepted)).where(message.id.in_(messages))
    first_item = select(func.min(item.created_at)).where(waiting_items)
    queued, first_entry = session.execute(select(func.count(), func.min(LedgerPending.queued_at))).one()
    checkpoint = _newest_checkpoint(session, _log_id(session, ledger))
    oldest = [as_utc(moment) for moment in (session.scalar(first_item), first_entry) if moment is not None]
    return SequencerLag(
        size=checkpoint.size if checkpoint else 0,
        checkpoint_at=as_utc(checkpoint.created_at) if checkpoint else None,
        events_waiting=int(session.scalar(unlogged) or 0),
        entries_queued=int(queued),
        oldest_waiting_at=min(oldest, default=None),
    )


def witness_standing(session: Session, ledger: Ledger) -> list[WitnessStanding]:
    """Each configured witness with its newest cosignature of this log."""
    log_id = _log_id(session, ledger)
    standing = []
    for witness in ledger.witnesses:
        newest = (
            None
            if log_id is None
            else session.scalar(
                select(LedgerCosignature)
                .where(
                    LedgerCosignature.log_id == log_id, LedgerCosignature.witness_key_id == witness.vkey.key_id.hex()
                )
                .order_by(LedgerCosignature.size.desc())
                .limit(1)
            )
        )
        standing.append(
            WitnessStanding(
                witness.vkey.name,
                witness.url,
                newest.size if newest else None,
                as_utc(newest.received_at) if newest else None,
            )
        )
    return standing


def log_growth(session: Session, ledger: Ledger, *, now: datetime, hours: int = 24) -> LogGrowth:
    """Entries logged per hour over the last ``hours`` hours, from the log's size at each hour's bounds.

    The size at a moment is the newest checkpoint signed before it: one backward step on the checkpoints'
    time index per bound, all in one statement, however many checkpoints an hour signs.
    """
    starts = hour_starts(now, hours)
    log_id = _log_id(session, ledger)
    if log_id is None:
        return LogGrowth(starts, [0] * hours)
    c = LedgerCheckpoint
    bounds = [*starts, starts[-1] + HOUR]
    sizes = session.execute(
        select(
            *(
                select(c.size)
                .where(c.log_id == log_id, c.created_at < bound)
                .order_by(c.created_at.desc())
                .limit(1)
                .scalar_subquery()
                for bound in bounds
            )
        )
    ).one()
    known = [size or 0 for size in sizes]
    return LogGrowth(starts, [max(0, after - before) for before, after in pairwise(known)])
