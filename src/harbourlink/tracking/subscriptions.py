"""DCSA Track & Trace 2.2 feeds: the event query, subscriptions, and signed callbacks.

Reading (``page_v22_events``) and pushing (callbacks) decide alike: the 2.2 filters narrow the
store in SQL (``event_criteria``), then ``integrations.dcsa.matches`` finishes on the rendered
event; visibility is the caller's ``AccessScope``, which also holds any reference the filters
name, so an owner's "anyone with the reference" grant counts for a caller who names it.

Callbacks never run inside the ingest transaction. ``enqueue_dcsa_callbacks`` runs in it, right
after the events are appended, and writes one ``DcsaDelivery`` row per (subscription, matching
visible event): the outbox commits or rolls back with the events. ``deliver_dcsa_callbacks``
claims due rows (``kernel.workqueue`` leases), POSTs each subscription one JSON array of events signed with
``Notification-Signature: sha256=<hex HMAC-SHA256 of the body under the decoded secret>``,
and records the outcome; failures are retried with exponential backoff, then given up.
The worker loop runs it as a ``dispatch`` job.
Delivery is at least once: a subscriber may see an event twice (the eventID tells).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import ColumnElement, Select, and_, delete, exists, false, func, literal, or_, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from harbourlink import access, events
from harbourlink.access import AccessScope
from harbourlink.events import Event
from harbourlink.identity import KeyScope, Sealer
from harbourlink.integrations.dcsa.filters import TntFilters, filters_from_subscription, matches
from harbourlink.integrations.dcsa.render import RETRACTION_PREFIX, V22_CODES, render_v22
from harbourlink.integrations.dcsa.schema import located_errors, v22_validator
from harbourlink.integrations.webhooks import CallbackPolicy as CallbackPolicy  # noqa: PLC0414 - explicit re-export: tracking's surface
from harbourlink.integrations.webhooks import check_callback_url
from harbourlink.kernel import Actor, Database, Forbidden, NotFound, ValidationFailed, utcnow, work
from harbourlink.kernel.workqueue import Job
from harbourlink.kernel.workqueue import retry_delay as retry_delay  # noqa: PLC0414 - explicit re-export for existing callers
from harbourlink.references import ReferenceType, normalise_reference
from harbourlink.tracking.models import DcsaDelivery, DcsaSubscription

log = logging.getLogger(__name__)

API_VERSION = "2.2.0"
CHUNK = 500
MIN_SECRET_BYTES = 32
MAX_SECRET_BYTES = 1024
MAX_ATTEMPTS = 10
REFERENCE_FILTERS = {
    "carrierBookingReference": ReferenceType.BOOKING,
    "transportDocumentReference": ReferenceType.MBL,
    "equipmentReference": ReferenceType.CONTAINER,
}
SORTABLE = ("eventCreatedDateTime", "eventDateTime")


# ---------------------------------------------------------------- reading events


def _rows(session: Session, query: Select[Any]) -> list[Event]:
    """Events of a query over ``Event`` (``events.select_visible`` and the like)."""
    return [row for row in session.scalars(query) if isinstance(row, Event)]


def _created() -> ColumnElement[datetime]:
    return func.coalesce(Event.created_time, Event.received_at)


def held_references(filters: TntFilters) -> list[tuple[str, str]]:
    """The references the filters name, in canonical spelling (they count as presented by the caller)."""
    held = []
    for name, kind in REFERENCE_FILTERS.items():
        raw = getattr(filters, name)
        if raw is not None:
            try:
                held.append((kind.value, normalise_reference(kind, raw)))
            except ValidationFailed as exc:
                raise ValidationFailed(
                    f"{name}: {exc.message}", code="invalid_filter", data={"field": name, "value": raw}
                ) from None
    return held


def scope_with_filters(scope: AccessScope, filters: TntFilters) -> AccessScope:
    for kind, value in held_references(filters):
        scope = scope.holding(kind, value)
    return scope


def _not_retracted() -> ColumnElement[bool]:
    """Neither a retraction nor an event a later retraction of the same owner withdrew."""
    retraction = aliased(Event)
    withdrawn = exists().where(
        retraction.owner_org_id == Event.owner_org_id,
        retraction.source_key == literal(RETRACTION_PREFIX) + func.substr(Event.source_key, len("dcsa:") + 1),
    )
    return and_(~Event.source_key.startswith(RETRACTION_PREFIX), ~withdrawn)


def event_criteria(filters: TntFilters) -> list[ColumnElement[bool]]:
    """SQL for the filters the store can decide: families and codes, references, vessel, place, creation time."""
    by_family = []
    for family in sorted(filters.families()):
        chosen = {
            "SHIPMENT": filters.shipmentEventTypeCode,
            "TRANSPORT": filters.transportEventTypeCode,
            "EQUIPMENT": filters.equipmentEventTypeCode,
        }[family] or V22_CODES[family]
        by_family.append(and_(Event.event_type == family, Event.event_code.in_(sorted(chosen))))
    criteria: list[ColumnElement[bool]] = [or_(*by_family) if by_family else false(), _not_retracted()]
    for kind, value in held_references(filters):
        criteria.append(events.about(kind, [value]))
    if filters.vesselIMONumber is not None:
        criteria.append(Event.vessel_imo == filters.vesselIMONumber)
    if filters.UNLocationCode is not None:
        criteria.append(Event.location == filters.UNLocationCode.upper())
    for operator, moment in filters.eventCreatedDateTime:
        column = _created()
        criteria.append(
            {
                "gte": column >= moment,
                "gt": column > moment,
                "lte": column <= moment,
                "lt": column < moment,
                "eq": column == moment,
            }[operator]
        )
    return criteria


@dataclass(frozen=True)
class Sort:
    """``sort=eventCreatedDateTime:DESC``; no field means store order (the order events arrived)."""

    field: str | None = None
    descending: bool = False

    @classmethod
    def parse(cls, raw: str | None) -> Sort:
        if not raw or not raw.strip():
            return cls()
        terms = [t.strip() for t in raw.split(",") if t.strip()]
        name, _, direction = terms[0].partition(":")
        if len(terms) > 1 or name not in SORTABLE or direction.upper() not in ("", "ASC", "DESC"):
            raise ValidationFailed(
                f"sort: give one of {', '.join(SORTABLE)}, optionally with :ASC or :DESC",
                code="invalid_sort",
                data={"field": "sort", "value": raw},
            )
        return cls(name, direction.upper() == "DESC")

    def as_text(self) -> str | None:
        return f"{self.field}:{'DESC' if self.descending else 'ASC'}" if self.field else None

    def key(self) -> Any:
        if self.field == "eventCreatedDateTime":
            return _created()
        if self.field == "eventDateTime":
            return Event.event_time
        return None


Position = tuple[str | None, int]
"""Where a page ends: the sort key (ISO time, or None in store order) and the store's seq."""


