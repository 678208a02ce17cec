"""Tracking by any number, and linking House B/Ls to Master B/Ls (and house to master air waybills).

Each event carries its ``ledger`` mark (logged with its leaf index, or queued) and the links to
its proof and bundle, found for the whole answer in one query (``ledger.event_marks``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from harbourlink import ledger, tracking
from harbourlink.api.context import AutocommitSession, CurrentActor, DbSession
from harbourlink.api.errors import ERROR_RESPONSES
from harbourlink.api.guards import BIGINT_MAX
from harbourlink.api.ledger import configured
from harbourlink.api.scopes import require_scope
from harbourlink.identity import KeyScope
from harbourlink.kernel import ValidationFailed

router = APIRouter(
    prefix="/api/v1", tags=["tracking"], responses=ERROR_RESPONSES, dependencies=[require_scope(KeyScope.CARGO_READ)]
)


LinkKind = Literal["BL", "AWB"]
KIND_DESCRIPTION = (
    "BL: a House B/L to its Master B/L; AWB: a house air waybill to its master air waybill "
    "(160-12345675, mod-7 check digit)"
)


class LinkCreate(BaseModel):
    master_bl: str = Field(
        min_length=3,
        max_length=60,
        description="the Master B/L, or the master air waybill",
        examples=["MAEU203176301", "160-12345675"],
    )
    house_bl: str = Field(
        min_length=3, max_length=60, description="the House B/L, or the house air waybill", examples=["HLKHKG2611001"]
    )
    kind: LinkKind = Field(default="BL", description=KIND_DESCRIPTION)


class LinkRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    owner_org_id: str
    master_bl: str
    house_bl: str
    kind: LinkKind
    created_at: datetime


@router.post(
    "/bl-links",
    response_model=LinkRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=[require_scope(KeyScope.CARGO_WRITE)],
    summary="Link a House B/L to its Master B/L, or a house to its master air waybill (by a company entitled to both)",
    description="The caller links its own house number to a master number whose data it sees holding the "
    "number: as its owner, as a company the owner shared it with, or because the owner shares "
    "it with anyone holding the number (a carrier's or airline's public tracking). Otherwise "
    "the answer is 404 `master_bl_not_visible`. `kind` AWB links air waybills: the master is "
    "checked by its mod-7 check digit, and holders of the house air waybill (HAWB) it was "
    "shared with then track the air cargo by it.",
)
def create_link(body: LinkCreate, actor: CurrentActor, session: DbSession) -> LinkRead:
    return LinkRead.model_validate(
        tracking.link_bills(session, actor, master_bl=body.master_bl, house_bl=body.house_bl, kind=body.kind)
    )


@router.get("/bl-links", response_model=list[LinkRead], summary="The links the caller's company made")
def list_links(actor: CurrentActor, session: DbSession) -> list[LinkRead]:
    return [LinkRead.model_validate(link) for link in tracking.list_links(session, actor)]


class LinkRowError(BaseModel):
    row: int = Field(description="the line in the file (blank lines counted)")
    error: str = Field(description="the error code, as in error answers")
    detail: str


class LinkImportRead(BaseModel):
    linked: list[LinkRead] = Field(description="the rows' links, new or already there")
    errors: list[LinkRowError]


async def _csv_text(request: Request) -> str:
    """The request body as text (UTF-8, a byte-order mark allowed)."""
    try:
        return (await request.body()).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed("the body is not UTF-8 text", code="not_text", data={"field": "body"}) from None


@router.post(
    "/bl-links/import",
    response_model=LinkImportRead,
    dependencies=[require_scope(KeyScope.CARGO_WRITE)],
    summary="Link many House B/Ls (or house air waybills) from CSV rows (master_bl,house_bl); bad rows "
    "reported by line",
    description="An optional header names the columns (master_bl,house_bl or master_awb,house_awb; a "
    "kind column gives each row's kind, else ?kind= applies). Each row is linked on its own: "
    "the good rows are kept and each bad one is reported with its line and the reason, as on "
    f"the web page. At most {tracking.MAX_IMPORT_ROWS} rows.",
    openapi_extra={"requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def import_links(
    text: Annotated[str, Depends(_csv_text)],
    actor: CurrentActor,
    session: DbSession,
    kind: Annotated[LinkKind, Query(description="the kind of rows without a kind column")] = "BL",
) -> LinkImportRead:
    outcome = tracking.import_links(session, actor, text=text, kind=kind)
    return LinkImportRead(
        linked=[LinkRead.model_validate(link) for link in outcome.links],
        errors=[LinkRowError(row=e.row, error=e.error.code, detail=e.error.message) for e in outcome.errors],
    )


@router.delete(
    "/bl-links/{link_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[require_scope(KeyScope.CARGO_WRITE)],
    summary="Remove one of the company's links",
    description="Holders of the House B/L no longer follow it to the Master B/L. "
    "404 for a link of another company, exactly as for one that does not exist.",
)
def delete_link(link_id: str, actor: CurrentActor, session: DbSession) -> None:
    tracking.unlink_bills(session, actor, link_id=link_id)


def event_ledger_url(event_id: str, what: Literal["proof", "bundle"], reference: str | None = None) -> str:
    """Where an event's proof or bundle is served; with the number it was tracked by, it answers whoever
    that number's timeline shows the event to (ledger.visible_event)."""
    url = f"/api/v1/ledger/events/{quote(event_id, safe='')}/{what}"
    return url if reference is None else f"{url}?{urlencode({'reference': reference})}"


