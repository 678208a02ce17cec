"""Tables of the access domain: grants, named parties, and who viewed whose data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from harbourlink.kernel import Base
from harbourlink.kernel.clock import utcnow
from harbourlink.kernel.ids import new_id


class Grant(Base):
    """An owner's permission for others to see its data about one reference, or a standing rule."""

    __tablename__ = "grants"
    __table_args__ = (
        Index("ix_grants_lookup", "owner_org_id", "reference_type", "reference"),
        Index("ix_grants_grantee", "grantee_org_id"),
        Index("ix_grants_rule", "owner_org_id", "rule"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    owner_org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    reference_type: Mapped[str | None] = mapped_column(String(20))
    reference: Mapped[str | None] = mapped_column(String(40))
    grantee_org_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    anyone_with_reference: Mapped[bool] = mapped_column(Boolean, default=False)
    rule: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(36))
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(36))


class Party(Base):
    """An owner names a company as a party (consignee, forwarder, trucker …) on one of its references."""

    __tablename__ = "parties"
    __table_args__ = (
        Index("ix_parties_lookup", "owner_org_id", "reference_type", "reference", "party_org_id", unique=True),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    owner_org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    reference_type: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(40))
    party_org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    party_role: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AccessLogEntry(Base):
    """Another company (or person of it) viewed the owner's data about a reference."""

    __tablename__ = "access_log"
    __table_args__ = (
        Index("ix_access_log_owner_at", "owner_org_id", "at"),
        Index("ix_access_log_viewer_at", "viewer_org_id", "at"),
        Index("ix_access_log_viewer_reference", "viewer_org_id", "reference", "at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    owner_org_id: Mapped[str] = mapped_column(String(36))
    viewer_org_id: Mapped[str] = mapped_column(String(36))
    viewer_user_id: Mapped[str | None] = mapped_column(String(36))
    reference_type: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(20))


class SharingPolicy(Base):
    """An owner's standing choices about data that follows the trade rather than its grants.

    No row means the defaults: a company's vessel calls (the times and position of a ship's call
    it published) are seen by every company whose cargo is on the call.
    """

    __tablename__ = "sharing_policies"

    owner_org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    vessel_calls_withheld: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(36))
