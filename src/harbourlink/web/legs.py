"""Legs and pickups: nominate the next party for cargo the company holds, answer nominations, and, for a
trucking company, its pickup jobs with a truck and driver to assign.

The same service functions as ``/api/v1/legs`` and ``/api/v1/pickup-jobs``. A pickup window typed
on the page is Hong Kong time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import ValidationError

from harbourlink import identity, legs, trucking
from harbourlink.identity import OrgType
from harbourlink.kernel import HarbourLinkError, NotFound
from harbourlink.references import ReferenceType
from harbourlink.web.forms import CSRF_CHECKED, CheckedForm, attempt, shape_errors, text
from harbourlink.web.i18n import PORT_TIME
from harbourlink.web.labels import N_
from harbourlink.web.pages import MemberDep, MemberPage
from harbourlink.web.track_trucks import STATUS as TRIP_STATUS
from harbourlink.web.track_words import Words

router = APIRouter(include_in_schema=False)

FIELDS = (
    "reference_type",
    "reference",
    "mode",
    "party_org_id",
    "window_opens",
    "window_closes",
    "packages",
    "note",
    "destination_name",
    "destination_latitude",
    "destination_longitude",
)
BAD_TIME = N_("Enter a date and time.")
NOMINATED_KINDS = (
    ReferenceType.CONTAINER,
    ReferenceType.MBL,
    ReferenceType.HBL,
    ReferenceType.BOOKING,
    ReferenceType.AWB,
    ReferenceType.HAWB,
)


def _page(
    page: MemberPage,
    *,
    error: HarbourLinkError | None = None,
    values: dict[str, str] | None = None,
    field_errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    actor = page.viewer.actor
    chain = legs.describe(page.session, legs.list_legs(page.session, actor))
    trucking_company = OrgType.TRUCKING.value in actor.org_types and not trucking.is_driver(actor)
    directory = [
        org
        for org in identity.list_organisations(page.session, identity.SYSTEM_ACTOR, status=identity.OrgStatus.ACTIVE)
        if org.id != actor.org_id
    ]
    label = page.catalogue.label
    drivers = identity.list_drivers(page.session, actor) if trucking_company else []
    context: dict[str, Any] = {
        "chain": chain,
        "org_id": actor.org_id,
        "here": "/legs",
        "words": Words(page.catalogue),
        "jobs": legs.pickup_jobs(page.session, actor) if trucking_company else [],
        "trip_words": {code: page.t(message) for code, message in TRIP_STATUS.items()},
        "trucking_company": trucking_company,
        "values": values or {},
        "errors": field_errors or {},
        "driver_options": [(user.id, user.display_name) for user in drivers],
        "company_options": [
            (org.id, f"{org.name} · {org.name_local}" if org.name_local else org.name) for org in directory
        ],
        "mode_options": [(mode.value, label(mode.value, "leg_mode")) for mode in legs.LegMode],
        "kind_options": [(kind.value, label(kind.value, "reference_type")) for kind in NOMINATED_KINDS],
    }
    if error is not None:
        return page.render_error("legs/index.html", error, **context)
    return page.render("legs/index.html", status=status, **context)


@router.get("/legs")
def index(page: MemberDep) -> Response:
    """Pickup jobs (a trucking company's), nominations to answer, the chains the company is on, and the form to
    nominate the next party."""
    return _page(page)


def _moment(value: str) -> datetime | None:
    """A ``datetime-local`` field, in Hong Kong time."""
    return datetime.fromisoformat(value).replace(tzinfo=PORT_TIME) if value else None


def _nomination(values: dict[str, str]) -> legs.LegCreate:
    place = None
    if values["destination_latitude"] or values["destination_longitude"]:
        place = {
            "name": values["destination_name"] or None,
            "latitude": values["destination_latitude"],
            "longitude": values["destination_longitude"],
        }
    return legs.LegCreate.model_validate(
        {
            "reference": values["reference"],
            "reference_type": values["reference_type"],
            "mode": values["mode"],
            "party_org_id": values["party_org_id"],
            "window_opens": _moment(values["window_opens"]),
            "window_closes": _moment(values["window_closes"]),
            "destination": place,
            "packages": values["packages"] or None,
            "note": values["note"] or None,
        }
    )


@router.post("/legs")
def nominate(form: CheckedForm, page: MemberDep) -> Response:
    """Nominates a company for a leg of cargo the company holds."""
    values = {name: text(form, name) for name in FIELDS}
    try:
        body = _nomination(values)
    except ValidationError as exc:
        return _page(page, values=values, field_errors=shape_errors(page, exc), status=422)
    except ValueError:  # a date the browser should not have sent
        return _page(page, values=values, field_errors={"window_opens": page.t(BAD_TIME)}, status=422)
    error = attempt(page, lambda: legs.nominate(page.session, page.viewer.actor, body=body))
    if error is not None:
        return _page(page, error=error, values=values)
    return page.redirect("/legs?done=leg_nominated")


@router.post("/legs/{leg_id}/trip")
def assign(leg_id: str, form: CheckedForm, page: MemberDep) -> Response:
    """Assigns a truck and driver of the company to a truck leg it accepted."""
    # Each job's form names its fields after the leg, so that a page of several jobs keeps their ids apart.
    values = {name: text(form, f"{leg_id}.{name}") for name in ("vehicle", "driver_user_id")}
    try:
        assignment = legs.TripAssignment.model_validate(values)
    except ValidationError as exc:
        return _page(
            page,
            field_errors={f"{leg_id}.{key}": message for key, message in shape_errors(page, exc).items()},
            status=422,
        )
    error = attempt(
        page, lambda: legs.assign_trip(page.session, page.viewer.actor, leg_id=leg_id, assignment=assignment)
    )
    if isinstance(error, NotFound) and error.code == "not_found":
        raise page.abort(404, "not_found")
    if error is not None:
        return _page(page, error=error)
    return page.redirect("/legs?done=leg_assigned")


DECISIONS = {
    "accept": (legs.accept, "leg_accepted"),
    "decline": (legs.decline, "leg_declined"),
    "withdraw": (legs.withdraw, "leg_withdrawn"),
}


@router.post("/legs/{leg_id}/{action}", dependencies=[CSRF_CHECKED])  # after /trip, which it would take
def decide(leg_id: str, action: str, page: MemberDep) -> Response:
    """Accepts or declines a nomination of the company, or withdraws one it made."""
    if action not in DECISIONS:
        raise page.abort(404, "not_found")
    change, notice = DECISIONS[action]
    error = attempt(page, lambda: change(page.session, page.viewer.actor, leg_id=leg_id))
    if isinstance(error, NotFound):
        raise page.abort(404, "not_found")
    if error is not None:
        return _page(page, error=error)
    return page.redirect(f"/legs?done={notice}")
