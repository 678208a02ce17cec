"""Customs queries on consignments: a customs officer asks, the submitter replies, the thread is kept.

Only a customs company (``customs_hk``) raises a query; customs and the consignment's submitter write
in its thread. Each message is told to the other side's live pages (``kernel.live``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from harbourlink import access, events
from harbourlink.kernel import Actor, new_id, utcnow
from harbourlink.road import repository
from harbourlink.road.errors import ConsignmentNotFound, NotCustoms
from harbourlink.road.models import RoadConsignment, RoadQuery, RoadQueryMessage
from harbourlink.road.schemas import QueryMessageRead, QueryRead
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


def _write(session: Session, actor: Actor, thread: Thread, text: str) -> None:
    now = utcnow()
    query = thread.query
    position = len(thread.messages) + 1
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
    _publish(session, actor, thread, text=text.strip(), position=position, at=now)


def _publish(session: Session, actor: Actor, thread: Thread, *, text: str, position: int, at: datetime) -> None:
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
        details={"road_query": query.id, "side": "customs" if customs else "submitter", "text": text[:TEXT_IN_EVENT]},
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


def do_reply(session: Session, actor: Actor, *, query_id: str, text: str) -> Thread:
    """A reply in a query's thread, from the submitter or from customs; the other side is told."""
    check_write(actor)
    _write(session, actor, get_thread(session, actor, query_id=query_id), text)
    return get_thread(session, actor, query_id=query_id)


def get_thread(session: Session, actor: Actor, *, query_id: str) -> Thread:
    """A query and its replies, for customs and for the consignment's submitter."""
    found = repository.query(session, actor, query_id)
    if found is None:
        raise ConsignmentNotFound("no such query", code="query_not_found", data={"query_id": query_id})
    return Thread(found[0], found[1], repository.messages(session, [query_id]))


def list_threads(session: Session, actor: Actor, *, ccrn: str) -> list[Thread]:
    """The queries on a consignment, oldest first, each with its replies."""
    consignment = get_consignment(session, actor, ccrn=ccrn)
    queries = repository.queries_of(session, consignment.ccrn)
    written = repository.messages(session, [q.id for q in queries])
    return [Thread(q, consignment, [m for m in written if m.query_id == q.id]) for q in queries]


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
            )
            for m in thread.messages
        ],
    )
