"""Tables of the declarations service, created by its own migrations (``declarations/migrations``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from harbourlink.kernel import Base
from harbourlink.kernel.clock import utcnow
from harbourlink.kernel.ids import new_id


class TradeDocument(Base):
    """An uploaded commercial invoice or packing list, kept as its parsed goods lines."""

    __tablename__ = "trade_documents"
    __table_args__ = (Index("ix_trade_documents_lookup", "org_id", "reference", "kind", "uploaded_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    reference: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(200))
    lines: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Declaration(Base):
    """One declaration to one authority; those made together from one B/L share a ``batch_id`` and are checked
    against each other."""

    __tablename__ = "declarations"
    __table_args__ = (Index("ix_declarations_org_reference", "org_id", "reference"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    batch_id: Mapped[str] = mapped_column(String(36), index=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    """The declarant."""
    reference_type: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(40))
    authority: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(16))
    fields: Mapped[dict[str, str | None]] = mapped_column(JSON)
    sources: Mapped[dict[str, str]] = mapped_column(JSON)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    shared_with: Mapped[list[str]] = mapped_column(JSON, default=list)
    message: Mapped[str | None] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    official_number: Mapped[str | None] = mapped_column(String(40), index=True)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    submissions: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    submitted_by: Mapped[str | None] = mapped_column(String(36))
    answered_at: Mapped[datetime | None]
