"""A sealed trip on a phone: its custody state, lock, segment, last position, lock changes and (for customs)
its segment's alerts — what ``GET /api/v1/elock/trips/{id}`` gives, for a person."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from harbourlink import elock
from harbourlink.kernel import NotFound
from harbourlink.web.pages import MemberDep

router = APIRouter(include_in_schema=False)


@router.get("/elock/trips/{trip_id}")
def trip(trip_id: str, page: MemberDep) -> Response:
    try:
        view = elock.read_trip(page.session, page.viewer.actor, trip_id=trip_id)
    except NotFound:
        raise page.abort(404, "not_found") from None
    return page.render("elock/trip.html", trip=view, here=f"/elock/trips/{trip_id}")
