"""Whose eyes an alert is for: its subscriber's, and only while the cargo is still shared.

An alert quotes its subject's data (times, places, temperatures), so it is readable exactly
while the subscriber may see some event about its subject, as the subscription presents it (a
subscription by reference counts as holding that number). A grant revoked after the alert
opened hides it from the inbox, the API and the tracking page's banner, decided in the
database at read time, just as the dispatcher withholds the messages not yet delivered.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session

from harbourlink import access, events
from harbourlink.access import AccessScope
from harbourlink.alerts.models import Alert, AlertSubscription
from harbourlink.events import Event, EventReference
from harbourlink.kernel import Actor

VESSEL = "VESSEL"


def subscriber_scope(subscription: AlertSubscription) -> AccessScope:
    """What the subscriber may see; a reference subscription counts as presenting the reference."""
    scope = access.scope_for(Actor(org_id=subscription.org_id, user_id=subscription.user_id or subscription.created_by))
    if subscription.reference_type and subscription.reference:
        scope = scope.holding(subscription.reference_type, subscription.reference)
    return scope


def _subject_visible(scope: AccessScope) -> ColumnElement[bool]:
    """Correlated with ``alerts``: some event about the alert's subject is visible to ``scope``.

    Driven from the reference (or the vessel) index, never by scanning the events.
    """
    by_reference = exists(
        select(EventReference.event_seq).where(
            EventReference.kind == Alert.subject_kind,
            EventReference.value == Alert.subject,
            Event.seq == EventReference.event_seq,
            events.visible(scope),
        )
    )
    by_vessel = exists(select(Event.seq).where(Event.vessel_imo == Alert.subject, events.visible(scope)))
    return or_(and_(Alert.subject_kind == VESSEL, by_vessel), and_(Alert.subject_kind != VESSEL, by_reference))


def readable(session: Session, actor: Actor, *criteria: ColumnElement[bool]) -> ColumnElement[bool]:
    """WHERE clause for alerts joined to their subscription: the reader still sees each one's subject.

    One branch per number the reader's subscriptions present (among the alerts ``criteria``
    select), as the access scope holds presented numbers as values, not columns.
    """
    scope = access.scope_for(actor)
    rows = session.execute(
        select(AlertSubscription.reference_type, AlertSubscription.reference)
        .distinct()
        .join(Alert, Alert.subscription_id == AlertSubscription.id)
        .where(AlertSubscription.reference.is_not(None), *criteria)
    ).all()
    presented = {(kind, value) for kind, value in rows if kind and value}
    branches = [and_(AlertSubscription.reference.is_(None), _subject_visible(scope))]
    branches += [
        and_(
            AlertSubscription.reference_type == kind,
            AlertSubscription.reference == value,
            _subject_visible(scope.holding(kind, value)),
        )
        for kind, value in sorted(presented)
    ]
    return or_(*branches)
