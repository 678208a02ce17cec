"""Appending to the event store (idempotently, in bulk) and reading it under an access scope."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from psycopg.types.json import Json
from sqlalchemy import ColumnElement, Row, Select, exists, func, or_, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import NamedFromClause

from harbourlink.access import AccessScope, bound_viewer, visibility_clause, visibility_template
from harbourlink.events.domain import (
    COMPARED_FIELDS,
    EARLIER_ITEM,
    STORED_FROM_ELSEWHERE,
    STORED_FROM_MESSAGE,
    EventDraft,
    conflict_message,
    content_of,
    differing_fields,
    place_of,
)
from harbourlink.events.models import Event, EventReference
from harbourlink.kernel import new_id, utcnow
from harbourlink.kernel.bulk import copy_then_insert
from harbourlink.kernel.phrases import Wording

# Values per IN list: PostgreSQL takes at most 65,535 bind parameters a statement, SQLite 32,766.
IN_CHUNK = 10_000


@dataclass(frozen=True)
class Conflict:
    """A draft whose source key was already used for an event with other content: an item error."""

    position: int
    place: Wording
    problem: Wording


@dataclass(frozen=True)
class AppendResult:
    """Which drafts became new events (by position in the batch), how many were already stored as
    they are, and which came again with other content (``conflicts``, one item error each)."""

    accepted: list[int]
    duplicates: int
    event_ids: list[str]
    conflicts: list[Conflict] = field(default_factory=list)


def append_events(
    session: Session, *, owner_org_id: str, message_id: str | None, drafts: Sequence[EventDraft]
) -> AppendResult:
    """Stores new events; a draft whose source key this owner already sent is a duplicate when its
    content is the same, a conflict (naming the fields that differ) when it is not."""
    received = utcnow()
    first: dict[str, int] = {}
    conflicts: list[Conflict] = []
    for position, draft in enumerate(drafts):
        earlier = first.setdefault(draft.source_key, position)
        if earlier != position and not draft.key_from_content:
            names = differing_fields(content_of(draft), content_of(drafts[earlier]))
            if names:
                where = EARLIER_ITEM(place=place_of(drafts[earlier], earlier))
                conflicts.append(
                    Conflict(position, place_of(draft, position), conflict_message(names, with_what=where))
                )
    rows = [_row(drafts[position], owner_org_id, message_id, received) for position in first.values()]
    if not rows:
        return AppendResult([], len(drafts), [])
    insert = _copy_then_insert if session.get_bind().dialect.name == "postgresql" else _insert_many
    inserted = insert(session, rows)
    references = [
        (reference.kind, reference.value, seq)
        for seq, source_key, _ in inserted
        for reference in set(drafts[first[source_key]].references)
    ]
    _insert_references(session, references)
    accepted = sorted(first[source_key] for _, source_key, _ in inserted)
    by_key = {source_key: event_id for _, source_key, event_id in inserted}
    conflicts += _conflicts_with_stored(
        session,
        owner_org_id,
        drafts,
        {key: p for key, p in first.items() if key not in by_key and not drafts[p].key_from_content},
    )
    return AppendResult(
        accepted=accepted,
        duplicates=len(drafts) - len(accepted) - len(conflicts),
        event_ids=[by_key[drafts[p].source_key] for p in accepted],
        conflicts=sorted(conflicts, key=lambda c: c.position),
    )


def _conflicts_with_stored(
    session: Session, owner_org_id: str, drafts: Sequence[EventDraft], already: dict[str, int]
) -> list[Conflict]:
    """The drafts whose source key this owner used before for an event with other content."""
    found: list[Conflict] = []
    keys = list(already)
    for start in range(0, len(keys), IN_CHUNK):
        stored = list(
            session.scalars(
                select(Event).where(
                    Event.owner_org_id == owner_org_id, Event.source_key.in_(keys[start : start + IN_CHUNK])
                )
            )
        )
        references = references_of(session, [event.seq for event in stored])
        for event in stored:
            position = already[event.source_key]
            old = {name: getattr(event, name) for name in COMPARED_FIELDS}
            old["references"] = sorted(set(references[event.seq]))
            old["details"] = event.details
            names = differing_fields(content_of(drafts[position]), old)
            if names:
                source = STORED_FROM_MESSAGE(message=event.message_id) if event.message_id else STORED_FROM_ELSEWHERE()
                found.append(
                    Conflict(position, place_of(drafts[position], position), conflict_message(names, with_what=source))
                )
    return found


def _insert_many(session: Session, rows: list[tuple[Any, ...]]) -> list[tuple[int, str, str]]:
    statement = sqlite.insert(Event).on_conflict_do_nothing()
    result = session.execute(
        statement.returning(Event.seq, Event.source_key, Event.id),
        [dict(zip(ROW_COLUMNS, row, strict=True)) for row in rows],
    )
    return [(seq, key, event_id) for seq, key, event_id in result]


def _copy_then_insert(session: Session, rows: list[tuple[Any, ...]]) -> list[tuple[int, str, str]]:
    """PostgreSQL: COPY into a staging table, then one INSERT … ON CONFLICT DO NOTHING on the owner's source
    key: COPY is the fastest way rows enter PostgreSQL, and one statement keeps the store idempotent."""
    inserted = copy_then_insert(
        session,
        "events",
        ROW_COLUMNS,
        ((*row[:-1], Json(row[-1])) for row in rows),
        returning=("seq", "source_key", "id"),
        conflict_target="(owner_org_id, source_key)",
    )
    return [(seq, key, event_id) for seq, key, event_id in inserted]


def _insert_references(session: Session, references: list[tuple[str, str, int]]) -> None:
    if not references:
        return
    if session.get_bind().dialect.name == "postgresql":
        raw = session.connection().connection.driver_connection
        assert raw is not None  # noqa: S101 - a live connection of this session
        with raw.cursor() as cursor, cursor.copy("COPY event_references (kind, value, event_seq) FROM STDIN") as copy:
            for reference in references:
                copy.write_row(reference)
        return
    session.execute(
        sqlite.insert(EventReference).on_conflict_do_nothing(),
        [{"kind": kind, "value": value, "event_seq": seq} for kind, value, seq in references],
    )


ROW_COLUMNS = (
    "id",
    "owner_org_id",
    "message_id",
    "source_key",
    "event_type",
    "event_code",
    "classifier",
    "event_time",
    "created_time",
    "received_at",
    "location",
    "facility",
    "vessel_imo",
    "vessel_name",
    "voyage",
    "mode_of_transport",
    "details",
)
"""The columns of a new event's row as ``_row`` builds it: a tuple, not a dict per event, and ``details``
last, as COPY wraps it as JSON."""


def _row(draft: EventDraft, owner_org_id: str, message_id: str | None, received: datetime) -> tuple[Any, ...]:
    return (
        new_id(),
        owner_org_id,
        message_id,
        draft.source_key,
        draft.event_type.value,
        draft.event_code,
        draft.classifier.value,
        draft.event_time,
        draft.created_time,
        received,
        draft.location,
        draft.facility,
        draft.vessel_imo,
        draft.vessel_name,
        draft.voyage,
        draft.mode_of_transport,
        draft.details,
    )


def visible(scope: AccessScope, *, now: datetime | None = None) -> ColumnElement[bool]:
    """WHERE clause: the event is the caller's own, or one of its references is shared with the caller."""
    moment = now or utcnow()
    shared = exists(
        select(EventReference.event_seq)
        .where(
            EventReference.event_seq == Event.seq,
            visibility_clause(
                scope,
                owner=Event.owner_org_id,
                reference_type=EventReference.kind,
                reference=EventReference.value,
                now=moment,
            ),
        )
        .correlate_except(EventReference)
    )
    return or_(Event.owner_org_id == scope.org_id, shared)


