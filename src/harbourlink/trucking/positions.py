"""Receiving truck positions: from the driver's phone (the trip API) and from trackers (OsmAnd).

Every report is kept raw first, in the transaction that stores its positions, with what became
of it (``PositionReport``); a report that failed inside (an internal error) is still archived, in
a transaction of its own, and any report can be replayed, as it was or corrected. Positions are
stored set-based (COPY for a large batch, ``kernel.bulk``) and idempotently: the same track (the
trip, for the phone; the device, for a tracker) and time is stored once, so a phone that sends
its queue again after a lost answer, or a tracker that repeats itself, changes nothing.

A tracker's position belongs to the trip of its vehicle running at the position's time, if any.
Unknown and revoked device ids are refused before anything of the report is read or kept.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from harbourlink.kernel import Actor, Database, HarbourLinkError, NotFound, ValidationFailed, live, new_id, utcnow
from harbourlink.trucking import osmand, repository
from harbourlink.trucking.domain import (
    MPS_TO_KMH,
    Fix,
    Source,
    TripStatus,
    check_fix,
    device_digest,
    outside_trip,
)
from harbourlink.trucking.models import Device, PositionReport, Trip
from harbourlink.trucking.schemas import ItemError, PositionIn, ReportOutcome
from harbourlink.trucking.seam import publish_positions
from harbourlink.trucking.trips import begin, check_write, is_driver, live_subject, own_trip

log = logging.getLogger(__name__)

MAX_POSITIONS = 5000
"""Positions in one trip API report: a phone's whole offline day fits, a report stays one short transaction."""
TRIP, OSMAND = "trip", "osmand"
FAILED_STATUSES = ("rejected", "partial", "failed")


def _errors(found: list[ItemError], *, where: str, problems: list[tuple[str, str]]) -> None:
    found.extend(
        ItemError(location=".".join(part for part in (where, name) if part), message=message)
        for name, message in problems
    )


def read_positions(body: bytes, *, now: datetime) -> tuple[list[tuple[str, Fix]], list[ItemError]]:
    """A trip API body (a JSON array of ``PositionIn``) as fixes, each with its place (``[3]``), and the errors."""
    errors: list[ItemError] = []
    try:
        items = json.loads(body)
    except (ValueError, RecursionError):
        return [], [ItemError(location="body", message="not JSON: send an array of positions")]
    if not isinstance(items, list):
        return [], [ItemError(location="body", message="send an array of positions")]
    if len(items) > MAX_POSITIONS:
        return [], [
            ItemError(location="body", message=f"{len(items)} positions; send at most {MAX_POSITIONS} in one report")
        ]
    fixes: list[tuple[str, Fix]] = []
    for index, item in enumerate(items):
        where = f"[{index}]"
        try:
            given = PositionIn.model_validate(item)
        except ValidationError as invalid:
            _errors(
                errors,
                where=where,
                problems=[(".".join(str(part) for part in e["loc"]), e["msg"]) for e in invalid.errors()],
            )
            continue
        fix = Fix(
            at=given.time.astimezone(UTC),
            latitude=given.lat,
            longitude=given.lon,
            accuracy_m=given.accuracy,
            speed_kmh=None if given.speed is None else given.speed * MPS_TO_KMH,
            heading=given.heading,
        )
        problems = check_fix(fix, now=now)
        if problems:
            _errors(errors, where=where, problems=problems)
        else:
            fixes.append((where, fix))
    return fixes, errors


def _row(
    report: PositionReport, fix: Fix, *, track: str, trip_id: str | None, device_id: str | None, source: Source
) -> tuple[Any, ...]:
    return (
        track,
        fix.at,
        report.org_id,
        trip_id,
        device_id,
        source.value,
        fix.latitude,
        fix.longitude,
        fix.accuracy_m,
        fix.speed_kmh,
        fix.heading,
        fix.altitude_m,
        fix.battery_percent,
        report.id,
        report.received_at,
    )


def _conclude(report: PositionReport, *, accepted: int, duplicates: int, errors: list[ItemError]) -> None:
    report.accepted, report.duplicates = accepted, duplicates
    report.errors = [error.model_dump() for error in errors]
    if errors:
        report.status = "partial" if accepted or duplicates else "rejected"
    else:
        report.status = "accepted" if accepted or not duplicates else "duplicate"


def outcome(report: PositionReport) -> ReportOutcome:
    return ReportOutcome(
        id=report.id,
        status=report.status,
        accepted=report.accepted,
        duplicates=report.duplicates,
        errors=[ItemError.model_validate(error) for error in report.errors or []],
    )