def mark_logged(
    session: Session, current: ledger.Ledger, views: Iterable[tracking.EventView], *, reference: str | None = None
) -> None:
    """Sets each event's ``ledger`` mark, with one query for all of them; links name ``reference`` if given."""
    views = list(views)
    marks = ledger.event_marks(session, current, (view.id for view in views))
    for view in views:
        mark = marks.get(view.id)
        view.ledger = (
            None
            if mark is None
            else tracking.LedgerMark(
                status="queued" if mark.queued else "logged",
                leaf_index=mark.leaf_index,
                proof_url=event_ledger_url(view.id, "proof", reference),
                bundle_url=event_ledger_url(view.id, "bundle", reference),
            )
        )


@router.get(
    "/track/{reference}",
    response_model=tracking.TrackingView,
    summary="The timeline of a Master/House B/L, container, booking, declaration number or air waybill",
    description="404 when nothing about the number is shared with the caller, exactly as when it "
    "does not exist. Each event says whether it is in the tamper-evident ledger "
    "(``ledger``), with links to its proof and bundle. An air waybill (160-12345675) or a "
    "house air waybill linked to one answers with ``air``: each air waybill's route, "
    "pieces and weight, flights with planned, estimated and actual times, and its statuses "
    "(from Cargo-IMP FSU, Cargo-XML XFSU and ONE Record alike).\n\n"
    "A number with a very long history answers with its newest 5,000 events in the order they "
    "were stored (fewer with ``events``); the summary (vessel, schedule, containers, customs) "
    "is drawn from them and from the newest records of the calls its cargo is on.",
)
def track(
    reference: str,
    request: Request,
    actor: CurrentActor,
    session: AutocommitSession,
    events: Annotated[
        int,
        Query(
            ge=1,
            le=tracking.MAX_EVENTS,
            description="read only the newest this many events (a first screen); the answer's shape is the same",
        ),
    ] = tracking.MAX_EVENTS,
) -> Response:
    view = tracking.build_view(session, tracking.find(session, actor, query=reference, window=events))
    mark_logged(session, configured(request), view.each_event(), reference=view.reference)
    # Serialised here, in the handler's thread: a returned model would be validated in another
    # worker thread while this request's transaction still holds its connection, and under load
    # every thread then waited for a connection held by a request waiting for a thread.
    return Response(view.model_dump_json(), media_type="application/json")


