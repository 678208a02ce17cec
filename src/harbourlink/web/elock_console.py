"""The customs console on a phone: an authority's sealed trips on a map by custody state, its alert queue, each
alert's account of itself with its acknowledgement and disposition, a trip's replay, and inspecting once.

``/elock/console`` is for customs alone (403 otherwise). ``static/elock.js`` listens to
``/api/v1/elock/console/stream`` (server-sent events, authenticated by the session cookie) and fetches the live
part as this server renders it (``/elock/console/live``), so the script holds no words of its own. Each
authority sees its own segment only, as the API shows it (``elock.console``); the pages add nothing to that.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.datastructures import FormData

from harbourlink import elock
from harbourlink.kernel import HarbourLinkError, NotFound, utcnow
from harbourlink.web import elock_map
from harbourlink.web.elock import trip_page
from harbourlink.web.forms import CheckedForm, attempt, choice, text
from harbourlink.web.labels import N_
from harbourlink.web.pages import MemberDep, MemberPage

router = APIRouter(include_in_schema=False)

STATE_TONE = {
    "approved": "",
    "hk_transit": "ok",
    "at_hk_exit": "warn",
    "mainland_transit": "ok",
    "arrived": "",
}
STATUS_TONE = {"open": "bad", "acknowledged": "warn", "disposed": "ok"}
MARKER = N_("Truck %(vehicle)s: %(state)s")
ALERT_AT = N_("%(alert)s, truck %(vehicle)s")


def _abort_unless_customs(page: MemberPage) -> None:
    if not page.viewer.actor.org_types & {"customs_hk", "customs_mainland"}:
        raise page.abort(403, "not_customs")


def _duration(page: MemberPage, seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    return page.t(N_("%(minutes)s minutes %(seconds)s seconds"), minutes=minutes, seconds=rest)


def explain(page: MemberPage, case: elock.ElockAlertCase) -> list[str]:
    """An alert's account of itself in words: how far off the route, for how long, where."""
    told, lines = case.explanation, []
    if told.off_route_m is not None:
        lines.append(page.t(N_("Up to %(metres)s m off the approved route"), metres=told.off_route_m))
    if told.duration_s or told.ongoing:
        how_long = _duration(page, told.duration_s)
        lines.append(
            page.t(N_("Still going on, %(duration)s so far"), duration=how_long)
            if told.ongoing
            else page.t(N_("Lasted %(duration)s"), duration=how_long)
        )
    if told.lat is not None and told.lon is not None:
        lines.append(page.t(N_("Where: %(position)s"), position=f"{told.lat:.5f}, {told.lon:.5f}"))
    return lines


def _alert_spot(page: MemberPage, case: elock.ElockAlertCase) -> elock_map.Spot | None:
    told = case.explanation
    if told.lat is None or told.lon is None:
        return None
    label = page.t(ALERT_AT, alert=page.catalogue.label(case.kind, "elock_alert"), vehicle=case.vehicle)
    return elock_map.Spot(told.lon, told.lat, "alert", "bad", label, f"/elock/alerts/{case.id}")


def _live(page: MemberPage) -> dict[str, Any]:
    """What the live part of the console shows: the map, the trips by state, the queue."""
    view = elock.console(page.session, page.viewer.actor)
    spots = []
    for trip in view.trips:
        if trip.last_position is not None:
            state = page.catalogue.label(trip.state, "elock_state")
            spots.append(
                elock_map.Spot(
                    trip.last_position.lon,
                    trip.last_position.lat,
                    "truck",
                    STATE_TONE.get(trip.state, ""),
                    page.t(MARKER, vehicle=trip.vehicle, state=state),
                    f"/elock/trips/{trip.id}",
                )
            )
    spots.extend(spot for spot in (_alert_spot(page, case) for case in view.alerts) if spot is not None)
    return {
        "console": view,
        "map": elock_map.draw([trip.route for trip in view.trips], spots),
        "by_state": Counter(trip.state for trip in view.trips),
        "explained": {case.id: explain(page, case) for case in view.alerts},
        "state_tone": STATE_TONE,
        "status_tone": STATUS_TONE,
    }


@router.get("/elock/console")
def console(page: MemberDep) -> Response:
    """An authority's console: trips by state on a map and its alert queue, live."""
    _abort_unless_customs(page)
    return page.render("elock/console.html", here="/elock/console", **_live(page))


@router.get("/elock/console/live")
def console_live(page: MemberDep) -> Response:
    """The console's live part alone, for the page's script to put in place."""
    _abort_unless_customs(page)
    return page.render("elock/_console_live.html", here="/elock/console", **_live(page))


def _back(value: str, alert_id: str) -> str:
    return "/elock/console" if value == "/elock/console" else f"/elock/alerts/{alert_id}"


