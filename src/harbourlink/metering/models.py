"""The meter of value-added services: one row per use a company made of a service."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from harbourlink.kernel import Base
from harbourlink.kernel.clock import utcnow


class ServiceUse(Base):
    """A company used a service once (``units`` of its unit); the same ``key`` of a service is counted once."""

    __tablename__ = "service_uses"
    __table_args__ = (
        UniqueConstraint("service", "key", name="uq_service_uses_service_key"),
        Index("ix_service_uses_org_service_time", "org_id", "service", "used_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    service: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(200))
    """What was used, e.g. a declaration sent to one authority: a retried call is not charged twice."""
    units: Mapped[int] = mapped_column(Integer, default=1)
    used_at: Mapped[datetime] = mapped_column(default=utcnow)
