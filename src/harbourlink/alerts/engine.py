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

from sqlalchemy import ColumnElement, CompoundSelect, Row, Select, and_, literal, or_, select, tuple_, union
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
VESSEL = "VESSEL"
Subject = tuple[str, str]


@dataclass
class _Batch:
    """The new events, with what each is about; each is read as a rule's fact once, whoever needs it."""

    rows: list[Row[Any]]
    references: dict[int, list[tuple[str, str]]]
    subjects: dict[int, list[Subject]] = field(default_factory=dict)
    facts: dict[int, Fact] = field(default_factory=dict)
    by_type: dict[str, list[Row[Any]]] = field(default_factory=dict)
    naming: dict[Subject, list[Row[Any]]] = field(default_factory=dict)

    def view(self, rows: list[Row[Any]]) -> _Batch:
        """Some of the rows (those a subscriber may see), sharing what was read of them."""
        return _Batch(rows, self.references, self.subjects, self.facts, _by_type(rows), self.naming)

    def fact(self, row: Row[Any]) -> Fact:
        if row.seq not in self.facts:
            self.facts[row.seq] = fact_of(row, self.references[row.seq])
        return self.facts[row.seq]


def _by_type(rows: list[Row[Any]]) -> dict[str, list[Row[Any]]]:
    grouped: dict[str, list[Row[Any]]] = {}
    for row in rows:
        grouped.setdefault(row.event_type, []).append(row)
    return grouped


def _about(kind: str, value: str) -> ColumnElement[bool]:
    return Event.vessel_imo == value if kind == VESSEL else events.about(kind, [value])


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


def _history_of(row: Row[Any], references: list[tuple[str, str]]) -> list[Subject]:
    """The subjects whose history an event belongs to: its numbers, and its vessel by IMO number."""
    found = [(kind, value) for kind, value in references if kind != VESSEL]
    if row.vessel_imo:
        found.append((VESSEL, row.vessel_imo))
    return found


def _earlier(subjects: Collection[Subject], message_id: str) -> ColumnElement[bool]:
    """WHERE clause: an event of another message about one of these subjects, all named by ``message_id``.

    Few subjects are listed; many are the message's own numbers, joined in the database (a message may name
    tens of thousands, and the extra ones only find events no wanted subject keeps)."""
    numbered = sorted(subject for subject in subjects if subject[0] != VESSEL)
    vessels = sorted({value for kind, value in subjects if kind == VESSEL})
    named: list[Select[Any]] = []
    if numbered:
        kinds = sorted({kind for kind, _ in numbered})
        pairs: list[Subject] | Select[str, str] = numbered
        if len(numbered) > CHUNK:
            pairs = (
                select(EventReference.kind, EventReference.value)
                .join(Event, Event.seq == EventReference.event_seq)
                .where(Event.message_id == message_id, EventReference.kind.in_(kinds))
                .correlate(None)
            )
        subject = tuple_(EventReference.kind, EventReference.value)
        named.append(select(EventReference.event_seq).where(subject.in_(pairs)).correlate(None))
    if vessels:
        imos: list[str] | Select[Any] = vessels
        if len(vessels) > CHUNK:
            imos = select(Event.vessel_imo).where(Event.message_id == message_id).correlate(None)
        named.append(select(Event.seq).where(Event.vessel_imo.in_(imos)).correlate(None))
    seqs = union(*named) if len(named) > 1 else named[0]
    return and_(Event.seq.in_(seqs), Event.message_id != message_id)


def _numbers(subjects: Collection[Subject], message_id: str) -> list[str] | Select[Any]:
    """The subjects' numbers: listed when few, else the message's own numbers and vessels (a superset)."""
    values = sorted({value for _, value in subjects})
    if len(values) <= CHUNK:
        return values
    named = _named_by(message_id).subquery()
    return select(named.c.value)


def _named_by(message_id: str) -> CompoundSelect[str, str]:
    """The (kind, number) pairs a message's events name, with their vessels as (``VESSEL``, IMO number)."""
    references = (
        select(EventReference.kind, EventReference.value)
        .join(Event, Event.seq == EventReference.event_seq)
        .where(Event.message_id == message_id)
    )
    vessels = select(literal(VESSEL).label("kind"), Event.vessel_imo.label("value")).where(
        Event.message_id == message_id, Event.vessel_imo.is_not(None)
    )
    return union(references, vessels)


def histories(
    session: Session,
    scope: AccessScope,
    batch: _Batch,
    subjects: Collection[Subject],
    event_types: Collection[str],
    *,
    message_id: str,
) -> dict[Subject, list[Fact]]:
    """``history`` of each subject, all named by the message: its own events (``batch``, those the scope
    may see) as read already, and the earlier ones of ``event_types`` (the rules read no others) in two
    queries, however many the message names."""
    found: dict[Subject, list[Fact]] = {subject: [] for subject in subjects}
    for row in batch.rows:
        for subject in _history_of(row, batch.references[row.seq]):
            if subject in found:
                found[subject].append(batch.fact(row))
    if found:
        criteria = (_earlier(found, message_id), Event.event_type.in_(sorted(event_types)))
        rows, references = events.visible_with_references(session, scope, *criteria)
        for row in rows:
            fact = fact_of(row, references[row.seq])
            for subject in _history_of(row, references[row.seq]):
                if subject in found:
                    found[subject].append(fact)
    return {subject: sorted_history(facts) for subject, facts in found.items()}


def is_visible(session: Session, scope: AccessScope, kind: str, value: str) -> bool:
    """Whether the scope may see any event about the subject (one existence query, no history)."""
    query = select(Event.seq).where(events.visible(scope), _about(kind, value)).limit(1)
    return session.scalar(query) is not None


