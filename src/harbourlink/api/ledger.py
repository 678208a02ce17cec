"""The ledger: checkpoints, consistency proofs, and per-event proofs and bundles.

The checkpoint, the log's key and consistency proofs hold no cargo data (sizes and hashes),
so they are public, as transparency logs' are: auditors and witnesses need no account. Proofs
and bundles follow the access rules: an event another company does not share answers 404.
"""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, Field

from harbourlink import ledger
from harbourlink.api.context import CurrentActor, DbSession
from harbourlink.api.errors import ERROR_RESPONSES
from harbourlink.api.guards import BIGINT_MAX
from harbourlink.api.scopes import public, require_scope
from harbourlink.identity import KeyScope
from harbourlink.worker.duties import configured_ledger

router = APIRouter(
    prefix="/api/v1/ledger",
    tags=["ledger"],
    responses=ERROR_RESPONSES,
    dependencies=[require_scope(KeyScope.CARGO_READ)],
)

FieldsQuery = Annotated[
    list[str] | None,
    Query(
        alias="field",
        description="a field to disclose; repeatable "
        "(default: event_type, event_code, classifier, event_time, location)",
    ),
]


def for_app(app: FastAPI) -> ledger.Ledger:
    """The deployment's ledger, built once from settings and kept on the app."""
    if getattr(app.state, "ledger", None) is None:
        app.state.ledger = configured_ledger(app.state.runtime.settings)
    built = app.state.ledger
    assert isinstance(built, ledger.Ledger)  # noqa: S101 - set just above
    return built


def configured(request: Request) -> ledger.Ledger:
    return for_app(request.app)


class KeyRead(BaseModel):
    origin: str
    vkey: str = Field(description="the verifier key to pass to harbourlink-verify --key (check it out of band)")


class ConsistencyRead(BaseModel):
    first: int
    second: int
    hashes: list[str] = Field(description="base64 RFC 9162 consistency proof")


class ProofRead(BaseModel):
    event_id: str
    leaf_index: int
    tree_size: int
    root_hash: str
    hashes: list[str] = Field(description="base64 RFC 9162 inclusion proof, leaf to root")
    entry: str = Field(description="base64 ledger entry (salted commitments only)")
    checkpoint: str = Field(description="the signed checkpoint (C2SP signed note) with cosignatures")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


@router.get(
    "/checkpoint",
    response_class=PlainTextResponse,
    summary="The newest checkpoint (C2SP signed note)",
    dependencies=[public()],
)
def checkpoint(request: Request, session: DbSession) -> PlainTextResponse:
    return PlainTextResponse(ledger.get_checkpoint(session, configured(request)))


@router.get("/key", response_model=KeyRead, summary="The log's origin and verifier key", dependencies=[public()])
def key(request: Request) -> KeyRead:
    current = configured(request)
    return KeyRead(origin=current.signer.name, vkey=current.vkey)


@router.get(
    "/consistency",
    response_model=ConsistencyRead,
    summary="Consistency proof between two tree sizes",
    dependencies=[public()],
)
def consistency(
    request: Request,
    session: DbSession,
    first: Annotated[int, Query(ge=0, le=BIGINT_MAX)],
    second: Annotated[int, Query(ge=0, le=BIGINT_MAX)],
) -> ConsistencyRead:
    hashes = ledger.get_consistency(session, configured(request), first=first, second=second)
    return ConsistencyRead(first=first, second=second, hashes=[_b64(h) for h in hashes])


ReferenceQuery = Annotated[
    str | None,
    Query(
        max_length=60,
        description="the number the caller tracks the event by (as in /api/v1/track/{reference}): "
        "then the event is visible exactly when that timeline shows it, as for events shared with anyone holding "
        "the number; without it, only the caller's own events and those shared with its company",
    ),
]


@router.get("/events/{event_id}/proof", response_model=ProofRead, summary="Inclusion proof of an event")
def event_proof(
    event_id: str, request: Request, actor: CurrentActor, session: DbSession, reference: ReferenceQuery = None
) -> ProofRead:
    proof = ledger.proof_of_event(session, actor, configured(request), event_id=event_id, reference=reference)
    return ProofRead(
        event_id=proof.event_id,
        leaf_index=proof.leaf_index,
        tree_size=proof.tree_size,
        root_hash=_b64(proof.root_hash),
        hashes=[_b64(h) for h in proof.hashes],
        entry=_b64(proof.entry),
        checkpoint=proof.checkpoint,
    )


def _download(data: bytes, name: str) -> Response:
    return Response(
        data,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}.harbourlink-proof.json"'},
    )


@router.get(
    "/events/{event_id}/bundle",
    summary="Proof bundle of an event, disclosing only the chosen fields",
    responses={200: {"content": {"application/json": {}}, "description": "check with harbourlink-verify"}},
)
def event_bundle(
    event_id: str,
    request: Request,
    actor: CurrentActor,
    session: DbSession,
    *,
    fields: FieldsQuery = None,
    reference: ReferenceQuery = None,
) -> Response:
    data = ledger.bundle_of_event(
        session, actor, configured(request), event_id=event_id, reference=reference, fields=fields
    )
    return _download(data, event_id)


@router.get(
    "/shipments/{reference}/bundle",
    summary="Proof bundle of every logged event about a shipment number",
    responses={200: {"content": {"application/json": {}}, "description": "check with harbourlink-verify"}},
)
def shipment_bundle(
    reference: str, request: Request, actor: CurrentActor, session: DbSession, fields: FieldsQuery = None
) -> Response:
    data = ledger.get_shipment_bundle(session, actor, configured(request), reference=reference, fields=fields)
    return _download(data, "".join(c for c in reference if c.isalnum())[:60] or "shipment")


class ErasureCreate(BaseModel):
    reason: str = Field(min_length=10, max_length=500, description="why the data is erased; kept in the audit log")


@router.post(
    "/events/{event_id}/erasure",
    status_code=204,
    dependencies=[require_scope(KeyScope.ORG_MANAGE)],
    summary="Erase an event's data; its ledger entry stays and every checkpoint still verifies",
)
def erase_event(event_id: str, body: ErasureCreate, actor: CurrentActor, session: DbSession) -> None:
    """For the data owner's administrators (and the platform operator): the event and its master salt are
    deleted, so nothing about it can be recovered from the entry, which only ever held salted digests."""
    ledger.do_erase(session, actor, event_id=event_id, reason=body.reason)
