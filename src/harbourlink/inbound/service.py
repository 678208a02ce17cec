"""Receiving a message: archive it raw, then turn it into events, positions and located errors.

``receive`` is the one place in inbound that commits twice, on purpose: the raw message is
committed before processing starts, so a failure while processing (or a crash) never loses
what a company sent; the message then stays listed as failed and can be replayed.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbourlink import events, vessels
from harbourlink.inbound.models import InboundMessage
from harbourlink.inbound.registry import adapter_for, as_received
from harbourlink.integrations.dcsa.retractions import complete_dcsa_retractions
from harbourlink.integrations.parsing import ItemError, Parsed, json_place
from harbourlink.kernel import Actor, Database, NotFound, live, utcnow, work
from harbourlink.kernel.collector import collector_held
from harbourlink.kernel.phrases import N_, Phrase

log = logging.getLogger(__name__)

FAILED_STATUSES = ("rejected", "partial", "failed")
PENDING_STATUSES = ("received", "queued", "processing")
PROCESS_QUEUE = "inbound.process"
CHUNK_ITEMS = 5000
WAIT_FOR_WORKER_SECONDS = 60.0
MAX_ATTEMPTS = 3
"""Processing attempts before a message that keeps killing its worker is marked failed (kept for replay)."""

WHOLE_MESSAGE = Phrase("whole_message", N_("message"))
INTERRUPTED = Phrase(
    "processing_interrupted", N_("processing was interrupted %(times)s times; the message is kept and can be replayed")
)
INTERNAL_ERROR = Phrase(
    "processing_failed", N_("internal error while processing (%(error)s); the message is kept and can be replayed")
)


@dataclass(frozen=True)
class Outcome:
    """What became of one message: the API's response body."""

    id: str
    status: str
    accepted: int
    duplicates: int
    errors: list[ItemError]


def live_subject(message_id: str) -> str:
    """What the pages following one message's progress wait on (``kernel.live``): announced once per
    chunk stored and once when it is done, never per item."""
    return f"messages.{message_id}"


def archive(
    session: Session,
    actor: Actor,
    *,
    format_name: str,
    raw: bytes,
    channel: str,
    filename: str | None = None,
    replay_of: str | None = None,
) -> InboundMessage:
    """Keeps the message exactly as it arrived, before anything reads it, queued for processing."""
    adapter_for(format_name)
    message = InboundMessage(
        status="queued",
        sender_org_id=actor.org_id,
        sender_user_id=actor.user_id,
        format=format_name,
        channel=channel,
        filename=filename,
        size=len(raw),
        sha256=hashlib.sha256(raw).hexdigest(),
        raw=raw,
        replay_of=replay_of,
    )
    session.add(message)
    session.flush()
    return message


@dataclass
class _Tally:
    accepted: int = 0
    duplicates: int = 0
    errors: list[ItemError] = field(default_factory=list)
    stored_any: bool = False


def _store(session: Session, message: InboundMessage, parsed: Parsed, tally: _Tally, *, offset: int) -> None:
    """Stores one chunk of a message's items (the first at ``offset`` in the message), in the caller's transaction."""
    tally.errors += parsed.errors
    tally.errors += [
        ItemError(json_place(where), problem)
        for where, problem in complete_dcsa_retractions(
            session, owner_org_id=message.sender_org_id, drafts=parsed.events
        )
    ]
    good: list[events.EventDraft] = []
    for position, draft in enumerate(parsed.events, start=offset):
        problem = events.check_event(draft)
        if problem:
            tally.errors.append(ItemError(events.place_of(draft, position), problem))
        else:
            good.append(draft)
    appended = events.append_events(session, owner_org_id=message.sender_org_id, message_id=message.id, drafts=good)
    tally.errors += [ItemError(conflict.place, conflict.problem) for conflict in appended.conflicts]
    new_positions, old_positions = vessels.record_positions(session, parsed.positions, message_id=message.id)
    new_statics, old_statics = vessels.record_statics(session, parsed.vessels)
    tally.accepted += len(appended.accepted) + len(new_positions) + new_statics
    tally.duplicates += appended.duplicates + old_positions + old_statics
    tally.stored_any = tally.stored_any or bool(appended.event_ids or new_positions)


