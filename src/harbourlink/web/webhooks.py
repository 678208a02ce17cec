"""Webhooks and the delivery log on the web: endpoints with their signing secret (shown once, after a
redirect), secret rotation, stopping an endpoint; every message owed, its attempts, dead letters
and replay.

The same service functions as ``/api/v1/webhook-endpoints`` and ``/api/v1/alert-deliveries``.
Only the company's own endpoints and deliveries are listed or opened; another company's answer 404.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from harbourlink import alerts
from harbourlink.api.context import runtime
from harbourlink.kernel import HarbourLinkError, NotFound
from harbourlink.web.alerts import TYPES
from harbourlink.web.forms import CSRF_CHECKED, CheckedForm, attempt, text, texts
from harbourlink.web.labels import N_
from harbourlink.web.once import redirect_showing_once, take_once
from harbourlink.web.pages import MemberDep, MemberPage

router = APIRouter(include_in_schema=False)

DELIVERY_STATUSES = {
    "pending": N_("Waiting to be sent"),
    "delivered": N_("Delivered"),
    "dead": N_("Gave up (dead letter)"),
    "withheld": N_("Withheld: no longer shared"),
}
DELIVERY_TONE = {"delivered": "ok", "pending": "warn", "dead": "bad", "withheld": "warn"}
CHANGES = {"opened": N_("Opened"), "changed": N_("Changed"), "resolved": N_("Resolved"), "escalated": N_("Escalated")}
CHANNEL_NAMES = {"email": N_("E-mail"), "sms": N_("SMS"), "webhook": N_("Webhook")}
REPLAYABLE = ("dead", "delivered", "withheld")


def _names(page: MemberPage) -> dict[str, Any]:
    def name(family: dict[str, str], code: str) -> str:
        return page.t(family[code]) if code in family else code

    return {
        "type_name": lambda code: name(TYPES, code),
        "status_name": lambda code: name(DELIVERY_STATUSES, code),
        "change_name": lambda code: name(CHANGES, code),
        "channel_name": lambda code: name(CHANNEL_NAMES, code),
        "tones": DELIVERY_TONE,
        "type_codes": list(TYPES),
        "alerts_tab": "webhooks",
    }


def _endpoints_page(
    page: MemberPage, *, error: HarbourLinkError | None = None, values: dict[str, Any] | None = None
) -> Response:
    shown = take_once(page) if error is None else {}
    context: dict[str, Any] = {
        **_names(page),
        "endpoints": alerts.list_endpoints(page.session, page.viewer.actor),
        "values": values or {"url": "", "types": []},
        "secret": shown.get("secret"),
        "secret_for": shown.get("endpoint"),
        "here": "/alerts/webhooks",
        "errors": {"url": page.error_text(error)} if error is not None and error.data.get("field") else {},
    }
    if error is not None:
        return page.render_error("alerts/webhooks.html", error, **context)
    return page.render("alerts/webhooks.html", **context)


@router.get("/alerts/webhooks")
def endpoints(page: MemberDep) -> Response:
    """The company's webhook endpoints, the form for a new one, and a new secret the once it is shown."""
    return _endpoints_page(page)


@router.post("/alerts/webhooks")
def create_endpoint(form: CheckedForm, page: MemberDep) -> Response:
    """Registers an endpoint; its signing secret is shown on the next page, once."""
    url, types = text(form, "url"), texts(form, "types")
    created: list[tuple[alerts.WebhookEndpoint, str]] = []
    error = attempt(
        page,
        lambda: created.append(
            alerts.create_endpoint(
                page.session,
                page.viewer.actor,
                url=url,
                event_types=[f"alert.{name}" for name in types],
                sealer=runtime(page.request).sealer,
                policy=page.request.app.state.webhook_policy,
            )
        ),
    )
    if error is not None:
        return _endpoints_page(page, error=error, values={"url": url, "types": types})
    endpoint, secret = created[0]
    return redirect_showing_once(page, "/alerts/webhooks", {"secret": secret, "endpoint": endpoint.url})


def _endpoint(page: MemberPage, endpoint_id: str) -> alerts.WebhookEndpoint:
    try:
        return alerts.get_endpoint(page.session, page.viewer.actor, endpoint_id=endpoint_id)
    except NotFound:
        raise page.abort(404, "not_found") from None


@router.post("/alerts/webhooks/{endpoint_id}/rotate", dependencies=[CSRF_CHECKED])
def rotate(endpoint_id: str, page: MemberDep) -> Response:
    """A new signing secret, shown once; the previous one keeps signing for 24 hours."""
    endpoint = _endpoint(page, endpoint_id)
    secret = alerts.rotate_secret(
        page.session, page.viewer.actor, endpoint_id=endpoint.id, sealer=runtime(page.request).sealer
    )
    return redirect_showing_once(page, "/alerts/webhooks", {"secret": secret, "endpoint": endpoint.url})


@router.post("/alerts/webhooks/{endpoint_id}/delete", dependencies=[CSRF_CHECKED])
def stop(endpoint_id: str, page: MemberDep) -> Response:
    """Sends nothing more to the endpoint."""
    alerts.delete_endpoint(page.session, page.viewer.actor, endpoint_id=_endpoint(page, endpoint_id).id)
    return page.redirect("/alerts/webhooks?done=endpoint_deleted")


def _recipients(page: MemberPage) -> dict[str, str]:
    """Endpoint ids by their address: people know an endpoint by its URL."""
    return {endpoint.id: endpoint.url for endpoint in alerts.list_endpoints(page.session, page.viewer.actor)}


@router.get("/alerts/deliveries")
def deliveries(page: MemberDep, status: str = "") -> Response:
    """Every message owed by e-mail, SMS or webhook, newest first; ``?status=dead``: the dead letters."""
    chosen = status if status in DELIVERY_STATUSES else ""
    rows = alerts.list_deliveries(page.session, page.viewer.actor, status=chosen or None, limit=100)
    return page.render(
        "alerts/deliveries.html",
        **{**_names(page), "alerts_tab": "deliveries"},
        rows=rows,
        chosen=chosen,
        recipients=_recipients(page),
        replayable=REPLAYABLE,
        here="/alerts/deliveries",
    )


def _delivery(page: MemberPage, delivery_id: str) -> alerts.AlertNotification:
    try:
        return alerts.get_delivery(page.session, page.viewer.actor, delivery_id=delivery_id)
    except NotFound:
        raise page.abort(404, "not_found") from None


@router.get("/alerts/deliveries/{delivery_id}")
def delivery(delivery_id: str, page: MemberDep) -> Response:
    """One message and each attempt to send it."""
    row = _delivery(page, delivery_id)
    tries = alerts.list_attempts(page.session, page.viewer.actor, delivery_id=row.public_id)
    return page.render(
        "alerts/delivery.html",
        **{**_names(page), "alerts_tab": "deliveries"},
        row=row,
        tries=tries,
        recipients=_recipients(page),
        replayable=REPLAYABLE,
        here=f"/alerts/deliveries/{row.public_id}",
    )


@router.post("/alerts/deliveries/{delivery_id}/replay", dependencies=[CSRF_CHECKED])
def replay(delivery_id: str, page: MemberDep) -> Response:
    """Queues the message again, with the same webhook-id, so a receiver can tell it was sent before."""
    row = _delivery(page, delivery_id)
    alerts.do_replay(page.session, page.viewer.actor, delivery_id=row.public_id)
    return page.redirect(f"/alerts/deliveries/{row.public_id}?done=delivery_replayed")