def _key_of(sort: Sort, event: Event) -> str | None:
    if sort.field == "eventCreatedDateTime":
        return (event.created_time or event.received_at).isoformat()
    if sort.field == "eventDateTime":
        return event.event_time.isoformat()
    return None


def _after(sort: Sort, position: Position | None) -> ColumnElement[bool]:
    if position is None:
        return true()
    key_text, seq = position
    key = sort.key()
    if key is None or key_text is None:
        return Event.seq < seq if sort.descending else Event.seq > seq
    moment = datetime.fromisoformat(key_text)
    if sort.descending:
        return or_(key < moment, and_(key == moment, Event.seq < seq))
    return or_(key > moment, and_(key == moment, Event.seq > seq))


@dataclass
class V22Page:
    """One page of rendered events, and where the next one starts (None: this was the last)."""

    events: list[dict[str, Any]]
    next_position: Position | None


def page_v22_events(
    session: Session, scope: AccessScope, filters: TntFilters, *, sort: Sort, after: Position | None, limit: int
) -> V22Page:
    """Visible events matching ``filters`` in 2.2 shape, ``limit`` at most, after ``after``; views are logged."""
    scope = scope_with_filters(scope, filters)
    criteria = event_criteria(filters)
    key = sort.key()
    seq_order = Event.seq.desc() if sort.descending else Event.seq.asc()
    order = [seq_order] if key is None else [key.desc() if sort.descending else key.asc(), seq_order]
    found: list[tuple[Event, dict[str, Any], Position]] = []
    position = after
    while len(found) <= limit:
        query = events.select_visible(scope, *criteria, _after(sort, position)).order_by(None).order_by(*order)
        rows = _rows(session, query.limit(CHUNK))
        references = events.references_of(session, [row.seq for row in rows])
        for row in rows:
            position = (_key_of(sort, row), row.seq)
            rendered = render_v22(row, references[row.seq])
            if rendered is not None and matches(filters, rendered):
                found.append((row, rendered, position))
                if len(found) > limit:
                    break
        if len(rows) < CHUNK:
            break
    page = found[:limit]
    shown = events.references_of(session, [row.seq for row, _, _ in page])
    access.record_views(
        session,
        scope,
        channel="dcsa-api",
        seen=[(row.owner_org_id, kind, value) for row, _, _ in page for kind, value in shown[row.seq]],
    )
    return V22Page([rendered for _, rendered, _ in page], page[-1][2] if len(found) > limit else None)


