"""Customs queries on consignments: a customs officer asks, the submitter replies, the thread is kept.

Only a customs company (``customs_hk``) raises a query; customs and the consignment's submitter write
in its thread, a reply with up to three files (PDF, JPEG, PNG by their content). Each message is an
event about the CCRN shared with the other side, so both sides' alerts (``road_query_raised``,
``road_query_replied``) tell them. A file is read only by the query's two sides: the customs company
that raised it and the submitter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from harbourlink import access, events
from harbourlink.kernel import Actor, new_id, utcnow
from harbourlink.road import repository
from harbourlink.road.domain import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, attachment_type, clean_filename
from harbourlink.road.errors import (
    ATTACHMENT_TOO_LARGE,
    ATTACHMENT_TYPE_REFUSED,
    TOO_MANY_ATTACHMENTS,
    ConsignmentNotFound,
    InvalidAttachment,
    NotCustoms,
)
from harbourlink.road.models import RoadConsignment, RoadQuery, RoadQueryAttachment, RoadQueryMessage
from harbourlink.road.schemas import AttachmentRead, QueryMessageRead, QueryRead
from harbourlink.road.service import check_write, get_consignment

ASKED_CODE = "REQS"
"""Customs' messages are information requested of the submitter; the submitter's answers are ``SUBM``."""
ANSWERED_CODE = "SUBM"
CCRN_KIND = "CCRN"
TEXT_IN_EVENT = 300


@dataclass(frozen=True)
class Thread:
    query: RoadQuery
    consignment: RoadConsignment
    messages: list[RoadQueryMessage]
    attachments: list[RoadQueryAttachment] = field(default_factory=list)
    """The files' descriptions (their bytes are read only when one is downloaded)."""


@dataclass(frozen=True)
class Upload:
    """A file as it was sent: the name it came with and its bytes."""

    name: str
    data: bytes


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def checked_uploads(uploads: Sequence[Upload]) -> list[tuple[Upload, str]]:
    """Each file with its content type, or the first refusal naming the file and what is wrong with it."""
    if len(uploads) > MAX_ATTACHMENTS:
        raise InvalidAttachment(
            TOO_MANY_ATTACHMENTS(limit=MAX_ATTACHMENTS, count=len(uploads)),
            code="too_many_attachments",
            data={"field": "attachments", "count": len(uploads), "limit": MAX_ATTACHMENTS},
        )
    checked = []
    for number, upload in enumerate(uploads, start=1):
        name = clean_filename(upload.name)
        where = {"field": "attachments", "attachment": number, "name": name}
        if len(upload.data) > MAX_ATTACHMENT_BYTES:
            raise InvalidAttachment(
                ATTACHMENT_TOO_LARGE(
                    number=number, name=name, size=_mib(len(upload.data)), limit=_mib(MAX_ATTACHMENT_BYTES)
                ),
                code="attachment_too_large",
                data={**where, "bytes": len(upload.data), "limit": MAX_ATTACHMENT_BYTES},
            )
        content_type = attachment_type(upload.data)
        if content_type is None:
            raise InvalidAttachment(
                ATTACHMENT_TYPE_REFUSED(number=number, name=name), code="attachment_type_refused", data=where
            )
        checked.append((Upload(name, upload.data), content_type))
    return checked


def _write(session: Session, actor: Actor, thread: Thread, text: str, files: Sequence[tuple[Upload, str]] = ()) -> None:
    now = utcnow()
    query = thread.query
    position = len(thread.messages) + 1
    session.add_all(
        RoadQueryAttachment(
            query_id=query.id,
            position=position,
            filename=upload.name,
            content_type=content_type,
            size=len(upload.data),
            data=upload.data,
        )
        for upload, content_type in files
    )
    session.add(
        RoadQueryMessage(
            query_id=query.id,
            position=position,
            org_id=actor.org_id,
            user_id=actor.user_id,
            text=text.strip(),
            written_at=now,
        )
    )
    session.flush()
    _publish(session, actor, thread, text=text.strip(), position=position, files=len(files), at=now)


