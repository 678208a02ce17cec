"""The raw archive: every inbound message exactly as it arrived, with what became of it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from harbourlink.kernel import Base
from harbourlink.kernel.clock import utcnow
from harbourlink.kernel.ids import new_id


class InboundMessage(Base):
    __tablename__ = "inbound_messages"
    __table_args__ = (
        Index("ix_inbound_messages_sender_status", "sender_org_id", "status", "received_at"),
        Index("ix_inbound_messages_status", "status", "received_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    sender_org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    sender_user_id: Mapped[str | None] = mapped_column(String(36))
    format: Mapped[str] = mapped_column(String(30))
    channel: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str | None] = mapped_column(String(255))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    """Loaded only when read: a list of messages, or a chunk of one being processed, needs none of it."""
    status: Mapped[str] = mapped_column(String(12), default="received")
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    items_total: Mapped[int | None] = mapped_column(Integer)
    """Items the message holds, once read; with ``items_done``, the progress of a large message."""
    items_done: Mapped[int] = mapped_column(Integer, default=0)
    processed_at: Mapped[datetime | None]
    replay_of: Mapped[str | None] = mapped_column(String(36))
    superseded_by: Mapped[str | None] = mapped_column(String(36))