# ---------------------------------------------------------------- subscriptions


def check_may_read(actor: Actor) -> None:
    if not actor.has_scope(KeyScope.CARGO_READ):
        raise Forbidden(
            "this API key lacks the cargo:read scope", code="missing_scope", data={"scope": KeyScope.CARGO_READ.value}
        )


def _schema_check(schema: str, body: object) -> None:
    problems = located_errors(v22_validator(schema), body, "$")
    if problems:
        raise ValidationFailed(
            "; ".join(f"{where}: {message}" for where, message in problems[:5]),
            code="invalid_subscription",
            data={"errors": [{"location": w, "message": str(m), **m.as_data()} for w, m in problems]},
        )


def _secret(raw: str) -> bytes:
    try:
        secret = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed("secret: not base64", code="invalid_secret", data={"field": "secret"}) from None
    if not MIN_SECRET_BYTES <= len(secret) <= MAX_SECRET_BYTES:
        raise ValidationFailed(
            f"secret: {MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} bytes once decoded (this one has {len(secret)})",
            code="invalid_secret",
            data={"field": "secret"},
        )
    return secret


def subscription_json(subscription: DcsaSubscription) -> dict[str, Any]:
    """The 2.2 ``subscription`` object (never the secret)."""
    return {"subscriptionID": subscription.id, "callbackUrl": subscription.callback_url, **subscription.filters}


def _filters_of(body: dict[str, Any]) -> TntFilters:
    filters = filters_from_subscription(body)
    held_references(filters)
    return filters


def create_subscription(
    session: Session, actor: Actor, *, body: object, sealer: Sealer, policy: CallbackPolicy
) -> DcsaSubscription:
    """``POST /v2/event-subscriptions``: the body is a 2.2 ``subscriptionBodyWithSecret``."""
    check_may_read(actor)
    _schema_check("subscriptionBodyWithSecret", body)
    assert isinstance(body, dict)  # noqa: S101 - the schema says object
    if "subscriptionID" in body:
        raise ValidationFailed(
            "subscriptionID is given by HarbourLink", code="invalid_subscription", data={"field": "subscriptionID"}
        )
    secret = _secret(body["secret"])
    check_callback_url(body["callbackUrl"], policy)
    filters = _filters_of(body)
    subscription = DcsaSubscription(
        org_id=actor.org_id,
        created_by=actor.user_id,
        callback_url=body["callbackUrl"],
        secret_sealed=sealer.seal(base64.b64encode(secret).decode()),
        filters=filters.as_json(),
    )
    session.add(subscription)
    session.flush()
    return subscription


