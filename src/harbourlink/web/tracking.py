"""One search box for every number a person holds, and the cargo's whole picture on a phone.

``/track`` is the search form; ``/track?q=REF`` sends the browser to ``/track/REF``, the page's
own address (shareable, and one the language switcher can append ``?lang=`` to). A number
nothing is shared about answers 404 with the same words whether or not it exists, so the page
cannot be used to probe for other companies' bills of lading.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response

from harbourlink import alerts, tracking
from harbourlink.api.guards import BIGINT_MAX
from harbourlink.api.ledger import for_app
from harbourlink.api.tracking import mark_logged
from harbourlink.kernel import NotFound, utcnow
from harbourlink.web import alerts as alert_pages
from harbourlink.web.pages import MemberDep, MemberPage
from harbourlink.web.track_page import READINGS, SCREEN_EVENTS, build
from harbourlink.web.track_trucks import cards
from harbourlink.web.track_words import Words

router = APIRouter(include_in_schema=False)

IMO_DIGITS = 7
MAX_QUERY = 60
"""No identifier of the trade is longer; a longer query cannot match and is not looked up."""
SCREEN_WINDOW = 300
"""The newest events (and records of the calls the cargo is on) a tracking page reads for its summary:
status, vessel, schedule, containers, customs; the list shows ``SCREEN_EVENTS`` of them, and earlier
ones a page at a time, so the first screen costs the same for 100 events or 60,000."""


@router.get("/track")
def search(page: MemberDep, q: str = "") -> Response:
    """The search box; with ``q``, the way to that number's page."""
    query = tracking.canonical_number(q)
    if not query:
        return page.render("tracking/search.html", query="", not_found=False)
    return page.redirect(f"/track/{quote(query, safe='')}")


@router.get("/vessel/{imo}")
def vessel(imo: str, page: MemberDep) -> Response:
    """A ship's call: the viewer's cargo aboard, the ship's AIS position and the schedule by source.

    Only for a viewer with cargo aboard (404 otherwise, as for a ship never heard of); the schedule
    and position are those of the viewer's first number aboard, as its tracking page shows them.
    """
    first = _cargo_aboard(page, imo)
    if first is None:
        raise page.abort(404, "not_found")
    ship = tracking.cargo_aboard(page.session, page.viewer.actor, imo=imo)
    view = tracking.build_view(page.session, tracking.find(page.session, page.viewer.actor, query=first))
    content = build(Words(page.catalogue), view, api_url=f"/api/v1/track/{quote(first, safe='')}")
    return page.render("tracking/vessel.html", ship=ship, track=content)


@router.get("/track/{reference:path}")
def track(
    reference: str, page: MemberDep, before: Annotated[int | None, Query(ge=1, le=BIGINT_MAX)] = None
) -> Response:
    """Vessel and map, schedule by source, legs, containers, customs and the newest events of one number;
    with ``before``, a page of its earlier events."""
    query = tracking.canonical_number(reference)
    try:
        if not query or len(query) > MAX_QUERY:
            raise NotFound("not a number anyone could hold", code="reference_not_found")
        found = tracking.find(page.session, page.viewer.actor, query=query, window=SCREEN_WINDOW)
    except NotFound as missing:
        if _cargo_aboard(page, query):  # a ship's IMO number, as an alert e-mail links it
            return page.redirect(f"/vessel/{query}")
        return page.render(
            "tracking/search.html",
            status=404,
            query=query,
            not_found=True,
            suggestions=missing.data.get("suggestions", []),
        )
    if before is not None:
        return _earlier(page, found, before)
    read_at = utcnow()
    view = tracking.build_view(page.session, found)
    words = Words(page.catalogue)
    content = build(
        words,
        view,
        api_url=f"/api/v1/track/{quote(query, safe='')}?events={SCREEN_WINDOW}",
        places={event.id: event.seq for event in found.events},
        window_full=len(found.events) >= SCREEN_WINDOW,
    )
    # Only the events the page lists carry a ledger mark; the script marks later ones from the API's answer.
    shown = [
        *content.timeline,
        *(box.last_event for box in view.containers if box.last_event is not None),
        *(event for declaration in view.customs for event in declaration.history),
    ]
    mark_logged(page.session, for_app(page.request.app), shown, reference=view.reference)
    content.logged = any(event.ledger is not None for event in content.timeline)
    subjects = _subjects(view)
    open_alerts = alerts.list_alerts(page.session, page.viewer.actor, subjects=subjects)
    trucks = cards(page.session, page.viewer.actor, found, words, now=read_at)
    return page.render(
        "tracking/result.html",
        query=query,
        track=content,
        words=words,
        trucks=trucks,
        alert_items=alert_pages.items(page, open_alerts),
        alert_stream=alert_pages.stream_url(read_at),
        alert_subjects=sorted(subjects),
    )


def _earlier(page: MemberPage, found: tracking.Found, before: int) -> Response:
    """A page of a timeline's events stored before ``before``, newest first, linking to the next older page."""
    older = tracking.earlier(page.session, found, before=before, limit=SCREEN_EVENTS, leave_out=READINGS)
    shown = [tracking.event_view(event, older.references[event.seq], older.owners) for event in older.events]
    mark_logged(page.session, for_app(page.request.app), shown, reference=found.query)
    return page.render(
        "tracking/earlier.html",
        query=found.query,
        events=shown,
        words=Words(page.catalogue),
        earlier=older.next_before,
        logged=any(event.ledger is not None for event in shown),
    )


def _cargo_aboard(page: MemberPage, query: str) -> str | None:
    """For a ship's IMO number, the first of the viewer's numbers aboard (House B/Ls first)."""
    if not (query.isdigit() and len(query) == IMO_DIGITS):
        return None
    numbers = tracking.cargo_aboard(page.session, page.viewer.actor, imo=query).numbers
    return numbers[0][1] if numbers else None


def _subjects(view: tracking.TrackingView) -> set[str]:
    """The numbers the page is about, as alerts name their subjects: its references, boxes, ship, declarations."""
    subjects = {m.value for m in view.matched} | {box.number for box in view.containers}
    subjects |= {declaration.declaration for declaration in view.customs}
    if view.vessel is not None:
        subjects.add(view.vessel.imo)
    return subjects
