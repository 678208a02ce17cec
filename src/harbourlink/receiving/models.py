"""Tables of receiving: the consignment tokens QR codes carry, and the warehouse's receipts with their photos."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from harbourlink.kernel import Base
from harbourlink.kernel.clock import utcnow
from harbourlink.kernel.ids import new_id


class ConsignmentToken(Base):
    """The server's half of a QR code: which consignment a token opens, for how long, and whether it was revoked.

    The token itself (``domain.sign_token``) carries only the random ``id`` and its signature.
    """

    __tablename__ = "consignment_tokens"
    __table_args__ = (Index("ix_consignment_tokens_reference", "org_id", "reference_type", "reference"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    """The company that issued it (printed the label, or whose driver shows it)."""
    reference_type: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(40))
    packages: Mapped[int | None] = mapped_column(Integer)
    """How many packages the consignment should arrive in, when its issuer said."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(36))
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(36))


class Receipt(Base):
    """A warehouse received a consignment: packages counted, their condition and a note."""

    __tablename__ = "receipts"
    __table_args__ = (Index("ix_receipts_reference", "reference_type", "reference"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    reference_type: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(40))
    token_id: Mapped[str | None] = mapped_column(String(32))
    packages: Mapped[int] = mapped_column(Integer)
    expected: Mapped[int | None] = mapped_column(Integer)
    condition: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    received_by: Mapped[str | None] = mapped_column(String(36))


class ReceiptPhoto(Base):
    """A photo taken at receipt, kept with its content type as the bytes showed it."""

    __tablename__ = "receipt_photos"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    receipt_id: Mapped[str] = mapped_column(ForeignKey("receipts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(20))
    data: Mapped[bytes] = mapped_column(LargeBinary)