class CargoStatusRead(BaseModel):
    event_type: str
    event_code: str
    classifier: str = Field(description="ACT (it happened), EST or PLN")
    event_time: datetime
    location: str | None = Field(description="UN/LOCODE")


class CargoItemRead(BaseModel):
    kind: str = Field(description="MBL, HBL, CONTAINER, BOOKING, AWB or DECLARATION")
    value: str
    last_activity_at: datetime = Field(
        description="when its newest event arrived, or when it was shared with "
        "(or linked by) the caller if that came later; the list's order"
    )
    shared_by: str | None = Field(
        description="the company sharing it with the caller by name; null for the caller's own numbers and House B/Ls"
    )
    status: CargoStatusRead | None = Field(
        description="its newest actual move (a temperature reading aside), "
        "else its newest event; null when none is known"
    )
    linked: bool = Field(description="a House B/L the caller may follow to its Master B/L (GET /api/v1/track/{value})")


class CargoPageRead(BaseModel):
    items: list[CargoItemRead]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page; null on the last page")
    suggestions: list[str] = Field(
        description="when a search (q) matched nothing: the caller's numbers it may have meant"
    )


@router.get(
    "/cargo",
    response_model=CargoPageRead,
    summary="My cargo: the numbers the caller's company holds or was shared, newest news first",
    description="The numbers the company's own events name, the House B/Ls it linked, and the numbers "
    "other companies share with it by name (a grant to it, or a standing rule naming it as a "
    "party); not those shared with anyone who presents them. Each with its status. Paged by "
    "cursor; `q` keeps the numbers starting with it (spaces, dashes and case ignored).",
)
def my_cargo(
    actor: CurrentActor,
    session: AutocommitSession,
    *,
    q: Annotated[str, Query(max_length=60, description="the start of a number")] = "",
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=tracking.MAX_CARGO_PAGE)] = 50,
) -> CargoPageRead:
    page = tracking.list_cargo(session, actor, query=q, cursor=cursor, limit=limit)
    return CargoPageRead.model_validate(page, from_attributes=True)


class ExportedEvent(BaseModel):
    cursor: int = Field(description="the store position of this event; resume after it")
    event: tracking.EventView


class ExportPageRead(BaseModel):
    events: list[ExportedEvent]
    next_cursor: int = Field(description="pass as ?cursor= to get what came after this page")


@router.get(
    "/events",
    summary="Every event the caller may see, incrementally by cursor (JSON or IFTSTA)",
    response_model=ExportPageRead,
    responses={
        200: {
            "content": {"application/EDIFACT": {"schema": {"type": "string"}}},
            "description": "JSON, or with format=iftsta an EDIFACT IFTSTA interchange "
            "(headers Next-Cursor and Skipped-Events)",
        }
    },
)
def export_events(
    request: Request,
    actor: CurrentActor,
    session: DbSession,
    *,
    cursor: Annotated[int, Query(ge=0, le=BIGINT_MAX)] = 0,
    limit: Annotated[int, Query(ge=1, le=tracking.MAX_PAGE)] = 1000,
    format_name: Annotated[Literal["json", "iftsta"], Query(alias="format")] = "json",
) -> Response:
    page = tracking.export_page(session, actor, after=cursor, limit=limit)
    if format_name == "iftsta":
        text, skipped = tracking.as_iftsta(page, recipient=actor.org_id[:35], control_ref=str(page.next_cursor))
        return Response(
            text,
            media_type="application/EDIFACT",
            headers={"Next-Cursor": str(page.next_cursor), "Skipped-Events": str(skipped)},
        )
    body = ExportPageRead(
        next_cursor=page.next_cursor,
        events=[
            ExportedEvent(cursor=e.seq, event=tracking.event_view(e, page.references[e.seq], page.owners))
            for e in page.events
        ],
    )
    mark_logged(session, configured(request), (exported.event for exported in body.events))
    return Response(
        body.model_dump_json(), media_type="application/json", headers={"Next-Cursor": str(page.next_cursor)}
    )
