"""Use cases of people and systems: subscriptions, webhook endpoints, dead letters, replay, the log."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbourlink.alerts.models import AlertNotification, AlertSubscription, DeliveryAttempt, WebhookEndpoint
from harbourlink.alerts.registry import alert_type, all_types
from harbourlink.identity import Sealer
from harbourlink.integrations.webhooks import CallbackPolicy, check_callback_url, new_secret
from harbourlink.kernel import Actor, NotFound, ValidationFailed, utcnow, work
from harbourlink.references import ReferenceType, normalise_reference

CHANNELS = frozenset({"inbox", "email", "webhook", "sms"})
REFERENCE_TYPES = frozenset({"MBL", "HBL", "CONTAINER", "AWB", "VESSEL"})
ROTATION_OVERLAP = timedelta(hours=24)
OPTIONS = frozenset({"quiet_start", "quiet_end", "language", "email", "phone", "escalate_after_minutes", "escalate_to"})
QUIET_TIME = re.compile(r"^\d\d:\d\d$")
LANGUAGES = ("zh-HK", "en", "zh-CN")
LOCODE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")


def _reference(reference_type: str | None, reference: str | None) -> tuple[str | None, str | None]:
    if reference_type is None and reference is None:
        return None, None
    if reference_type not in REFERENCE_TYPES or not reference:
        raise ValidationFailed(
            "reference_type must be MBL, HBL, CONTAINER, AWB or VESSEL, with a reference",
            code="invalid_reference",
            data={"field": "reference_type"},
        )
    if reference_type == "VESSEL":
        if not (reference.isdigit() and len(reference) == 7):
            raise ValidationFailed(
                "a vessel is named by its 7-digit IMO number", code="invalid_reference", data={"field": "reference"}
            )
        return reference_type, reference
    return reference_type, normalise_reference(ReferenceType(reference_type), reference)


def _alert_types(names: list[str]) -> list[str]:
    """The chosen types, each known; none chosen means every type."""
    for name in names:
        alert_type(name)
    return list(names or sorted(all_types()))


def _channels(channels: list[str]) -> list[str]:
    if set(channels) - CHANNELS or not channels:
        raise ValidationFailed(
            f"channels: choose from {', '.join(sorted(CHANNELS))}", code="invalid_channel", data={"field": "channels"}
        )
    return list(channels)


def _options(options: dict[str, Any]) -> dict[str, Any]:
    """How a subscription tells: quiet hours as HH:MM, a language of the pages, addresses, escalation."""
    unknown = set(options) - OPTIONS
    if unknown:
        raise ValidationFailed(
            f"unknown options: {', '.join(sorted(unknown))}", code="invalid_option", data={"field": sorted(unknown)[0]}
        )
    for name in ("quiet_start", "quiet_end"):
        value = options.get(name)
        if value is not None and not (QUIET_TIME.match(value) and int(value[:2]) < 24 and int(value[3:]) < 60):
            raise ValidationFailed(f"{name}: a time of day as HH:MM", code="invalid_time", data={"field": name})
    if options.get("language") not in (None, *LANGUAGES):
        raise ValidationFailed("language: zh-HK, en or zh-CN", code="invalid_choice", data={"field": "language"})
    return options


def _filters(filters: dict[str, Any] | None, reference: str | None) -> dict[str, Any] | None:
    """A saved filter over all cargo: kinds of number and places (UN/LOCODE); None when it names nothing."""
    if not filters:
        return None
    if reference is not None:
        raise ValidationFailed(
            "a filter narrows a subscription to all cargo, not one by reference",
            code="invalid_filter",
            data={"field": "filters"},
        )
    kinds = sorted({str(k) for k in filters.get("subject_kinds") or ()})
    places = sorted({str(p).strip().upper().replace(" ", "") for p in filters.get("locations") or ()} - {""})
    if set(filters) - {"subject_kinds", "locations"} or set(kinds) - REFERENCE_TYPES:
        raise ValidationFailed(
            "filters: subject_kinds (MBL, HBL, CONTAINER, VESSEL) and locations",
            code="invalid_filter",
            data={"field": "filters"},
        )
    if any(not LOCODE.match(place) for place in places):
        raise ValidationFailed(
            "a place is a UN/LOCODE such as HKHKG", code="invalid_locode", data={"field": "locations"}
        )
    return {"subject_kinds": kinds, "locations": places} if kinds or places else None


def do_subscribe(
    session: Session,
    actor: Actor,
    *,
    reference_type: str | None,
    reference: str | None,
    alert_types: list[str],
    channels: list[str],
    thresholds: dict[str, Any],
    for_company: bool = False,
    filters: dict[str, Any] | None = None,
    **options: Any,
) -> AlertSubscription:
    """A subscription by reference, or to all cargo the company may see (narrowed by a saved filter if
    given); per user unless ``for_company``."""
    kind, value = _reference(reference_type, reference)
    subscription = AlertSubscription(
        org_id=actor.org_id,
        user_id=None if for_company or actor.user_id is None else actor.user_id,
        created_by=actor.user_id,
        reference_type=kind,
        reference=value,
        alert_types=_alert_types(alert_types),
        channels=_channels(channels),
        thresholds=dict(thresholds),
        filters=_filters(filters, value),
        **_options(options),
    )
    session.add(subscription)
    session.flush()
    return subscription


def do_update_subscription(
    session: Session,
    actor: Actor,
    *,
    subscription_id: str,
    alert_types: list[str] | None = None,
    channels: list[str] | None = None,
    thresholds: dict[str, Any] | None = None,
    paused: bool | None = None,
    filters: dict[str, Any] | None = None,
    **options: Any,
) -> AlertSubscription:
    """Changes what a subscription watches for and how it tells, or pauses and resumes it.

    The reference it follows stays: its alerts are about that reference (subscribe anew for
    another). Arguments left out (None) keep their value; among ``options`` a None clears one.
    """
    subscription = get_subscription(session, actor, subscription_id=subscription_id)
    if alert_types is not None:
        subscription.alert_types = _alert_types(alert_types)
    if channels is not None:
        subscription.channels = _channels(channels)
    if thresholds is not None:
        subscription.thresholds = dict(thresholds)
    if filters is not None:
        subscription.filters = _filters(filters, subscription.reference)
    for name, value in _options(options).items():
        setattr(subscription, name, value)
    if paused is not None and paused != (subscription.paused_at is not None):
        subscription.paused_at = utcnow() if paused else None
    session.flush()
    return subscription


def get_subscription(session: Session, actor: Actor, *, subscription_id: str) -> AlertSubscription:
    """One of the company's subscriptions; any other answers not found."""
    subscription = session.get(AlertSubscription, subscription_id)
    if subscription is None or subscription.org_id != actor.org_id:
        raise NotFound("no such subscription", data={"subscription_id": subscription_id})
    return subscription


