"""Sending messages in any supported format, and finding, reading and replaying them."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from harbourlink import identity, inbound
from harbourlink.api.context import CurrentActor, DbSession, runtime
from harbourlink.api.errors import ERROR_RESPONSES
from harbourlink.api.live_stream import Snapshot, snapshots
from harbourlink.api.scopes import require_scope
from harbourlink.kernel import Actor, Database, NotFound, ValidationFailed

# The sending side: a sending system sees what became of its messages and replays them.
router = APIRouter(
    prefix="/api/v1",
    tags=["inbound messages"],
    responses=ERROR_RESPONSES,
    dependencies=[require_scope(identity.KeyScope.CARGO_WRITE)],
)

BUILT_IN_FORMATS = [adapter.name for adapter in inbound.formats()]
MAX_OFFSET = 10_000_000
"""The deepest page of the message list: far past any archive, and within every database's integers."""
FORMAT_NAMES = " | ".join(BUILT_IN_FORMATS)
FSU_EXAMPLE = "FSU/14\r\n160-12345675HKGLAX/T12K385.5\r\nDEP/CX880/24NOV/HKGLAX/T12K385.5/S1430/A1615\r\n"
XFSU_EXAMPLE = (
    '<rsm:StatusMessage xmlns:rsm="iata:statusmessage:1" xmlns:ram="iata:datamodel:3">'
    "<rsm:MasterConsignment><ram:TransportContractDocument><ram:ID>160-12345675</ram:ID>"
    "</ram:TransportContractDocument><ram:ReportedStatus><ram:ReasonCode>ARR</ram:ReasonCode>"
    "<ram:AssociatedStatusConsignment><ram:PieceQuantity>12</ram:PieceQuantity>"
    "<ram:SpecifiedLogisticsTransportMovement><ram:ID>CX880</ram:ID><ram:ArrivalEvent>"
    "<ram:ArrivalOccurrenceDateTime>2026-11-24T12:40:00</ram:ArrivalOccurrenceDateTime>"
    "<ram:ArrivalDateTimeTypeCode>A</ram:ArrivalDateTimeTypeCode></ram:ArrivalEvent>"
    "<ram:SpecifiedLocation><ram:ID>HKG</ram:ID></ram:SpecifiedLocation>"
    "<ram:SpecifiedLocation><ram:ID>LAX</ram:ID></ram:SpecifiedLocation>"
    "</ram:SpecifiedLogisticsTransportMovement></ram:AssociatedStatusConsignment></ram:ReportedStatus>"
    "</rsm:MasterConsignment></rsm:StatusMessage>"
)
ONE_RECORD_EXAMPLE = {
    "@context": {"cargo": "https://onerecord.iata.org/ns/cargo#"},
    "@type": "cargo:Shipment",
    "cargo:waybill": {"cargo:waybillPrefix": "160", "cargo:waybillNumber": "12345675"},
    "cargo:events": [
        {
            "@type": "cargo:LogisticsEvent",
            "cargo:eventCode": "DLV",
            "cargo:eventDate": "2026-11-25T09:20:00-08:00",
            "cargo:eventTimeType": {"@id": "cargo:ACTUAL"},
            "cargo:eventLocation": {"cargo:locationCodes": [{"cargo:code": "LAX"}]},
        }
    ],
}


class WordingRead(BaseModel):
    """A message as a stable code with parameters; a parameter may be a wording itself."""

    code: str
    params: dict[str, Any] = Field(default_factory=dict)


class ItemErrorRead(BaseModel):
    """Where an item is in its message and what is wrong with it: in English (``location``, ``message``), and
    as codes with parameters (``code`` and ``params`` for the problem, ``place`` for the location) so a
    system can act on it or say it in its own language. Errors recorded before codes existed have none."""

    location: str
    message: str
    code: str | None = Field(None, examples=["not_a_number"])
    params: dict[str, Any] = Field(default_factory=dict, examples=[{"value": "'4,5'"}])
    place: WordingRead | None = Field(
        None, examples=[{"code": "row_column", "params": {"row": 3, "column": "temperature"}}]
    )


class MessageOutcome(BaseModel):
    """What became of a message. ``status``: accepted, partial (some items refused), rejected, failed;
    ``queued`` or ``processing`` while a large message waits for or is being read by a worker."""

    id: str
    status: str
    accepted: int
    duplicates: int
    errors: list[ItemErrorRead]


