"""The declarations service's API: documents, drafts, corrections, submission and results."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Path, UploadFile, status
from fastapi.responses import Response

from harbourlink import declarations
from harbourlink.api.context import CurrentActor, DbSession
from harbourlink.api.errors import ERROR_RESPONSES
from harbourlink.api.scopes import require_scope
from harbourlink.api.services import opted_in
from harbourlink.declarations.schemas import (
    DeclarationCreate,
    DeclarationPatch,
    DeclarationRead,
    DocumentRead,
)
from harbourlink.identity import KeyScope
from harbourlink.kernel import utcnow

router = APIRouter(
    prefix="/api/v1/declarations",
    tags=["declarations"],
    responses=ERROR_RESPONSES,
    dependencies=[require_scope(KeyScope.CARGO_READ)],
)
# The key's scope is judged before the company's opt-in: a key that may not write is told so, whatever
# its company has opted in to.
READ = [opted_in(declarations.SERVICE)]
WRITE = [require_scope(KeyScope.CARGO_WRITE), *READ]
DeclarationId = Annotated[str, Path(max_length=36)]


@router.post(
    "/documents",
    response_model=DocumentRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=WRITE,
    summary="Upload a commercial invoice or packing list (CSV or XLSX) for a B/L you see",
    description="A file with errors is refused whole (422 `document_invalid`, `data.errors` name row and column). "
    f"At most {declarations.MAX_FILE_BYTES} bytes and {declarations.MAX_ROWS} lines.",
)
async def upload(
    actor: CurrentActor,
    session: DbSession,
    reference: Annotated[str, Form(min_length=3, max_length=40)],
    kind: Annotated[declarations.DocumentKind, Form()],
    file: Annotated[UploadFile, File()],
) -> DocumentRead:
    data = await file.read(declarations.MAX_FILE_BYTES + 1)
    document = declarations.upload_document(
        session, actor, reference=reference, kind=kind, filename=file.filename or "upload", data=data
    )
    return DocumentRead(
        id=document.id,
        reference=document.reference,
        kind=document.kind,
        filename=document.filename,
        lines=len(document.lines),
    )


@router.post(
    "",
    response_model=list[DeclarationRead],
    status_code=status.HTTP_201_CREATED,
    dependencies=WRITE,
    summary="Drafts to each authority, pre-filled from the B/L, its containers, vessel, parties and documents",
)
def create(body: DeclarationCreate, actor: CurrentActor, session: DbSession) -> list[DeclarationRead]:
    made = declarations.create_declarations(session, actor, reference=body.reference, authorities=body.authorities)
    return [declarations.describe(d) for d in made]


@router.get(
    "/manifests/{voyage}",
    dependencies=READ,
    response_class=Response,
    summary="The advance manifest of a river-trade (barge) voyage, pre-filled, as EDIFACT CUSCAR",
    description="The B/Ls you see on the voyage, their containers, and the packages, weights and goods of the "
    "invoices and packing lists you uploaded for them. 404 when no barge event of that voyage is shared with you.",
    responses={200: {"content": {"application/edifact": {"schema": {"type": "string"}}}}},
)
def manifest(voyage: Annotated[str, Path(max_length=50)], actor: CurrentActor, session: DbSession) -> Response:
    header, lines = declarations.river_manifest(session, actor, voyage=voyage)
    now = utcnow()
    text = declarations.render_cuscar(
        header, lines, sender=actor.org_id[:35], control_ref=f"{now:%y%m%d%H%M}", prepared=now
    )
    return Response(
        text,
        media_type="application/edifact; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="cuscar-{voyage}.edi"'},
    )


@router.get(
    "/{declaration_id}",
    dependencies=READ,
    response_model=DeclarationRead,
    summary="A declaration, its official number and result",
)
def read(declaration_id: DeclarationId, actor: CurrentActor, session: DbSession) -> DeclarationRead:
    return declarations.describe(declarations.get_declaration(session, actor, declaration_id=declaration_id))


@router.patch(
    "/{declaration_id}",
    response_model=DeclarationRead,
    dependencies=WRITE,
    summary="Correct fields or share the declaration; the checks run again",
)
def update(
    declaration_id: DeclarationId, body: DeclarationPatch, actor: CurrentActor, session: DbSession
) -> DeclarationRead:
    changed = declarations.update_declaration(
        session, actor, declaration_id=declaration_id, fields=body.fields, shared_with=body.shared_with
    )
    return declarations.describe(changed)


@router.post(
    "/{declaration_id}/submit",
    response_model=DeclarationRead,
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=WRITE,
    summary="Sign and send to the authority (message signers); the result comes back through the work queue",
    description="409 `declaration_has_findings` while the checks find problems.",
)
def submit(declaration_id: DeclarationId, actor: CurrentActor, session: DbSession) -> DeclarationRead:
    return declarations.describe(declarations.submit_declaration(session, actor, declaration_id=declaration_id))
