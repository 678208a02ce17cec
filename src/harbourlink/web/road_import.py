"""Importing an older road-cargo system's export (R-ROAD-11), for the company's administrators: its three CSV
files, or a ZIP archive of them, in; the reconciliation report and the new people's temporary passwords out.

The report is the POST's own answer rather than a page it redirects to: it can be far longer than a cookie
carries (see ``once``), and posting the same export again is harmless, as a second import changes nothing
and finds every row present (and so shows no password again).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from harbourlink import road
from harbourlink.api.errors import status_for
from harbourlink.api.road_migration import describe_import
from harbourlink.kernel import phrases
from harbourlink.web.forms import CheckedForm, attempt
from harbourlink.web.pages import AdminDep, MemberPage

N_ = phrases.N_
router = APIRouter(include_in_schema=False)
HERE = "/admin/road-import"
ARCHIVE = "archive"
"""The form's field for a ZIP archive of the export; each CSV file's field is its own name."""
REFUSED = {
    "export_too_large": N_("%(file)s is larger than 4 MB. Import the export in parts."),
    "export_not_text": N_("%(file)s is not UTF-8 text. Save it from the older system as CSV in UTF-8."),
    "export_not_zip": N_("The archive is not a ZIP file that can be read."),
    "export_archive_unsafe": N_(
        "The archive cannot be imported: it names paths outside itself, holds a file twice, is encrypted "
        "or holds too many files."
    ),
    "export_empty": N_("Choose the export's CSV files, or a ZIP archive of them."),
}
ROW_PROBLEMS = {
    "required": N_("required but empty"),
    "string_too_long": N_("too long"),
    "invalid_number": N_("not a whole number from 1 up"),
    "invalid_choice": N_("not one of the values allowed"),
    "invalid_email": N_("not an e-mail address"),
    "invalid_time": N_("not a date and time in ISO 8601"),
    "naive_time": N_("the time lacks its UTC offset"),
    "invalid_character": N_("holds a character not allowed"),
    "duplicate": N_("the same key appears twice in the file"),
    "unknown_account": N_("its account is in no good row of accounts.csv, or was not imported"),
    "missing_column": N_("the header lacks this column: the file was not read"),
    "invalid_csv": N_("the file is not CSV: it was not read"),
    "email_taken": N_("the address is a person's of another company"),
}
"""What is wrong with a row, by the code ``read_export`` and ``do_import`` give it; docs/formats.md lists them."""


def _form(page: MemberPage, *, status: int = 200, error: str | None = None) -> Response:
    return page.render("admin/road_import.html", status=status, error=error, files=road.EXPORT_FILES, here=HERE)


@router.get(HERE)
def import_form(page: AdminDep) -> Response:
    """The form for the older system's export."""
    return _form(page)


def _read(upload: UploadFile) -> bytes:
    """At most one byte past what a file may hold, so a larger one is refused without being read whole."""
    return upload.file.read(road.EXPORT_MAX_FILE_BYTES + 1)


def _posted_export(form: FormData) -> dict[str, str]:
    uploads = {name: form.get(name) for name in (*road.EXPORT_FILES, ARCHIVE)}
    chosen = {name: upload for name, upload in uploads.items() if isinstance(upload, UploadFile) and upload.filename}
    if ARCHIVE in chosen:
        files = road.export_from_zip(_read(chosen[ARCHIVE]))
    else:
        files = road.export_from_files({name: _read(upload) for name, upload in chosen.items()})
    if not files:
        raise road.ExportRefused("no file of the export was given", code="export_empty")
    return files


def _row_problem(page: MemberPage, error: road.MigrationError) -> str:
    message = ROW_PROBLEMS.get(error.code)
    return page.t(message) if message else page.error_text(error.code)


@router.post(HERE)
def import_export(form: CheckedForm, page: AdminDep) -> Response:
    """Imports the export into the administrator's company and answers with the reconciliation report."""
    actor = page.viewer.actor
    try:
        files = _posted_export(form)
    except road.ExportRefused as refused:
        return _form(page, status=422, error=page.t(REFUSED[refused.code], file=refused.file))
    done: dict[str, road.MigrationRead] = {}
    error = attempt(
        page,
        lambda: done.update(
            report=describe_import(road.do_import(page.session, actor, org_id=actor.org_id, files=files))
        ),
    )
    if error is not None:
        return _form(page, status=status_for(error), error=page.error_text(error))
    report = done["report"]
    problems = [(row, _row_problem(page, row)) for row in report.errors]
    return page.render("admin/road_imported.html", report=report, problems=problems, here=HERE)