def _publish(
    session: Session, actor: Actor, thread: Thread, *, text: str, position: int, files: int, at: datetime
) -> None:
    """The message as an event about the CCRN, shared with the other side, told to every consumer of stored events."""
    query, ccrn = thread.query, thread.query.ccrn
    customs = actor.org_id == query.customs_org_id
    draft = events.EventDraft(
        source_key=f"road-query:{query.id}:{position}",
        event_type=events.EventType.SHIPMENT,
        event_code=ASKED_CODE if customs else ANSWERED_CODE,
        classifier=events.Classifier.ACT,
        event_time=at,
        mode_of_transport="TRUCK",
        references=[events.Reference(CCRN_KIND, ccrn)],
        details={
            "road_query": query.id,
            "position": position,
            "side": "customs" if customs else "submitter",
            "text": text[:TEXT_IN_EVENT],
            "attachments": files,
        },
    )
    message_id = new_id()
    events.append_events(session, owner_org_id=actor.org_id, message_id=message_id, drafts=[draft])
    other_side = {query.customs_org_id, thread.consignment.org_id} - {actor.org_id}
    access.share_with(
        session,
        owner_org_id=actor.org_id,
        reference_type=CCRN_KIND,
        reference=ccrn,
        grantee_org_ids=other_side,
        created_by=actor.user_id,
    )
    events.publish_stored(session, message_id=message_id, owner_org_id=actor.org_id, received_at=at)


def do_raise_query(session: Session, actor: Actor, *, ccrn: str, text: str) -> Thread:
    """A customs officer's query on a consignment; the submitter is told."""
    check_write(actor)
    consignment = get_consignment(session, actor, ccrn=ccrn)
    if not repository.is_customs(actor):
        raise NotCustoms("only customs raises queries on consignments")
    query = RoadQuery(ccrn=consignment.ccrn, customs_org_id=actor.org_id, raised_at=utcnow())
    session.add(query)
    session.flush()
    _write(session, actor, Thread(query, consignment, []), text)
    return get_thread(session, actor, query_id=query.id)


def do_reply(session: Session, actor: Actor, *, query_id: str, text: str, attachments: Sequence[Upload] = ()) -> Thread:
    """A reply in a query's thread, from the submitter or from customs, with files; the other side is told."""
    check_write(actor)
    files = checked_uploads(attachments)
    _write(session, actor, get_thread(session, actor, query_id=query_id), text, files)
    return get_thread(session, actor, query_id=query_id)


def get_thread(session: Session, actor: Actor, *, query_id: str) -> Thread:
    """A query and its replies, for customs and for the consignment's submitter."""
    found = repository.query(session, actor, query_id)
    if found is None:
        raise ConsignmentNotFound("no such query", code="query_not_found", data={"query_id": query_id})
    return Thread(
        found[0], found[1], repository.messages(session, [query_id]), repository.attachments(session, [query_id])
    )


def get_attachment(session: Session, actor: Actor, *, query_id: str, attachment_id: str) -> RoadQueryAttachment:
    """A reply's file, for the query's two sides only (another customs company hears "not found" too)."""
    thread = get_thread(session, actor, query_id=query_id)
    found = repository.attachment(session, query_id, attachment_id)
    if found is None or actor.org_id not in {thread.query.customs_org_id, thread.consignment.org_id}:
        raise ConsignmentNotFound(
            "no such file", code="attachment_not_found", data={"query_id": query_id, "attachment_id": attachment_id}
        )
    return found


def list_threads(session: Session, actor: Actor, *, ccrn: str) -> list[Thread]:
    """The queries on a consignment, oldest first, each with its replies."""
    consignment = get_consignment(session, actor, ccrn=ccrn)
    queries = repository.queries_of(session, consignment.ccrn)
    ids = [q.id for q in queries]
    written, files = repository.messages(session, ids), repository.attachments(session, ids)
    return [
        Thread(q, consignment, [m for m in written if m.query_id == q.id], [f for f in files if f.query_id == q.id])
        for q in queries
    ]


def describe_thread(thread: Thread) -> QueryRead:
    return QueryRead(
        id=thread.query.id,
        ccrn=thread.query.ccrn,
        raised_at=thread.query.raised_at,
        messages=[
            QueryMessageRead(
                position=m.position,
                side="customs" if m.org_id == thread.query.customs_org_id else "submitter",
                text=m.text,
                written_at=m.written_at,
                attachments=[
                    AttachmentRead(
                        id=f.id,
                        filename=f.filename,
                        content_type=f.content_type,
                        size=f.size,
                        url=f"/api/v1/road/queries/{f.query_id}/attachments/{f.id}",
                    )
                    for f in thread.attachments
                    if f.position == m.position
                ],
            )
            for m in thread.messages
        ],
    )
