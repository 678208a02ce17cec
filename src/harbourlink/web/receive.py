"""A consignment's QR code, scanned: ``/c/{token}`` opens what fits the scanner; the warehouse's receive page.

``/c/{token}`` is what a label's or a driver's QR code holds. A warehouse gets the receive form,
a driver their trip carrying the consignment, any other company the tracking page when it may see
the cargo (and nothing about it otherwise); someone not logged in logs in first and comes back
(the ``hl_back`` cookie). ``/receive`` reads the code with the phone's camera (``static/receive.js``
with the vendored ZXing decoder), or takes the typed number; the form posts the count, condition,
note and photos to ``POST /receive``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import segno
from fastapi import APIRouter
from fastapi.responses import Response
from markupsafe import Markup
from starlette.datastructures import FormData, UploadFile

from harbourlink import access, receiving, trucking
from harbourlink.api.context import runtime, session_user
from harbourlink.api.errors import status_for
from harbourlink.kernel import HarbourLinkError, NotFound, ValidationFailed
from harbourlink.references import ReferenceType
from harbourlink.web.forms import CheckedForm, attempt, text
from harbourlink.web.labels import N_
from harbourlink.web.pages import AnyPage, MemberDep, MemberPage, Page, member_page
from harbourlink.web.track_words import FAMILIES

router = APIRouter(include_in_schema=False)

BACK_COOKIE = "hl_back"
"""Where a person who scanned a code before logging in goes once logged in: the code's page."""
BACK_SECONDS = 30 * 60

SCAN_WORDS = {
    "starting": N_("Starting the camera…"),
    "scanning": N_("Point the camera at the QR code on the label or on the driver's phone."),
    "found": N_("QR code read. Opening the consignment…"),
    "foreign": N_("This QR code is not a HarbourLink consignment code."),
    "denied": N_(
        "This phone does not let the page use its camera. Allow the camera for this site, or type the number below."
    ),
    "none": N_("This browser cannot use the camera here. Type the number below."),
}


def back_target(page: Page) -> str | None:
    """The consignment page a person scanned before logging in, if any (only such a page, never elsewhere)."""
    target = page.request.cookies.get(BACK_COOKIE, "")
    return target if target.startswith("/c/") and "//" not in target else None


def qr_svg(page: Page, url: str) -> Markup:
    """A QR code as inline SVG, titled in the page's language."""
    svg = segno.make(url, error="m").svg_inline(
        scale=6,
        border=4,
        light="#fff",
        dark="#000",
        svgclass="qr",
        lineclass=None,
        omitsize=True,
        title=page.t(N_("QR code of the consignment")),
    )
    return Markup(svg)  # noqa: S704 - segno escapes the title


@router.get("/c/{token}")
def consignment(token: str, page: AnyPage) -> Response:
    """The page a consignment's QR code opens, for whoever scanned it."""
    found = session_user(page.request, page.session)
    if found is None or found[1] != "full":
        response = page.redirect("/login")
        response.set_cookie(
            BACK_COOKIE,
            f"/c/{token}",
            max_age=BACK_SECONDS,
            httponly=True,
            samesite="lax",
            secure=page.request.url.scheme == "https",
            path="/",
        )
        return response
    member = member_page(page)
    try:
        row = receiving.open_token(member.session, key=_key(member), token=token)
    except NotFound:
        return member.render("receive/invalid.html", status=404, hidden=False)
    actor = member.viewer.actor
    if receiving.is_warehouse(actor):
        return _form(
            member, token=token, reference_type=row.reference_type, reference=row.reference, expected=row.packages
        )
    if trucking.is_driver(actor):
        trip = trucking.running_trip_of(
            member.session, actor, reference_type=row.reference_type, reference=row.reference
        )
        if trip is not None:
            return member.redirect(f"/trips/{trip.id}")
    try:
        trucking.find_cargo(member.session, access.scope_for(actor), row.reference, ReferenceType(row.reference_type))
    except NotFound:
        return member.render("receive/invalid.html", status=404, hidden=True)
    return member.redirect(f"/track/{quote(row.reference, safe='')}")


