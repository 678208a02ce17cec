"""Queries of receiving."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from harbourlink import events
from harbourlink.access import AccessScope
from harbourlink.events import Event, EventReference
from harbourlink.receiving.models import ConsignmentToken, Receipt, ReceiptPhoto


def newest_live_token(
    session: Session, *, org_id: str, reference_type: str, reference: str, after: datetime
) -> ConsignmentToken | None:
    """The company's newest unrevoked token for a reference that is good beyond ``after``."""
    return session.scalars(
        select(ConsignmentToken)
        .where(
            ConsignmentToken.org_id == org_id,
            ConsignmentToken.reference_type == reference_type,
            ConsignmentToken.reference == reference,
            ConsignmentToken.revoked_at.is_(None),
            ConsignmentToken.expires_at > after,
        )
        .order_by(ConsignmentToken.created_at.desc())
        .limit(1)
    ).first()


def live_tokens(session: Session, *, org_id: str, reference_type: str, reference: str) -> list[ConsignmentToken]:
    return list(
        session.scalars(
            select(ConsignmentToken).where(
                ConsignmentToken.org_id == org_id,
                ConsignmentToken.reference_type == reference_type,
                ConsignmentToken.reference == reference,
                ConsignmentToken.revoked_at.is_(None),
            )
        )
    )


def _naming(reference_type: str, reference: str) -> Select[int]:
    return select(EventReference.event_seq).where(
        EventReference.kind == reference_type, EventReference.value == reference
    )


def event_owners(session: Session, *, reference_type: str, reference: str) -> set[str]:
    """The companies that published events about a reference."""
    query = select(Event.owner_org_id).where(Event.seq.in_(_naming(reference_type, reference))).distinct()
    return set(session.scalars(query))


def travels_under(session: Session, *, reference_type: str, reference: str) -> set[tuple[str, str]]:
    """The reference and those events name beside it: the B/Ls and booking a container travels under."""
    query = (
        select(EventReference.kind, EventReference.value)
        .where(EventReference.event_seq.in_(_naming(reference_type, reference)))
        .distinct()
    )
    return {(kind, value) for kind, value in session.execute(query)} | {(reference_type, reference)}


def photo_of(session: Session, receipt_id: str, position: int) -> tuple[Receipt, ReceiptPhoto] | None:
    row = session.execute(
        select(Receipt, ReceiptPhoto)
        .join(ReceiptPhoto, ReceiptPhoto.receipt_id == Receipt.id)
        .where(Receipt.id == receipt_id, ReceiptPhoto.position == position)
    ).first()
    return (row[0], row[1]) if row is not None else None


def sees_receipt(session: Session, scope: AccessScope, receipt: Receipt) -> bool:
    """The receipt's event (the warehouse's, keyed by the receipt) is visible to ``scope``."""
    found = select(Event.seq).where(
        Event.owner_org_id == receipt.org_id, Event.source_key == f"receipt:{receipt.id}", events.visible(scope)
    )
    return session.scalar(found.limit(1)) is not None
