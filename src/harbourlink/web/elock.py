"""A sealed trip on a phone: its custody state, lock, segment, last position, lock changes and (for customs)
its segment's alerts — what ``GET /api/v1/elock/trips/{id}`` gives, for a person. For customs, also the trip's one
inspection (R-LOCK-4): the form to record it at the viewer's control point, or the other authority's result
with the form to answer it (``elock_console`` takes the forms)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from harbourlink import elock
from harbourlink.kernel import HarbourLinkError, NotFound
from harbourlink.web.pages import MemberDep, MemberPage

router = APIRouter(include_in_schema=False)


def trip_page(page: MemberPage, trip_id: str, *, error: HarbourLinkError | None = None) -> Response:
    try:
        view = elock.read_trip(page.session, page.viewer.actor, trip_id=trip_id)
    except NotFound:
        raise page.abort(404, "not_found") from None
    context: dict[str, Any] = {
        "trip": view,
        "desk": elock.find_desk(page.session, page.viewer.actor, trip_id=trip_id),
        "results": list(elock.InspectionResult),
        "follow_ups": list(elock.FollowUp),
    }
    here = f"/elock/trips/{trip_id}"
    if error is not None:
        return page.render_error("elock/trip.html", error, here=here, **context)
    return page.render("elock/trip.html", here=here, **context)


@router.get("/elock/trips/{trip_id}")
def trip(trip_id: str, page: MemberDep) -> Response:
    return trip_page(page, trip_id)
