"""Linking House B/Ls to their Master B/L (R-TRK-1).

Carriers track only the Master B/L; a shipper or consignee often holds only the forwarder's
House B/L. The forwarder, who holds both, links them. A link is the linking company's data about
the House B/L: whoever that company shared the House B/L with may follow it to the Master B/L,
and then sees the Master-level events their owners share with holders of that Master B/L.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, exists, literal, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from harbourlink import access, events
from harbourlink.access import AccessScope
from harbourlink.identity import KeyScope
from harbourlink.kernel import Actor, Base, Forbidden, NotFound, ValidationFailed, new_id, utcnow
from harbourlink.references import ReferenceType, normalise_reference


class BillOfLadingLink(Base):
    __tablename__ = "bl_links"
    __table_args__ = (UniqueConstraint("owner_org_id", "house_bl", "master_bl"),
                      Index("ix_bl_links_house", "house_bl"), Index("ix_bl_links_master", "master_bl"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    owner_org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    master_bl: Mapped[str] = mapped_column(String(40))
    house_bl: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(36))


def link_bills(session: Session, actor: Actor, *, master_bl: str, house_bl: str) -> BillOfLadingLink:
    """Links a House B/L to its Master B/L; linking the same pair again returns the existing link.

    The company must be entitled to both numbers: it issued the House B/L (it is its own data)
    and it sees the Master B/L's data holding its number: as its owner, as a company the owner
    shared it with, or because the owner shares it with anyone who holds the number.
    """
    if not actor.has_scope(KeyScope.CARGO_WRITE):
        raise Forbidden("this API key lacks the cargo:write scope", code="missing_scope",
                        data={"scope": KeyScope.CARGO_WRITE.value})
    master = normalise_reference(ReferenceType.MBL, master_bl)
    house = normalise_reference(ReferenceType.HBL, house_bl)
    if master == house:
        raise ValidationFailed("a House B/L cannot be its own Master B/L", code="invalid_link",
                               data={"field": "house_bl"})
    if not _sees_master(session, actor, master):
        raise NotFound(f"no data about Master B/L {master} is shared with your company or with anyone holding the "
                       "number", code="master_bl_not_visible", data={"field": "master_bl", "value": master})
    existing = session.scalars(select(BillOfLadingLink).where(
        BillOfLadingLink.owner_org_id == actor.org_id, BillOfLadingLink.master_bl == master,
        BillOfLadingLink.house_bl == house)).first()
    if existing is not None:
        return existing
    link = BillOfLadingLink(owner_org_id=actor.org_id, master_bl=master, house_bl=house, created_by=actor.user_id)
    session.add(link)
    session.flush()
    return link


def _sees_master(session: Session, actor: Actor, master: str) -> bool:
    """Entitled to a Master B/L: the company, holding the number, sees some of its events.

    An owner who shares the Master B/L with anyone holding the number (a carrier's public
    tracking) lets a link expose nothing the number itself does not: whoever follows the link
    to it holds the number too. A Master B/L shared only with named companies still needs the
    company to be one of them; holding the number is then no entitlement.
    """
    scope = access.scope_for(actor).holding(ReferenceType.MBL.value, master)
    query = select(exists().where(events.visible(scope), events.about(ReferenceType.MBL.value, [master])))
    return bool(session.scalar(query))


def links_from_house(session: Session, scope: AccessScope, house_bl: str) -> list[BillOfLadingLink]:
    """The links from a House B/L that the caller may see (their owner shared the House B/L)."""
    clause = access.visibility_clause(scope, owner=BillOfLadingLink.owner_org_id,
                                      reference_type=literal(ReferenceType.HBL.value),
                                      reference=BillOfLadingLink.house_bl, now=utcnow())
    return list(session.scalars(select(BillOfLadingLink).where(BillOfLadingLink.house_bl == house_bl, clause)
                                .order_by(BillOfLadingLink.master_bl)))


def masters_of(session: Session, scope: AccessScope, house_bl: str) -> list[str]:
    """The Master B/Ls a House B/L is linked to, by links the caller may see."""
    return sorted({link.master_bl for link in links_from_house(session, scope, house_bl)})


def houses_of(session: Session, scope: AccessScope, master_bl: str) -> list[str]:
    """The House B/Ls linked to a Master B/L that the caller may see."""
    clause = access.visibility_clause(scope, owner=BillOfLadingLink.owner_org_id,
                                      reference_type=literal(ReferenceType.HBL.value),
                                      reference=BillOfLadingLink.house_bl, now=utcnow())
    return sorted(set(session.scalars(select(BillOfLadingLink.house_bl)
                                      .where(BillOfLadingLink.master_bl == master_bl, clause))))


def list_links(session: Session, actor: Actor) -> list[BillOfLadingLink]:
    """The links the caller's company made."""
    return list(session.scalars(select(BillOfLadingLink).where(BillOfLadingLink.owner_org_id == actor.org_id)
                                .order_by(BillOfLadingLink.created_at.desc())))