def _trip_report(session: Session, trip: Trip, report: PositionReport) -> None:
    """Stores a trip API report's positions on its trip; a planned trip starts at its first position."""
    fixes, errors = read_positions(report.body, now=utcnow())
    kept: dict[datetime, Fix] = {}
    on_trip = 0
    for where, fix in fixes:
        why = outside_trip(fix.at, started_at=trip.started_at, finished_at=trip.finished_at)
        if why is not None:
            errors.append(ItemError(location=f"{where}.time", message=why))
        else:
            on_trip += 1
            kept.setdefault(fix.at, fix)
    if kept and trip.status == TripStatus.PLANNED.value:
        begin(session, trip, at=min(kept))
    rows = [
        _row(report, fix, track=trip.id, trip_id=trip.id, device_id=None, source=Source.PHONE) for fix in kept.values()
    ]
    stored = repository.insert_positions(session, rows)
    _conclude(report, accepted=len(stored), duplicates=on_trip - len(stored), errors=errors)
    if stored:
        live.announce(session, live_subject(trip.id))
        publish_positions(session, trip_id=trip.id, report_id=report.id)


Parsed = osmand.OsmandReport | osmand.OsmandError
"""A tracker's report as read: its position, or what made it unreadable."""


def _parse(*, query: str, body: bytes, content_type: str | None, received_at: datetime) -> Parsed:
    try:
        return osmand.parse(query=query, body=body, content_type=content_type, received_at=received_at)
    except osmand.OsmandError as unreadable:
        return unreadable


def _device_report(session: Session, device: Device, report: PositionReport, parsed: Parsed, trip: Trip | None) -> None:
    """Stores a tracker's position, on ``trip``: the one its vehicle is on at the position's time, if any."""
    if isinstance(parsed, osmand.OsmandError):
        _conclude(
            report, accepted=0, duplicates=0, errors=[ItemError(location=parsed.location, message=parsed.message)]
        )
        return
    if device_digest(parsed.device_id) != device.digest:
        _conclude(
            report,
            accepted=0,
            duplicates=0,
            errors=[ItemError(location="id", message="the report names another device than the one that sent it")],
        )
        return
    problems = check_fix(parsed.fix, now=utcnow())
    if problems:
        errors: list[ItemError] = []
        _errors(errors, where="", problems=problems)
        _conclude(report, accepted=0, duplicates=0, errors=errors)
        return
    row = _row(
        report,
        parsed.fix,
        track=device.id,
        device_id=device.id,
        trip_id=trip.id if trip else None,
        source=Source.DEVICE,
    )
    stored = repository.insert_positions(session, [row])
    _conclude(report, accepted=len(stored), duplicates=1 - len(stored), errors=[])
    if stored and trip is not None:
        live.announce(session, live_subject(trip.id))
        publish_positions(session, trip_id=trip.id, report_id=report.id)


def _archive(
    session: Session,
    *,
    org_id: str,
    channel: str,
    body: bytes,
    query: str = "",
    content_type: str | None,
    trip_id: str | None = None,
    device_id: str | None = None,
    sender_user_id: str | None = None,
    replay_of: str | None = None,
    add: bool = True,
) -> PositionReport:
    """The report as it arrived. Its id is made here, so its positions can name it before it is written; a
    caller that fills in its outcome first passes ``add=False`` and adds it after (one INSERT, no UPDATE)."""
    report = PositionReport(
        id=new_id(),
        org_id=org_id,
        channel=channel,
        body=body,
        query=query,
        content_type=content_type,
        trip_id=trip_id,
        device_id=device_id,
        sender_user_id=sender_user_id,
        replay_of=replay_of,
        status="received",
        received_at=utcnow(),
        accepted=0,
        duplicates=0,
        errors=[],
    )
    if add:
        session.add(report)
    return report


def _failed(db: Database, keep: Callable[[Session], PositionReport]) -> None:
    """An internal error rolled the report back: keep it raw all the same, marked failed, for a replay."""
    log.exception("storing a position report failed; it is kept as failed")
    with db.transaction() as session:
        report = keep(session)
        report.status = "failed"
        report.errors = [{"location": "report", "message": "internal error while storing; replay it"}]


def receive_trip_positions(
    db: Database, actor: Actor, *, trip_id: str, body: bytes, content_type: str | None
) -> ReportOutcome:
    """Stores a report of the trip's positions (the driver's phone, or the company's system)."""

    def keep(session: Session, *, add: bool = True) -> PositionReport:
        return _archive(
            session,
            org_id=actor.org_id,
            channel=TRIP,
            body=body,
            content_type=content_type,
            trip_id=trip_id,
            sender_user_id=actor.user_id,
            add=add,
        )

    try:
        with db.transaction() as session:
            check_write(actor)
            trip = own_trip(session, actor, trip_id)
            report = keep(session, add=False)
            _trip_report(session, trip, report)
            session.add(report)
            return outcome(report)
    except HarbourLinkError:
        raise
    except Exception:
        _failed(db, keep)
        raise


