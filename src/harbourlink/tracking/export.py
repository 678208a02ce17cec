"""Download (R-PLAT-4): a company's own systems pull every event they may see, page by page.

The cursor is the store position of the last event delivered; a system keeps it and asks for
what came after, so it stays in step without missing or repeating events. Only events visible
to the caller through ownership, grants by name or standing rules are exported: "anyone who
presents the reference" grants need the reference presented, which a bulk export does not do.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from harbourlink import access, events, identity
from harbourlink.events import Event
from harbourlink.integrations.edifact import StatusEvent, Unrenderable, render_iftsta
from harbourlink.kernel import Actor, Forbidden

MAX_PAGE = 5000


@dataclass(frozen=True)
class ExportPage:
    events: list[Event]
    references: dict[int, list[tuple[str, str]]]
    owners: dict[str, str]
    next_cursor: int


def export_page(session: Session, actor: Actor, *, after: int, limit: int) -> ExportPage:
    """The next page of visible events after ``after`` (a cursor from the previous page, or 0)."""
    if not actor.has_scope(identity.KeyScope.CARGO_READ):
        raise Forbidden(
            "this API key lacks the cargo:read scope",
            code="missing_scope",
            data={"scope": identity.KeyScope.CARGO_READ.value},
        )
    scope = access.scope_for(actor)
    page = events.list_events(session, scope, after_seq=max(after, 0), limit=min(max(limit, 1), MAX_PAGE))
    references = events.references_of(session, [e.seq for e in page])
    access.record_views(
        session,
        scope,
        channel="export",
        seen=[(e.owner_org_id, kind, value) for e in page for kind, value in references[e.seq]],
    )
    owners = identity.display_names(session, sorted({e.owner_org_id for e in page}))
    return ExportPage(page, references, owners, page[-1].seq if page else after)


def as_iftsta(page: ExportPage, *, recipient: str, control_ref: str) -> tuple[str, int]:
    """The page as one IFTSTA interchange, and how many events IFTSTA cannot carry (reefer readings …)."""
    statuses, skipped = [], 0
    for event in page.events:
        status = StatusEvent.from_stored(event, page.references[event.seq])
        try:
            render_iftsta([status], sender="HARBOURLINK", recipient=recipient, control_ref="CHECK")
        except Unrenderable:
            skipped += 1
            continue
        statuses.append(status)
    return render_iftsta(statuses, sender="HARBOURLINK", recipient=recipient, control_ref=control_ref), skipped
