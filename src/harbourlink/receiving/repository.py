"""Queries of receiving."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbourlink.events import Event, EventReference
from harbourlink.receiving.models import ConsignmentToken


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


def event_owners(session: Session, *, reference_type: str, reference: str) -> set[str]:
    """The companies that published events about a reference: the consignment's own parties."""
    query = (
        select(Event.owner_org_id)
        .join(EventReference, EventReference.event_seq == Event.seq)
        .where(EventReference.kind == reference_type, EventReference.value == reference)
        .distinct()
    )
    return set(session.scalars(query))