class MessageRead(MessageOutcome):
    model_config = ConfigDict(from_attributes=True)

    format: str
    channel: str
    filename: str | None
    received_at: datetime
    processed_at: datetime | None
    size: int
    sha256: str
    replay_of: str | None
    superseded_by: str | None
    items_total: int | None = Field(description="items the message holds, once read")
    items_done: int = Field(description="items stored so far (progress of a large message)")


class FormatRead(BaseModel):
    name: str
    title: str
    media_type: str


def _outcome(result: inbound.Outcome) -> MessageOutcome:
    return MessageOutcome(
        id=result.id,
        status=result.status,
        accepted=result.accepted,
        duplicates=result.duplicates,
        errors=[ItemErrorRead.model_validate(e.as_data()) for e in result.errors],
    )


@router.get("/formats", response_model=list[FormatRead], summary="The message formats HarbourLink reads")
def list_formats(_caller: CurrentActor) -> list[FormatRead]:
    return [FormatRead(name=a.name, title=a.title, media_type=a.media_type) for a in inbound.formats()]


@router.post(
    "/messages",
    response_model=MessageOutcome,
    status_code=status.HTTP_201_CREATED,
    summary="Send one message (raw body) in a supported format",
    description="The body is kept exactly as sent before it is read. The answer says how many items were "
    "accepted, how many were already known (duplicates) and, for each refused item, where it is "
    "in the message and what is wrong. A message with errors is kept as `rejected` (or `partial` "
    "when some items were accepted) and can be corrected and replayed.\n\n"
    "A message larger than the installation's inline limit (1 MiB by default), or sent with "
    "`Prefer: respond-async`, is answered at once with **202** and status `queued`: a worker reads "
    "it, and `GET /api/v1/messages/{id}` shows its progress (`items_done` of `items_total`) and "
    "then its outcome.\n\n"
    "AIS (`ais-nmea`): a sentence without a receive time (no tag block `c:`, as most receivers send "
    "them) takes the time the message arrived (for a replay, the time the original arrived); its "
    "positions' `time_source` is `arrival`.\n\n"
    "Air cargo status, by air waybill: IATA Cargo-IMP FSU text (`cargo-imp`), Cargo-XML XFSU "
    "(`cargo-xml`) and ONE Record LogisticsEvents on a Shipment or API Notifications (`one-record`) "
    "become one air timeline (`GET /api/v1/track/{awb}`). Errors name the FSU line and field, the "
    "XFSU element or the JSON path.",
    responses={202: {"model": MessageOutcome, "description": "queued for a worker; follow it by its id"}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                "application/json": {"schema": {"type": "object"}},
                "text/csv": {"schema": {"type": "string"}},
                "text/plain": {
                    "schema": {"type": "string"},
                    "examples": {"cargo-imp": {"summary": "format=cargo-imp: an FSU departure", "value": FSU_EXAMPLE}},
                },
                "application/xml": {
                    "schema": {"type": "string"},
                    "examples": {"cargo-xml": {"summary": "format=cargo-xml: an XFSU arrival", "value": XFSU_EXAMPLE}},
                },
                "application/ld+json": {
                    "schema": {"type": "object"},
                    "examples": {
                        "one-record": {
                            "summary": "format=one-record: a Shipment with a LogisticsEvent",
                            "value": ONE_RECORD_EXAMPLE,
                        }
                    },
                },
            },
        }
    },
)
async def send_message(
    request: Request,
    actor: CurrentActor,
    format_name: Annotated[
        str, Query(alias="format", description=FORMAT_NAMES, json_schema_extra={"enum": BUILT_IN_FORMATS})
    ],
) -> Response:
    inbound.adapter_for(format_name)
    raw = await request.body()
    if not raw:
        raise ValidationFailed("the message body is empty", code="empty_message", data={"field": "body"})
    rt = runtime(request)
    background = (
        len(raw) > rt.settings.inline_message_bytes or "respond-async" in request.headers.get("prefer", "").lower()
    )
    outcome = await run_in_threadpool(
        inbound.receive, rt.db, actor, format_name=format_name, raw=raw, channel="api", background=background
    )
    return JSONResponse(
        _outcome(outcome).model_dump(mode="json"),
        status_code=status.HTTP_202_ACCEPTED if background else status.HTTP_201_CREATED,
        headers={"Location": f"/api/v1/messages/{outcome.id}"},
    )


