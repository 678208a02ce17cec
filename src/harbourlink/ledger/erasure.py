"""Erasing an event's data while its ledger entry stays: the tree never changes, the data is gone.

The entry holds only salted digests of the event's fields, and the salts derive from the event's
master salt. Deleting the master salt and the event leaves a leaf that proves *an* event was
logged and reveals nothing about it: guessing a field means guessing a 256-bit salt. This is how
the log meets a lawful request to delete personal or commercial data (e.g. under the Personal
Data (Privacy) Ordinance) without breaking any checkpoint a bank or witness holds. Retention of AIS
positions (``operations.partitions``) erases the same way when it drops a month of them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, String, cast, delete, exists, literal, select, update
from sqlalchemy.orm import Session

from harbourlink import events, identity, vessels
from harbourlink.kernel import Actor, NotFound, ValidationFailed
from harbourlink.ledger.entries import POSITION_PREFIX
from harbourlink.ledger.models import LedgerEvent


def do_erase(session: Session, actor: Actor, *, event_id: str, reason: str) -> None:
    """Deletes an event and its master salt; the data owner's administrator or the platform operator may."""
    if len(reason.strip()) < 10:
        raise ValidationFailed(
            "reason: say why the data is erased (at least 10 characters); it is kept in the audit log",
            code="erasure_reason",
            data={"field": "reason"},
        )
    event = session.scalar(select(events.Event).where(events.Event.id == event_id))
    unknown = NotFound("no such event", data={"event_id": event_id})
    if event is None:
        raise unknown
    try:
        identity.check_admin_of(actor, event.owner_org_id)
    except NotFound:  # another company's event answers as an unknown one would: its owner is not named
        raise unknown from None
    link = session.get(LedgerEvent, event_id)
    if link is not None:
        link.salt = None
    session.execute(delete(events.EventReference).where(events.EventReference.event_seq == event.seq))
    session.delete(event)
    identity.record(
        session,
        identity.AuditKind.LEDGER_ERASED,
        org_id=event.owner_org_id,
        actor=actor,
        event_id=event_id,
        logged=link is not None,
        reason=reason.strip(),
    )


def _positions_between(start: datetime, end: datetime) -> Select[str]:
    """The ledger item names of the AIS positions dated in ``[start, end)`` (one partition on PostgreSQL)."""
    position = vessels.VesselPosition
    return select(literal(POSITION_PREFIX) + cast(position.seq, String)).where(position.at >= start, position.at < end)


def positions_unlogged(session: Session, *, start: datetime, end: datetime) -> bool:
    """Whether an AIS position dated in ``[start, end)`` has no ledger entry yet.

    Retention drops such a month only once the ledger's consumer (or ``backfill``) has logged all
    of it: a position dropped while its entry is being built would be committed to, with its salt,
    and the audit would then find it deleted from the store.
    """
    items = _positions_between(start, end).subquery()
    logged = exists().where(LedgerEvent.event_id == items.c[0])
    return bool(session.scalar(select(exists().select_from(items).where(~logged))))


def forget_positions(session: Session, *, start: datetime, end: datetime) -> int:
    """Erases the master salts of the AIS positions dated in ``[start, end)``, whose rows retention is about to
    drop; returns how many. The entries stay, as for an erased event: the audit counts them erased, not deleted."""
    erased = session.execute(
        update(LedgerEvent)
        .where(LedgerEvent.event_id.in_(_positions_between(start, end)), LedgerEvent.salt.is_not(None))
        .values(salt=None)
    )
    return int(getattr(erased, "rowcount", 0) or 0)
