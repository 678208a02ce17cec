"""Linking House B/Ls to their Master B/L (R-TRK-1), and house air waybills to their master air waybill (R-MM-3).

Carriers track only the Master B/L; a shipper or consignee often holds only the forwarder's
House B/L. The forwarder, who holds both, links them. A link is the linking company's data about
the House B/L: whoever that company shared the House B/L with may follow it to the Master B/L,
and then sees the Master-level events their owners share with holders of that Master B/L.

Air cargo works the same way: airlines report on the master air waybill, a forwarder issues
house air waybills under it. A link's ``kind`` says which: ``BL`` (House B/L → Master B/L) or
``AWB`` (house air waybill, ``HAWB`` → master air waybill, ``AWB``, checked by its mod-7 digit).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from io import StringIO

from sqlalchemy import ColumnElement, ForeignKey, Index, String, UniqueConstraint, case, exists, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from harbourlink import access, events
from harbourlink.access import AccessScope
from harbourlink.identity import KeyScope
from harbourlink.kernel import Actor, Base, Forbidden, HarbourLinkError, NotFound, ValidationFailed, new_id, utcnow
from harbourlink.references import ReferenceType, normalise_reference, validate_reference

KINDS = ("BL", "AWB")
"""``BL``: a House B/L to a Master B/L; ``AWB``: a house air waybill to a master air waybill."""
HOUSE_TYPE = {"BL": ReferenceType.HBL, "AWB": ReferenceType.HAWB}
MASTER_TYPE = {"BL": ReferenceType.MBL, "AWB": ReferenceType.AWB}


class BillOfLadingLink(Base):
    __tablename__ = "bl_links"
    __table_args__ = (
        UniqueConstraint("owner_org_id", "house_bl", "master_bl"),
        Index("ix_bl_links_house", "house_bl"),
        Index("ix_bl_links_master", "master_bl"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    owner_org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    master_bl: Mapped[str] = mapped_column(String(40))
    house_bl: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(8), default="BL", server_default="BL")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(36))


def house_type(kind: ColumnElement[str] | Mapped[str]) -> ColumnElement[str]:
    """The reference kind of a link's house number, in SQL: ``HBL`` or ``HAWB``."""
    return case((kind == "AWB", ReferenceType.HAWB.value), else_=ReferenceType.HBL.value)


def master_type(kind: ColumnElement[str] | Mapped[str]) -> ColumnElement[str]:
    """The reference kind of a link's master number, in SQL: ``MBL`` or ``AWB``."""
    return case((kind == "AWB", ReferenceType.AWB.value), else_=ReferenceType.MBL.value)


def _numbers(kind: str, master_bl: str, house_bl: str) -> tuple[str, str]:
    if kind not in KINDS:
        raise ValidationFailed(
            f"kind {kind!r} is not one of {', '.join(KINDS)}",
            code="invalid_link",
            data={"field": "kind", "allowed": list(KINDS)},
        )
    if kind == "AWB":
        return (
            validate_reference(ReferenceType.AWB, master_bl, field="master_bl"),
            validate_reference(ReferenceType.HAWB, house_bl, field="house_bl"),
        )
    return normalise_reference(ReferenceType.MBL, master_bl), normalise_reference(ReferenceType.HBL, house_bl)


def link_bills(session: Session, actor: Actor, *, master_bl: str, house_bl: str, kind: str = "BL") -> BillOfLadingLink:
    """Links a House B/L to its Master B/L (or, ``kind="AWB"``, a house air waybill to its master air
    waybill); linking the same pair again returns the existing link.

    The company must be entitled to both numbers: it issued the house number (it is its own data)
    and it sees the master number's data holding it: as its owner, as a company the owner
    shared it with, or because the owner shares it with anyone who holds the number.
    """
    _check_write(actor)
    master, house = _numbers(kind, master_bl, house_bl)
    if master == house:
        raise ValidationFailed(
            "a house number cannot be its own master", code="invalid_link", data={"field": "house_bl"}
        )
    if not _sees_master(session, actor, master, MASTER_TYPE[kind]):
        label = "Master B/L" if kind == "BL" else "master air waybill"
        raise NotFound(
            f"no data about {label} {master} is shared with your company or with anyone holding the number",
            code="master_bl_not_visible",
            data={"field": "master_bl", "value": master},
        )
    existing = session.scalars(
        select(BillOfLadingLink).where(
            BillOfLadingLink.owner_org_id == actor.org_id,
            BillOfLadingLink.master_bl == master,
            BillOfLadingLink.house_bl == house,
        )
    ).first()
    if existing is not None:
        return existing
    link = BillOfLadingLink(
        owner_org_id=actor.org_id, master_bl=master, house_bl=house, kind=kind, created_by=actor.user_id
    )
    session.add(link)
    session.flush()
    return link


def _check_write(actor: Actor) -> None:
    if not actor.has_scope(KeyScope.CARGO_WRITE):
        raise Forbidden(
            "this API key lacks the cargo:write scope", code="missing_scope", data={"scope": KeyScope.CARGO_WRITE.value}
        )


