"""Linking House B/Ls to Master B/Ls (or house to master air waybills) by hand: one pair, or a CSV file of
many, and unlinking.

The same service functions as ``POST``/``DELETE /api/v1/bl-links`` (``tracking.link_bills``,
``import_links``, ``unlink_bills``). A file's bad rows are listed by line, and its good rows are
kept. A link shows on the tracking page at once; holders of the House B/L follow it once the
company shares the House B/L with them (``/admin/grants``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from harbourlink import tracking
from harbourlink.kernel import HarbourLinkError, NotFound
from harbourlink.web.forms import CSRF_CHECKED, CheckedForm, attempt, text
from harbourlink.web.labels import N_
from harbourlink.web.pages import MemberDep, MemberPage

router = APIRouter(include_in_schema=False)

MAX_FILE_BYTES = 1_048_576
"""A file of 5,000 pairs is about 120 KB; anything far larger is not a list of pairs."""
FILE_ERRORS = {
    "no_pairs": N_("Choose a CSV file or paste the pairs."),
    "too_large": N_("The file is larger than 1 MB. Split it into smaller files."),
    "not_text": N_("The file is not a CSV text file (UTF-8)."),
}


def _page(
    page: MemberPage,
    *,
    status: int = 200,
    error: HarbourLinkError | None = None,
    values: dict[str, str] | None = None,
    report: dict[str, Any] | None = None,
    problem: str | None = None,
) -> Response:
    context: dict[str, Any] = {
        "links": tracking.list_links(page.session, page.viewer.actor),
        "values": values or {},
        "report": report,
        "here": "/links",
        "max_rows": tracking.MAX_IMPORT_ROWS,
    }
    if error is not None:
        return page.render_error("links/index.html", error, **context)
    return page.render("links/index.html", status=status, error=problem, **context)


@router.get("/links")
def links(page: MemberDep) -> Response:
    """The forms to link one pair or a file of pairs, and the company's links."""
    return _page(page)


@router.post("/links")
def link_one(form: CheckedForm, page: MemberDep) -> Response:
    """Links one House B/L to its Master B/L."""
    values = {name: text(form, name) for name in ("master_bl", "house_bl", "kind")}
    error = attempt(
        page,
        lambda: tracking.link_bills(
            page.session,
            page.viewer.actor,
            master_bl=values["master_bl"],
            house_bl=values["house_bl"],
            kind=values["kind"] or "BL",
        ),
    )
    if error is not None:
        return _page(page, error=error, values=values)
    return page.redirect("/links?done=link_created")


def _posted_pairs(form: FormData) -> str | None:
    """The pasted pairs, else the uploaded file's text; None when the file is too large or not text."""
    pasted = text(form, "pairs")
    upload = form.get("file")
    if pasted or not isinstance(upload, UploadFile) or not upload.filename:
        return pasted
    raw = upload.file.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise ValueError("too_large")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("not_text") from None


@router.post("/links/import")
def link_many(form: CheckedForm, page: MemberDep) -> Response:
    """Links every good row of a CSV of pairs and lists each bad row by its line."""
    try:
        pairs = _posted_pairs(form)
    except ValueError as refused:
        code = str(refused)
        return _page(page, status=413 if code == "too_large" else 400, problem=page.t(FILE_ERRORS[code]))
    if not pairs:
        return _page(page, status=400, problem=page.t(FILE_ERRORS["no_pairs"]))
    outcome = tracking.import_links(page.session, page.viewer.actor, text=pairs, kind=text(form, "kind") or "BL")
    report = {
        "linked": len(outcome.links),
        "errors": [
            page.t(N_("Row %(row)s: %(problem)s"), row=row.row, problem=page.error_text(row.error))
            for row in outcome.errors
        ],
    }
    return _page(page, report=report)


@router.post("/links/{link_id}/delete", dependencies=[CSRF_CHECKED])
def unlink(link_id: str, page: MemberDep) -> Response:
    """Removes one of the company's links."""
    error = attempt(page, lambda: tracking.unlink_bills(page.session, page.viewer.actor, link_id=link_id))
    if isinstance(error, NotFound):
        raise page.abort(404, "not_found")
    if error is not None:
        return _page(page, error=error)
    return page.redirect("/links?done=link_removed")
