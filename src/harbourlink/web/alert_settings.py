"""Choosing alerts on the web: subscriptions by reference or to all visible cargo, with their types,
channels, thresholds, quiet hours and language; edit, pause and resume, delete.

The same service functions as ``/api/v1/subscriptions`` (``alerts.do_subscribe``,
``do_update_subscription``, ``do_unsubscribe``). A subscription is the company's: colleagues see
and change each other's, as with an API key; another company's answers 404.
"""

from __future__ import annotations

import math
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.datastructures import FormData

from harbourlink import alerts
from harbourlink.kernel import HarbourLinkError, NotFound, ValidationFailed
from harbourlink.web.alerts import TYPES
from harbourlink.web.forms import CSRF_CHECKED, CheckedForm, attempt, text, texts
from harbourlink.web.i18n import LANGUAGES
from harbourlink.web.labels import N_
from harbourlink.web.pages import MemberDep, MemberPage

router = APIRouter(include_in_schema=False)

REFERENCE_TYPES = {
    "HBL": N_("House B/L"),
    "MBL": N_("Master B/L"),
    "CONTAINER": N_("Container number"),
    "VESSEL": N_("Ship (IMO number)"),
    "AWB": N_("Air waybill"),
}
CHANNELS = {"inbox": N_("On this site"), "email": N_("E-mail"), "sms": N_("SMS"), "webhook": N_("Webhook")}
THRESHOLDS = {
    "delay_minutes": N_("Vessel delayed: from a delay of (minutes)"),
    "material_change_minutes": N_("Vessel delayed: tell again when the delay moves by (minutes)"),
    "tolerance_c": N_("Reefer temperature: tolerance (°C)"),
    "duration_minutes": N_("Reefer temperature: out of range for (minutes)"),
    "gap_minutes": N_("Reefer power off: after (minutes)"),
    "hours_before": N_("Container not picked up: hours before free time ends"),
    "storage_per_day": N_("Container not picked up: storage charge per day (HKD)"),
    "late_minutes": N_("Flight late: from a delay of (minutes)"),
}


def _defaults() -> dict[str, Any]:
    """Each threshold's default, shown as the field's placeholder."""
    found: dict[str, Any] = {}
    for kind in alerts.all_types().values():
        found.update({name: value for name, value in kind.defaults.items() if name in THRESHOLDS})
    return found


def _number(name: str, raw: str) -> int | float:
    try:
        value = float(raw.replace(",", ""))
    except ValueError:
        raise ValidationFailed("not a number", code="invalid_number", data={"field": name}) from None
    if not math.isfinite(value) or value < 0:
        raise ValidationFailed("not a number", code="invalid_number", data={"field": name})
    return int(value) if value.is_integer() else value


def _saved_filter(form: FormData) -> dict[str, Any]:
    """The kinds of number and the places (UN/LOCODEs, separated by commas or spaces) a filter keeps."""
    places = text(form, "filter_locations").replace(",", " ").split()
    return {"subject_kinds": texts(form, "filter_kinds"), "locations": places}


def _changes(form: FormData, *, filtered: bool) -> dict[str, Any]:
    """What the form asks for, as the service takes it (empty fields: the defaults)."""
    thresholds = {
        name: _number(name, text(form, f"threshold.{name}")) for name in THRESHOLDS if text(form, f"threshold.{name}")
    }
    changes = {
        "alert_types": texts(form, "types"),
        "channels": texts(form, "channels"),
        "thresholds": thresholds,
        "quiet_start": text(form, "quiet_start") or None,
        "quiet_end": text(form, "quiet_end") or None,
        "language": text(form, "language") or None,
    }
    return {**changes, "filters": _saved_filter(form)} if filtered else changes


def _values(subscription: alerts.AlertSubscription | None, form: FormData | None = None) -> dict[str, Any]:
    """The form's values: as posted, as the subscription holds them, or a new subscription's."""
    if form is not None:
        return {
            "scope": text(form, "scope"),
            "reference_type": text(form, "reference_type"),
            "reference": text(form, "reference"),
            "types": texts(form, "types"),
            "channels": texts(form, "channels"),
            "for_company": text(form, "for_company"),
            "thresholds": {name: text(form, f"threshold.{name}") for name in THRESHOLDS},
            "quiet_start": text(form, "quiet_start"),
            "quiet_end": text(form, "quiet_end"),
            "language": text(form, "language"),
            "filter_kinds": texts(form, "filter_kinds"),
            "filter_locations": text(form, "filter_locations"),
        }
    if subscription is None:
        return {
            "scope": "reference",
            "reference_type": "HBL",
            "reference": "",
            "types": list(TYPES),
            "channels": ["inbox"],
            "for_company": "",
            "thresholds": {},
            "quiet_start": "",
            "quiet_end": "",
            "language": "",
            "filter_kinds": [],
            "filter_locations": "",
        }
    saved = subscription.filters or {}
    return {
        "scope": "reference" if subscription.reference else "filter" if saved else "all",
        "reference_type": subscription.reference_type or "",
        "reference": subscription.reference or "",
        "types": subscription.alert_types,
        "channels": subscription.channels,
        "for_company": "1" if subscription.user_id is None else "",
        "thresholds": {name: str(value) for name, value in subscription.thresholds.items()},
        "quiet_start": subscription.quiet_start or "",
        "quiet_end": subscription.quiet_end or "",
        "language": subscription.language or "",
        "filter_kinds": saved.get("subject_kinds", []),
        "filter_locations": " ".join(saved.get("locations", [])),
    }


