"""The alert lifecycle: open → acknowledged → resolved, one unresolved alert per condition.

``reconcile`` turns a rule's verdict into alert rows and outbox rows (``outbox.enqueue``);
``do_acknowledge``/``do_resolve`` are the people's moves; ``escalate_due`` tells the escalation
address about alerts nobody acknowledged in time.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from harbourlink.alerts.domain import AlertStatus, AlertType, Change, Finding, Verdict, transition
from harbourlink.alerts.models import Alert, AlertSubscription, AlertWatch
from harbourlink.alerts.outbox import enqueue, live_subject
from harbourlink.alerts.visibility import readable
from harbourlink.kernel import Actor, Conflict, NotFound, live, utcnow

SYSTEM = "system"


@dataclass
class Known:
    """A subscription's open alerts and watches on a batch of subjects, read in two queries for ``reconcile``
    (instead of two queries per subject and type). For a subject number in ``numbers``, what is not here
    does not exist."""

    numbers: set[str] = field(default_factory=set)
    open: dict[tuple[str, str], dict[str, Alert]] = field(default_factory=dict)
    """(alert type, subject) → the open alerts by condition."""
    watches: dict[tuple[str, str, str], AlertWatch] = field(default_factory=dict)
    """(alert type, subject kind, subject) → the watch."""

    def covers(self, subject: tuple[str, str]) -> bool:
        return subject[1] in self.numbers


def known_for(
    session: Session,
    subscription: AlertSubscription,
    subjects: Collection[tuple[str, str]],
    numbers: Collection[str] | Select[Any],
) -> Known:
    """What ``reconcile`` will need about these subjects of one subscription: two queries, ``numbers`` being
    the subjects' numbers or a query giving at least those."""
    known = Known({value for _, value in subjects})
    if not known.numbers:
        return known
    for row in session.scalars(
        select(Alert).where(
            Alert.subscription_id == subscription.id, Alert.subject.in_(numbers), Alert.open_key.is_not(None)
        )
    ):
        known.open.setdefault((row.alert_type, row.subject), {})[row.condition] = row
    for watch in session.scalars(
        select(AlertWatch).where(AlertWatch.subscription_id == subscription.id, AlertWatch.subject.in_(numbers))
    ):
        known.watches[watch.alert_type, watch.subject_kind, watch.subject] = watch
    return known


def _open_alerts(
    session: Session, subscription: AlertSubscription, kind: AlertType, subject: tuple[str, str], known: Known | None
) -> dict[str, Alert]:
    if known is not None and known.covers(subject):
        return known.open.get((kind.name, subject[1]), {})
    rows = session.scalars(
        select(Alert).where(
            Alert.subscription_id == subscription.id,
            Alert.alert_type == kind.name,
            Alert.subject == subject[1],
            Alert.open_key.is_not(None),
        )
    )
    return {row.condition: row for row in rows}


def _watch(
    session: Session,
    subscription: AlertSubscription,
    kind: AlertType,
    subject: tuple[str, str],
    *,
    due: datetime | None,
    known: Known | None,
) -> None:
    key = (subscription.id, kind.name, subject[0], subject[1])
    covered = known is not None and known.covers(subject)
    watch = known.watches.get(key[1:]) if known is not None and covered else session.get(AlertWatch, key)
    if due is None:
        if watch is not None:
            session.delete(watch)
            watch = None
    elif watch is None:
        watch = AlertWatch(subscription_id=key[0], alert_type=key[1], subject_kind=key[2], subject=key[3], due_at=due)
        session.add(watch)
    else:
        watch.due_at = due
    if known is not None and covered:
        if watch is None:
            known.watches.pop(key[1:], None)
        else:
            known.watches[key[1:]] = watch


def _open(
    session: Session,
    subscription: AlertSubscription,
    kind: AlertType,
    subject: tuple[str, str],
    *,
    finding: Finding,
    now: datetime,
) -> Alert | None:
    """A new alert; None when a concurrent transaction opened the same condition first."""
    alert = Alert(
        org_id=subscription.org_id,
        user_id=subscription.user_id,
        subscription_id=subscription.id,
        alert_type=kind.name,
        subject_kind=subject[0],
        subject=subject[1],
        condition=finding.condition,
        open_key=finding.condition,
        figures=finding.figures,
        opened_at=now,
        updated_at=now,
    )
    try:
        with session.begin_nested():  # the unique constraint decides a race; the ingest carries on
            session.add(alert)
    except IntegrityError:
        return None
    return alert


def reconcile(
    session: Session,
    subscription: AlertSubscription,
    kind: AlertType,
    subject: tuple[str, str],
    verdict: Verdict,
    *,
    now: datetime,
    known: Known | None = None,
) -> int:
    """Opens, updates or resolves this subscription's alerts on one subject to match the verdict.

    ``known``: the subscription's open alerts and watches read beforehand for a batch (``known_for``).
    """
    _watch(session, subscription, kind, subject, due=verdict.recheck_at, known=known)
    current = _open_alerts(session, subscription, kind, subject, known)
    changed = 0
    finding = verdict.finding
    for condition, stale in current.items():
        if finding is None or finding.condition != condition:
            _close(stale, by=SYSTEM, now=now)
            enqueue(session, subscription, stale, Change.RESOLVED, now=now)
            changed += 1
    if finding is None:
        return changed
    alert = current.get(finding.condition)
    if alert is None:
        opened = _open(session, subscription, kind, subject, finding=finding, now=now)
        if opened is not None:
            enqueue(session, subscription, opened, Change.OPENED, now=now)
            changed += 1
        return changed
    if alert.figures != finding.figures:
        material = kind.is_material(alert.figures, finding.figures, kind.settings(subscription.thresholds))
        alert.figures, alert.updated_at = finding.figures, now
        if material:
            alert.revision += 1
            enqueue(session, subscription, alert, Change.CHANGED, now=now)
            changed += 1
    return changed


