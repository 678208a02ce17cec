"""Road cargo pages: lodge a consignment (typed, or from a saved template), the company's consignments, and
binding a vehicle to CCRNs or a batch, answered with the UBR, the earliest crossing and the printout.

The pages call the same service functions as the API and the phone channel; a binding made here is
recorded as made on the ``web`` channel by the person logged in.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.datastructures import FormData

from harbourlink import road
from harbourlink.api.errors import status_for
from harbourlink.kernel import ValidationFailed, utcnow
from harbourlink.web.forms import CheckedForm, attempt, choice, text
from harbourlink.web.i18n import PORT_TIME
from harbourlink.web.pages import MemberDep, MemberPage

router = APIRouter(include_in_schema=False)
CARGO_FIELDS = (
    "packages",
    "package_description",
    "goods_description",
    "consignor_name",
    "consignor_address",
    "consignee_name",
    "consignee_address",
    "submitter_reference",
)
_SEPARATORS = re.compile(r"[\s,;]+")


@router.get("/road")
def consignments(page: MemberDep) -> Response:
    """The company's consignments, newest first, and the person's templates."""
    actor = page.viewer.actor
    return page.render(
        "road/list.html",
        consignments=road.list_consignments(page.session, actor, limit=100),
        templates=road.list_templates(page.session, actor),
        here="/road",
    )


def _local(moment: datetime) -> str:
    """A time as a ``datetime-local`` field shows it: Hong Kong time to the minute."""
    return moment.astimezone(PORT_TIME).strftime("%Y-%m-%dT%H:%M")


def _lodge_form(page: MemberPage, *, values: dict[str, str], status: int = 200, error: str | None = None) -> Response:
    return page.render("road/lodge.html", status=status, error=error, values=values, here="/road")


@router.get("/road/lodge")
def lodge_form(page: MemberDep, template: str = "") -> Response:
    """The form for one consignment, filled from a saved template when one is named."""
    values = {"direction": "import", "expected_at": _local(utcnow() + timedelta(hours=2)), "template": template}
    if template:
        saved = road.get_template(page.session, page.viewer.actor, template_id=template)
        values |= {
            name: str(value) for name, value in saved.data.items() if value is not None and name != "expected_at"
        }
        values["template_name"] = saved.name
    return _lodge_form(page, values=values)


def _expected(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value).replace(tzinfo=PORT_TIME)
    except ValueError:
        raise ValidationFailed("not a date and time", code="invalid_datetime", data={"field": "expected_at"}) from None


def _packages(value: str) -> int:
    if not value.isdigit():
        raise ValidationFailed("not a number", code="invalid_number", data={"field": "packages"})
    return int(value)


def _cargo(form: FormData) -> road.CargoData:
    values = {name: text(form, name) for name in CARGO_FIELDS}
    return road.CargoData(
        direction=choice(road.Direction, text(form, "direction")),
        expected_at=_expected(text(form, "expected_at")),
        **{**values, "packages": _packages(values["packages"])},  # type: ignore[arg-type]
    )


@router.post("/road/lodge")
def lodge(form: CheckedForm, page: MemberDep) -> Response:
    """Lodges the consignment (and saves it as the person's template when asked): its CCRN."""
    outcome: dict[str, road.RoadConsignment] = {}

    def act() -> None:
        data = _cargo(form)
        outcome["row"] = road.do_lodge(page.session, page.viewer.actor, data=data)
        if text(form, "save_as"):
            road.do_save_template(page.session, page.viewer.actor, name=text(form, "save_as"), data=data)

    error = attempt(page, act)
    if error is not None:
        values = {name: text(form, name) for name in (*CARGO_FIELDS, "direction", "expected_at", "save_as", "template")}
        return _lodge_form(page, values=values, status=status_for(error), error=page.error_text(error))
    return page.render("road/lodged.html", consignment=outcome["row"], here="/road")


def _bind_form(page: MemberPage, *, values: dict[str, str], status: int = 200, error: str | None = None) -> Response:
    points = [point.value for point in road.ControlPoint]
    return page.render("road/bind.html", status=status, error=error, values=values, points=points, here="/road")


@router.get("/road/bind")
def bind_form(page: MemberDep, ccrn: str = "") -> Response:
    """The binding form: the vehicle, the CCRNs or a batch, the control point, import or export."""
    return _bind_form(page, values={"ccrns": ccrn, "direction": "import", "control_point": ""})


@router.post("/road/bind")
def bind(form: CheckedForm, page: MemberDep) -> Response:
    """Binds the vehicle: the UBR, the earliest crossing and the printout's link."""
    outcome: dict[str, road.Bound] = {}
    numbers = [number for number in _SEPARATORS.split(text(form, "ccrns")) if number]

    def act() -> None:
        outcome["bound"] = road.do_bind(
            page.session,
            page.viewer.actor,
            vehicle=text(form, "vehicle"),
            ccrns=None if text(form, "batch") else numbers,
            batch=text(form, "batch") or None,
            control_point=choice(road.ControlPoint, text(form, "control_point")),
            direction=choice(road.Direction, text(form, "direction")),
            channel=road.Channel.WEB,
        )

    error = attempt(page, act)
    if error is not None:
        values = {name: text(form, name) for name in ("vehicle", "ccrns", "batch", "control_point", "direction")}
        return _bind_form(page, values=values, status=status_for(error), error=page.error_text(error))
    return page.render("road/bound.html", binding=road.describe_binding(outcome["bound"]), here="/road")


@router.get("/road/bindings/{ubr}")
def binding(ubr: str, page: MemberDep) -> Response:
    """One binding however it was made (web, a company's system, by phone), for those who may see it."""
    found = road.get_binding(page.session, page.viewer.actor, ubr=ubr)
    return page.render("road/bound.html", binding=road.describe_binding(found), here="/road")


def _consignment_page(page: MemberPage, ccrn: str, *, status: int = 200, error: str | None = None) -> Response:
    actor = page.viewer.actor
    row = road.get_consignment(page.session, actor, ccrn=ccrn)
    return page.render(
        "road/consignment.html",
        status=status,
        error=error,
        consignment=row,
        data=road.data_from_json(row.data),
        threads=[road.describe_thread(thread) for thread in road.list_threads(page.session, actor, ccrn=row.ccrn)],
        customs=road.is_customs(actor),
        here="/road",
    )


@router.get("/road/find")
def find(page: MemberDep, ccrn: str = "") -> Response:
    """A typed CCRN's page (its submitter's and customs'), once its form and check digit hold."""
    number = road.parse_ccrn(ccrn)
    if number is None:
        raise page.abort(422, "invalid_ccrn")
    return page.redirect(f"/road/consignments/{number}")


@router.get("/road/consignments/{ccrn}")
def consignment(ccrn: str, page: MemberDep) -> Response:
    """One consignment with customs' queries on it: the submitter replies here, customs asks here."""
    return _consignment_page(page, ccrn)


@router.post("/road/consignments/{ccrn}/queries")
def ask(ccrn: str, form: CheckedForm, page: MemberDep) -> Response:
    """Customs raises a query on the consignment."""
    error = attempt(
        page, lambda: road.do_raise_query(page.session, page.viewer.actor, ccrn=ccrn, text=text(form, "text"))
    )
    if error is not None:
        return _consignment_page(page, ccrn, status=status_for(error), error=page.error_text(error))
    return page.redirect(f"/road/consignments/{ccrn}")


@router.post("/road/queries/{query_id}/replies")
def reply(query_id: str, form: CheckedForm, page: MemberDep) -> Response:
    """A reply in a query's thread, from the submitter or from customs."""
    thread = road.get_thread(page.session, page.viewer.actor, query_id=query_id)
    error = attempt(
        page, lambda: road.do_reply(page.session, page.viewer.actor, query_id=query_id, text=text(form, "text"))
    )
    if error is not None:
        return _consignment_page(page, thread.query.ccrn, status=status_for(error), error=page.error_text(error))
    return page.redirect(f"/road/consignments/{thread.query.ccrn}")
