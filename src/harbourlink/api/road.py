"""Road cargo to and from the mainland: advance cargo information (CCRN), batches, bindings (UBR) and
customs queries."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Body, Query, Request, status
from fastapi.responses import Response, StreamingResponse

from harbourlink import road
from harbourlink.api.context import CurrentActor, DbSession, runtime
from harbourlink.api.errors import ERROR_RESPONSES
from harbourlink.api.live_stream import Snapshot, snapshots
from harbourlink.api.scopes import require_scope
from harbourlink.identity import KeyScope
from harbourlink.kernel import Actor, Database, ValidationFailed, utcnow
from harbourlink.settings import Settings

router = APIRouter(
    prefix="/api/v1/road", tags=["road"], responses=ERROR_RESPONSES, dependencies=[require_scope(KeyScope.CARGO_READ)]
)
WRITE = [require_scope(KeyScope.CARGO_WRITE)]
CONTROL_POINTS = "; ".join(f"`{point.value}` {point.english} (phone key {point.keypad})" for point in road.ControlPoint)


def describe(
    row: road.RoadConsignment, versions: list[road.RoadConsignmentVersion] | None = None
) -> road.ConsignmentRead:
    """A consignment as the API shows it; with ``versions``, every version it had."""
    data = road.data_from_json(row.data)
    return road.ConsignmentRead(
        ccrn=row.ccrn,
        status=road.ConsignmentStatus(row.status),
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
        direction=data.direction,
        packages=data.packages,
        package_description=data.package_description,
        goods_description=data.goods_description,
        consignor_name=data.consignor_name,
        consignor_address=data.consignor_address,
        consignee_name=data.consignee_name,
        consignee_address=data.consignee_address,
        expected_at=data.expected_at,
        submitter_reference=data.submitter_reference,
        planned_vehicle=row.planned_vehicle,
        planned_control_point=row.planned_control_point,
        versions=None
        if versions is None
        else [road.VersionRead(version=v.version, action=v.action, made_at=v.made_at, data=v.data) for v in versions],
    )


def _cargo(body: road.ConsignmentCreate) -> road.CargoData:
    return road.CargoData(**body.model_dump(exclude=set(road.PlannedCrossing.model_fields)))


@router.post(
    "/consignments",
    response_model=road.ConsignmentRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=WRITE,
    summary="Lodge advance cargo information (the legal data set of 8 items): a CCRN",
    description="Between 14 days and 30 minutes before the expected crossing (`too_early_to_lodge`, "
    "`too_late_to_lodge` otherwise). Needs the company's opt-in to `advance_cargo_info` (403 `service_not_active`).",
)
def lodge(body: road.ConsignmentCreate, actor: CurrentActor, session: DbSession) -> road.ConsignmentRead:
    row = road.do_lodge(
        session,
        actor,
        data=_cargo(body),
        planned_vehicle=body.planned_vehicle,
        planned_control_point=body.planned_control_point,
    )
    return describe(row)


@router.post(
    "/consignments/from-template",
    response_model=road.ConsignmentRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=WRITE,
    summary="Lodge a consignment from one of the person's saved templates, with this crossing's time",
)
def lodge_from_template(
    body: road.ConsignmentFromTemplate, actor: CurrentActor, session: DbSession
) -> road.ConsignmentRead:
    row = road.do_lodge_from_template(
        session,
        actor,
        template_id=body.template_id,
        expected_at=body.expected_at,
        packages=body.packages,
        submitter_reference=body.submitter_reference,
    )
    return describe(row)


@router.post(
    "/consignments/upload",
    response_model=road.UploadRead,
    dependencies=WRITE,
    summary="Lodge many consignments from an XML file (see `GET /api/v1/road/schema.xsd`)",
    description="Each good consignment gets its CCRN; each bad one is answered with its `position`, the "
    "`submitter_reference` and errors naming the `element`. A file with a DOCTYPE (an entity bomb's form) is "
    "refused whole (`xml_doctype_refused`), as is one that is not well-formed (`invalid_xml`).",
)
def upload(
    data: Annotated[bytes, Body(media_type="application/xml")], actor: CurrentActor, session: DbSession
) -> road.UploadRead:
    outcomes = road.do_upload(session, actor, data=data)
    items = [
        road.UploadItem(position=o.position, submitter_reference=o.submitter_reference, ccrn=o.ccrn, errors=o.errors)
        for o in outcomes
    ]
    accepted = sum(1 for item in items if item.ccrn is not None)
    return road.UploadRead(accepted=accepted, rejected=len(items) - accepted, items=items)


@router.get(
    "/schema.xsd",
    summary="The XML schema of a consignments file",
    responses={200: {"content": {"application/xml": {}}, "description": "the XSD"}},
    response_class=Response,
)
def schema() -> Response:
    return Response(road.schema_text(), media_type="application/xml")


@router.get(
    "/consignments", response_model=list[road.ConsignmentRead], summary="The company's consignments, newest first"
)
def list_consignments(
    actor: CurrentActor,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[road.ConsignmentRead]:
    return [describe(row) for row in road.list_consignments(session, actor, limit=limit, offset=offset)]


@router.get(
    "/consignments/{ccrn}",
    response_model=road.ConsignmentRead,
    summary="One consignment with every version it had (its submitter and customs)",
)
def get_consignment(ccrn: str, actor: CurrentActor, session: DbSession) -> road.ConsignmentRead:
    row = road.get_consignment(session, actor, ccrn=ccrn)
    return describe(row, road.list_versions(session, actor, ccrn=row.ccrn))


@router.patch(
    "/consignments/{ccrn}",
    response_model=road.ConsignmentRead,
    dependencies=WRITE,
    summary="Amend a consignment before it is bound: a new version",
    description="A bound consignment answers 409 `consignment_not_changeable` with the reason: cancel the "
    "binding first.",
)
def amend(ccrn: str, body: road.ConsignmentUpdate, actor: CurrentActor, session: DbSession) -> road.ConsignmentRead:
    row = road.do_amend(session, actor, ccrn=ccrn, changes=body.model_dump(exclude_unset=True, exclude_none=True))
    return describe(row, road.list_versions(session, actor, ccrn=row.ccrn))


@router.delete(
    "/consignments/{ccrn}",
    response_model=road.ConsignmentRead,
    dependencies=WRITE,
    summary="Cancel a consignment before it is bound; it stays readable with every version",
)
def cancel(ccrn: str, actor: CurrentActor, session: DbSession) -> road.ConsignmentRead:
    row = road.do_cancel(session, actor, ccrn=ccrn)
    return describe(row, road.list_versions(session, actor, ccrn=row.ccrn))


def _template(row: road.RoadTemplate) -> road.TemplateRead:
    return road.TemplateRead(id=row.id, name=row.name, data=row.data, created_at=row.created_at)


@router.post(
    "/templates",
    response_model=road.TemplateRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=WRITE,
    summary="Save cargo information as a template, private to the person saving it",
)
def save_template(body: road.TemplateCreate, actor: CurrentActor, session: DbSession) -> road.TemplateRead:
    data = road.CargoData(**{**body.model_dump(exclude={"name"}), "expected_at": body.expected_at or utcnow()})
    return _template(road.do_save_template(session, actor, name=body.name, data=data))


@router.get("/templates", response_model=list[road.TemplateRead], summary="The acting person's own templates")
def list_templates(actor: CurrentActor, session: DbSession) -> list[road.TemplateRead]:
    return [_template(row) for row in road.list_templates(session, actor)]


@router.post(
    "/batches",
    response_model=road.BatchRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=WRITE,
    summary="Consolidate the company's CCRNs into a batch for enquiry and binding",
)
def batch(body: road.BatchCreate, actor: CurrentActor, session: DbSession) -> road.BatchRead:
    row = road.do_batch(session, actor, ccrns=body.ccrns)
    return road.BatchRead(id=row.id, ccrns=row.ccrns, created_at=row.created_at)


def _channel(actor: Actor) -> road.Channel:
    return road.Channel.API if actor.is_machine else road.Channel.WEB


@router.post(
    "/bindings",
    response_model=road.BindingRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=WRITE,
    summary="Bind a vehicle to consignments (CCRNs or a batch): a UBR and the earliest crossing time",
    description="The earliest crossing is 30 minutes after binding. Control points: "
    + CONTROL_POINTS
    + ". A CCRN is in at most one live binding (409 `ccrn_already_bound`). Needs the company's opt-in to "
    "`road_binding`. The channel is recorded: `api` for an API key, `web` for a person's session. Signing: "
    "`certificate` (base64 PKCS#12) with its `pin`, or `security_code`; an API key must sign with a certificate "
    "(403 `binding_signature_required`) and a logged-in person needs neither (the Trade Single Window rule), "
    "unless the installation says otherwise. A refused certificate is 422 `signature_refused` with `reason` "
    "(`wrong_pin`, `untrusted_issuer`, `revoked`, `expired`, `revocation_unknown`, …); a refused code 422 "
    "`security_code_refused` (`wrong`, `used`, `no_token`).",
)
def bind(body: road.BindingCreate, actor: CurrentActor, session: DbSession, request: Request) -> road.BindingRead:
    rt = runtime(request)
    bound = road.do_signed_bind(
        session,
        actor,
        proof=road.Proof(pkcs12=_pkcs12(body.certificate), pin=body.pin or "", security_code=body.security_code),
        policy=signing_policy(rt.settings),
        sealer=rt.sealer,
        bind=lambda: road.do_bind(
            session,
            actor,
            vehicle=body.vehicle,
            ccrns=body.ccrns,
            batch=body.batch,
            control_point=body.control_point,
            direction=body.direction,
            channel=_channel(actor),
            driver=body.driver,
        ),
    )
    return road.describe_binding(bound)


def signing_policy(settings: Settings) -> road.SigningPolicy:
    return road.SigningPolicy(
        trusted_issuers=settings.road_trusted_issuers,
        crl_dir=settings.road_crl_dir,
        person_needs_proof=settings.road_person_binding_needs_signature,
        key_needs_proof=settings.road_api_key_binding_needs_signature,
    )


def _pkcs12(text: str | None) -> bytes | None:
    if text is None:
        return None
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error as exc:
        raise ValidationFailed(
            "certificate: not base64 (give the PKCS#12 file's bytes in base64)", data={"field": "certificate"}
        ) from exc


@router.get(
    "/bindings/{ubr}/signature",
    response_model=road.SignatureRead,
    summary="How a binding was signed: the signed document, signature and certificate, checked again now",
    description="For whoever sees the binding. `check.valid` is false with a `reason` when the signature does "
    "not match the document, or its certificate is no longer from a trusted issuer or was revoked before "
    "signing. 404 `binding_signature_not_found` for an unsigned binding.",
)
def binding_signature(ubr: str, actor: CurrentActor, session: DbSession, request: Request) -> road.SignatureRead:
    return road.get_signature(session, actor, ubr=ubr, policy=signing_policy(runtime(request).settings))


@router.post(
    "/security-token",
    response_model=road.SecurityTokenIssued,
    status_code=status.HTTP_201_CREATED,
    dependencies=WRITE,
    summary="Enrol a security token (TOTP) for signing bindings: the otpauth:// URI for FortiToken Mobile",
    description="A person enrols their own once (409 `security_token_exists` after); an administrator "
    "enrols or replaces a colleague's (`user_id`), as for a lost or broken token.",
)
def enrol_token(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
    body: Annotated[road.SecurityTokenCreate | None, Body()] = None,
) -> road.SecurityTokenIssued:
    user_id = body.user_id if body else None
    uri = road.enrol_security_token(session, actor, sealer=runtime(request).sealer, user_id=user_id)
    return road.SecurityTokenIssued(user_id=user_id or actor.user_id or "", uri=uri)


def _road_now(db: Database, actor: Actor) -> Snapshot:
    """The version of what the driver's app shows; the page reads the rest when it changes."""
    with db.transaction() as session:
        version = road.driver_view(session, actor).version
    return Snapshot(json.dumps({"version": version}), [road.live_subject(actor.org_id)])


