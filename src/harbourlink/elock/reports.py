"""Locks that report with a token: by OsmAnd (as trucks' trackers do, issue 9) or by the JSON API.

Either way the report is archived raw and becomes, in the terms the custody and alarm rules already read, an
eSeal ``Sentence``: a position (or none), the lock's state and what made it report. The token is checked
before anything else of the report is read; an unknown token is refused as an unknown device.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from harbourlink.elock import eseal
from harbourlink.elock.schemas import ElockReportIn
from harbourlink.elock.service import JSON_API, OSMAND, Outcome, device_by_token, receive_report
from harbourlink.elock.sessions import seal_log
from harbourlink.identity import Sealer
from harbourlink.kernel import Database, NotFound, utcnow
from harbourlink.trucking import osmand
from harbourlink.trucking.domain import Fix

EVENT_TYPES = {
    "position": eseal.SentenceType.NORMAL,
    "lock": eseal.SentenceType.LOCK,
    "unlock": eseal.SentenceType.RC_UNLOCK,
    "door": eseal.SentenceType.DOOR,
    "shock": eseal.SentenceType.SHOCK,
    "drop": eseal.SentenceType.DROP,
    "startup": eseal.SentenceType.STARTUP,
    "termination": eseal.SentenceType.TERMINATION,
}


def _sentence(
    device_id: str,
    *,
    kind: eseal.SentenceType,
    at: datetime,
    fix: Fix | None,
    door_open: bool,
    battery_v: float,
    index: int,
) -> eseal.Sentence:
    return eseal.Sentence(
        device_id=device_id,
        customer_id="",
        firmware="",
        type=kind,
        index=index,
        at=at,
        interval_s=0,
        fix=fix,
        door_open=door_open,
        acceleration=0.0,
        nfc="",
        battery_v=battery_v,
        rssi=0,
        prefix="",
    )


def sentence_of(device_id: str, report: ElockReportIn) -> eseal.Sentence:
    """A JSON report as the rules read it; without both coordinates it has no fix and keeps only the lock state."""
    fix = None
    if report.lat is not None and report.lon is not None:
        fix = Fix(
            at=report.at,
            latitude=report.lat,
            longitude=report.lon,
            accuracy_m=report.accuracy_m,
            speed_kmh=report.speed_kmh,
            heading=report.heading,
        )
    return _sentence(
        device_id,
        kind=EVENT_TYPES[report.event],
        at=report.at,
        fix=fix,
        door_open=report.lock == "unlocked",
        battery_v=report.battery_v or 0.0,
        index=report.index,
    )


def receive_json(session: Session, *, device_id: str, token: str, raw: bytes, report: ElockReportIn) -> Outcome:
    """One report over the JSON API from the lock the token belongs to (404 for a wrong token or another lock's)."""
    device = device_by_token(session, token) if token else None
    if device is None or device.device_id != device_id:
        raise NotFound("no lock has this id and token", code="unknown_device")
    return receive_report(
        session, peer="api", raw=raw, protocol=JSON_API, device_id=device_id, report=sentence_of(device_id, report)
    )


def receive_osmand(
    db: Database, sealer: Sealer, *, query: str, body: bytes, content_type: str | None
) -> Outcome | None:
    """An OsmAnd report whose id is a lock's token, stored in a transaction of its own with its seal sessions' new
    entries sealed; None when the id is no lock's (a truck's tracker, or nobody's)."""
    try:
        token = osmand.device_id_of(query=query, body=body, content_type=content_type)
    except osmand.OsmandError:
        return None
    with db.transaction() as session:
        outcome = _osmand(session, token=token, query=query, body=body, content_type=content_type)
        if outcome is not None and outcome.trip_id is not None:
            seal_log(session, sealer, trip_id=outcome.trip_id)
        return outcome


def _osmand(session: Session, *, token: str, query: str, body: bytes, content_type: str | None) -> Outcome | None:
    """An OsmAnd lock says where it is, not whether it is locked: its reports are positions."""
    device = device_by_token(session, token)
    if device is None:
        return None
    raw = body if not query else query.encode() + (b"\n" + body if body else b"")
    try:
        parsed = osmand.parse(query=query, body=body, content_type=content_type, received_at=utcnow())
    except osmand.OsmandError as bad:
        return receive_report(
            session, peer="osmand", raw=raw, protocol=OSMAND, device_id=device.device_id, report=str(bad)
        )
    sentence = _sentence(
        device.device_id,
        kind=eseal.SentenceType.NORMAL,
        at=parsed.fix.at,
        fix=parsed.fix,
        door_open=False,
        battery_v=0.0,
        index=0,
    )
    return receive_report(session, peer="osmand", raw=raw, protocol=OSMAND, device_id=device.device_id, report=sentence)
