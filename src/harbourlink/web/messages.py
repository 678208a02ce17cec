"""Messages by hand: upload a file, see what became of it, download it, correct and replay it.

Uploads go through ``inbound.receive`` like the API's messages: the raw file is archived and
committed before it is read. That service opens transactions of its own, so the upload and
replay handlers let go of the page's transaction before calling it (``brief_member_page``):
SQLite has one writer, and the page's transaction may hold the write lock (it notes when the
session was last seen). Only the company's own messages are listed or opened; another
company's answers 404, as if it did not exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from harbourlink import inbound
from harbourlink.api.context import runtime
from harbourlink.kernel import NotFound
from harbourlink.web.forms import CheckedForm, text
from harbourlink.web.labels import N_
from harbourlink.web.pages import MemberDep, MemberPage, finish, member_page, open_page

router = APIRouter(include_in_schema=False)

ENVELOPE_BYTES = 16 * 1024
"""What a multipart request adds around the file (boundaries, headers, the CSRF token, the format)."""
ERROR_PAGE = 200
"""Errors shown on one page of a message's errors; a file with thousands of bad rows has its errors paged."""
MESSAGE_PAGE = 50
"""Messages on one page of the list."""
MAX_PAGE_DIGITS = 6
"""A page number the database can skip to; a longer one is read as the first page."""

STATUS_TONE = {"accepted": "ok", "partial": "warn", "rejected": "bad", "failed": "bad"}
STATUS_NAMES = ("queued", "processing", *STATUS_TONE)
"""The statuses a message being read can reach, named in the page for its script."""
UPLOAD_ERRORS = {
    "no_file": N_("Choose a file to upload."),
    "empty_message": N_("The file is empty."),
    "too_large": N_("The file is larger than %(size)s. Split it into smaller files, or send it through the API."),
    "unknown_format": N_("Choose a format from the list."),
}
EXTENSIONS = {
    "csv": "csv",
    "edifact": "edi",
    "ais-nmea": "nmea",
    "terminal-json": "json",
    "dcsa-tnt-2.2": "json",
    "dcsa-tnt-3": "json",
}
UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class ShownError:
    """One of a message's errors in the page's language: where it is, what is wrong."""

    location: str
    message: str
    path: bool
    """The place is a JSON path, the same in every language (shown as code)."""
    lang: str | None
    """``en`` for an error recorded before errors had codes: shown in English, as it was written."""


def shown_error(page: MemberPage, stored: dict[str, Any]) -> ShownError:
    """A stored error said in the page's language (as it was written, when it has no codes)."""
    error = inbound.ItemError.from_data(stored)
    if error is None:
        return ShownError(str(stored.get("location", "")), str(stored.get("message", "")), path=False, lang="en")
    return ShownError(
        page.catalogue.say(error.place),
        page.catalogue.say(error.problem),
        path=error.place.code == inbound.JSON_PATH.code,
        lang=None,
    )


def brief_member_page(request: Request) -> MemberPage:
    """A logged-in person's page whose own transaction has ended before the handler runs.

    Its ``session`` is closed: such a handler opens short transactions of its own when it reads.
    """
    with runtime(request).db.transaction() as session:
        return member_page(open_page(request, session))


BriefMemberDep = Annotated[MemberPage, Depends(brief_member_page)]


