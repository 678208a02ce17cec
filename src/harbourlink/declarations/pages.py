"""The declarations service's pages: upload the documents and make the drafts, review, fix, submit, see the result.

Phone-first, in the reader's language (the service's own catalogue); only a company that opted in reaches them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from harbourlink import declarations, identity
from harbourlink.api.errors import status_for
from harbourlink.declarations.domain import LAYOUT, field_paths
from harbourlink.declarations.labels import FIELD_LABELS, SOURCE_LABELS, STATUS_LABELS
from harbourlink.kernel import Forbidden, HarbourLinkError, NotFound, ValidationFailed
from harbourlink.web.forms import CheckedForm, attempt, text, texts
from harbourlink.web.pages import MemberDep, MemberPage

router = APIRouter(include_in_schema=False)
HERE = "/declarations/new"


def _opted_in(page: MemberPage) -> None:
    try:
        identity.check_opted_in(page.session, page.viewer.actor, service=declarations.SERVICE)
    except Forbidden as refused:
        raise page.abort(403, refused.code) from refused


def _file(form: FormData, name: str) -> tuple[str, bytes] | None:
    item = form.get(name)
    if isinstance(item, UploadFile) and (item.filename or item.size):
        return item.filename or name, item.file.read(declarations.MAX_FILE_BYTES + 1)
    return None


def _new(page: MemberPage, *, error: HarbourLinkError | None = None, values: dict[str, Any] | None = None) -> Response:
    context: dict[str, Any] = {
        "values": values or {"authorities": ["hk", "cn"]},
        "problems": error.data.get("errors", []) if error else [],
        "here": HERE,
    }
    if error is None:
        return page.render("declarations/new.html", **context)
    return page.render("declarations/new.html", status=status_for(error), error=page.error_text(error), **context)


@router.get("/declarations/new")
def new(page: MemberDep, reference: str = "") -> Response:
    """The B/L, its commercial invoice and packing list, and the authorities to declare to."""
    _opted_in(page)
    return _new(page, values={"reference": reference, "authorities": ["hk", "cn"]})


@router.post("/declarations/new")
def make(form: CheckedForm, page: MemberDep) -> Response:
    _opted_in(page)
    actor, reference = page.viewer.actor, text(form, "reference")
    chosen = texts(form, "authorities")
    made: list[declarations.Declaration] = []

    def create() -> None:
        for kind in declarations.DocumentKind:
            found = _file(form, kind.value)
            if found is not None:
                declarations.upload_document(
                    page.session, actor, reference=reference, kind=kind, filename=found[0], data=found[1]
                )
        try:
            authorities = [declarations.Authority(value) for value in chosen]
        except ValueError:
            authorities = []
        if not authorities:
            raise ValidationFailed("choose an authority", code="missing_authority", data={"field": "authorities"})
        made.extend(declarations.create_declarations(page.session, actor, reference=reference, authorities=authorities))

    error = attempt(page, create)
    if error is not None:
        return _new(page, error=error, values={"reference": reference, "authorities": chosen})
    return page.redirect(f"/declarations/{made[0].id}")


def _review(page: MemberPage, declaration_id: str, *, error: HarbourLinkError | None = None) -> Response:
    declaration = declarations.get_declaration(page.session, page.viewer.actor, declaration_id=declaration_id)
    authority = declarations.Authority(declaration.authority)
    flagged = {
        path.split(".", 1)[1]
        for finding in declaration.findings
        for path in finding["fields"]
        if path.startswith(f"{authority.value}.")
    }
    header, line = LAYOUT[authority]
    paths = field_paths(authority, declaration.fields)
    lines = sorted({int(path.split(".")[1]) for path in paths if path.startswith("lines.")})
    context: dict[str, Any] = {
        "declaration": declaration,
        "view": declarations.describe(declaration),
        "header": header,
        "line_fields": line,
        "lines": lines,
        "flagged": flagged,
        "labels": FIELD_LABELS,
        "statuses": STATUS_LABELS,
        "source_labels": SOURCE_LABELS,
        "mine": declaration.org_id == page.viewer.actor.org_id,
        "siblings": declarations.batch_of(page.session, page.viewer.actor, declaration=declaration),
        "here": HERE,
    }
    if error is None:
        return page.render("declarations/review.html", **context)
    return page.render("declarations/review.html", status=status_for(error), error=page.error_text(error), **context)


@router.get("/declarations/manifests/{voyage}")
def manifest(voyage: str, page: MemberDep) -> Response:
    """A barge voyage's advance manifest as a printable form, with its CUSCAR file to download."""
    _opted_in(page)
    try:
        header, lines = declarations.river_manifest(page.session, page.viewer.actor, voyage=voyage)
    except NotFound as missing:
        raise page.abort(404, "not_found") from missing
    return page.render("declarations/manifest.html", voyage=header, lines=lines, here=HERE)


@router.get("/declarations/{declaration_id}")
def review(declaration_id: str, page: MemberDep) -> Response:
    """A declaration: its result, the findings to fix (their fields marked), every field with its source."""
    _opted_in(page)
    return _shown(page, declaration_id)


def _shown(page: MemberPage, declaration_id: str, error: HarbourLinkError | None = None) -> Response:
    try:
        return _review(page, declaration_id, error=error)
    except NotFound as missing:
        raise page.abort(404, "not_found") from missing


def _attempted(page: MemberPage, declaration_id: str, action: Callable[[], object]) -> Response:
    return _shown(page, declaration_id, attempt(page, action))


@router.post("/declarations/{declaration_id}")
def save(declaration_id: str, form: CheckedForm, page: MemberDep) -> Response:
    """The fields as the form holds them; the checks run again."""
    _opted_in(page)
    changed = {
        key.removeprefix("field:"): str(value)
        for key, value in form.multi_items()
        if key.startswith("field:") and isinstance(value, str)
    }
    return _attempted(
        page,
        declaration_id,
        lambda: declarations.update_declaration(
            page.session, page.viewer.actor, declaration_id=declaration_id, fields=changed
        ),
    )


@router.post("/declarations/{declaration_id}/submit")
def submit(declaration_id: str, form: CheckedForm, page: MemberDep) -> Response:
    """Signs and sends the declaration; the page then shows it submitted, and its result once answered."""
    del form
    _opted_in(page)
    error = attempt(
        page, lambda: declarations.submit_declaration(page.session, page.viewer.actor, declaration_id=declaration_id)
    )
    if error is None:  # to the declaration's own address, so that reloading it does not send it again
        return page.redirect(f"/declarations/{declaration_id}")
    return _shown(page, declaration_id, error)