def _context(page: MemberPage) -> dict[str, Any]:
    """The names the subscription templates show, in the page's language."""
    return {
        "type_names": {code: page.t(m) for code, m in TYPES.items()},
        "reference_names": {code: page.t(m) for code, m in REFERENCE_TYPES.items()},
        "channel_names": {code: page.t(m) for code, m in CHANNELS.items()},
        "threshold_names": {code: page.t(m) for code, m in THRESHOLDS.items()},
        "defaults": _defaults(),
        "choices": LANGUAGES,
        "alerts_tab": "subscriptions",
    }


def _list_page(
    page: MemberPage, *, error: HarbourLinkError | None = None, values: dict[str, Any] | None = None
) -> Response:
    context = {
        **_context(page),
        "subscriptions": alerts.list_subscriptions(page.session, page.viewer.actor),
        "values": values or _values(None),
        "errors": _field_errors(page, error),
        "here": "/alerts/subscriptions",
    }
    if error is not None:
        return page.render_error("alerts/subscriptions.html", error, **context)
    return page.render("alerts/subscriptions.html", **context)


def _field_errors(page: MemberPage, error: HarbourLinkError | None) -> dict[str, str]:
    field = error.data.get("field") if error is not None else None
    return {str(field): page.error_text(error)} if error is not None and field else {}


@router.get("/alerts/subscriptions")
def subscriptions(page: MemberDep) -> Response:
    """The company's subscriptions and the form for a new one."""
    return _list_page(page)


def _subscribe(page: MemberPage, form: FormData) -> None:
    scope = text(form, "scope")
    changes = _changes(form, filtered=scope == "filter")
    everything = scope in ("all", "filter")
    alerts.do_subscribe(
        page.session,
        page.viewer.actor,
        reference_type=None if everything else text(form, "reference_type"),
        reference=None if everything else text(form, "reference"),
        for_company=bool(text(form, "for_company")),
        **changes,
    )


@router.post("/alerts/subscriptions")
def subscribe(form: CheckedForm, page: MemberDep) -> Response:
    """Subscribes to alerts about one reference, or about all cargo the company may see."""
    error = attempt(page, lambda: _subscribe(page, form))
    if error is not None:
        return _list_page(page, error=error, values=_values(None, form))
    return page.redirect("/alerts/subscriptions?done=subscribed")


def _found(page: MemberPage, subscription_id: str) -> alerts.AlertSubscription:
    try:
        return alerts.get_subscription(page.session, page.viewer.actor, subscription_id=subscription_id)
    except NotFound:
        raise page.abort(404, "not_found") from None


def _edit_page(
    page: MemberPage,
    subscription: alerts.AlertSubscription,
    *,
    error: HarbourLinkError | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    here = f"/alerts/subscriptions/{subscription.id}"
    context = {
        **_context(page),
        "subscription": subscription,
        "values": values or _values(subscription),
        "errors": _field_errors(page, error),
        "here": here,
    }
    if error is not None:
        return page.render_error("alerts/subscription.html", error, **context)
    return page.render("alerts/subscription.html", **context)


@router.get("/alerts/subscriptions/{subscription_id}")
def subscription(subscription_id: str, page: MemberDep) -> Response:
    """One subscription's form, to change what it watches for and how it tells."""
    return _edit_page(page, _found(page, subscription_id))


@router.post("/alerts/subscriptions/{subscription_id}")
def update(subscription_id: str, form: CheckedForm, page: MemberDep) -> Response:
    """Saves a subscription's types, channels, thresholds, quiet hours and language."""
    found = _found(page, subscription_id)

    def save() -> None:
        changes = _changes(form, filtered=found.reference is None)
        # Thresholds the form has no field for (set through the API: a currency, a commodity) are kept.
        kept = {name: value for name, value in found.thresholds.items() if name not in THRESHOLDS}
        changes["thresholds"] = {**kept, **changes["thresholds"]}
        alerts.do_update_subscription(page.session, page.viewer.actor, subscription_id=found.id, **changes)

    error = attempt(page, save)
    if error is not None:
        return _edit_page(page, found, error=error, values=_values(found, form))
    return page.redirect("/alerts/subscriptions?done=subscription_saved")


def _pause(page: MemberPage, subscription_id: str, *, paused: bool) -> Response:
    found = _found(page, subscription_id)
    alerts.do_update_subscription(page.session, page.viewer.actor, subscription_id=found.id, paused=paused)
    return page.redirect(f"/alerts/subscriptions?done={'subscription_paused' if paused else 'subscription_resumed'}")


@router.post("/alerts/subscriptions/{subscription_id}/pause", dependencies=[CSRF_CHECKED])
def pause(subscription_id: str, page: MemberDep) -> Response:
    """No alerts from this subscription until it is resumed."""
    return _pause(page, subscription_id, paused=True)


@router.post("/alerts/subscriptions/{subscription_id}/resume", dependencies=[CSRF_CHECKED])
def resume(subscription_id: str, page: MemberDep) -> Response:
    """Alerts again, from the next event on."""
    return _pause(page, subscription_id, paused=False)


@router.post("/alerts/subscriptions/{subscription_id}/delete", dependencies=[CSRF_CHECKED])
def delete(subscription_id: str, page: MemberDep) -> Response:
    """Deletes the subscription and its alerts."""
    found = _found(page, subscription_id)
    alerts.do_unsubscribe(page.session, page.viewer.actor, subscription_id=found.id)
    return page.redirect("/alerts/subscriptions?done=subscription_deleted")
