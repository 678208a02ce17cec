"""Evaluating rules: on a message's newly stored events (in the alerts consumer's transaction) and when time passes.

``on_events`` finds the subscriptions a batch concerns, loads each subject's history *as the
subscriber may see it* (``events.select_visible``), asks each subscribed type for a verdict and
hands it to ``lifecycle.reconcile``. Nothing is sent here: reconcile writes outbox rows in the
same transaction, so an alert exists exactly when its events do.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, literal, or_, select, tuple_, union
from sqlalchemy.orm import Session

from harbourlink import events
from harbourlink.access import AccessScope
from harbourlink.alerts.domain import AlertType, Fact, sorted_history
from harbourlink.alerts.lifecycle import Known, known_for, reconcile
from harbourlink.alerts.models import AlertSubscription, AlertWatch
from harbourlink.alerts.registry import all_types
from harbourlink.alerts.visibility import subscriber_scope
from harbourlink.events import Event, EventReference
from harbourlink.kernel import utcnow

CHUNK = 500
Subject = tuple[str, str]


@dataclass
class _Batch:
    """The new events, with what each is about."""

    rows: list[Event]
    subjects: dict[int, list[Subject]] = field(default_factory=dict)


def _about(kind: str, value: str) -> ColumnElement[bool]:
    return Event.vessel_imo == value if kind == "VESSEL" else events.about(kind, [value])


def fact_of(row: Event | Row[Any], references: list[tuple[str, str]]) -> Fact:
    """An event as the rules read it (from an ORM object or a plain row of ``events``)."""
    return Fact(
        event_id=row.id,
        event_type=row.event_type,
        event_code=row.event_code,
        classifier=row.classifier,
        event_time=row.event_time,
        received_at=row.received_at,
        issued_at=row.created_time or row.received_at,
        details=dict(row.details or {}),
        location=row.location,
        facility=row.facility,
        vessel_imo=row.vessel_imo,
        voyage=row.voyage,
        references=tuple(sorted(references)),
    )


def history(session: Session, scope: AccessScope, kind: str, value: str) -> list[Fact]:
    """Every event about one subject that the scope may see, in the order the world saw them."""
    rows = list(session.scalars(events.select_visible(scope, _about(kind, value))))
    references = events.references_of(session, [row.seq for row in rows])
    return sorted_history([fact_of(row, references[row.seq]) for row in rows])


def histories(
    session: Session, scope: AccessScope, subjects: Collection[Subject], *, message_id: str
) -> dict[Subject, list[Fact]]:
    """``history`` of many subjects, all named by one message: two queries per kind of subject, the
    message's own numbers joined in the database (no IN lists, however many the message names)."""
    wanted = set(subjects)
    found: dict[Subject, list[Fact]] = {subject: [] for subject in wanted}
    for kind in sorted({kind for kind, _ in wanted}):
        about: ColumnElement[bool]
        if kind == "VESSEL":
            named = (
                select(Event.vessel_imo)
                .where(Event.message_id == message_id, Event.vessel_imo.is_not(None))
                .correlate(None)
            )  # its own rows, not the outer query's
            about = Event.vessel_imo.in_(named)
        else:
            named = (
                select(EventReference.value)
                .join(Event, Event.seq == EventReference.event_seq)
                .where(Event.message_id == message_id, EventReference.kind == kind)
                .correlate(None)
            )
            about = events.about(kind, named)
        rows, references = events.visible_with_references(session, scope, about)
        for row in rows:
            named_here = references[row.seq]
            fact = fact_of(row, named_here)
            hits = [("VESSEL", row.vessel_imo)] if kind == "VESSEL" else [(k, v) for k, v in named_here if k == kind]
            for subject in hits:
                if subject in wanted:
                    found[subject].append(fact)
    return {subject: sorted_history(facts) for subject, facts in found.items()}


def is_visible(session: Session, scope: AccessScope, kind: str, value: str) -> bool:
    """Whether the scope may see any event about the subject (one existence query, no history)."""
    query = select(Event.seq).where(events.visible(scope), _about(kind, value)).limit(1)
    return session.scalar(query) is not None


def _load(session: Session, message_id: str) -> _Batch:
    rows, references = events.stored_events(session, message_id)
    batch = _Batch(rows)
    for row in rows:
        subjects = list(references[row.seq])
        if row.vessel_imo:
            subjects.append(("VESSEL", row.vessel_imo))
        batch.subjects[row.seq] = subjects
    return batch