def _sees_master(session: Session, actor: Actor, master: str, master_kind: ReferenceType) -> bool:
    """Entitled to a Master B/L: the company, holding the number, sees some of its events.

    An owner who shares the Master B/L with anyone holding the number (a carrier's public
    tracking) lets a link expose nothing the number itself does not: whoever follows the link
    to it holds the number too. A Master B/L shared only with named companies still needs the
    company to be one of them; holding the number is then no entitlement.
    """
    scope = access.scope_for(actor).holding(master_kind.value, master)
    query = select(exists().where(events.visible(scope), events.about(master_kind.value, [master])))
    return bool(session.scalar(query))


def links_from_house(session: Session, scope: AccessScope, house_bl: str) -> list[BillOfLadingLink]:
    """The links from a house number that the caller may see (their owner shared the house number)."""
    clause = access.visibility_clause(
        scope,
        owner=BillOfLadingLink.owner_org_id,
        reference_type=house_type(BillOfLadingLink.kind),
        reference=BillOfLadingLink.house_bl,
        now=utcnow(),
    )
    return list(
        session.scalars(
            select(BillOfLadingLink)
            .where(BillOfLadingLink.house_bl == house_bl, clause)
            .order_by(BillOfLadingLink.master_bl)
        )
    )


def masters_of(session: Session, scope: AccessScope, house_bl: str) -> list[str]:
    """The Master B/Ls a House B/L is linked to, by links the caller may see."""
    return sorted({link.master_bl for link in links_from_house(session, scope, house_bl)})


def houses_of(session: Session, scope: AccessScope, master_bl: str) -> list[str]:
    """The house numbers linked to a master number that the caller may see."""
    clause = access.visibility_clause(
        scope,
        owner=BillOfLadingLink.owner_org_id,
        reference_type=house_type(BillOfLadingLink.kind),
        reference=BillOfLadingLink.house_bl,
        now=utcnow(),
    )
    return sorted(
        set(session.scalars(select(BillOfLadingLink.house_bl).where(BillOfLadingLink.master_bl == master_bl, clause)))
    )


def list_links(session: Session, actor: Actor) -> list[BillOfLadingLink]:
    """The links the caller's company made."""
    return list(
        session.scalars(
            select(BillOfLadingLink)
            .where(BillOfLadingLink.owner_org_id == actor.org_id)
            .order_by(BillOfLadingLink.created_at.desc())
        )
    )


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
HEADER_WORDS = frozenset(
    {"master_bl", "mbl", "master", "house_bl", "hbl", "house", "master_awb", "house_awb", "awb", "hawb", "kind"}
)
MASTER_WORDS = ("master_bl", "mbl", "master", "master_awb", "awb")
HOUSE_WORDS = ("house_bl", "hbl", "house", "house_awb", "hawb")


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


def _header(cells: list[str]) -> tuple[int, int, int | None] | None:
    """Which column holds which number (and the kind, if a column names it) when the row is a header."""
    names = [_name(cell) for cell in cells]
    if not HEADER_WORDS & set(names):
        return None
    master = next((i for i, n in enumerate(names) if n in MASTER_WORDS), 0)
    house = next((i for i, n in enumerate(names) if n in HOUSE_WORDS), 1)
    kind = next((i for i, n in enumerate(names) if n == "kind"), None)
    return master, house, kind


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
            outcome.errors.append(
                RowError(
                    rows.line_num,
                    ValidationFailed(
                        f"line {rows.line_num} is not CSV: {error}", code="invalid_csv", data={"line": rows.line_num}
                    ),
                )
            )
            return
        yield rows.line_num, cells


def import_links(session: Session, actor: Actor, *, text: str, kind: str = "BL") -> LinkImport:
    """Links each row's (master, house) pair; a bad row is reported by its line and the others are kept.

    An optional header names the columns (``master_bl,house_bl`` in either order, or
    ``master_awb,house_awb``; a ``kind`` column gives each row's kind, else ``kind`` applies to
    all; without a header the master number comes first); blank lines are skipped. Each row runs
    in its own savepoint, so a failing row undoes only itself.
    """
    _check_write(actor)
    outcome = LinkImport()
    master_col, house_col, kind_col = 0, 1, None
    for number, cells in _numbered_rows(text, outcome):
        if not any(cell.strip() for cell in cells):
            continue
        header = _header(cells) if number == 1 else None
        if header is not None:
            master_col, house_col, kind_col = header
            if kind_col is None and {"master_awb", "house_awb", "awb", "hawb"} & {_name(c) for c in cells}:
                kind = "AWB"
            continue
        if number > MAX_IMPORT_ROWS:
            outcome.errors.append(
                RowError(
                    number,
                    ValidationFailed(
                        f"at most {MAX_IMPORT_ROWS} rows per file",
                        code="too_many_rows",
                        data={"limit": MAX_IMPORT_ROWS},
                    ),
                )
            )
            break
        master, house = (cells[i].strip() if i < len(cells) else "" for i in (master_col, house_col))
        row_kind = cells[kind_col].strip().upper() if kind_col is not None and kind_col < len(cells) else kind
        if not master or not house:
            outcome.errors.append(
                RowError(
                    number,
                    ValidationFailed("a row holds a master number and a house number", code="link_row_incomplete"),
                )
            )
            continue
        try:
            with session.begin_nested():
                outcome.links.append(
                    link_bills(session, actor, master_bl=master, house_bl=house, kind=row_kind or kind)
                )
        except HarbourLinkError as error:
            outcome.errors.append(RowError(number, error))
    return outcome
