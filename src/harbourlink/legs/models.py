"""The table of legs: who nominated whom for which part of a consignment's journey."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from harbourlink.kernel import Base
from harbourlink.kernel.clock import utcnow
from harbourlink.kernel.ids import new_id


class Leg(Base):
    """One party's part of a consignment's journey, nominated by a company that holds the cargo."""

    __tablename__ = "legs"
    __table_args__ = (
        Index("ix_legs_party_status", "party_org_id", "status"),
        Index("ix_legs_nominator_status", "nominated_by_org_id", "status"),
        Index("ix_legs_root", "root_id"),
        Index("ix_legs_reference", "reference", "reference_type"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    root_id: Mapped[str] = mapped_column(String(36))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("legs.id"))
    reference_type: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(40))
    mode: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(10))
    nominated_by_org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    nominated_by_user_id: Mapped[str | None] = mapped_column(String(36))
    party_org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    party_id: Mapped[str | None] = mapped_column(String(36))
    """The party the nomination named on the nominator's data, removed again when the leg ends."""
    window_opens: Mapped[datetime | None]
    window_closes: Mapped[datetime | None]
    destination_name: Mapped[str | None] = mapped_column(String(120))
    destination_latitude: Mapped[float | None] = mapped_column(Float)
    destination_longitude: Mapped[float | None] = mapped_column(Float)
    packages: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(String(500))
    trip_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_user_id: Mapped[str | None] = mapped_column(String(36))
