"""Erasing an event's data while its ledger entry stays: the tree never changes, the data is gone.

The entry holds only salted digests of the event's fields, and the salts derive from the event's
master salt. Deleting the master salt and the event leaves a leaf that proves *an* event was
logged and reveals nothing about it: guessing a field means guessing a 256-bit salt. This is how
the log meets a lawful request to delete personal or commercial data (e.g. under the Personal
Data (Privacy) Ordinance) without breaking any checkpoint a bank or witness holds.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from harbourlink import events, identity
from harbourlink.kernel import Actor, NotFound, ValidationFailed
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