@router.get(
    "/stream",
    response_class=StreamingResponse,
    summary="Live updates of the caller's road bindings and reminders to bind (text/event-stream)",
    description='A `road` event `{"version"}` at once and whenever customs decides GO or INSPECT on a binding '
    "the caller sees, records its crossing, or the caller's driver is reminded to bind; the driver's app "
    "(`/trips`) then reads what changed. Carries no data of its own.",
    responses={200: {"content": {"text/event-stream": {}}}},
)
def stream(request: Request, actor: CurrentActor) -> StreamingResponse:
    return StreamingResponse(
        snapshots(request, "road", lambda: _road_now(runtime(request).db, actor)),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.get("/bindings", response_model=list[road.BindingRead], summary="Bindings the caller sees; by CCRN")
def list_bindings(
    actor: CurrentActor,
    session: DbSession,
    ccrn: Annotated[str | None, Query(max_length=20, description="the bindings this consignment is or was in")] = None,
) -> list[road.BindingRead]:
    return [road.describe_binding(bound) for bound in road.list_bindings(session, actor, ccrn=ccrn)]


@router.get("/bindings/{ubr}", response_model=road.BindingRead, summary="One binding by its UBR")
def get_binding(ubr: str, actor: CurrentActor, session: DbSession) -> road.BindingRead:
    return road.describe_binding(road.get_binding(session, actor, ubr=ubr))


@router.post(
    "/bindings/{ubr}/cancel",
    response_model=road.BindingRead,
    dependencies=WRITE,
    summary="Cancel a binding: all of it (no body), or some of its CCRNs; the rest stay bound",
)
def cancel_binding(
    ubr: str,
    actor: CurrentActor,
    session: DbSession,
    body: Annotated[road.BindingCancel | None, Body()] = None,
) -> road.BindingRead:
    bound = road.do_cancel_binding(session, actor, ubr=ubr, ccrns=body.ccrns if body else None)
    return road.describe_binding(bound)


@router.get(
    "/bindings/{ubr}/print.pdf",
    summary="The binding to print for the boundary kiosk, its UBR as a Code 128 barcode",
    responses={200: {"content": {"application/pdf": {}}, "description": "the binding"}},
    response_class=Response,
)
def print_binding(ubr: str, actor: CurrentActor, session: DbSession) -> Response:
    binding = road.describe_binding(road.get_binding(session, actor, ubr=ubr))
    return Response(
        road.render_binding(binding),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="ubr-{binding.ubr}.pdf"'},
    )


@router.post(
    "/consignments/{ccrn}/queries",
    response_model=road.QueryRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=WRITE,
    summary="Customs raises a query on a consignment (customs companies only: 403 `not_customs`)",
)
def raise_query(ccrn: str, body: road.QueryCreate, actor: CurrentActor, session: DbSession) -> road.QueryRead:
    return road.describe_thread(road.do_raise_query(session, actor, ccrn=ccrn, text=body.text))


@router.get(
    "/consignments/{ccrn}/queries",
    response_model=list[road.QueryRead],
    summary="The queries on a consignment, each with its thread",
)
def list_queries(ccrn: str, actor: CurrentActor, session: DbSession) -> list[road.QueryRead]:
    return [road.describe_thread(thread) for thread in road.list_threads(session, actor, ccrn=ccrn)]


@router.get("/queries/{query_id}", response_model=road.QueryRead, summary="A query and its replies")
def get_query(query_id: str, actor: CurrentActor, session: DbSession) -> road.QueryRead:
    return road.describe_thread(road.get_thread(session, actor, query_id=query_id))


def _upload(number: int, given: road.AttachmentIn) -> road.Upload:
    try:
        return road.Upload(given.filename, base64.b64decode(given.content, validate=True))
    except binascii.Error as exc:
        raise ValidationFailed(
            f"attachments[{number}].content: not base64 (give the file's bytes in base64)",
            data={"field": f"attachments[{number}].content"},
        ) from exc


@router.post(
    "/queries/{query_id}/replies",
    response_model=road.QueryRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=WRITE,
    summary="Reply in a query's thread (the consignment's submitter, or customs), with up to 3 files",
    description="Files are PDF, JPEG or PNG, told by their content, not their name, each at most 2 MiB: "
    "422 `too_many_attachments`, `attachment_too_large` or `attachment_type_refused`, naming the file. "
    "The other side is told (alert `road_query_replied`).",
)
def reply(query_id: str, body: road.QueryReply, actor: CurrentActor, session: DbSession) -> road.QueryRead:
    files = [_upload(number, given) for number, given in enumerate(body.attachments)]
    return road.describe_thread(road.do_reply(session, actor, query_id=query_id, text=body.text, attachments=files))


@router.get(
    "/queries/{query_id}/attachments/{attachment_id}",
    summary="A file of a query's thread, as it was sent (the customs company that raised it and the submitter)",
    responses={200: {"content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}}, "description": "the file"}},
    response_class=Response,
)
def attachment(query_id: str, attachment_id: str, actor: CurrentActor, session: DbSession) -> Response:
    found = road.get_attachment(session, actor, query_id=query_id, attachment_id=attachment_id)
    return Response(
        found.data,
        media_type=found.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.filename)}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


@router.get(
    "/boundary",
    response_model=list[road.ApproachRead],
    summary="Customs' console: the live bindings at a control point and their trucks approaching (customs only)",
    description="Bindings not cancelled and not yet crossed, soonest allowed crossing first, each with the rules' "
    "suggestion (`inspect` for an unanswered customs query or the random sample, else `go`), the decision so far, "
    "and the newest position shared by a running trip of the vehicle with its distance and a rough arrival "
    "estimate. Control points: " + CONTROL_POINTS + ". Other companies: 403 `not_customs`.",
)
def boundary(
    control_point: road.ControlPoint, request: Request, actor: CurrentActor, session: DbSession
) -> list[road.ApproachRead]:
    sample = runtime(request).settings.road_inspect_sample_percent
    found = road.boundary(session, actor, control_point=control_point, sample_percent=sample)
    return [road.describe_approach(approach) for approach in found]


@router.post(
    "/bindings/{ubr}/decision",
    response_model=road.BindingRead,
    dependencies=WRITE,
    summary="Customs decides GO or INSPECT for a live binding; the driver's app shows it (customs only)",
    description="Recorded with the officer and the time; may be changed until the crossing. A cancelled or "
    "crossed binding answers 409 `binding_not_live`; another company 403 `not_customs`.",
)
def decide(ubr: str, body: road.DecisionCreate, actor: CurrentActor, session: DbSession) -> road.BindingRead:
    bound = road.do_decide(session, actor, ubr=ubr, decision=body.decision, note=body.note)
    return road.describe_binding(bound)


@router.post(
    "/bindings/{ubr}/crossed",
    response_model=road.BindingRead,
    dependencies=WRITE,
    summary="Customs records the truck crossing; the shippers are told (customs only)",
    description="Needs a decision first (409 `binding_not_crossable`). The crossing is an EQUIPMENT `CROS` event "
    "shared with the binding's maker and the consignments' submitters.",
)
def crossed(ubr: str, actor: CurrentActor, session: DbSession) -> road.BindingRead:
    return road.describe_binding(road.do_cross(session, actor, ubr=ubr))