@router.get("/messages", response_model=list[MessageRead], summary="The caller's messages, newest first")
def list_messages(
    actor: CurrentActor,
    session: DbSession,
    *,
    failed: bool = False,
    status_filter: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[
        int, Query(ge=0, le=MAX_OFFSET, description="messages to skip: the next page starts at offset + limit")
    ] = 0,
) -> list[MessageRead]:
    return [
        MessageRead.model_validate(m)
        for m in inbound.list_messages(
            session, actor, status=status_filter, failed_only=failed, limit=limit, offset=offset
        )
    ]


class MessageProgress(BaseModel):
    """How far the reading of a message has come, as the progress stream sends it."""

    id: str
    status: str
    items_done: int
    items_total: int | None
    accepted: int
    duplicates: int
    errors: int = Field(description="the number of errors found (their places: GET /api/v1/messages/{id})")


def _progress_of(found: inbound.InboundMessage) -> MessageProgress:
    return MessageProgress(
        id=found.id,
        status=found.status,
        items_done=found.items_done,
        items_total=found.items_total,
        accepted=found.accepted,
        duplicates=found.duplicates,
        errors=len(found.errors or []),
    )


def _progress(db: Database, actor: Actor, message_id: str) -> Snapshot:
    """The message's progress now; no data once the caller may no longer read it, the last once it is read."""
    with db.transaction() as session:
        try:
            found = inbound.get_message(session, actor, message_id=message_id)
        except NotFound:
            return Snapshot(None, [])
        now = _progress_of(found)
    data = json.dumps(now.model_dump(), ensure_ascii=False)
    return Snapshot(data, [inbound.live_subject(message_id)], last=now.status not in inbound.PENDING_STATUSES)


@router.get(
    "/messages/{message_id}/progress",
    response_model=MessageProgress,
    summary="How far the reading of one of the caller's messages has come",
)
def get_progress(message_id: str, actor: CurrentActor, session: DbSession) -> MessageProgress:
    return _progress_of(inbound.get_message(session, actor, message_id=message_id))


@router.get(
    "/messages/{message_id}/stream",
    response_class=StreamingResponse,
    summary="Live progress of one of the caller's messages (text/event-stream)",
    description="A `progress` event (as `GET /api/v1/messages/{id}/progress` answers) at once and after "
    "each chunk of 5,000 items is stored; the stream ends after the event that says the "
    "message was read to the end (status accepted, partial, rejected or failed). Another "
    "company's message answers 404.",
    responses={200: {"content": {"text/event-stream": {}}}},
)
def stream_progress(message_id: str, request: Request, actor: CurrentActor, session: DbSession) -> StreamingResponse:
    inbound.get_message(session, actor, message_id=message_id)
    return StreamingResponse(
        snapshots(request, "progress", lambda: _progress(runtime(request).db, actor, message_id)),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.get(
    "/messages/{message_id}",
    response_model=MessageRead,
    description="The caller's company's message; the operator may read any company's, and each such "
    "read is in that company's access log.",
)
def get_message(message_id: str, actor: CurrentActor, session: DbSession) -> MessageRead:
    return MessageRead.model_validate(inbound.read_message(session, actor, message_id=message_id, channel="api"))


@router.get(
    "/messages/{message_id}/raw",
    summary="The message exactly as it was received",
    description="The operator's reads of another company's message are in that company's access log.",
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def get_raw(message_id: str, actor: CurrentActor, session: DbSession) -> Response:
    message = inbound.read_message(session, actor, message_id=message_id, channel="api-raw")
    return Response(message.raw, media_type="application/octet-stream", headers={"Digest": f"sha-256={message.sha256}"})


@router.post(
    "/messages/{message_id}/replay",
    response_model=MessageOutcome,
    status_code=status.HTTP_201_CREATED,
    summary="Process a message again; a non-empty body replaces it with a corrected version",
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def replay_message(message_id: str, request: Request, actor: CurrentActor) -> MessageOutcome:
    corrected = await request.body()
    rt = runtime(request)
    outcome = await run_in_threadpool(inbound.replay, rt.db, actor, message_id=message_id, corrected=corrected or None)
    return _outcome(outcome)