@dataclass(frozen=True)
class DeviceOutcome:
    """A tracker's report: ``refused`` (``unknown`` or ``revoked``, nothing read or kept), or its outcome."""

    refused: str | None
    report: ReportOutcome | None
    device_prefix: str = ""


SEEN_RESOLUTION = timedelta(minutes=1)
"""A device's last report time is written at most this often: a tracker reporting every second writes no more."""


def receive_osmand(db: Database, *, query: str, body: bytes, content_type: str | None) -> DeviceOutcome:
    """One OsmAnd report: who sent it first; a known, live device's report is archived and its position stored.

    Read before anything is looked up (reading is pure), so the device and the trip its vehicle is on
    at the position's time come in one query: a report costs that query and two inserts.
    """
    try:
        device_id = osmand.device_id_of(query=query, body=body, content_type=content_type)
    except osmand.OsmandError as unreadable:
        raise ValidationFailed(
            unreadable.message, code="invalid_report", data={"location": unreadable.location}
        ) from None
    sender: dict[str, str] = {}

    def keep(session: Session, *, add: bool = True) -> PositionReport:
        return _archive(
            session,
            org_id=sender["org_id"],
            channel=OSMAND,
            body=body,
            query=query,
            content_type=content_type,
            device_id=sender["device"],
            add=add,
        )

    received = utcnow()
    parsed = _parse(query=query, body=body, content_type=content_type, received_at=received)
    try:
        with db.transaction() as session:
            at = None if isinstance(parsed, osmand.OsmandError) else parsed.fix.at
            device, trip = repository.device_and_trip(session, device_digest(device_id), at=at)
            if device is None:
                return DeviceOutcome(refused="unknown", report=None, device_prefix=device_id[:4])
            if device.revoked_at is not None:
                device.refused += 1
                return DeviceOutcome(refused="revoked", report=None, device_prefix=device.prefix)
            sender.update(org_id=device.org_id, device=device.id)
            if device.last_seen_at is None or received - device.last_seen_at >= SEEN_RESOLUTION:
                device.last_seen_at = received
            report = keep(session, add=False)
            report.received_at = received
            _device_report(session, device, report, parsed, trip)
            session.add(report)
            return DeviceOutcome(refused=None, report=outcome(report), device_prefix=device.prefix)
    except HarbourLinkError:
        raise
    except Exception:
        if sender:
            _failed(db, keep)
        raise


def _readable_report(session: Session, actor: Actor, report_id: str) -> PositionReport:
    report = session.get(PositionReport, report_id)
    if report is None or report.org_id != actor.org_id or is_driver(actor):
        raise NotFound("no such report", data={"report_id": report_id})
    return report


def get_report(session: Session, actor: Actor, *, report_id: str) -> PositionReport:
    """One of the company's position reports (not for drivers)."""
    return _readable_report(session, actor, report_id)


def list_reports(
    session: Session, actor: Actor, *, failed_only: bool = False, limit: int = 100
) -> list[PositionReport]:
    """The company's position reports, newest first; ``failed_only``: those with refused positions."""
    if is_driver(actor):
        return []
    return repository.reports_of(session, actor.org_id, failed_only=failed_only, limit=limit)


def replay_report(
    db: Database, actor: Actor, *, report_id: str, corrected: bytes | None = None, content_type: str | None = None
) -> ReportOutcome:
    """Reads a report again, as it was or corrected; the original stays archived. What was stored stays once.

    A correction replaces the whole report: for a tracker's, its body is read as the tracker would
    have sent it with ``content_type`` (the query form's parameters form-encoded, or the JSON form).
    """
    with db.transaction() as session:
        check_write(actor)
        original = _readable_report(session, actor, report_id)
        report = _archive(
            session,
            org_id=original.org_id,
            channel=original.channel,
            query=original.query if corrected is None else "",
            body=original.body if corrected is None else corrected,
            content_type=original.content_type if corrected is None else content_type,
            trip_id=original.trip_id,
            device_id=original.device_id,
            sender_user_id=actor.user_id,
            replay_of=original.id,
            add=False,
        )
        if original.channel == TRIP and original.trip_id is not None:
            _trip_report(session, own_trip(session, actor, original.trip_id), report)
        elif original.device_id is not None:
            device = session.get(Device, original.device_id)
            assert device is not None  # noqa: S101 - devices are never deleted
            parsed = _parse(
                query=report.query, body=report.body, content_type=report.content_type, received_at=report.received_at
            )
            trip = (
                None
                if isinstance(parsed, osmand.OsmandError)
                else repository.running_trip(session, org_id=device.org_id, vehicle=device.vehicle, at=parsed.fix.at)
            )
            _device_report(session, device, report, parsed, trip)
        session.add(report)
        return outcome(report)