def _alert_page(page: MemberPage, alert_id: str, *, error: HarbourLinkError | None = None) -> Response:
    try:
        case = elock.get_alert(page.session, page.viewer.actor, alert_id=alert_id)
    except NotFound:
        raise page.abort(404, "not_found") from None
    trail = elock.trip_positions(
        page.session, page.viewer.actor, trip_id=case.trip_id, segment=elock.Segment(case.segment)
    )
    spot = _alert_spot(page, case)
    drawn = elock_map.draw([], [spot] if spot else [], [(p.lon, p.lat) for p in trail])
    context: dict[str, Any] = {
        "case": case,
        "lines": explain(page, case),
        "map": drawn,
        "status_tone": STATUS_TONE,
        "dispositions": list(elock.Disposition),
    }
    if error is not None:
        return page.render_error("elock/alert.html", error, here="/elock/console", **context)
    return page.render("elock/alert.html", here="/elock/console", **context)


@router.get("/elock/alerts/{alert_id}")
def alert(alert_id: str, page: MemberDep) -> Response:
    """One alert of the viewer's segment: its account of itself on a map, and what was done about it."""
    return _alert_page(page, alert_id)


def _act(page: MemberPage, form: FormData, alert_id: str, action: Any) -> Response:
    try:
        elock.get_alert(page.session, page.viewer.actor, alert_id=alert_id)
    except NotFound:
        raise page.abort(404, "not_found") from None
    error = attempt(page, action)
    if error is not None:
        return _alert_page(page, alert_id, error=error)
    return page.redirect(_back(text(form, "back"), alert_id))


@router.post("/elock/alerts/{alert_id}/acknowledge")
def acknowledge(alert_id: str, form: CheckedForm, page: MemberDep) -> Response:
    """An officer is on it."""
    return _act(page, form, alert_id, lambda: elock.do_acknowledge(page.session, page.viewer.actor, alert_id=alert_id))


@router.post("/elock/alerts/{alert_id}/disposition")
def dispose(alert_id: str, form: CheckedForm, page: MemberDep) -> Response:
    """How the alert ended."""

    def record() -> None:
        disposition = choice(elock.Disposition, text(form, "disposition"))
        body = elock.ElockDispositionCreate.model_validate({"disposition": disposition, "note": text(form, "note")})
        elock.do_dispose(page.session, page.viewer.actor, alert_id=alert_id, body=body)

    return _act(page, form, alert_id, record)


def _on_trip(page: MemberPage, trip_id: str, action: Any) -> Response:
    """An inspection form's change, back on the trip's page; its error shown there."""
    try:
        desk = elock.find_desk(page.session, page.viewer.actor, trip_id=trip_id)
    except NotFound:
        desk = None
    if desk is None:
        raise page.abort(404, "not_found")
    error = attempt(page, action)
    if error is not None:
        return trip_page(page, trip_id, error=error)
    return page.redirect(f"/elock/trips/{trip_id}#elock-inspection")


@router.post("/elock/trips/{trip_id}/inspection")
def inspect(trip_id: str, form: CheckedForm, page: MemberDep) -> Response:
    """The officer records the inspection at the authority's control point."""

    def record() -> None:
        body = elock.ElockInspectionCreate.model_validate(
            {
                "place": text(form, "place"),
                "officer": text(form, "officer"),
                "result": choice(elock.InspectionResult, text(form, "result")),
                "seal_reapplied": text(form, "seal_reapplied") == "yes",
                "note": text(form, "note") or None,
            }
        )
        elock.do_inspection(page.session, page.viewer.actor, trip_id=trip_id, body=body)

    return _on_trip(page, trip_id, record)


@router.post("/elock/trips/{trip_id}/inspection/follow-up")
def follow_up(trip_id: str, form: CheckedForm, page: MemberDep) -> Response:
    """The other authority's answer: it relies on the inspection, or inspects again."""

    def record() -> None:
        decision = choice(elock.FollowUp, text(form, "decision"))
        body = elock.ElockFollowUpCreate.model_validate({"decision": decision, "note": text(form, "note") or None})
        elock.do_follow_up(page.session, page.viewer.actor, trip_id=trip_id, body=body)

    return _on_trip(page, trip_id, record)


@router.get("/elock/trips/{trip_id}/replay")
def replay(trip_id: str, page: MemberDep) -> Response:
    """A trip's positions and lock changes over time, of the viewer's own segment; customs alone."""
    try:
        desk = elock.find_desk(page.session, page.viewer.actor, trip_id=trip_id)
        if desk is None:
            raise NotFound("not customs")
        trip = elock.read_trip(page.session, page.viewer.actor, trip_id=trip_id)
        positions = elock.trip_positions(page.session, page.viewer.actor, trip_id=trip_id)
    except NotFound:
        raise page.abort(404, "not_found") from None
    drawn = elock_map.draw([], [], [(p.lon, p.lat) for p in positions])
    points = []
    if drawn is not None:
        for p in positions:
            x, y = drawn.frame.project(p.lon, p.lat)
            points.append([p.at.isoformat(), round(x, 1), round(y, 1)])
    return page.render(
        "elock/replay.html",
        trip=trip,
        positions=positions,
        points=points,
        map=drawn,
        now=utcnow(),
        here="/elock/console",
    )
