"""Receiving a message: archive it raw, then turn it into events, positions and located errors.

``receive`` is the one place in inbound that commits twice, on purpose: the raw message is
committed before processing starts, so a failure while processing (or a crash) never loses
what a company sent; the message then stays listed as failed and can be replayed.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbourlink import events, vessels
from harbourlink.inbound.models import InboundMessage
from harbourlink.inbound.registry import adapter_for
from harbourlink.integrations.dcsa.retractions import complete_dcsa_retractions
from harbourlink.integrations.parsing import ItemError, Parsed
from harbourlink.kernel import Actor, Database, NotFound, utcnow

log = logging.getLogger(__name__)

FAILED_STATUSES = ("rejected", "partial", "failed")


@dataclass(frozen=True)
class Outcome:
    """What became of one message: the API's response body."""

    id: str
    status: str
    accepted: int
    duplicates: int
    errors: list[ItemError]


def archive(session: Session, actor: Actor, *, format_name: str, raw: bytes, channel: str,
            filename: str | None = None, replay_of: str | None = None) -> InboundMessage:
    """Keeps the message exactly as it arrived, before anything reads it."""
    adapter_for(format_name)
    message = InboundMessage(sender_org_id=actor.org_id, sender_user_id=actor.user_id, format=format_name,
                             channel=channel, filename=filename, size=len(raw), sha256=hashlib.sha256(raw).hexdigest(),
                             raw=raw, replay_of=replay_of)
    session.add(message)
    session.flush()
    return message


def _store(session: Session, message: InboundMessage, parsed: Parsed) -> tuple[int, int, list[ItemError]]:
    errors = list(parsed.errors)
    errors += [ItemError(where, problem) for where, problem in
               complete_dcsa_retractions(session, owner_org_id=message.sender_org_id, drafts=parsed.events)]
    good: list[events.EventDraft] = []
    for position, draft in enumerate(parsed.events):
        problem = events.check_event(draft)
        if problem:
            errors.append(ItemError(draft.origin or f"item {position + 1}", problem))
        else:
            good.append(draft)
    appended = events.append_events(session, owner_org_id=message.sender_org_id, message_id=message.id, drafts=good)
    new_positions, old_positions = vessels.record_positions(session, parsed.positions, message_id=message.id)
    new_statics, old_statics = vessels.record_statics(session, parsed.vessels)
    if appended.event_ids or new_positions:
        events.publish_stored(session, message_id=message.id, owner_org_id=message.sender_org_id,
                              received_at=message.received_at)
    accepted = len(appended.accepted) + len(new_positions) + new_statics
    return accepted, appended.duplicates + old_positions + old_statics, errors


def process(session: Session, message: InboundMessage) -> Outcome:
    """Parses an archived message with its format's adapter and stores what it holds."""
    parsed = adapter_for(message.format).parse(message.raw)
    accepted, duplicates, errors = _store(session, message, parsed)
    if not errors:
        status = "accepted"
    elif accepted or duplicates:
        status = "partial"
    else:
        status = "rejected"
    message.status = status
    message.accepted = accepted
    message.duplicates = duplicates
    message.errors = [{"location": e.location, "message": e.message} for e in errors]
    message.processed_at = utcnow()
    return Outcome(message.id, status, accepted, duplicates, errors)


def receive(db: Database, actor: Actor, *, format_name: str, raw: bytes, channel: str,
            filename: str | None = None, replay_of: str | None = None) -> Outcome:
    """Archives then processes a message, each in its own transaction (see the module note)."""
    with db.transaction() as session:
        message_id = archive(session, actor, format_name=format_name, raw=raw, channel=channel, filename=filename,
                             replay_of=replay_of).id
        if replay_of is not None:
            original = session.get(InboundMessage, replay_of)
            if original is not None:
                original.superseded_by = message_id
    try:
        with db.transaction() as session:
            message = session.get(InboundMessage, message_id)
            assert message is not None  # noqa: S101 - committed just above
            return process(session, message)
    except Exception as exc:
        log.exception("processing inbound message %s failed", message_id)
        problem = ItemError("message", f"internal error while processing ({type(exc).__name__}); "
                                       "the message is kept and can be replayed")
        with db.transaction() as session:
            message = session.get(InboundMessage, message_id)
            assert message is not None  # noqa: S101 - committed above
            message.status = "failed"
            message.errors = [{"location": problem.location, "message": problem.message}]
            message.processed_at = utcnow()
        return Outcome(message_id, "failed", 0, 0, [problem])


def get_message(session: Session, actor: Actor, *, message_id: str) -> InboundMessage:
    """One of the caller's company's messages (the operator may read any)."""
    message = session.get(InboundMessage, message_id)
    if message is None or (message.sender_org_id != actor.org_id and not actor.is_operator):
        raise NotFound("no such message", data={"message_id": message_id})
    return message


def list_messages(session: Session, actor: Actor, *, status: str | None = None, failed_only: bool = False,
                  limit: int = 100) -> list[InboundMessage]:
    """The caller's company's messages, newest first; ``failed_only``: those still needing attention."""
    query = (select(InboundMessage).where(InboundMessage.sender_org_id == actor.org_id)
             .order_by(InboundMessage.received_at.desc()).limit(limit))
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
    return receive(db, actor, format_name=format_name, raw=corrected if corrected is not None else raw,
                   channel="replay", filename=filename, replay_of=message_id)
