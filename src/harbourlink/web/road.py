"""Road cargo pages: lodge a consignment (typed, or from a saved template), the company's consignments, and
binding a vehicle to CCRNs or a batch, answered with the UBR, the earliest crossing and the printout.

The pages call the same service functions as the API and the phone channel; a binding made here is
recorded as made on the ``web`` channel by the person logged in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from harbourlink import road
from harbourlink.api.context import runtime
from harbourlink.api.errors import status_for
from harbourlink.api.road import signing_policy
from harbourlink.kernel import Forbidden, HarbourLinkError, ValidationFailed, utcnow
from harbourlink.web.forms import CSRF_CHECKED, CheckedForm, attempt, choice, text
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
PLANNED_FIELDS = ("planned_vehicle", "planned_control_point")
_SEPARATORS = re.compile(r"[\s,;]+")
MAX_PKCS12_BYTES = 48 * 1024
"""A PKCS#12 file of a certificate and its key is a few kilobytes; past this it is cut, and so refused."""


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
    points = [point.value for point in road.ControlPoint]
    return page.render("road/lodge.html", status=status, error=error, values=values, points=points, here="/road")


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
        point = text(form, "planned_control_point")
        outcome["row"] = road.do_lodge(
            page.session,
            page.viewer.actor,
            data=data,
            planned_vehicle=text(form, "planned_vehicle") or None,
            planned_control_point=choice(road.ControlPoint, point) if point else None,
        )
        if text(form, "save_as"):
            road.do_save_template(page.session, page.viewer.actor, name=text(form, "save_as"), data=data)

    error = attempt(page, act)
    if error is not None:
        kept = (*CARGO_FIELDS, *PLANNED_FIELDS, "direction", "expected_at", "save_as", "template")
        values = {name: text(form, name) for name in kept}
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

    actor = page.viewer.actor
    upload = form.get("certificate")
    pkcs12 = upload.file.read(MAX_PKCS12_BYTES) if isinstance(upload, UploadFile) and upload.filename else None

    def act() -> None:
        outcome["bound"] = road.do_signed_bind(
            page.session,
            actor,
            proof=road.Proof(pkcs12=pkcs12, pin=text(form, "pin", strip=False), security_code=_code(form)),
            policy=signing_policy(page.settings),
            sealer=runtime(page.request).sealer,
            bind=lambda: road.do_bind(
                page.session,
                actor,
                vehicle=text(form, "vehicle"),
                ccrns=None if text(form, "batch") else numbers,
                batch=text(form, "batch") or None,
                control_point=choice(road.ControlPoint, text(form, "control_point")),
                direction=choice(road.Direction, text(form, "direction")),
                channel=road.Channel.WEB,
            ),
        )

    error = attempt(page, act)
    if error is not None:
        values = {name: text(form, name) for name in ("vehicle", "ccrns", "batch", "control_point", "direction")}
        return _bind_form(page, values=values, status=status_for(error), error=page.error_text(_reason_of(error)))
    return page.render("road/bound.html", binding=road.describe_binding(outcome["bound"]), here="/road")


def _code(form: FormData) -> str | None:
    return text(form, "security_code").replace(" ", "") or None


def _reason_of(error: HarbourLinkError) -> HarbourLinkError | str:
    """A refused certificate or code in the words for its reason (a wrong PIN is not a revoked certificate)."""
    reason = error.data.get("reason")
    if error.code in {"signature_refused", "security_code_refused"} and isinstance(reason, str):
        return f"{error.code.removesuffix('_refused')}_{reason}"
    return error


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
    files = [
        road.Upload(item.filename, item.file.read())
        for item in form.getlist("files")
        if isinstance(item, UploadFile) and item.filename
    ]
    error = attempt(
        page,
        lambda: road.do_reply(
            page.session, page.viewer.actor, query_id=query_id, text=text(form, "text"), attachments=files
        ),
    )
    if error is not None:
        return _consignment_page(page, thread.query.ccrn, status=status_for(error), error=page.error_text(error))
    return page.redirect(f"/road/consignments/{thread.query.ccrn}")


@router.get("/road/boundary")
def boundary(page: MemberDep, control_point: str = "LMC") -> Response:
    """Customs' console at a control point: the live bindings, the trucks approaching, GO or INSPECT."""
    codes = [p.value for p in road.ControlPoint]
    point = road.ControlPoint(control_point) if control_point in codes else road.ControlPoint.LOK_MA_CHAU
    try:
        found = road.boundary(
            page.session,
            page.viewer.actor,
            control_point=point,
            sample_percent=page.settings.road_inspect_sample_percent,
        )
    except Forbidden:
        raise page.abort(403, "forbidden") from None
    return page.render(
        "road/boundary.html",
        point=point.value,
        points=codes,
        approaches=[road.describe_approach(approach) for approach in found],
        here="/road/boundary",
    )


def _console_act(page: MemberPage, ubr: str, action: Callable[[], road.Bound]) -> Response:
    outcome: dict[str, road.Bound] = {}
    error = attempt(page, lambda: outcome.update(bound=action()))
    if error is not None:
        raise page.abort(status_for(error), "forbidden" if isinstance(error, Forbidden) else error.code)
    return page.redirect(f"/road/boundary?control_point={outcome['bound'].binding.control_point}#b-{ubr}")


@router.post("/road/bindings/{ubr}/decision")
def decide(ubr: str, form: CheckedForm, page: MemberDep) -> Response:
    """The officer's GO or INSPECT, from the console."""
    return _console_act(
        page,
        ubr,
        lambda: road.do_decide(
            page.session,
            page.viewer.actor,
            ubr=ubr,
            decision=choice(road.Decision, text(form, "decision")),
            note=text(form, "note"),
        ),
    )


@router.post("/road/bindings/{ubr}/crossed", dependencies=[CSRF_CHECKED])
def crossed(ubr: str, page: MemberDep) -> Response:
    """The truck crossed: recorded by the officer, told to the shippers."""
    return _console_act(page, ubr, lambda: road.do_cross(page.session, page.viewer.actor, ubr=ubr))