def _load(session: Session, message_id: str) -> _Batch:
    rows, references = events.stored_events(session, message_id)
    batch = _Batch(rows, references, by_type=_by_type(rows))
    for row in rows:
        subjects = list(references[row.seq])
        if row.vessel_imo:
            subjects.append((VESSEL, row.vessel_imo))
        batch.subjects[row.seq] = subjects
        for subject in subjects:
            batch.naming.setdefault(subject, []).append(row)
    return batch


def _subscriptions(session: Session, message_id: str) -> list[AlertSubscription]:
    """Subscriptions to all cargo, and those to a number or vessel the message's events name: one query,
    the message's references joined in the database (a message may name tens of thousands)."""
    subject = tuple_(AlertSubscription.reference_type, AlertSubscription.reference)
    query = (
        select(AlertSubscription)
        .where(
            AlertSubscription.paused_at.is_(None),
            or_(AlertSubscription.reference.is_(None), subject.in_(_named_by(message_id))),
        )
        .order_by(AlertSubscription.id)
    )
    return list(session.scalars(query))


def _followed(subscription: AlertSubscription) -> Subject | None:
    """The number or vessel a subscription follows; None for a subscription to all cargo."""
    if subscription.reference is None:
        return None
    return str(subscription.reference_type), subscription.reference


def _candidates(subscription: AlertSubscription, kind: AlertType, batch: _Batch) -> set[Subject]:
    """The subjects of the batch this subscription and type should look at again; a subscription to all
    cargo with a saved filter looks only at the kinds of number and the places it names."""
    mine = _followed(subscription)
    if mine is not None:
        rows = batch.naming.get(mine, [])
        return (
            {mine} if mine[0] in kind.subject_kinds and any(r.event_type in kind.event_types for r in rows) else set()
        )
    saved = subscription.filters or {}
    kinds, places = set(saved.get("subject_kinds") or ()), set(saved.get("locations") or ())
    found: set[Subject] = set()
    for event_type in kind.event_types:
        for row in batch.by_type.get(event_type, ()):
            if places and row.location not in places:
                continue
            subjects = batch.subjects[row.seq]
            named = {k for k, _ in subjects}
            chosen = next((k for k in kind.subject_kinds if k in named and (not kinds or k in kinds)), None)
            found.update(s for s in subjects if s[0] == chosen)
    return found


def _visible_seqs(session: Session, scope: AccessScope, rows: list[Row[Any]]) -> set[int]:
    """The rows' events the scope may see: its own without asking, the others' by one query a chunk."""
    visible = {row.seq for row in rows if row.owner_org_id == scope.org_id}
    seqs = sorted({row.seq for row in rows} - visible)
    for start in range(0, len(seqs), CHUNK):
        visible |= set(
            session.scalars(select(Event.seq).where(Event.seq.in_(seqs[start : start + CHUNK]), events.visible(scope)))
        )
    return visible


def _visible_part(session: Session, subscription: AlertSubscription, batch: _Batch) -> _Batch:
    """The rows of the batch the subscriber may see (for a subscription by number, of those naming it)."""
    mine = _followed(subscription)
    rows = batch.rows if mine is None else batch.naming.get(mine, [])
    visible = _visible_seqs(session, subscriber_scope(subscription), rows)
    return batch.view([row for row in rows if row.seq in visible])


def on_events(session: Session, message_id: str, *, now: datetime | None = None) -> int:
    """Evaluates the rules a message's new events may change; returns how many verdicts changed an alert.

    Run by the alerts consumer of stored events, in the transaction that marks its work item done.
    Types whose rules read the same event types about the same kinds of subject choose the same
    subjects, so each such choice is made once per subscription.
    """
    if session.scalar(select(AlertSubscription.id).limit(1)) is None:
        return 0
    subscriptions = _subscriptions(session, message_id)
    if not subscriptions:
        return 0  # nobody follows what it names: its events are not read
    moment = now or utcnow()
    batch = _load(session, message_id)
    if not batch.rows:
        return 0
    types = all_types()
    changed = 0
    for subscription in subscriptions:
        scope = subscriber_scope(subscription)
        seen = _visible_part(session, subscription, batch)
        if subscription.reference is None and not seen.rows:
            continue
        kinds = [types[name] for name in subscription.alert_types if name in types]
        chosen: dict[tuple[frozenset[str], tuple[str, ...]], list[Subject]] = {}
        candidates: dict[str, list[Subject]] = {}
        for kind in kinds:
            key = (kind.event_types, kind.subject_kinds)
            if key not in chosen:
                chosen[key] = sorted(_candidates(subscription, kind, seen if subscription.reference is None else batch))
            candidates[kind.name] = chosen[key]
        wanted = set().union(*chosen.values())
        if not wanted:
            continue
        read = frozenset().union(*(kind.event_types for kind in kinds if candidates[kind.name]))
        facts = histories(session, scope, seen, wanted, read, message_id=message_id)
        known = known_for(session, subscription, wanted, _numbers(wanted, message_id))
        for kind in kinds:
            settings = kind.settings(subscription.thresholds)
            for subject in candidates[kind.name]:
                changed += _evaluate(
                    session,
                    subscription,
                    kind,
                    subject,
                    facts=facts[subject],
                    now=moment,
                    known=known,
                    settings=settings,
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
    settings: dict[str, Any] | None = None,
) -> int:
    relevant = [f for f in facts if f.event_type in kind.event_types]
    thresholds = kind.settings(subscription.thresholds) if settings is None else settings
    verdict = kind.evaluate(subject[1], relevant, thresholds, now)
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
