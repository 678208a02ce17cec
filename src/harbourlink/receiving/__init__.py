"""Receiving: a consignment's QR code, and the warehouse's receipt that ends its trip.

::

    a company that sees the cargo ── issue_token ──▶ ConsignmentToken (random id, expiry, revocable)
         │                                                   │  the QR code carries sign_token(id), never the number
         ▼                                                   ▼
    label (PDF) / the driver's app ── scanned ──▶ /c/{token}: the page that fits the scanner
                                                             │
    warehouse ── do_receipt (token or number, count, condition, note, photos) ──▶ Receipt
         ├── a GTIN event of the warehouse, through the event seam (alerts: short or damaged)
         ├── shared with the consignment's parties
         └── the running trips carrying it end

A token opens its consignment only while it is unexpired and unrevoked (``open_token``); what the
page then shows is what the scanner's company may see, by the access rules of the cargo.
"""

from harbourlink.receiving.domain import (
    MAX_NOTE,
    MAX_PHOTO_BYTES,
    MAX_PHOTOS,
    TOKEN_LIFETIME,
    Condition,
    consignment_url,
    discrepancy,
)
from harbourlink.receiving.errors import InvalidPhoto, NotAWarehouse, TokenNotValid
from harbourlink.receiving.label import render_label
from harbourlink.receiving.models import ConsignmentToken, Receipt, ReceiptPhoto
from harbourlink.receiving.schemas import QrCreate, QrRead, ReceiptCreate, ReceiptRead, RevokedRead
from harbourlink.receiving.service import (
    Issued,
    Photo,
    Received,
    describe,
    do_receipt,
    is_warehouse,
    issue_token,
    label_token,
    open_token,
    receipt_photo,
    revoke_tokens,
)

__all__ = [
    "MAX_NOTE",
    "MAX_PHOTOS",
    "MAX_PHOTO_BYTES",
    "TOKEN_LIFETIME",
    "Condition",
    "ConsignmentToken",
    "InvalidPhoto",
    "Issued",
    "NotAWarehouse",
    "Photo",
    "QrCreate",
    "QrRead",
    "Receipt",
    "ReceiptCreate",
    "ReceiptPhoto",
    "ReceiptRead",
    "Received",
    "RevokedRead",
    "TokenNotValid",
    "consignment_url",
    "describe",
    "discrepancy",
    "do_receipt",
    "is_warehouse",
    "issue_token",
    "label_token",
    "open_token",
    "receipt_photo",
    "render_label",
    "revoke_tokens",
]