def _close(alert: Alert, *, by: str, now: datetime) -> None:
    alert.status, alert.open_key = AlertStatus.RESOLVED.value, None
    alert.resolved_at, alert.resolved_by, alert.updated_at = now, by, now


def _mine(actor: Actor) -> ColumnElement[bool]:
    """An alert is the caller's when it is for the caller's company and for the caller or the whole company."""
    if actor.user_id is None:
        return Alert.org_id == actor.org_id
    return and_(Alert.org_id == actor.org_id, or_(Alert.user_id.is_(None), Alert.user_id == actor.user_id))


def _readable_alerts(session: Session, actor: Actor, *criteria: ColumnElement[bool]) -> Select[Alert]:
    """The caller's alerts meeting ``criteria`` whose subject the caller still sees (``visibility``)."""
    chosen = (_mine(actor), *criteria)
    return (
        select(Alert)
        .join(AlertSubscription, AlertSubscription.id == Alert.subscription_id)
        .where(*chosen, readable(session, actor, *chosen))
    )


def get_alert(session: Session, actor: Actor, *, alert_id: str) -> Alert:
    """One of the caller's alerts whose subject is still shared with the caller; any other answers not found."""
    alert = session.scalar(_readable_alerts(session, actor, Alert.id == alert_id))
    if alert is None:
        raise NotFound("no such alert", data={"alert_id": alert_id})
    return alert


def list_alerts(
    session: Session,
    actor: Actor,
    *,
    include_resolved: bool = False,
    after: datetime | None = None,
    subjects: Collection[str] | None = None,
    statuses: Collection[str] | None = None,
    alert_types: Collection[str] | None = None,
    limit: int = 200,
) -> list[Alert]:
    """The caller's alerts, newest change first; by default the unresolved ones; only about ``subjects``, in
    ``statuses`` or of ``alert_types`` if given (``statuses`` names resolved ones too when it says so).

    Only alerts whose subject the caller still sees: a revoked grant hides the alerts it had opened.
    """
    criteria: list[ColumnElement[bool]] = []
    if statuses is not None:
        criteria.append(Alert.status.in_(list(statuses)))
    elif not include_resolved:
        criteria.append(Alert.open_key.is_not(None))
    if alert_types is not None:
        criteria.append(Alert.alert_type.in_(list(alert_types)))
    if after is not None:
        criteria.append(Alert.updated_at > after)
    if subjects is not None:
        criteria.append(Alert.subject.in_(list(subjects)))
    query = _readable_alerts(session, actor, *criteria)
    return list(session.scalars(query.order_by(Alert.updated_at.desc(), Alert.id).limit(limit)))


def do_acknowledge(session: Session, actor: Actor, *, alert_id: str) -> Alert:
    """Someone has seen it and acts: stops escalation; the alert stays until resolved."""
    alert = get_alert(session, actor, alert_id=alert_id)
    if not transition(AlertStatus(alert.status), AlertStatus.ACKNOWLEDGED):
        raise Conflict(f"the alert is {alert.status}", code="alert_state", data={"status": alert.status})
    now = utcnow()
    alert.status, alert.acknowledged_at, alert.updated_at = AlertStatus.ACKNOWLEDGED.value, now, now
    alert.acknowledged_by = actor.user_id or actor.api_key_id
    live.announce(session, live_subject(alert.org_id))
    return alert


def do_resolve(session: Session, actor: Actor, *, alert_id: str) -> Alert:
    """Closes the alert by hand; the same condition may open a new one later."""
    alert = get_alert(session, actor, alert_id=alert_id)
    if not transition(AlertStatus(alert.status), AlertStatus.RESOLVED):
        raise Conflict(f"the alert is {alert.status}", code="alert_state", data={"status": alert.status})
    _close(alert, by=actor.user_id or actor.api_key_id or SYSTEM, now=utcnow())
    live.announce(session, live_subject(alert.org_id))
    return alert


def escalate_due(session: Session, *, now: datetime | None = None) -> int:
    """Open alerts past their subscription's ``escalate_after_minutes`` are escalated, once each."""
    moment = now or utcnow()
    rows = session.execute(
        select(Alert, AlertSubscription)
        .join(AlertSubscription, AlertSubscription.id == Alert.subscription_id)
        .where(
            Alert.status == AlertStatus.OPEN.value,
            Alert.escalated_at.is_(None),
            AlertSubscription.escalate_after_minutes.is_not(None),
        )
        .limit(500)
    ).all()
    escalated = 0
    for alert, subscription in rows:
        if alert.opened_at + timedelta(minutes=subscription.escalate_after_minutes or 0) <= moment:
            alert.escalated_at = alert.updated_at = moment
            enqueue(session, subscription, alert, Change.ESCALATED, now=moment)
            escalated += 1
    return escalated
