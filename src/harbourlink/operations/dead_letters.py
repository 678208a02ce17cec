"""Dead letters across the platform, and putting one back in its queue.

Three tables carry the ``Leased`` columns and so can hold dead rows: the work queue (consumers
of stored events, large uploads), the alert outbox and the DCSA callback outbox. A dead letter
is named ``<kind>-<row id>`` (``work-12``, ``alert-7``, ``dcsa-3``) so one list and one replay
serve them all. Each kind's newest dead rows are one statement on its ``status`` index.

Replay revives the row exactly as ``kernel.workqueue.revive`` does for a company's own replay:
due at once, attempts counted afresh. A notification or callback is still checked against the
access rules when its turn comes, so the operator's replay sends nothing its recipient may not see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, literal, null, select
from sqlalchemy.orm import Session

from harbourlink import alerts, identity, inbound, tracking
from harbourlink.kernel import Actor, Conflict, NotFound, utcnow, work

ALERT_QUEUE = "outbox.alerts"
DCSA_QUEUE = "outbox.dcsa-callbacks"
Rows = Select[*tuple[Any, ...]]
ID_DIGITS = 18
"""Row ids are 64-bit: longer numbers name no row (and must not reach the database)."""


@dataclass(frozen=True)
class DeadLetter:
    """A row whose retries ran out: its queue, the company it concerns (when known), why it died.

    ``channel`` is the alert channel of a notification; ``last_due_at`` is when its last attempt fell
    due. ``status`` is ``dead`` until it is replayed (then ``pending``).
    """

    id: str
    kind: str
    queue: str
    org_id: str | None
    channel: str | None
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    last_due_at: datetime


def _work() -> Rows:
    item, message = work.WorkItem, inbound.InboundMessage
    # Consumers of stored events name the owner; reading a message names the message, whose sender it is.
    sender = select(message.sender_org_id).where(message.id == item.payload["message_id"].as_string()).scalar_subquery()
    owner = func.coalesce(item.payload["owner_org_id"].as_string(), sender)
    return select(
        literal("work"),
        item.id,
        item.queue,
        owner,
        null(),
        item.status,
        item.attempts,
        item.last_error,
        item.created_at,
        item.next_attempt_at,
    )


def _alerts() -> Rows:
    row = alerts.AlertNotification
    return select(
        literal("alert"),
        row.id,
        literal(ALERT_QUEUE),
        row.org_id,
        row.channel,
        row.status,
        row.attempts,
        row.last_error,
        row.created_at,
        row.next_attempt_at,
    )


def _dcsa() -> Rows:
    row, subscription = tracking.DcsaDelivery, tracking.DcsaSubscription
    return select(
        literal("dcsa"),
        row.id,
        literal(DCSA_QUEUE),
        subscription.org_id,
        null(),
        row.status,
        row.attempts,
        row.last_error,
        row.created_at,
        row.next_attempt_at,
    ).join(subscription, subscription.id == row.subscription_id)


KINDS: dict[str, tuple[Any, Callable[[], Rows]]] = {
    "work": (work.WorkItem, _work),
    "alert": (alerts.AlertNotification, _alerts),
    "dcsa": (tracking.DcsaDelivery, _dcsa),
}


def _letters(session: Session, query: Rows) -> list[DeadLetter]:
    return [DeadLetter(f"{kind}-{row_id}", kind, *rest) for kind, row_id, *rest in session.execute(query)]


def list_dead_letters(session: Session, *, limit: int = 20) -> list[DeadLetter]:
    """The ``limit`` dead letters whose last attempt fell due most recently, of every kind."""
    found = [
        letter
        for model, query in KINDS.values()
        for letter in _letters(
            session, query().where(model.status == "dead").order_by(model.next_attempt_at.desc()).limit(limit)
        )
    ]
    return sorted(found, key=lambda letter: letter.last_due_at, reverse=True)[:limit]


def replay_dead_letter(session: Session, actor: Actor, *, letter_id: str) -> DeadLetter:
    """Puts a dead letter back in its queue, due at once: the operator only, and only a row that is dead."""
    identity.check_operator(actor)
    kind, _, number = letter_id.partition("-")
    model, query = KINDS.get(kind, (None, None))
    row_id = int(number) if number.isascii() and number.isdigit() and len(number) <= ID_DIGITS else None
    row = session.get(model, row_id) if model is not None and row_id is not None else None
    if row is None or model is None or query is None:
        raise NotFound("no such dead letter", data={"letter_id": letter_id})
    if row.status != "dead":
        raise Conflict(
            f"only a dead letter is replayed; this one is {row.status}",
            code="not_dead_letter",
            data={"letter_id": letter_id, "status": row.status},
        )
    if kind == "work":
        work.replay(session, row.id)  # also rings the queue's workers
    else:
        work.revive(row, now=utcnow())
    session.flush()
    return _letters(session, query().where(model.id == row.id))[0]