def _subscriptions(session: Session, message_id: str) -> list[AlertSubscription]:
    """Subscriptions to all cargo, and those to a number or vessel the message's events name: one query,
    the message's references joined in the database (a message may name tens of thousands)."""
    named = (
        select(EventReference.kind, EventReference.value)
        .join(Event, Event.seq == EventReference.event_seq)
        .where(Event.message_id == message_id)
    )
    vessels = select(literal("VESSEL"), Event.vessel_imo).where(
        Event.message_id == message_id, Event.vessel_imo.is_not(None)
    )
    subject = tuple_(AlertSubscription.reference_type, AlertSubscription.reference)
    query = (
        select(AlertSubscription)
        .where(
            AlertSubscription.paused_at.is_(None),
            or_(AlertSubscription.reference.is_(None), subject.in_(union(named, vessels))),
        )
        .order_by(AlertSubscription.id)
    )
    return list(session.scalars(query))


def _candidates(subscription: AlertSubscription, kind: AlertType, batch: _Batch) -> set[Subject]:
    """The subjects of the batch this subscription and type should look at again; a subscription to all
    cargo with a saved filter looks only at the kinds of number and the places it names."""
    mine = subscription.reference_type, subscription.reference
    rows = [row for row in batch.rows if row.event_type in kind.event_types]
    if subscription.reference is not None:
        return (
            {(str(mine[0]), subscription.reference)}
            if mine[0] in kind.subject_kinds and any(mine in batch.subjects[row.seq] for row in rows)
            else set()
        )
    saved = subscription.filters or {}
    kinds, places = set(saved.get("subject_kinds") or ()), set(saved.get("locations") or ())
    found: set[Subject] = set()
    for row in rows:
        if places and row.location not in places:
            continue
        named = {k for k, _ in batch.subjects[row.seq]}
        chosen = next((k for k in kind.subject_kinds if k in named and (not kinds or k in kinds)), None)
        found |= {s for s in batch.subjects[row.seq] if s[0] == chosen}
    return found


def _visible_seqs(session: Session, scope: AccessScope, batch: _Batch) -> set[int]:
    """The batch's events the scope may see: its own without asking, the others' by one query a chunk."""
    visible = {row.seq for row in batch.rows if row.owner_org_id == scope.org_id}
    seqs = [row.seq for row in batch.rows if row.seq not in visible]
    for start in range(0, len(seqs), CHUNK):
        visible |= set(
            session.scalars(select(Event.seq).where(Event.seq.in_(seqs[start : start + CHUNK]), events.visible(scope)))
        )
    return visible


def on_events(session: Session, message_id: str, *, now: datetime | None = None) -> int:
    """Evaluates the rules a message's new events may change; returns how many verdicts changed an alert.

    Run by the alerts consumer of stored events, in the transaction that marks its work item done.
    """
    if session.scalar(select(AlertSubscription.id).limit(1)) is None:
        return 0
    moment = now or utcnow()
    batch = _load(session, message_id)
    if not batch.rows:
        return 0
    types = all_types()
    changed = 0
    for subscription in _subscriptions(session, message_id):
        scope = subscriber_scope(subscription)
        if subscription.reference is None:
            visible = _visible_seqs(session, scope, batch)
            if not visible:
                continue
            batch_view = _Batch([r for r in batch.rows if r.seq in visible], batch.subjects)
        else:
            batch_view = batch
        kinds = [types[name] for name in subscription.alert_types if name in types]
        candidates = {kind.name: sorted(_candidates(subscription, kind, batch_view)) for kind in kinds}
        pairs = [(name, subject) for name, subjects in candidates.items() for subject in subjects]
        facts = histories(session, scope, {subject for _, subject in pairs}, message_id=message_id)
        known = known_for(session, subscription, pairs)
        for kind in kinds:
            for subject in candidates[kind.name]:
                changed += _evaluate(
                    session, subscription, kind, subject, facts=facts[subject], now=moment, known=known
                )
    return changed


def _evaluate(
    session: Session,
    subscription: AlertSubscription,
    kind: AlertType,
    subject: Subject,
    *,
    facts: list[Fact],
    now: datetime,
    known: Known | None = None,
) -> int:
    relevant = [f for f in facts if f.event_type in kind.event_types]
    verdict = kind.evaluate(subject[1], relevant, kind.settings(subscription.thresholds), now)
    return reconcile(session, subscription, kind, subject, verdict, now=now, known=known)


def evaluate_due(session: Session, *, now: datetime | None = None, limit: int = 500) -> int:
    """Evaluates again the subjects whose time came (durations ended, free time near)."""
    moment = now or utcnow()
    due = list(
        session.scalars(select(AlertWatch).where(AlertWatch.due_at <= moment).order_by(AlertWatch.due_at).limit(limit))
    )
    types = all_types()
    changed = 0
    for watch in due:
        subscription = session.get(AlertSubscription, watch.subscription_id)
        kind = types.get(watch.alert_type)
        session.delete(watch)
        session.flush()
        if (
            subscription is None
            or kind is None
            or watch.alert_type not in subscription.alert_types
            or subscription.paused_at is not None
        ):
            continue
        subject = (watch.subject_kind, watch.subject)
        facts = history(session, subscriber_scope(subscription), *subject)
        changed += _evaluate(session, subscription, kind, subject, facts=facts, now=moment)
    return changed