def visible_template(held: NamedFromClause) -> ColumnElement[bool]:
    """``visible`` for a statement built once (``access.visibility_template``): the caller is bound
    through ``access.scope_parameters`` and the references it presented are the rows of ``held``."""
    shared = exists(
        select(EventReference.event_seq)
        .where(
            EventReference.event_seq == Event.seq,
            visibility_template(
                owner=Event.owner_org_id, reference_type=EventReference.kind, reference=EventReference.value, held=held
            ),
        )
        .correlate_except(EventReference)
    )
    return or_(Event.owner_org_id == bound_viewer(), shared)


def about(kind: str, values: Sequence[str] | Select[Any]) -> ColumnElement[bool]:
    """WHERE clause: the event names one of these references of this kind (a list, or a query of values)."""
    return exists(
        select(EventReference.event_seq)
        .where(
            EventReference.event_seq == Event.seq,
            EventReference.kind == kind,
            EventReference.value.in_(values),
        )
        .correlate_except(EventReference)
    )


def select_visible(scope: AccessScope, *criteria: ColumnElement[bool]) -> Select[Event]:
    """Events visible to ``scope`` that meet every criterion, in store order."""
    return select(Event).where(visible(scope), *criteria).order_by(Event.seq)


def list_events(
    session: Session, scope: AccessScope, *criteria: ColumnElement[bool], after_seq: int = 0, limit: int = 1000
) -> list[Event]:
    """A page of visible events after a cursor position."""
    query = select_visible(scope, Event.seq > after_seq, *criteria).limit(limit)
    return list(session.scalars(query))


def visible_with_references(
    session: Session, scope: AccessScope, *criteria: ColumnElement[bool]
) -> tuple[list[Row[Any]], dict[int, list[tuple[str, str]]]]:
    """``select_visible`` as plain rows (no ORM objects: a rule may read tens of thousands), with the
    references of each, in two queries however many match."""
    rows = list(session.execute(select(Event.__table__).where(visible(scope), *criteria).order_by(Event.seq)))
    references: dict[int, list[tuple[str, str]]] = {row.seq: [] for row in rows}
    if not rows:
        return rows, references
    matching = select(Event.seq).where(visible(scope), *criteria).correlate(None)
    for seq, kind, value in session.execute(
        select(EventReference.event_seq, EventReference.kind, EventReference.value).where(
            EventReference.event_seq.in_(matching)
        )
    ):
        if seq in references:  # an event stored between the two reads is left for the next evaluation
            references[seq].append((kind, value))
    return rows, references


def references_of(session: Session, event_seqs: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
    """The references of each of these events."""
    result: dict[int, list[tuple[str, str]]] = {seq: [] for seq in event_seqs}
    for start in range(0, len(event_seqs), IN_CHUNK):
        rows = session.execute(
            select(EventReference.event_seq, EventReference.kind, EventReference.value).where(
                EventReference.event_seq.in_(list(event_seqs[start : start + IN_CHUNK]))
            )
        )
        for seq, kind, value in rows:
            result[seq].append((kind, value))
    return result


def count_events(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Event)) or 0