def list_subscriptions(session: Session, actor: Actor) -> list[AlertSubscription]:
    """The company's subscriptions, oldest first."""
    return list(
        session.scalars(
            select(AlertSubscription)
            .where(AlertSubscription.org_id == actor.org_id)
            .order_by(AlertSubscription.created_at)
        )
    )


def do_unsubscribe(session: Session, actor: Actor, *, subscription_id: str) -> None:
    """Deletes a subscription with its alerts."""
    session.delete(get_subscription(session, actor, subscription_id=subscription_id))


def create_endpoint(
    session: Session, actor: Actor, *, url: str, event_types: list[str], sealer: Sealer, policy: CallbackPolicy
) -> tuple[WebhookEndpoint, str]:
    """A webhook endpoint and its secret (returned once; kept sealed)."""
    check_callback_url(url, policy)
    known = {f"alert.{name}" for name in all_types()}
    if set(event_types) - known:
        raise ValidationFailed(
            f"event_types: choose from {', '.join(sorted(known))}",
            code="invalid_event_type",
            data={"field": "event_types"},
        )
    secret = new_secret()
    endpoint = WebhookEndpoint(
        org_id=actor.org_id, url=url, event_types=list(event_types), secret_sealed=sealer.seal(secret)
    )
    session.add(endpoint)
    session.flush()
    return endpoint, secret


def get_endpoint(session: Session, actor: Actor, *, endpoint_id: str) -> WebhookEndpoint:
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.org_id != actor.org_id:
        raise NotFound("no such webhook endpoint", data={"endpoint_id": endpoint_id})
    return endpoint


def list_endpoints(session: Session, actor: Actor) -> list[WebhookEndpoint]:
    return list(
        session.scalars(
            select(WebhookEndpoint).where(WebhookEndpoint.org_id == actor.org_id).order_by(WebhookEndpoint.created_at)
        )
    )


def rotate_secret(session: Session, actor: Actor, *, endpoint_id: str, sealer: Sealer) -> str:
    """A new secret; the old one keeps signing alongside for a day so receivers can switch over."""
    endpoint = get_endpoint(session, actor, endpoint_id=endpoint_id)
    secret = new_secret()
    endpoint.previous_secret_sealed, endpoint.previous_until = endpoint.secret_sealed, utcnow() + ROTATION_OVERLAP
    endpoint.secret_sealed = sealer.seal(secret)
    return secret


def delete_endpoint(session: Session, actor: Actor, *, endpoint_id: str) -> None:
    endpoint = get_endpoint(session, actor, endpoint_id=endpoint_id)
    endpoint.active = False


def list_deliveries(
    session: Session, actor: Actor, *, status: str | None = None, limit: int = 200
) -> list[AlertNotification]:
    """The company's notifications, newest first; ``status="dead"`` is the dead-letter list."""
    query = select(AlertNotification).where(AlertNotification.org_id == actor.org_id)
    if status is not None:
        query = query.where(AlertNotification.status == status)
    return list(session.scalars(query.order_by(AlertNotification.id.desc()).limit(limit)))


def get_delivery(session: Session, actor: Actor, *, delivery_id: str) -> AlertNotification:
    row = session.scalar(select(AlertNotification).where(AlertNotification.public_id == delivery_id))
    if row is None or row.org_id != actor.org_id:
        raise NotFound("no such delivery", data={"delivery_id": delivery_id})
    return row


def list_attempts(session: Session, actor: Actor, *, delivery_id: str) -> list[DeliveryAttempt]:
    """The delivery log of one notification."""
    row = get_delivery(session, actor, delivery_id=delivery_id)
    return list(
        session.scalars(
            select(DeliveryAttempt).where(DeliveryAttempt.notification_id == row.id).order_by(DeliveryAttempt.id)
        )
    )


def do_replay(session: Session, actor: Actor, *, delivery_id: str) -> AlertNotification:
    """Puts a dead-lettered (or delivered) notification back in the queue, same ``webhook-id``."""
    row = get_delivery(session, actor, delivery_id=delivery_id)
    work.revive(row, now=utcnow())
    return row