def _chunks(parsed: Parsed, size: int) -> list[Parsed]:
    """The message's items in pieces of ``size``: each is stored in a transaction of its own, so a large
    message neither holds the database's write lock for long nor grows one transaction without bound."""
    items = max(len(parsed.events), len(parsed.positions), len(parsed.vessels), 1)
    return [
        Parsed(
            events=parsed.events[start : start + size],
            positions=parsed.positions[start : start + size],
            vessels=parsed.vessels[start : start + size],
            errors=parsed.errors if start == 0 else [],
        )
        for start in range(0, items, size)
    ]


def _outcome(message: InboundMessage) -> Outcome:
    return Outcome(
        message.id,
        message.status,
        message.accepted,
        message.duplicates,
        [ItemError.as_stored(e) for e in message.errors or []],
    )


def _fail(db: Database, message_id: str, problem: ItemError) -> Outcome:
    with db.transaction() as session:
        message = session.get(InboundMessage, message_id)
        assert message is not None  # noqa: S101 - archived before it was processed
        message.status = "failed"
        message.errors = [problem.as_data()]
        message.processed_at = utcnow()
        live.announce(session, live_subject(message_id))
        return _outcome(message)


def _first_arrival(session: Session, message: InboundMessage) -> datetime:
    """When the content first arrived: a replay's items keep the time the original message came in."""
    seen = {message.id}
    while message.replay_of is not None and message.replay_of not in seen:
        original = session.get(InboundMessage, message.replay_of)
        if original is None:
            break
        seen.add(original.id)
        message = original
    return message.received_at


def _read_and_store(db: Database, message_id: str, parsed: Parsed, chunk: int) -> Outcome:
    """Stores a message's items chunk by chunk, each chunk in a transaction of its own; the last one also
    gives the message its outcome and publishes what was stored, so a message of one chunk is stored,
    settled and published in one transaction.

    The items all live until the last chunk is stored, and are freed on return, so the caller holds
    the cyclic collector off around reading and this (``kernel.collector``).
    """
    tally = _Tally()
    total = len(parsed.events) + len(parsed.positions) + len(parsed.vessels)
    *earlier, last = _chunks(parsed, chunk)
    for number, piece in enumerate(earlier):
        with db.transaction() as session:
            _store_chunk(session, message_id, piece, tally, offset=number * chunk, total=total)
    with db.transaction() as session:
        message = _store_chunk(session, message_id, last, tally, offset=len(earlier) * chunk, total=total)
        return _settle(session, message, tally)


def _store_chunk(
    session: Session, message_id: str, piece: Parsed, tally: _Tally, *, offset: int, total: int
) -> InboundMessage:
    message = session.get(InboundMessage, message_id)
    assert message is not None  # noqa: S101 - archived before it was processed
    _store(session, message, piece, tally, offset=offset)
    message.items_total = total
    message.items_done += len(piece.events) + len(piece.positions) + len(piece.vessels)
    message.accepted, message.duplicates = tally.accepted, tally.duplicates
    live.announce(session, live_subject(message_id))
    return message


def _settle(session: Session, message: InboundMessage, tally: _Tally) -> Outcome:
    """The message's outcome from what its chunks stored; the stored events published once, in the same transaction."""
    errors = tally.errors
    if not errors:
        message.status = "accepted"
    elif tally.accepted or tally.duplicates:
        message.status = "partial"
    else:
        message.status = "rejected"
    message.errors = [e.as_data() for e in errors]
    message.processed_at = utcnow()
    if tally.stored_any or _stored_before(session, message.id):
        events.publish_stored(
            session, message_id=message.id, owner_org_id=message.sender_org_id, received_at=message.received_at
        )
    return _outcome(message)


def process_archived(db: Database, message_id: str, *, attempt: int = 1, chunk: int = CHUNK_ITEMS) -> Outcome:
    """Reads an archived message with its format's adapter and stores what it holds, chunk by chunk.

    Idempotent: a message already processed is left as it is, and a message whose processing was cut
    short (a crash) is read again; what it had stored then counts as duplicates. Stored events are
    published once, with the last chunk.
    """
    with db.transaction() as session:
        message = session.get(InboundMessage, message_id)
        if message is None or message.status not in PENDING_STATUSES:
            return _outcome(message) if message is not None else Outcome(message_id, "failed", 0, 0, [])
        if attempt > MAX_ATTEMPTS:
            interrupted = True
        else:
            interrupted = False
            message.status, message.items_done = "processing", 0
        format_name, raw, arrived = message.format, message.raw, _first_arrival(session, message)
    if interrupted:
        return _fail(db, message_id, ItemError(WHOLE_MESSAGE(), INTERRUPTED(times=MAX_ATTEMPTS)))
    try:
        with collector_held():
            return _read_and_store(
                db,
                message_id,
                adapter_for(format_name).parse(as_received(format_name, raw, received_at=arrived)),
                chunk,
            )
    except Exception as exc:
        log.exception("processing inbound message %s failed", message_id)
        return _fail(db, message_id, ItemError(WHOLE_MESSAGE(), INTERNAL_ERROR(error=type(exc).__name__)))