def _key(page: Page) -> str:
    return runtime(page.request).settings.resolved_secret_key()


def _conditions(page: Page) -> dict[str, str]:
    return {code: page.t(message) for code, message in FAMILIES["condition"].items()}


def _form(
    page: MemberPage,
    *,
    status: int = 200,
    error: str | None = None,
    values: dict[str, str] | None = None,
    **consignment: Any,
) -> Response:
    return page.render(
        "receive/form.html",
        status=status,
        error=error,
        values=values or {"condition": "good"},
        conditions=_conditions(page),
        max_photos=receiving.MAX_PHOTOS,
        max_photo_mib=receiving.MAX_PHOTO_BYTES // (1024 * 1024),
        here="/receive",
        **consignment,
    )


@router.get("/receive")
def scan(page: MemberDep, reference: str = "") -> Response:
    """The camera to read a QR code, and the typed number; with ``reference``, that consignment's form."""
    if not receiving.is_warehouse(page.viewer.actor):
        raise page.abort(403, "not_warehouse")
    if reference.strip():
        try:
            kind, value = trucking.find_cargo(page.session, access.scope_for(page.viewer.actor), reference, None)
        except (NotFound, ValidationFailed) as error:
            return _scanner(page, error=page.error_text(error), typed=reference, status=404)
        return _form(page, token="", reference_type=kind, reference=value, expected=None)
    return _scanner(page)


def _scanner(page: MemberPage, *, error: str | None = None, typed: str = "", status: int = 200) -> Response:
    words = {key: page.t(message) for key, message in SCAN_WORDS.items()}
    return page.render("receive/scan.html", status=status, error=error, typed=typed, scan_words=words)


def _photos(form: FormData) -> list[receiving.Photo]:
    return [
        receiving.Photo(data=item.file.read(), name=item.filename or "")
        for item in form.getlist("photos")
        if isinstance(item, UploadFile) and (item.filename or item.size)
    ]


def _number(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValidationFailed("not a number", code="invalid_number", data={"field": "packages"}) from None


@router.post("/receive")
def confirm(form: CheckedForm, page: MemberDep) -> Response:
    """The receipt: counted packages, condition, note and photos; the parties are told, the trip ends."""
    token, reference = text(form, "token"), text(form, "reference")
    outcome: dict[str, receiving.Received] = {}

    def receive() -> None:
        outcome["done"] = receiving.do_receipt(
            page.session,
            page.viewer.actor,
            key=_key(page),
            token=token or None,
            reference=None if token else reference,
            packages=_number(text(form, "packages")),
            condition=_condition(text(form, "condition")),
            note=text(form, "note"),
            photos=_photos(form),
        )

    error = attempt(page, receive)
    if error is not None:
        return _refused(page, form, error)
    received = receiving.describe(outcome["done"])
    return page.render("receive/done.html", receipt=received, conditions=_conditions(page), here="/receive")


def _condition(value: str) -> receiving.Condition:
    try:
        return receiving.Condition(value)
    except ValueError:
        raise ValidationFailed("not one of the choices", code="invalid_choice", data={"field": "condition"}) from None


def _refused(page: MemberPage, form: FormData, error: HarbourLinkError) -> Response:
    if isinstance(error, NotFound) and text(form, "token"):
        return page.render("receive/invalid.html", status=404, hidden=False)
    values = {name: text(form, name) for name in ("packages", "condition", "note")}
    return _form(
        page,
        status=status_for(error),
        error=page.error_text(error),
        values=values,
        token=text(form, "token"),
        reference_type=text(form, "reference_type"),
        reference=text(form, "reference"),
        expected=_expected(text(form, "expected")),
    )


def _expected(value: str) -> int | None:
    return int(value) if value.isdigit() else None
