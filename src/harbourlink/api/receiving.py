"""Consignments' QR codes and labels, and warehouses' receipts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Request, status
from fastapi.responses import Response

from harbourlink import identity, receiving
from harbourlink.api.context import CurrentActor, DbSession, runtime
from harbourlink.api.errors import ERROR_RESPONSES
from harbourlink.api.scopes import require_scope
from harbourlink.identity import KeyScope

router = APIRouter(
    prefix="/api/v1", tags=["receiving"], responses=ERROR_RESPONSES, dependencies=[require_scope(KeyScope.CARGO_READ)]
)
WRITE = [require_scope(KeyScope.CARGO_WRITE)]


def _key(request: Request) -> str:
    return runtime(request).settings.resolved_secret_key()


def _qr(request: Request, issued: receiving.Issued) -> receiving.QrRead:
    url = receiving.consignment_url(runtime(request).settings.base_url, issued.token)
    return receiving.QrRead(token=issued.token, url=url, expires_at=issued.row.expires_at)


@router.post(
    "/consignments/{reference}/qr",
    response_model=receiving.QrRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=WRITE,
    summary="A new QR token for a consignment: signed, expiring, revocable; it never carries the number",
    description="Any company that sees the cargo may issue one (404 `cargo_not_visible` otherwise). `url` is what "
    "the QR code opens: a warehouse gets the receive form, a driver their trip, any other company what it "
    f"may see of the cargo. Good for {receiving.TOKEN_LIFETIME.days} days unless revoked.",
)
def create_qr(
    reference: str,
    request: Request,
    actor: CurrentActor,
    session: DbSession,
    body: Annotated[receiving.QrCreate | None, Body()] = None,
) -> receiving.QrRead:
    wanted = body or receiving.QrCreate()
    issued = receiving.issue_token(
        session,
        actor,
        key=_key(request),
        reference=reference,
        reference_type=wanted.reference_type,
        packages=wanted.packages,
    )
    return _qr(request, issued)


@router.delete(
    "/consignments/{reference}/qr",
    response_model=receiving.RevokedRead,
    dependencies=WRITE,
    summary="Revoke every QR token the company issued for a consignment: its labels open nothing from now",
)
def revoke_qr(reference: str, actor: CurrentActor, session: DbSession) -> receiving.RevokedRead:
    return receiving.RevokedRead(revoked=receiving.revoke_tokens(session, actor, reference=reference))


@router.get(
    "/consignments/{reference}/label.pdf",
    dependencies=WRITE,
    summary="The consignment's printable label (A6 PDF) with its QR code",
    description="Shows the company's newest QR token with at least half its life left, or issues a new one "
    "(hence the `cargo:write` scope).",
    responses={200: {"content": {"application/pdf": {}}, "description": "the label"}},
    response_class=Response,
)
def label(reference: str, request: Request, actor: CurrentActor, session: DbSession) -> Response:
    issued = receiving.label_token(session, actor, key=_key(request), reference=reference)
    row = issued.row
    pdf = receiving.render_label(
        url=receiving.consignment_url(runtime(request).settings.base_url, issued.token),
        reference_type=row.reference_type,
        reference=row.reference,
        packages=row.packages,
        expires_at=row.expires_at,
        company=identity.get_organisation(session, actor, org_id=actor.org_id).name,
    )
    filename = f"label-{row.reference}.pdf"
    return Response(
        pdf, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{filename}"'}
    )


@router.get(
    "/receipts/{receipt_id}/photos/{position}",
    summary="A photo the warehouse took at receipt (1 to 3), as it was uploaded",
    description="For the warehouse and every company the receipt's event is shown to; 404 for anyone else.",
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}, "description": "the photo"}},
    response_class=Response,
)
def receipt_photo(
    receipt_id: str, position: Annotated[int, Path(ge=1, le=9)], actor: CurrentActor, session: DbSession
) -> Response:
    photo = receiving.receipt_photo(session, actor, receipt_id=receipt_id, position=position)
    # Served as the type its bytes were checked to be, never sniffed, and never run as a page.
    return Response(
        photo.data,
        media_type=photo.content_type,
        headers={
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'",
            "Cache-Control": "private, max-age=3600",
        },
    )


@router.post(
    "/receipts",
    response_model=receiving.ReceiptRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=WRITE,
    summary="A warehouse received a consignment: packages counted, condition, a note",
    description="Name the consignment by the `token` of its QR code, or by its `reference` (which the warehouse "
    "must see). Only a warehouse confirms receipts (403 `not_warehouse`). The receipt is a `GTIN` event of the "
    "warehouse, shared with the consignment's parties and told to their subscriptions; fewer packages than "
    "expected (the label's or the trip's count) or `damaged` raises a `receipt_discrepancy` alert; the running "
    "trips carrying the consignment end. Photos are taken on the receive page (`/receive`).",
)
def create_receipt(
    body: receiving.ReceiptCreate, request: Request, actor: CurrentActor, session: DbSession
) -> receiving.ReceiptRead:
    received = receiving.do_receipt(
        session,
        actor,
        key=_key(request),
        token=body.token,
        reference=body.reference,
        reference_type=body.reference_type,
        packages=body.packages,
        condition=body.condition,
        note=body.note,
    )
    return receiving.describe(received)
