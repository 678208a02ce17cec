"""Alerts: subscriptions, the caller's alerts (with live updates), webhook endpoints and deliveries."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from harbourlink import alerts
from harbourlink.api.context import AutocommitSession, CurrentActor, DbSession, runtime
from harbourlink.api.errors import ERROR_RESPONSES
from harbourlink.api.scopes import require_scope
from harbourlink.identity import KeyScope
from harbourlink.kernel import Actor, Database, live, utcnow

# Alerts, their subscriptions and webhooks carry cargo data out: reading it is what they need.
router = APIRouter(
    prefix="/api/v1", tags=["alerts"], responses=ERROR_RESPONSES, dependencies=[require_scope(KeyScope.CARGO_READ)]
)


MINUTES_A_YEAR = 365 * 24 * 60


class SubscriptionFilter(BaseModel):
    subject_kinds: list[str] = Field(default_factory=list, description="HBL, MBL, CONTAINER, VESSEL; empty: all")
    locations: list[str] = Field(default_factory=list, description="UN/LOCODEs of the events; empty: anywhere")


class SubscriptionCreate(BaseModel):
    reference_type: str | None = Field(
        default=None, description="MBL, HBL, CONTAINER, AWB (air waybill) or VESSEL; none: all cargo"
    )
    reference: str | None = Field(default=None, max_length=40)
    alert_types: list[str] = Field(default_factory=list, description="empty: every type")
    channels: list[str] = Field(default_factory=lambda: ["inbox"])
    thresholds: dict[str, Any] = Field(default_factory=dict)
    filters: SubscriptionFilter | None = Field(
        default=None, description="a saved filter narrowing a subscription to all cargo (no reference)"
    )
    for_company: bool = False
    quiet_start: str | None = Field(default=None, pattern=r"^\d\d:\d\d$")
    quiet_end: str | None = Field(default=None, pattern=r"^\d\d:\d\d$")
    language: str | None = Field(default=None, pattern=r"^(zh-HK|en|zh-CN)$")
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=20)
    escalate_after_minutes: int | None = Field(default=None, ge=1, le=MINUTES_A_YEAR)
    escalate_to: str | None = Field(default=None, max_length=254)


class SubscriptionUpdate(BaseModel):
    alert_types: list[str] | None = Field(default=None, description="empty: every type; absent: unchanged")
    channels: list[str] | None = None
    thresholds: dict[str, Any] | None = None
    filters: SubscriptionFilter | None = None
    paused: bool | None = Field(default=None, description="true pauses (no rule is evaluated), false resumes")
    quiet_start: str | None = Field(default=None, pattern=r"^\d\d:\d\d$")
    quiet_end: str | None = Field(default=None, pattern=r"^\d\d:\d\d$")
    language: str | None = Field(default=None, pattern=r"^(zh-HK|en|zh-CN)$")
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=20)
    escalate_after_minutes: int | None = Field(default=None, ge=1)
    escalate_to: str | None = Field(default=None, max_length=254)


class SubscriptionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    user_id: str | None
    reference_type: str | None
    reference: str | None
    alert_types: list[str]
    channels: list[str]
    thresholds: dict[str, Any]
    quiet_start: str | None
    quiet_end: str | None
    language: str | None
    escalate_after_minutes: int | None
    created_at: datetime
    paused_at: datetime | None
    filters: dict[str, Any] | None


class AlertRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    alert_type: str
    subject_kind: str
    subject: str
    condition: str
    status: str
    figures: dict[str, Any]
    revision: int
    opened_at: datetime
    updated_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolved_at: datetime | None
    resolved_by: str | None
    escalated_at: datetime | None


class EndpointCreate(BaseModel):
    url: str = Field(max_length=2000)
    event_types: list[str] = Field(default_factory=list, description="alert.<type>; empty: every type")


class EndpointCreated(BaseModel):
    id: str
    secret: str = Field(description="whsec_…; shown this once")


class EndpointRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    url: str
    event_types: list[str]
    active: bool
    created_at: datetime


class DeliveryRead(BaseModel):
    id: str
    alert_id: str
    change: str
    channel: str
    status: str
    attempts: int
    next_attempt_at: datetime
    delivered_at: datetime | None
    last_error: str | None


class AttemptRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


def _delivery(row: alerts.AlertNotification) -> DeliveryRead:
    return DeliveryRead(
        id=row.public_id,
        alert_id=row.alert_id,
        change=row.change,
        channel=row.channel,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        delivered_at=row.delivered_at,
        last_error=row.last_error,
    )


@router.post(
    "/subscriptions",
    response_model=SubscriptionRead,
    status_code=status.HTTP_201_CREATED,
    summary="Subscribe to alerts about a reference, or all cargo the company may see",
)
def subscribe(body: SubscriptionCreate, actor: CurrentActor, session: DbSession) -> SubscriptionRead:
    options = body.model_dump(
        exclude={"reference_type", "reference", "alert_types", "channels", "thresholds", "for_company", "filters"}
    )
    return SubscriptionRead.model_validate(
        alerts.do_subscribe(
            session,
            actor,
            reference_type=body.reference_type,
            reference=body.reference,
            alert_types=body.alert_types,
            channels=body.channels,
            thresholds=body.thresholds,
            for_company=body.for_company,
            filters=body.filters.model_dump() if body.filters else None,
            **options,
        )
    )


@router.get("/subscriptions", response_model=list[SubscriptionRead], summary="The company's subscriptions")
def list_subscriptions(actor: CurrentActor, session: DbSession) -> list[SubscriptionRead]:
    return [SubscriptionRead.model_validate(s) for s in alerts.list_subscriptions(session, actor)]


@router.get("/subscriptions/{subscription_id}", response_model=SubscriptionRead, summary="One subscription")
def get_subscription(subscription_id: str, actor: CurrentActor, session: DbSession) -> SubscriptionRead:
    return SubscriptionRead.model_validate(alerts.get_subscription(session, actor, subscription_id=subscription_id))


@router.patch(
    "/subscriptions/{subscription_id}",
    response_model=SubscriptionRead,
    summary="Change a subscription's types, channels, thresholds, quiet hours or language; pause or resume",
    description="Only the fields sent change (an option sent as null is cleared); the reference stays.",
)
def update_subscription(
    subscription_id: str, body: SubscriptionUpdate, actor: CurrentActor, session: DbSession
) -> SubscriptionRead:
    changes = body.model_dump(exclude_unset=True)
    return SubscriptionRead.model_validate(
        alerts.do_update_subscription(session, actor, subscription_id=subscription_id, **changes)
    )


@router.delete("/subscriptions/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Unsubscribe")
def unsubscribe(subscription_id: str, actor: CurrentActor, session: DbSession) -> None:
    alerts.do_unsubscribe(session, actor, subscription_id=subscription_id)


@router.get(
    "/alerts",
    response_model=list[AlertRead],
    summary="The caller's open (and acknowledged) alerts; with include_resolved or status, the history",
)
def list_alerts(
    actor: CurrentActor,
    session: AutocommitSession,
    include_resolved: Annotated[bool, Query()] = False,
    status_filter: Annotated[
        list[str] | None, Query(alias="status", description="open, acknowledged, resolved; repeat for several")
    ] = None,
    alert_type: Annotated[list[str] | None, Query(description="e.g. vessel_delay; repeat for several")] = None,
) -> list[AlertRead]:
    return [
        AlertRead.model_validate(a)
        for a in alerts.list_alerts(
            session, actor, include_resolved=include_resolved, statuses=status_filter, alert_types=alert_type
        )
    ]


KEEP_ALIVE_SECONDS = 15.0
LAG = timedelta(seconds=30)
"""An alert carries the time its transaction began, which may commit a little later: each poll looks
back this far past the newest change sent, and sends every (alert, change) once."""


def _changes(db: Database, actor: Actor, after: datetime) -> list[dict[str, Any]]:
    """The caller's alerts changed after ``after``, oldest change first, as the API shows them."""
    with db.transaction() as session:
        changed = alerts.list_alerts(session, actor, include_resolved=True, after=after)
        return [AlertRead.model_validate(a).model_dump(mode="json") for a in reversed(changed)]


