"""Alerts as a history: a person's open, acknowledged and resolved alerts, filtered, live while open.

``/alerts`` lists the caller's alerts (``alerts.list_alerts``: the person's own and the
company's), filtered by ``?status=`` and ``?type=``, each with its figures in words and units
(``alert_figures``). An alert about a ship names the ship and lists the viewer's own numbers
aboard (``tracking.cargo_aboard``); its link leads to the ship's page (``/vessel/{imo}``).
``static/alerts.js`` listens to ``/api/v1/alerts/stream`` (server-sent events, authenticated by
the session cookie) and fetches each changed item as this server renders it
(``/alerts/{id}/item``), so the script holds neither text nor formatting of its own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.datastructures import FormData

from harbourlink import alerts, tracking
from harbourlink.kernel import NotFound, utcnow
from harbourlink.web.alert_figures import describe
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
    "air_late_departure": N_("Flight departed late"),
    "air_late_arrival": N_("Flight arrived late"),
    "air_offload": N_("Air cargo offloaded"),
    "air_discrepancy": N_("Air cargo discrepancy"),
    "receipt_discrepancy": N_("Received short or damaged"),
    "elock_tamper": N_("E-lock tampered with"),
    "elock_deviation": N_("Truck left its approved route"),
    "road_query_raised": N_("Customs query on a consignment"),
    "road_query_replied": N_("Reply to a customs query"),
    "road_crossed": N_("Truck crossed the boundary"),
    "road_bind_reminder": N_("Bind the cargo before the control point"),
    "elock_stop": N_("Sealed truck stopped unplanned"),
    "elock_signal_lost": N_("E-lock signal lost"),
    "elock_low_battery": N_("E-lock battery low"),
    "elock_late_arrival": N_("Sealed truck late"),
}
STATUSES = {"open": N_("Open"), "acknowledged": N_("Acknowledged"), "resolved": N_("Resolved")}
STATUS_TONE = {"open": "bad", "acknowledged": "warn", "resolved": "ok"}
Ships = dict[str, tracking.CargoAboard]


def _ship(page: MemberPage, ships: Ships, imo: str) -> tracking.CargoAboard:
    """The ship's name and the viewer's numbers aboard, looked up once per page."""
    if imo not in ships:
        ships[imo] = tracking.cargo_aboard(page.session, page.viewer.actor, imo=imo)
    return ships[imo]


def _ship_name(ship: tracking.CargoAboard) -> str:
    return f"{ship.name} (IMO {ship.imo})" if ship.name else f"IMO {ship.imo}"


def item(page: MemberPage, alert: alerts.Alert, ships: Ships | None = None) -> dict[str, Any]:
    """One alert as the pages show it: names, figures in words, the ship and the viewer's numbers aboard."""
    ships = {} if ships is None else ships
    figures = describe(page.catalogue, alert.alert_type, alert.figures)
    subject, href, aboard = alert.subject, f"/track/{alert.subject}", []
    if alert.subject_kind == "VESSEL":
        ship = _ship(page, ships, alert.subject)
        subject, aboard = _ship_name(ship), [value for _kind, value in ship.numbers]
        href = f"/vessel/{ship.imo}" if aboard else ""
    elif alert.figures.get("vessel_imo"):
        figures.insert(0, (page.t(N_("Vessel")), _ship_name(_ship(page, ships, str(alert.figures["vessel_imo"])))))
    return {
        "id": alert.id,
        "type": alert.alert_type,
        "subject": subject,
        "href": href,
        "aboard": aboard,
        "status": alert.status,
        "type_name": page.t(TYPES.get(alert.alert_type, alert.alert_type)),
        "status_name": page.t(STATUSES.get(alert.status, alert.status)),
        "tone": STATUS_TONE.get(alert.status, ""),
        "opened_at": alert.opened_at,
        "resolved_at": alert.resolved_at,
        "updated_at": alert.updated_at.isoformat(),
        "figures": figures,
    }


def items(page: MemberPage, rows: list[alerts.Alert]) -> list[dict[str, Any]]:
    ships: Ships = {}
    return [item(page, row, ships) for row in rows]


def stream_url(since: datetime) -> str:
    """The live updates after the moment the page was read."""
    return f"/api/v1/alerts/stream?since={since.isoformat().replace('+00:00', 'Z')}"


def _filters(page: MemberPage) -> tuple[str, str]:
    """The chosen status and type; anything not on the lists means every one."""
    status, kind = page.request.query_params.get("status", ""), page.request.query_params.get("type", "")
    return (status if status in STATUSES else ""), (kind if kind in TYPES else "")


def _history(page: MemberPage, *, error: Any = None) -> Response:
    read_at = utcnow()
    status, kind = _filters(page)
    rows = alerts.list_alerts(
        page.session,
        page.viewer.actor,
        include_resolved=True,
        statuses=[status] if status else None,
        alert_types=[kind] if kind else None,
    )
    context: dict[str, Any] = {
        "items": items(page, rows),
        "stream": stream_url(read_at),
        "subjects": [],
        "here": "/alerts",
        "alerts_tab": "history",
        "chosen_status": status,
        "chosen_kind": kind,
        "statuses": {code: page.t(m) for code, m in STATUSES.items()},
        "types": {code: page.t(m) for code, m in TYPES.items()},
    }
    if error is not None:
        return page.render_error("alerts/inbox.html", error, **context)
    return page.render("alerts/inbox.html", **context)


@router.get("/alerts")
def inbox(page: MemberDep) -> Response:
    """The caller's alerts, newest change first (``?status=``, ``?type=``), kept current while open."""
    return _history(page)


def _back(value: str) -> str:
    """Where the person was: the history, or the tracking page whose alert banner held the button."""
    return value if value.startswith("/track/") and "//" not in value and "\\" not in value else "/alerts"


@router.get("/alerts/{alert_id}/item")
def one_item(alert_id: str, page: MemberDep, back: str = "/alerts") -> Response:
    """One alert as its list shows it, for the page's script to insert; another person's answers 404."""
    try:
        alert = alerts.get_alert(page.session, page.viewer.actor, alert_id=alert_id)
    except NotFound:
        raise page.abort(404, "not_found") from None
    return page.render("alerts/_item.html", a=item(page, alert), here=_back(back))


def _act(page: MemberPage, form: FormData, action: Any, alert_id: str) -> Response:
    """Acknowledges or resolves; a stale button (someone else was faster) shows the list with the reason."""
    error = attempt(page, lambda: action(page.session, page.viewer.actor, alert_id=alert_id))
    if error is not None:
        return _history(page, error=error)
    return page.redirect(_back(text(form, "back")))


@router.post("/alerts/{alert_id}/acknowledge")
def acknowledge(alert_id: str, form: CheckedForm, page: MemberDep) -> Response:
    """Someone is on it: escalation stops, the alert stays until resolved."""
    return _act(page, form, alerts.do_acknowledge, alert_id)


@router.post("/alerts/{alert_id}/resolve")
def resolve(alert_id: str, form: CheckedForm, page: MemberDep) -> Response:
    """Closes the alert by hand; it stays in the history."""
    return _act(page, form, alerts.do_resolve, alert_id)
