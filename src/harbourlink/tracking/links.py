"""Linking House B/Ls to their Master B/L (R-TRK-1).

Carriers track only the Master B/L; a shipper or consignee often holds only the forwarder's
House B/L. The forwarder, who holds both, links them. A link is the linking company's data about
the House B/L: whoever that company shared the House B/L with may follow it to the Master B/L,
and then sees the Master-level events their owners share with holders of that Master B/L.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from io import StringIO

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, exists, literal, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from harbourlink import access, events
from harbourlink.access import AccessScope
from harbourlink.identity import KeyScope
from harbourlink.kernel import Actor, Base, Forbidden, HarbourLinkError, NotFound, ValidationFailed, new_id, utcnow
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
    _check_write(actor)
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


def _check_write(actor: Actor) -> None:
    if not actor.has_scope(KeyScope.CARGO_WRITE):
        raise Forbidden("this API key lacks the cargo:write scope", code="missing_scope",
                        data={"scope": KeyScope.CARGO_WRITE.value})


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




def get_link(session: Session, actor: Actor, *, link_id: str) -> BillOfLadingLink:
    """One link the caller's company made; any other answers not found."""
    link = session.get(BillOfLadingLink, link_id)
    if link is None or link.owner_org_id != actor.org_id:
        raise NotFound("no such link", data={"link_id": link_id})
    return link


def unlink_bills(session: Session, actor: Actor, *, link_id: str) -> None:
    """Removes one of the company's links: its House B/L's holders no longer follow it to the Master B/L."""
    _check_write(actor)
    session.delete(get_link(session, actor, link_id=link_id))
    session.flush()


MAX_IMPORT_ROWS = 5000
HEADER_WORDS = frozenset({"master_bl", "mbl", "master", "house_bl", "hbl", "house"})


@dataclass
class RowError:
    """A row that was not linked: its line in the file, and why."""

    row: int
    error: HarbourLinkError


@dataclass
class LinkImport:
    """What a file of pairs did: the links (new or already there) and each row that failed."""

    links: list[BillOfLadingLink] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _name(cell: str) -> str:
    return cell.strip().lower().replace(" ", "_").replace("/", "")


def _header(cells: list[str]) -> tuple[int, int] | None:
    """Which column holds which number when the row is a header (``master_bl,house_bl`` in either order)."""
    names = [_name(cell) for cell in cells]
    if not HEADER_WORDS & set(names):
        return None
    master = next((i for i, n in enumerate(names) if n in ("master_bl", "mbl", "master")), 0)
    house = next((i for i, n in enumerate(names) if n in ("house_bl", "hbl", "house")), 1)
    return master, house


def _numbered_rows(text: str, outcome: LinkImport) -> Iterator[tuple[int, list[str]]]:
    """Each row with its line in the file (blank lines counted, as an editor shows it), until one is
    not CSV (an overlong cell, a stray quote): that line is reported and the rest left unread.

    ``newline=""``: a file from an old Mac (CR alone) or with a CR inside a quoted cell is still CSV.
    """
    rows = csv.reader(StringIO(text, newline=""))
    while True:
        try:
            cells = next(rows)
        except StopIteration:
            return
        except csv.Error as error:
            outcome.errors.append(RowError(rows.line_num, ValidationFailed(
                f"line {rows.line_num} is not CSV: {error}", code="invalid_csv", data={"line": rows.line_num})))
            return
        yield rows.line_num, cells


def import_links(session: Session, actor: Actor, *, text: str) -> LinkImport:
    """Links each row's (Master B/L, House B/L) pair; a bad row is reported by its line and the others are kept.

    An optional header names the columns (``master_bl,house_bl`` in either order; without one the
    Master B/L comes first); blank lines are skipped. Each row runs in its own savepoint, so a
    failing row undoes only itself.
    """
    _check_write(actor)
    outcome = LinkImport()
    master_col, house_col = 0, 1
    for number, cells in _numbered_rows(text, outcome):
        if not any(cell.strip() for cell in cells):
            continue
        header = _header(cells) if number == 1 else None
        if header is not None:
            master_col, house_col = header
            continue
        if number > MAX_IMPORT_ROWS:
            outcome.errors.append(RowError(number, ValidationFailed(
                f"at most {MAX_IMPORT_ROWS} rows per file", code="too_many_rows", data={"limit": MAX_IMPORT_ROWS})))
            break
        master, house = (cells[i].strip() if i < len(cells) else "" for i in (master_col, house_col))
        if not master or not house:
            outcome.errors.append(RowError(number, ValidationFailed(
                "a row holds a Master B/L and a House B/L", code="link_row_incomplete")))
            continue
        try:
            with session.begin_nested():
                outcome.links.append(link_bills(session, actor, master_bl=master, house_bl=house))
        except HarbourLinkError as error:
            outcome.errors.append(RowError(number, error))
    return outcome