async def _stream(request: Request, actor: Actor, since: datetime) -> AsyncIterator[str]:
    """Server-sent events: one ``alert`` event per change of the caller's alerts after ``since``."""
    db, poll = runtime(request).db, runtime(request).settings.live_poll_seconds
    sent: dict[str, str] = {}
    newest, quiet_since = since, time.monotonic()
    yield "retry: 2000\n\n"
    while not await request.is_disconnected():
        rows = await asyncio.to_thread(_changes, db, actor, newest - LAG)  # the database call blocks
        fresh = [row for row in rows if sent.get(row["id"]) != row["updated_at"]]
        for row in fresh:
            sent[row["id"]] = row["updated_at"]
            newest = max(newest, datetime.fromisoformat(row["updated_at"]))
            yield f"event: alert\nid: {row['id']}\ndata: {json.dumps(row, ensure_ascii=False)}\n\n"
        if fresh:
            quiet_since = time.monotonic()
            floor = (newest - LAG).isoformat()
            sent = {key: at for key, at in sent.items() if at >= floor}  # older ones cannot come again
        elif time.monotonic() - quiet_since >= KEEP_ALIVE_SECONDS:  # proxies close idle connections
            quiet_since = time.monotonic()
            yield ": keep-alive\n\n"
        await live.hub.wait(alerts.live_subject(actor.org_id), poll)