def _stored_before(session: Session, message_id: str) -> bool:
    """Whether an earlier attempt, cut short after committing a chunk, stored rows of this message.

    This attempt counts those rows as duplicates, yet nobody was told of them: the earlier attempt
    died before publishing, so this one publishes them.
    """
    stored = select(events.Event.id).where(events.Event.message_id == message_id).limit(1)
    placed = select(vessels.VesselPosition.seq).where(vessels.VesselPosition.message_id == message_id).limit(1)
    return session.scalar(stored) is not None or session.scalar(placed) is not None


def process_key(message_id: str) -> str:
    return f"{PROCESS_QUEUE}:{message_id}"


def receive(
    db: Database,
    actor: Actor,
    *,
    format_name: str,
    raw: bytes,
    channel: str,
    filename: str | None = None,
    replay_of: str | None = None,
    background: bool = False,
) -> Outcome:
    """Archives a message and queues its processing in one transaction, then processes it here and now
    (or, with ``background``, leaves it to a worker and answers ``queued``).

    Archived and queued together, a message is never lost between the two: if this process dies
    while processing, a worker takes the queued item and processes the message again.
    """
    with db.transaction() as session:
        message = archive(
            session, actor, format_name=format_name, raw=raw, channel=channel, filename=filename, replay_of=replay_of
        )
        message_id = message.id
        if replay_of is not None:
            original = session.get(InboundMessage, replay_of)
            if original is not None:
                original.superseded_by = message_id
        work.enqueue(session, PROCESS_QUEUE, {"message_id": message_id}, key=process_key(message_id), ring=background)
    if background:
        return Outcome(message_id, "queued", 0, 0, [])
    ran = work.run_now(db, process_key(message_id))
    if ran is not None and isinstance(ran.result, Outcome):
        return ran.result  # as the transaction that settled the message left it
    if ran is None:
        _wait_for_worker(db, message_id)
    with db.transaction() as session:
        processed = session.get(InboundMessage, message_id)
        assert processed is not None  # noqa: S101 - committed above
        return _outcome(processed)


def _wait_for_worker(db: Database, message_id: str, *, timeout: float = WAIT_FOR_WORKER_SECONDS) -> None:
    """A worker took the message between its archiving and ``run_now`` (it polls the queue): the caller asked
    for the outcome, so wait for it, a bounded time; after that the answer says ``processing``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.transaction() as session:
            message = session.get(InboundMessage, message_id)
            if message is None or message.status not in PENDING_STATUSES:
                return
        time.sleep(0.05)


def get_message(session: Session, actor: Actor, *, message_id: str) -> InboundMessage:
    """One of the caller's company's messages (the operator may read any)."""
    message = session.get(InboundMessage, message_id)
    if message is None or (message.sender_org_id != actor.org_id and not actor.is_operator):
        raise NotFound("no such message", data={"message_id": message_id})
    return message


def list_messages(
    session: Session,
    actor: Actor,
    *,
    status: str | None = None,
    failed_only: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> list[InboundMessage]:
    """The caller's company's messages, newest first, ``limit`` of them from ``offset``; ``failed_only``: those
    still needing attention."""
    query = (
        select(InboundMessage)
        .where(InboundMessage.sender_org_id == actor.org_id)
        .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc())
        .offset(offset)
        .limit(limit)
    )
    if status is not None:
        query = query.where(InboundMessage.status == status)
    if failed_only:
        query = query.where(InboundMessage.status.in_(FAILED_STATUSES), InboundMessage.superseded_by.is_(None))
    return list(session.scalars(query))


def replay(db: Database, actor: Actor, *, message_id: str, corrected: bytes | None = None) -> Outcome:
    """Processes a message again, as it was or corrected; the original stays in the archive."""
    with db.transaction() as session:
        original = get_message(session, actor, message_id=message_id)
        raw, format_name, filename = original.raw, original.format, original.filename
    return receive(
        db,
        actor,
        format_name=format_name,
        raw=corrected if corrected is not None else raw,
        channel="replay",
        filename=filename,
        replay_of=message_id,
    )
