"""The alert inbox: a person's open alerts, acknowledged or resolved with a button, live while open.

``/alerts`` lists the caller's unresolved alerts (``alerts.list_alerts``: the person's own and
the company's). ``static/alerts.js`` then listens to ``/api/v1/alerts/stream`` (server-sent
events, authenticated by the session cookie) and inserts, updates or removes items without a
reload; it builds them from a ``<template>`` this page renders, with the words of this page's
language handed over as JSON, so the script holds no text of its own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.datastructures import FormData

from harbourlink import alerts
from harbourlink.kernel import utcnow
from harbourlink.web.forms import CheckedForm, attempt, text
from harbourlink.web.labels import N_
from harbourlink.web.pages import MemberDep, MemberPage

router = APIRouter(include_in_schema=False)

TYPES = {
    "vessel_delay": N_("Vessel delayed"),
    "terminal_change": N_("Discharge terminal changed"),
    "reefer_deviation": N_("Reefer temperature out of range"),
    "reefer_power_off": N_("Reefer power off"),
    "not_picked_up": N_("Container not picked up"),
    "customs_hold": N_("Customs hold or inspection"),
    "bl_removed": N_("B/L removed from the manifest"),
}
STATUSES = {"open": N_("Open"), "acknowledged": N_("Acknowledged"), "resolved": N_("Resolved")}
STATUS_TONE = {"open": "bad", "acknowledged": "warn", "resolved": "ok"}
FIGURES = {
    "temperature": N_("Temperature (°C)"),
    "setpoint": N_("Set point (°C)"),
    "deviation": N_("Deviation (°C)"),
    "minutes": N_("Minutes"),
    "delay_minutes": N_("Delay (minutes)"),
    "power_off_since": N_("Power off since"),
    "since": N_("Since"),
    "terminal": N_("Terminal"),
    "previous_terminal": N_("Previous terminal"),
    "hours_left": N_("Hours of free time left"),
    "storage_charges_so_far": N_("Storage charges so far"),
    "status": N_("Status"),
}
"""The figures an inbox item shows, in this order; the API and the e-mail carry all of them."""


def words(page: MemberPage) -> dict[str, Any]:
    """Everything the script needs to name what it shows, in the page's language."""
    return {"types": {code: page.t(message) for code, message in TYPES.items()},
            "statuses": {code: page.t(message) for code, message in STATUSES.items()},
            "figures": [[code, page.t(message)] for code, message in FIGURES.items()],
            "tones": STATUS_TONE}


def _figure(page: MemberPage, value: object) -> str:
    """A figure as people read it: moments in port time, in the page's language."""
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            return page.catalogue.format_datetime(datetime.fromisoformat(value), "short")
        except ValueError:
            return value
    return str(value)


def item(page: MemberPage, alert: alerts.Alert) -> dict[str, Any]:
    """One alert as the inbox shows it."""
    figures = [(page.t(label), _figure(page, alert.figures[code])) for code, label in FIGURES.items()
               if alert.figures.get(code) is not None]
    return {"id": alert.id, "type": alert.alert_type, "subject": alert.subject, "status": alert.status,
            "type_name": page.t(TYPES[alert.alert_type]) if alert.alert_type in TYPES else alert.alert_type,
            "status_name": page.t(STATUSES.get(alert.status, alert.status)),
            "tone": STATUS_TONE.get(alert.status, ""), "opened_at": alert.opened_at,
            "updated_at": alert.updated_at.isoformat(), "figures": figures}


def stream_url(since: datetime) -> str:
    """The live updates after the moment the page was read."""
    return f"/api/v1/alerts/stream?since={since.isoformat().replace('+00:00', 'Z')}"


@router.get("/alerts")
def inbox(page: MemberDep) -> Response:
    """The caller's open and acknowledged alerts, newest change first, kept current while open."""
    read_at = utcnow()
    rows = alerts.list_alerts(page.session, page.viewer.actor)
    return page.render("alerts/inbox.html", items=[item(page, row) for row in rows], words=words(page),
                       stream=stream_url(read_at), subjects=[], here="/alerts")


def _back(form: FormData) -> str:
    """Where the person was: the inbox, or the tracking page whose alert banner held the button."""
    back = text(form, "back")
    return back if back.startswith("/track/") and "//" not in back and "\\" not in back else "/alerts"


def _act(page: MemberPage, form: FormData, action: Any, alert_id: str) -> Response:
    """Acknowledges or resolves; a stale button (someone else was faster) shows the list with the reason."""
    error = attempt(page, lambda: action(page.session, page.viewer.actor, alert_id=alert_id))
    if error is not None:
        rows = alerts.list_alerts(page.session, page.viewer.actor)
        return page.render_error("alerts/inbox.html", error, items=[item(page, row) for row in rows],
                                 words=words(page), stream=stream_url(utcnow()), subjects=[], here="/alerts")
    return page.redirect(_back(form))


@router.post("/alerts/{alert_id}/acknowledge")
def acknowledge(alert_id: str, form: CheckedForm, page: MemberDep) -> Response:
    """Someone is on it: escalation stops, the alert stays until resolved."""
    return _act(page, form, alerts.do_acknowledge, alert_id)


@router.post("/alerts/{alert_id}/resolve")
def resolve(alert_id: str, form: CheckedForm, page: MemberDep) -> Response:
    """Closes the alert by hand."""
    return _act(page, form, alerts.do_resolve, alert_id)