@router.get(
    "/alerts/stream",
    summary="Live updates of the caller's alerts (text/event-stream)",
    response_class=StreamingResponse,
)
def stream_alerts(
    request: Request,
    actor: CurrentActor,
    since: Annotated[datetime | None, Query(description="changes after this moment; default: from now")] = None,
) -> StreamingResponse:
    start = utcnow() if since is None else since if since.tzinfo else since.replace(tzinfo=UTC)
    return StreamingResponse(
        _stream(request, actor, start),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.get("/alerts/{alert_id}", response_model=AlertRead, summary="One of the caller's alerts")
def get_alert(alert_id: str, actor: CurrentActor, session: DbSession) -> AlertRead:
    return AlertRead.model_validate(alerts.get_alert(session, actor, alert_id=alert_id))


@router.post("/alerts/{alert_id}/acknowledge", response_model=AlertRead, summary="Acknowledge an alert")
def acknowledge(alert_id: str, actor: CurrentActor, session: DbSession) -> AlertRead:
    return AlertRead.model_validate(alerts.do_acknowledge(session, actor, alert_id=alert_id))


@router.post("/alerts/{alert_id}/resolve", response_model=AlertRead, summary="Resolve an alert")
def resolve(alert_id: str, actor: CurrentActor, session: DbSession) -> AlertRead:
    return AlertRead.model_validate(alerts.do_resolve(session, actor, alert_id=alert_id))


@router.post(
    "/webhook-endpoints",
    response_model=EndpointCreated,
    status_code=status.HTTP_201_CREATED,
    summary="Register a webhook endpoint; the answer shows its signing secret once",
)
def create_endpoint(body: EndpointCreate, request: Request, actor: CurrentActor, session: DbSession) -> EndpointCreated:
    rt = runtime(request)
    endpoint, secret = alerts.create_endpoint(
        session,
        actor,
        url=body.url,
        event_types=body.event_types,
        sealer=rt.sealer,
        policy=request.app.state.webhook_policy,
    )
    return EndpointCreated(id=endpoint.id, secret=secret)


@router.get("/webhook-endpoints", response_model=list[EndpointRead], summary="The company's webhook endpoints")
def list_endpoints(actor: CurrentActor, session: DbSession) -> list[EndpointRead]:
    return [EndpointRead.model_validate(e) for e in alerts.list_endpoints(session, actor)]


@router.post(
    "/webhook-endpoints/{endpoint_id}/rotate-secret",
    response_model=EndpointCreated,
    summary="A new signing secret; the previous one keeps signing for 24 hours",
)
def rotate_secret(endpoint_id: str, request: Request, actor: CurrentActor, session: DbSession) -> EndpointCreated:
    secret = alerts.rotate_secret(session, actor, endpoint_id=endpoint_id, sealer=runtime(request).sealer)
    return EndpointCreated(id=endpoint_id, secret=secret)


@router.delete(
    "/webhook-endpoints/{endpoint_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Stop delivering to an endpoint"
)
def delete_endpoint(endpoint_id: str, actor: CurrentActor, session: DbSession) -> None:
    alerts.delete_endpoint(session, actor, endpoint_id=endpoint_id)


@router.get(
    "/alert-deliveries",
    response_model=list[DeliveryRead],
    summary="The delivery log; status=dead is the dead-letter list",
)
def list_deliveries(
    actor: CurrentActor, session: DbSession, status_filter: Annotated[str | None, Query(alias="status")] = None
) -> list[DeliveryRead]:
    return [_delivery(row) for row in alerts.list_deliveries(session, actor, status=status_filter)]


@router.get(
    "/alert-deliveries/{delivery_id}/attempts",
    response_model=list[AttemptRead],
    summary="Every attempt at one delivery",
)
def list_attempts(delivery_id: str, actor: CurrentActor, session: DbSession) -> list[AttemptRead]:
    return [AttemptRead.model_validate(a) for a in alerts.list_attempts(session, actor, delivery_id=delivery_id)]


@router.post(
    "/alert-deliveries/{delivery_id}/replay",
    response_model=DeliveryRead,
    summary="Queue a delivery again (same webhook-id)",
)
def replay(delivery_id: str, actor: CurrentActor, session: DbSession) -> DeliveryRead:
    return _delivery(alerts.do_replay(session, actor, delivery_id=delivery_id))
