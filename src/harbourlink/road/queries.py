"""Customs queries on consignments: a customs officer asks, the submitter replies, the thread is kept.

Only a customs company (``customs_hk``) raises a query; customs and the consignment's submitter write
in its thread. Each message is told to the other side's live pages (``kernel.live``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from harbourlink.kernel import Actor, utcnow
from harbourlink.road import repository
from harbourlink.road.errors import ConsignmentNotFound, NotCustoms
from harbourlink.road.models import RoadConsignment, RoadQuery, RoadQueryMessage
from harbourlink.road.schemas import QueryMessageRead, QueryRead
from harbourlink.road.service import check_write, get_consignment


@dataclass(frozen=True)
class Thread:
    query: RoadQuery
    consignment: RoadConsignment
    messages: list[RoadQueryMessage]


def _write(session: Session, actor: Actor, query: RoadQuery, text: str, position: int) -> None:
    session.add(
        RoadQueryMessage(
            query_id=query.id,
            position=position,
            org_id=actor.org_id,
            user_id=actor.user_id,
            text=text.strip(),
            written_at=utcnow(),
        )
    )
    session.flush()


def do_raise_query(session: Session, actor: Actor, *, ccrn: str, text: str) -> Thread:
    """A customs officer's query on a consignment; the submitter is told."""
    check_write(actor)
    consignment = get_consignment(session, actor, ccrn=ccrn)
    if not repository.is_customs(actor):
        raise NotCustoms("only customs raises queries on consignments")
    query = RoadQuery(ccrn=consignment.ccrn, customs_org_id=actor.org_id, raised_at=utcnow())
    session.add(query)
    session.flush()
    _write(session, actor, query, text, 1)
    return get_thread(session, actor, query_id=query.id)


def do_reply(session: Session, actor: Actor, *, query_id: str, text: str) -> Thread:
    """A reply in a query's thread, from the submitter or from customs; the other side is told."""
    check_write(actor)
    thread = get_thread(session, actor, query_id=query_id)
    _write(session, actor, thread.query, text, len(thread.messages) + 1)
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
