"""Migration into road cargo from an older system: its export in, a reconciliation report out."""

from __future__ import annotations

from fastapi import APIRouter, status

from harbourlink import road
from harbourlink.api.context import CurrentActor, DbSession
from harbourlink.api.errors import ERROR_RESPONSES
from harbourlink.api.scopes import require_scope
from harbourlink.identity import KeyScope

# An import is the administrator's act on the company (it makes people), so a key needs org:manage.
router = APIRouter(
    prefix="/api/v1/road", tags=["road"], responses=ERROR_RESPONSES, dependencies=[require_scope(KeyScope.ORG_MANAGE)]
)


def describe_import(report: road.Reconciliation) -> road.MigrationRead:
    """An import's reconciliation as the API and the command line show it."""
    return road.MigrationRead(
        files=[road.MigrationTally(file=file, **vars(tally)) for file, tally in report.tallies.items()],
        errors=[
            road.MigrationError(file=e.file, line=e.line, field=e.field, code=e.code, detail=e.message)
            for e in report.errors
        ],
        temporary_passwords=report.temporary_passwords,
    )


@router.post(
    "/migrations",
    response_model=road.MigrationRead,
    status_code=status.HTTP_201_CREATED,
    summary="Import an older system's accounts, templates and consignments into the company",
    description="The export's CSV files (`accounts.csv`, `templates.csv`, `consignments.csv`, see the formats "
    "guide) as text. Each file's rows are counted `read` = `created` + `present` (imported before, by the old "
    "system's key: a second import changes nothing) + `rejected` (each with errors naming file, line and "
    "field). The company's administrators only; imported people get temporary passwords, shown this once.",
)
def import_export(body: road.MigrationCreate, actor: CurrentActor, session: DbSession) -> road.MigrationRead:
    files = {"accounts.csv": body.accounts, "templates.csv": body.templates, "consignments.csv": body.consignments}
    return describe_import(road.do_import(session, actor, org_id=actor.org_id, files=files))