def upload_limit(page: MemberPage) -> int:
    """The largest file the form takes: the request limit less room for the multipart envelope."""
    limit = page.settings.max_request_bytes
    return max(limit - ENVELOPE_BYTES, limit // 2)


def megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB"


def _names(page: MemberPage) -> dict[str, Any]:
    """Translated names for the codes the message templates show."""
    label = page.catalogue.label
    return {
        "format_name": lambda code: label(code, "message_format"),
        "status_name": lambda code: label(code, "message_status"),
        "channel_name": lambda code: label(code, "message_channel"),
        "tones": STATUS_TONE,
    }


def page_number(page: MemberPage, name: str = "page") -> int:
    """The page of a paged list the address asks for, from 1; anything else is the first."""
    asked = page.request.query_params.get(name, "")
    return max(int(asked), 1) if asked.isdigit() and len(asked) <= MAX_PAGE_DIGITS else 1


def _list_page(
    page: MemberPage, session: Session, *, status: int = 200, error: str | None = None, chosen: str = ""
) -> Response:
    failed = page.request.query_params.get("failed") == "1"
    number = page_number(page)
    # One more than a page says whether there is a next one, without counting them all.
    messages = inbound.list_messages(
        session, page.viewer.actor, failed_only=failed, limit=MESSAGE_PAGE + 1, offset=(number - 1) * MESSAGE_PAGE
    )
    formats = [adapter.name for adapter in inbound.formats()]
    limit = upload_limit(page)
    base = "/messages?failed=1&page=" if failed else "/messages?page="
    return page.render(
        "messages/list.html",
        status=status,
        error=error,
        messages=messages[:MESSAGE_PAGE],
        formats=formats,
        failed=failed,
        chosen=chosen or "csv",
        max_bytes=limit,
        limit_text=megabytes(limit),
        too_large=page.t(UPLOAD_ERRORS["too_large"], size=megabytes(limit)),
        here="/messages",
        inline_text=megabytes(page.settings.inline_message_bytes),
        pending=inbound.PENDING_STATUSES,
        newer=f"{base}{number - 1}" if number > 1 else None,
        older=f"{base}{number + 1}" if len(messages) > MESSAGE_PAGE else None,
        **_names(page),
    )


@router.get("/messages")
def messages(page: MemberDep) -> Response:
    """The upload form and the company's messages, newest first (``?failed=1``: those needing attention)."""
    return _list_page(page, page.session)


def _posted_file(form: FormData) -> UploadFile | None:
    upload = form.get("file")
    return upload if isinstance(upload, UploadFile) and upload.filename else None


def _read(upload: UploadFile, page: MemberPage) -> bytes | None:
    """The file's bytes, or None when it is over the upload limit (reading stops just past it)."""
    raw = upload.file.read(upload_limit(page) + 1)
    return None if len(raw) > upload_limit(page) else raw


def _refuse(page: MemberPage, code: str, *, chosen: str) -> Response:
    limit = upload_limit(page)
    message = page.t(UPLOAD_ERRORS[code], size=megabytes(limit))
    with runtime(page.request).db.transaction() as session:
        return _list_page(page, session, status=413 if code == "too_large" else 400, error=message, chosen=chosen)


@router.post("/messages")
def upload(form: CheckedForm, page: BriefMemberDep) -> Response:
    """Archives and reads an uploaded file, then shows what became of it."""
    chosen = text(form, "format")
    if chosen not in {adapter.name for adapter in inbound.formats()}:
        return _refuse(page, "unknown_format", chosen=chosen)
    upload = _posted_file(form)
    if upload is None:
        return _refuse(page, "no_file", chosen=chosen)
    raw = _read(upload, page)
    if raw is None:
        return _refuse(page, "too_large", chosen=chosen)
    if not raw:
        return _refuse(page, "empty_message", chosen=chosen)
    # A large file is read by a worker while the person goes on; its page follows the progress live.
    background = text(form, "background") == "1" or len(raw) > page.settings.inline_message_bytes
    outcome = inbound.receive(
        runtime(page.request).db,
        page.viewer.actor,
        format_name=chosen,
        raw=raw,
        channel="upload",
        filename=upload.filename,
        background=background,
    )
    return page.redirect(f"/messages/{outcome.id}")


def _detail_page(
    page: MemberPage, found: inbound.InboundMessage, *, status: int = 200, error: str | None = None
) -> Response:
    errors = list(found.errors or [])
    may_replay = found.status in ("partial", "rejected", "failed") and found.superseded_by is None
    limit = upload_limit(page)
    number = min(page_number(page, "errors"), max((len(errors) + ERROR_PAGE - 1) // ERROR_PAGE, 1))
    first = (number - 1) * ERROR_PAGE
    shown = errors[first : first + ERROR_PAGE]
    here = f"/messages/{found.id}"
    return page.render(
        "messages/detail.html",
        status=status,
        error=error,
        message=found,
        errors=[shown_error(page, stored) for stored in shown],
        errors_from=first + 1,
        errors_to=first + len(shown),
        earlier_errors=f"{here}?errors={number - 1}#errors" if number > 1 else None,
        later_errors=f"{here}?errors={number + 1}#errors" if first + ERROR_PAGE < len(errors) else None,
        pending=found.status in inbound.PENDING_STATUSES,
        may_replay=may_replay,
        max_bytes=limit,
        status_names={code: page.catalogue.label(code, "message_status") for code in STATUS_NAMES},
        limit_text=megabytes(limit),
        too_large=page.t(UPLOAD_ERRORS["too_large"], size=megabytes(limit)),
        here=here,
        **_names(page),
    )


@router.get("/messages/{message_id}")
def message(message_id: str, page: MemberDep) -> Response:
    """One message: its outcome, its errors with their places, the raw file and, if it failed, a replay."""
    try:
        found = inbound.read_message(page.session, page.viewer.actor, message_id=message_id, channel="web")
    except NotFound:
        raise page.abort(404, "not_found") from None
    return _detail_page(page, found)


def _download_name(found: inbound.InboundMessage) -> tuple[str, str]:
    """An ASCII file name for every browser, and the original (UTF-8) one for those that read it."""
    original = found.filename or f"message-{found.id}.{EXTENSIONS.get(found.format, 'txt')}"
    safe = UNSAFE_NAME.sub("_", original).strip("._") or f"message-{found.id}"
    return safe, original


@router.get("/messages/{message_id}/raw")
def raw(message_id: str, page: MemberDep) -> Response:
    """The message exactly as it was received, as a download."""
    try:
        found = inbound.read_message(page.session, page.viewer.actor, message_id=message_id, channel="web-raw")
    except NotFound:
        raise page.abort(404, "not_found") from None
    safe, original = _download_name(found)
    disposition = f"attachment; filename=\"{safe}\"; filename*=UTF-8''{quote(original, safe='')}"
    response = Response(
        found.raw,
        media_type="application/octet-stream",
        headers={"Content-Disposition": disposition, "Digest": f"sha-256={found.sha256}"},
    )
    return finish(page.request, response, page.catalogue)


def _refuse_replay(page: MemberPage, message_id: str) -> Response:
    """The message's page again, saying the corrected file is too large."""
    with runtime(page.request).db.transaction() as session:
        try:
            found = inbound.get_message(session, page.viewer.actor, message_id=message_id)
        except NotFound:
            raise page.abort(404, "not_found") from None
        error = page.t(UPLOAD_ERRORS["too_large"], size=megabytes(upload_limit(page)))
        return _detail_page(page, found, status=413, error=error)


@router.post("/messages/{message_id}/replay")
def replay(message_id: str, form: CheckedForm, page: BriefMemberDep) -> Response:
    """Reads a message again: as it was, or replaced by the corrected file posted with it."""
    db = runtime(page.request).db
    corrected: bytes | None = None
    upload = _posted_file(form)
    if upload is not None:
        corrected = _read(upload, page)
        if corrected is None:
            return _refuse_replay(page, message_id)
    try:
        outcome = inbound.replay(db, page.viewer.actor, message_id=message_id, corrected=corrected)
    except NotFound:
        raise page.abort(404, "not_found") from None
    return page.redirect(f"/messages/{outcome.id}")