def get_subscription(session: Session, actor: Actor, *, subscription_id: str) -> DcsaSubscription:
    """One of the caller's company's subscriptions; any other answers not found."""
    check_may_read(actor)
    subscription = session.get(DcsaSubscription, subscription_id)
    if subscription is None or subscription.org_id != actor.org_id:
        raise NotFound("no such subscription", data={"subscriptionID": subscription_id})
    return subscription


def list_subscriptions(
    session: Session, actor: Actor, *, after: tuple[str, str] | None, limit: int
) -> tuple[list[DcsaSubscription], bool]:
    """The caller's company's subscriptions, oldest first, after a (created_at, id) position; and if more follow."""
    check_may_read(actor)
    query = select(DcsaSubscription).where(DcsaSubscription.org_id == actor.org_id)
    if after is not None:
        moment, last_id = datetime.fromisoformat(after[0]), after[1]
        query = query.where(
            or_(
                DcsaSubscription.created_at > moment,
                and_(DcsaSubscription.created_at == moment, DcsaSubscription.id > last_id),
            )
        )
    rows = list(session.scalars(query.order_by(DcsaSubscription.created_at, DcsaSubscription.id).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def update_subscription(
    session: Session, actor: Actor, *, subscription_id: str, body: object, policy: CallbackPolicy
) -> DcsaSubscription:
    """``PUT``: replaces callbackUrl and filters; the secret is changed only through ``/secret``."""
    subscription = get_subscription(session, actor, subscription_id=subscription_id)
    _schema_check("subscription", body)
    assert isinstance(body, dict)  # noqa: S101 - the schema says object
    if "secret" in body:
        raise ValidationFailed(
            "secret is only valid when creating; change it with PUT .../secret",
            code="invalid_subscription",
            data={"field": "secret"},
        )
    if body.get("subscriptionID", subscription_id) != subscription_id:
        raise ValidationFailed(
            "subscriptionID differs from the one in the path",
            code="invalid_subscription",
            data={"field": "subscriptionID"},
        )
    check_callback_url(body["callbackUrl"], policy)
    subscription.filters = _filters_of(body).as_json()
    subscription.callback_url = body["callbackUrl"]
    subscription.updated_at = utcnow()
    return subscription


def delete_subscription(session: Session, actor: Actor, *, subscription_id: str) -> None:
    """Stops a subscription; callbacks still owed to it are dropped with it."""
    subscription = get_subscription(session, actor, subscription_id=subscription_id)
    session.execute(delete(DcsaDelivery).where(DcsaDelivery.subscription_id == subscription.id))
    session.delete(subscription)


def rotate_secret(session: Session, actor: Actor, *, subscription_id: str, body: object, sealer: Sealer) -> None:
    """``PUT .../secret``: callbacks from now on are signed with the new secret."""
    subscription = get_subscription(session, actor, subscription_id=subscription_id)
    _schema_check("subscriptionID_secret_body", body)
    assert isinstance(body, dict)  # noqa: S101 - the schema says object
    if not isinstance(body.get("secret"), str):
        raise ValidationFailed("secret is required", code="invalid_secret", data={"field": "secret"})
    secret = _secret(body["secret"])
    subscription.secret_sealed = sealer.seal(base64.b64encode(secret).decode())
    subscription.secret_rotated_at = subscription.updated_at = utcnow()


# ---------------------------------------------------------------- the inbound hooks


def _subscriber_scope(subscription: DcsaSubscription, filters: TntFilters) -> AccessScope:
    scope = access.scope_for(Actor(org_id=subscription.org_id, user_id=subscription.created_by))
    return scope_with_filters(scope, filters)


def _insert_ignore(session: Session, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)).on_conflict_do_nothing()


def enqueue_dcsa_callbacks(session: Session, event_ids: Sequence[str]) -> int:
    """Outbox rows for newly appended events: one per subscription whose filters match and whose company sees it.

    Called by the inbound pipeline in the transaction that appended the events; sends nothing.
    """
    if not event_ids or session.scalar(select(func.count()).select_from(DcsaSubscription)) == 0:
        return 0
    seqs: list[int] = []
    for start in range(0, len(event_ids), CHUNK):
        seqs += session.scalars(select(Event.seq).where(Event.id.in_(list(event_ids[start : start + CHUNK])))).all()
    now = utcnow()
    queued = 0
    for subscription in session.scalars(select(DcsaSubscription).order_by(DcsaSubscription.id)):
        filters = TntFilters.from_json(subscription.filters)
        scope = _subscriber_scope(subscription, filters)
        wanted: list[int] = []
        for start in range(0, len(seqs), CHUNK):
            batch = seqs[start : start + CHUNK]
            rows = _rows(session, events.select_visible(scope, Event.seq.in_(batch), *event_criteria(filters)))
            references = events.references_of(session, [row.seq for row in rows])
            for row in rows:
                rendered = render_v22(row, references[row.seq])
                if rendered is not None and matches(filters, rendered):
                    wanted.append(row.seq)
        if wanted:
            session.execute(
                _insert_ignore(session, DcsaDelivery.__table__),
                [
                    {
                        "subscription_id": subscription.id,
                        "event_seq": seq,
                        "status": "pending",
                        "attempts": 0,
                        "created_at": now,
                        "next_attempt_at": now,
                    }
                    for seq in wanted
                ],
            )
            queued += len(wanted)
    return queued


# ---------------------------------------------------------------- delivering callbacks


def sign(secret: bytes, body: bytes) -> str:
    """The ``Notification-Signature`` header value for a body."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


@dataclass
class DeliveryReport:
    """What one round of delivery did: requests made, and events delivered, to retry, given up, withheld."""

    requests: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    withheld: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class _Batch:
    subscription_id: str
    url: str
    secret: bytes
    delivery_ids: list[int]
    body: bytes


def _claim(
    db: Database,
    sealer: Sealer,
    *,
    now: datetime,
    batch_size: int,
    max_requests: int,
    lease: timedelta,
    report: DeliveryReport,
) -> list[_Batch]:
    batches: list[_Batch] = []
    with db.transaction() as session:
        candidates = select(DcsaDelivery.id).order_by(DcsaDelivery.id).limit(batch_size * max_requests)
        won = work.claim(session, DcsaDelivery, candidates, now=now, lease=lease)
        by_subscription: dict[str, list[DcsaDelivery]] = {}
        for delivery in session.scalars(
            select(DcsaDelivery).where(DcsaDelivery.id.in_(won.ids)).order_by(DcsaDelivery.event_seq)
        ):
            by_subscription.setdefault(delivery.subscription_id, []).append(delivery)
        for subscription_id, mine in by_subscription.items():
            subscription = session.get(DcsaSubscription, subscription_id)
            for start in range(0, len(mine), batch_size):
                batch = (
                    None
                    if subscription is None
                    else _render_batch(
                        session, sealer, subscription, mine[start : start + batch_size], now=now, report=report
                    )
                )
                if batch is not None:
                    batches.append(batch)
    return batches


def _render_batch(
    session: Session,
    sealer: Sealer,
    subscription: DcsaSubscription,
    deliveries: list[DcsaDelivery],
    *,
    now: datetime,
    report: DeliveryReport,
) -> _Batch | None:
    """The body owed to one subscription, checked again: grants may have ended, filters changed."""
    filters = TntFilters.from_json(subscription.filters)
    scope = _subscriber_scope(subscription, filters)
    seqs = [d.event_seq for d in deliveries]
    rows = {
        row.seq: row
        for row in _rows(session, events.select_visible(scope, Event.seq.in_(seqs), *event_criteria(filters)))
    }
    references = events.references_of(session, list(rows))
    body: list[dict[str, Any]] = []
    sending: list[int] = []
    seen: list[tuple[str, str, str]] = []
    for delivery in deliveries:
        row = rows.get(delivery.event_seq)
        rendered = render_v22(row, references[row.seq]) if row is not None else None
        if row is None or rendered is None or not matches(filters, rendered):
            delivery.status, delivery.claimed_until, delivery.last_attempt_at = "withheld", None, now
            report.withheld += 1
            continue
        body.append(rendered)
        sending.append(delivery.id)
        seen += [(row.owner_org_id, kind, value) for kind, value in references[row.seq]]
    if not body:
        return None
    unsealed = sealer.unseal(subscription.secret_sealed)
    if unsealed is None:
        report.errors.append(f"subscription {subscription.id}: the secret cannot be unsealed")
        return None
    access.record_views(session, scope, channel="dcsa-callback", seen=seen)
    encoded = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return _Batch(subscription.id, subscription.callback_url, base64.b64decode(unsealed), sending, encoded)


def _post(client: httpx.Client, batch: _Batch, policy: CallbackPolicy) -> tuple[int | None, str | None]:
    try:
        check_callback_url(batch.url, policy, resolve=True)
    except ValidationFailed as exc:
        return None, exc.message
    headers = {
        "Content-Type": "application/json",
        "API-Version": API_VERSION,
        "Subscription-ID": batch.subscription_id,
        "Notification-Signature": sign(batch.secret, batch.body),
    }
    try:
        response = client.post(batch.url, content=batch.body, headers=headers, timeout=policy.timeout_seconds)
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    if 200 <= response.status_code < 300:
        return response.status_code, None
    return response.status_code, f"the callback answered HTTP {response.status_code}"


def _record(
    db: Database, batch: _Batch, status: int | None, error: str | None, *, now: datetime, report: DeliveryReport
) -> None:
    with db.transaction() as session:
        for delivery in session.scalars(select(DcsaDelivery).where(DcsaDelivery.id.in_(batch.delivery_ids))):
            delivery.last_attempt_at, delivery.last_status = now, status
            if error is None:
                work.succeeded(delivery, status="delivered")
                delivery.delivered_at = now
                report.delivered += 1
            elif work.failed(delivery, error, now=now, max_attempts=MAX_ATTEMPTS):
                report.failed += 1
            else:
                report.retrying += 1


def deliver_dcsa_callbacks(
    db: Database,
    client: httpx.Client,
    *,
    sealer: Sealer,
    policy: CallbackPolicy | None = None,
    now: datetime | None = None,
    batch_size: int = 100,
    max_requests: int = 50,
    lease: timedelta = work.DEFAULT_LEASE,
) -> DeliveryReport:
    """One round: claims due deliveries, POSTs each subscription its events, records what happened.

    Runs no HTTP inside a transaction. ``now`` is for tests (a retry becomes due ``retry_delay`` later).
    """
    policy = policy or CallbackPolicy()
    moment = now or utcnow()
    report = DeliveryReport()
    for batch in _claim(
        db, sealer, now=moment, batch_size=batch_size, max_requests=max_requests, lease=lease, report=report
    ):
        status, error = _post(client, batch, policy)
        report.requests += 1
        if error is not None:
            report.errors.append(f"subscription {batch.subscription_id}: {error}")
            log.warning("DCSA callback to subscription %s failed: %s", batch.subscription_id, error)
        _record(db, batch, status, error, now=moment, report=report)
    return report


def callback_job(
    db: Database,
    sealer: Sealer,
    *,
    policy: CallbackPolicy | None = None,
    every: float = 5.0,
    lease: timedelta = work.DEFAULT_LEASE,
) -> Job:
    """DCSA callback delivery for the worker loop (again at once while rounds succeed and find work)."""

    def run(client: httpx.Client) -> bool:
        report = deliver_dcsa_callbacks(db, client, sealer=sealer, policy=policy, lease=lease)
        return report.requests > 0 and not report.errors

    return Job("dcsa-callbacks", "dispatch", run, every=every)
