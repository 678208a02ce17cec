"""Two chips, two custodians: each customs authority's seal session on a trip's lock, with its own key and log.

A trip opens two sessions when it is approved, Hong Kong's and the mainland's, each with a random key
sealed at rest under the installation secret (``identity.Sealer``, as TOTP seeds are: decision 0003).
Whatever a segment records (its fixes, custody changes and alarms) is appended to that segment's session
log in the transaction that stores it. Entries are MAC'd under the session's key (``seal``) by the edges
that hold the installation secret, before they commit: the lock listener, the report and trip API, and any
read of the session; an entry written by the watch queue's checks is sealed by the next of these.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbourlink.elock import seal
from harbourlink.elock.domain import Segment
from harbourlink.elock.models import ElockSealSession, ElockSessionEntry, ElockTrip
from harbourlink.identity import Sealer


def open_sessions(session: Session, sealer: Sealer, trip: ElockTrip) -> None:
    for segment, org_id in ((Segment.HK, trip.hk_org_id), (Segment.MAINLAND, trip.mainland_org_id)):
        session.add(
            ElockSealSession(
                trip_id=trip.id,
                segment=segment.value,
                org_id=org_id,
                key_sealed=sealer.seal(seal.new_key()),
                length=0,
                head_mac="",
            )
        )
    session.flush()


def record(session: Session, *, trip_id: str, segment: Segment, kind: str, body: dict[str, Any]) -> None:
    """Appends an entry to the segment's session log (its row locked, so concurrent reports number in turn)."""
    log = session.scalar(
        select(ElockSealSession)
        .where(ElockSealSession.trip_id == trip_id, ElockSealSession.segment == segment.value)
        .with_for_update()
    )
    if log is None:  # a trip approved before sessions existed has none
        return
    session.add(ElockSessionEntry(session_id=log.id, n=log.length, kind=kind, body=body, mac=None))
    log.length += 1
    session.flush()


def key_of(sealer: Sealer, log: ElockSealSession) -> str:
    key = sealer.unseal(log.key_sealed)
    if key is None:
        raise RuntimeError(f"seal session {log.id}: its key does not open under this installation's secret")
    return key


def seal_log(session: Session, sealer: Sealer, *, trip_id: str) -> int:
    """MACs the trip's sessions' entries not sealed yet, in order; returns how many."""
    sealed = 0
    logs = session.scalars(select(ElockSealSession).where(ElockSealSession.trip_id == trip_id).with_for_update())
    for log in logs:
        pending = list(
            session.scalars(
                select(ElockSessionEntry)
                .where(ElockSessionEntry.session_id == log.id, ElockSessionEntry.mac.is_(None))
                .order_by(ElockSessionEntry.n)
            )
        )
        if not pending:
            continue
        key = key_of(sealer, log)
        for entry in pending:
            entry.mac = seal.mac_of(key, n=entry.n, previous=log.head_mac, body=entry.body)
            log.head_mac = entry.mac
        sealed += len(pending)
    session.flush()
    return sealed
