"""The driver's app: today's jobs, and one trip to start at pickup, follow and end at the warehouse.

``/trips`` lists a driver's own trips (everyone else of a trucking company sees the company's) and
their road bindings with customs' GO or INSPECT and the reminders to bind; that part of the page
(``/trips/road``) is fetched again by ``static/road_live.js`` whenever ``GET /api/v1/road/stream`` says
it changed, so customs' instruction reaches the cab without a reload;
``/trips/{id}`` is the trip. While it runs, the page's script (``static/driver.js``) takes the
phone's position every few seconds, keeps each one in the phone's storage with the time it was
taken, and sends the queue to ``POST /api/v1/trips/{id}/positions`` with the session and its CSRF
token; without network the queue waits, and a position sent twice is stored once, so nothing is
lost or doubled. Starting and ending are forms, like every other change on the site.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from markupsafe import Markup

from harbourlink import receiving, road, trucking
from harbourlink.kernel import HarbourLinkError, NotFound, utcnow
from harbourlink.kernel.clock import start_of_port_day
from harbourlink.references import ReferenceType
from harbourlink.web.forms import CSRF_CHECKED, attempt
from harbourlink.web.labels import N_
from harbourlink.web.pages import MemberDep, MemberPage
from harbourlink.web.receive import qr_svg
from harbourlink.web.track_trucks import STATUS, STATUS_TONE
from harbourlink.web.track_words import Words

router = APIRouter(include_in_schema=False)

QUEUE_WORDS = {
    "gps-waiting": N_("Waiting for the phone's position…"),
    "gps-ok": N_("Position found (within %(metres)s m)."),
    "gps-denied": N_(
        "This phone does not let the page read its position. Allow location for this site in the browser's settings."
    ),
    "sent": N_("All positions sent. Last sent %(time)s."),
    "waiting": N_("%(count)s positions waiting on this phone: they are sent when the network is back."),
    "refused": N_("Sending stopped: log in again, then open this trip."),
}


@router.get("/trips")
def jobs(page: MemberDep) -> Response:
    """Today's jobs: trips not yet ended, and those ended today."""
    actor = page.viewer.actor
    trips = trucking.list_trips(page.session, actor, since=start_of_port_day(utcnow()))
    rows = trucking.describe_all(page.session, actor, trips)
    return page.render(
        "driver/jobs.html",
        trips=rows,
        road=road.driver_view(page.session, actor),
        statuses=_statuses(page),
        tones=STATUS_TONE,
        driver=trucking.is_driver(actor),
    )


@router.get("/trips/road")
def road_part(page: MemberDep) -> Response:
    """The road part of today's jobs, as the page shows it: fetched again when the road stream says it changed."""
    return page.render("driver/road.html", road=road.driver_view(page.session, page.viewer.actor))


def _statuses(page: MemberPage) -> dict[str, str]:
    return {code: page.t(message) for code, message in STATUS.items()}


def _trip_page(page: MemberPage, trip_id: str, *, error: HarbourLinkError | None = None) -> Response:
    actor = page.viewer.actor
    try:
        trip = trucking.readable_trip(page.session, actor, trip_id=trip_id)
    except NotFound:
        raise page.abort(404, "not_found") from None
    if trip.org_id != actor.org_id:
        raise page.abort(404, "not_found")  # another company's truck is followed on the tracking page
    view = trucking.describe(page.session, actor, trip, limit=1)
    words = Words(page.catalogue)
    context: dict[str, Any] = {
        "trip": view,
        "status_name": page.t(STATUS[view.status]),
        "tone": STATUS_TONE[view.status],
        "driving": view.driver_user_id == actor.user_id,
        "started": words.catalogue.format_datetime(view.started_at, "HH:mm") if view.started_at else None,
        "finished": words.catalogue.format_datetime(view.finished_at, "HH:mm") if view.finished_at else None,
        "queue_words": {
            key: page.t(message, metres="{metres}", time="{time}", count="{count}")
            for key, message in QUEUE_WORDS.items()
        },
        "here": f"/trips/{view.id}",
        "qr": _qr(page, trip) if view.driver_user_id == actor.user_id and view.status != "finished" else None,
    }
    if error is not None:
        return page.render_error("driver/trip.html", error, **context)
    return page.render("driver/trip.html", **context)


def _qr(page: MemberPage, trip: trucking.Trip) -> Markup | None:
    """The consignment's QR code, which the driver shows at the warehouse (none if the cargo is no longer shared)."""
    try:
        issued = receiving.label_token(
            page.session,
            page.viewer.actor,
            key=page.settings.resolved_secret_key(),
            reference=trip.reference,
            reference_type=ReferenceType(trip.reference_type),
        )
    except NotFound:
        return None
    return qr_svg(page, receiving.consignment_url(page.settings.base_url, issued.token))


@router.get("/trips/{trip_id}")
def trip(trip_id: str, page: MemberDep) -> Response:
    """One trip of the company: for its driver, the buttons and the position sharing."""
    return _trip_page(page, trip_id)


def _act(page: MemberPage, trip_id: str, action: Any) -> Response:
    error = attempt(page, lambda: action(page.session, page.viewer.actor, trip_id=trip_id))
    if isinstance(error, NotFound):
        raise page.abort(404, "not_found")
    if error is not None:
        return _trip_page(page, trip_id, error=error)
    return page.redirect(f"/trips/{trip_id}")


@router.post("/trips/{trip_id}/start", dependencies=[CSRF_CHECKED])
def start(trip_id: str, page: MemberDep) -> Response:
    """At pickup: the trip runs, and the phone starts sending its position."""
    return _act(page, trip_id, trucking.start_trip)


@router.post("/trips/{trip_id}/finish", dependencies=[CSRF_CHECKED])
def finish(trip_id: str, page: MemberDep) -> Response:
    """At the warehouse's receipt: the trip ends."""
    return _act(page, trip_id, trucking.finish_trip)
