"""The phone line: the telephony provider's TwiML webhook, the prompts' audio, and the phone simulator.

``POST /ivr/voice`` (a call begins) and ``POST /ivr/gather`` (keys arrive) are called by the
provider with form fields and answer TwiML; each request must carry the provider's
``X-Twilio-Signature`` or is refused 403 before anything is read or changed. The call's state is
kept under its ``CallSid``. The simulator drives the same calls without a provider, on its own
call ids, so a simulator can never key into a real call.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, FastAPI, Path, Request, status
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field

from harbourlink import ivr
from harbourlink.api.context import CurrentActor, DbSession, runtime
from harbourlink.api.errors import ERROR_RESPONSES
from harbourlink.api.scopes import public, require_scope
from harbourlink.identity import KeyScope
from harbourlink.kernel import Forbidden, NotFound, utcnow
from harbourlink.settings import Settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/ivr", tags=["phone"], responses=ERROR_RESPONSES, dependencies=[public()])
accounts = APIRouter(
    prefix="/api/v1", tags=["phone"], responses=ERROR_RESPONSES, dependencies=[require_scope(KeyScope.ORG_MANAGE)]
)
SIMULATED = "SIM"
"""Simulator call ids start so; the provider's start with CA."""
TWIML = "application/xml"
PERSON = [require_scope(None)]


@dataclass
class Phone:
    """The phone line's parts built at start: the voice, and the binding desk (``None``: calls hear it is
    unavailable)."""

    voice: ivr.Voice
    desk: ivr.DeskFactory | None = ivr.road_desk
    now: Callable[[], datetime] = utcnow


def install(app: FastAPI, settings: Settings) -> None:
    voice = ivr.Voice(settings.data_dir / "ivr-audio", settings.ivr_espeak)
    if not voice.available():
        log.error(ivr.MISSING)
    app.state.phone = Phone(voice=voice)
    app.include_router(router)
    app.include_router(accounts)


def _phone(request: Request) -> Phone:
    phone = request.app.state.phone
    assert isinstance(phone, Phone)  # noqa: S101 - set by install
    return phone


def _line(request: Request) -> ivr.PhoneLine:
    rt, phone = runtime(request), _phone(request)
    attempts = rt.settings.ivr_lockout_attempts
    return ivr.PhoneLine(sealer=rt.sealer, desk=phone.desk, lockout_attempts=attempts, now=phone.now)


def _public_url(request: Request, path: str) -> str:
    settings = runtime(request).settings
    return (settings.ivr_public_url or settings.base_url).rstrip("/") + path


def _audio_url(request: Request) -> Any:
    if not _phone(request).voice.available():
        return None
    return lambda clip: _public_url(request, f"/ivr/audio/{clip.language.value}/{clip.prompt}")


async def _signed_form(request: Request) -> dict[str, str]:
    """The provider's form fields, once its signature over them (and this URL) is checked."""
    settings = runtime(request).settings
    form = await request.form()
    params = {name: [str(value) for value in form.getlist(name)] for name in form}
    url = _public_url(request, request.url.path) + (f"?{request.url.query}" if request.url.query else "")
    signature = request.headers.get("x-twilio-signature", "")
    if not ivr.signature_matches(settings.ivr_auth_token, url, params, signature):
        raise ivr.PhoneLineClosed("the request is not signed by the telephony provider", data={"url": url})
    fields = {name: values[-1] for name, values in params.items()}
    if settings.ivr_account_sid and fields.get("AccountSid") != settings.ivr_account_sid:
        raise Forbidden("the request is for another provider account", code="phone_account_mismatch")
    if not fields.get("CallSid") or fields["CallSid"].startswith(SIMULATED):
        raise Forbidden("the request names no provider call", code="phone_call_missing")
    return fields


def _twiml(request: Request, turn: ivr.Turn) -> Response:
    body = ivr.render(turn, gather_url=_public_url(request, "/ivr/gather"), audio_url=_audio_url(request))
    return Response(content=body, media_type=TWIML)


TWIML_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {TWIML: {}}, "description": "TwiML: what to play, what to gather next, or hang up"}
}


@router.post(
    "/voice",
    summary="A call begins (the telephony provider's voice webhook); answers TwiML",
    description="Form fields as Twilio and SignalWire send them (`CallSid`, `AccountSid`, `From`, `To` …), signed in "
    "`X-Twilio-Signature` with the provider's auth token over this URL (`ivr_public_url`) and the fields. A bad or "
    "missing signature answers 403 and changes nothing.",
    response_class=Response,
    responses=TWIML_RESPONSE,
)
async def voice(request: Request, session: DbSession) -> Response:
    fields = await _signed_form(request)
    turn = ivr.answer(
        session, _line(request), call_sid=fields["CallSid"], channel="provider", entry=None, greeting=True
    )
    return _twiml(request, turn)


@router.post(
    "/gather",
    summary="Keys arrive for a running call (the action of each `<Gather>`); answers TwiML",
    description="As `/ivr/voice`, with `Digits`: the keys pressed, without the closing `#`. A request without "
    "`Digits` (the `<Redirect>` after a silent `<Gather>`) is silence.",
    response_class=Response,
    responses=TWIML_RESPONSE,
)
async def gather(request: Request, session: DbSession) -> Response:
    fields = await _signed_form(request)
    entry = fields.get("Digits")
    turn = ivr.answer(session, _line(request), call_sid=fields["CallSid"], channel="provider", entry=entry)
    return _twiml(request, turn)


@router.post(
    "/status",
    summary="The call's status callback: a completed call's state is emptied, its record kept",
    description="Signed as `/ivr/voice`. Set it as the number's status callback so that a caller hanging up "
    "mid-call leaves nothing of what they keyed; without it, an abandoned call's state goes an hour later.",
    status_code=204,
    response_class=Response,
)
async def status_callback(request: Request, session: DbSession) -> Response:
    fields = await _signed_form(request)
    if fields.get("CallStatus") in {"completed", "busy", "failed", "no-answer", "canceled"}:
        ivr.hang_up(session, call_sid=fields["CallSid"], channel="provider", now=_phone(request).now())
    return Response(status_code=204)


@router.get(
    "/audio/{language}/{prompt}",
    summary="A prompt as audio (WAV), synthesised at first use and kept",
    response_class=FileResponse,
    responses={200: {"content": {"audio/wav": {}}, "description": "the prompt"}, 503: {"description": "no espeak-ng"}},
)
def audio(language: ivr.Language, prompt: Annotated[str, Path(max_length=40)], request: Request) -> Response:
    try:
        clip = _phone(request).voice.clip(language, prompt)
    except KeyError as exc:
        raise NotFound("no such prompt", code="prompt_not_found", data={"prompt": prompt}) from exc
    except ivr.VoiceUnavailable as exc:
        return Response(content=str(exc), status_code=503, media_type="text/plain")
    return FileResponse(clip, media_type="audio/wav", headers={"Cache-Control": "public, max-age=86400"})


class ClipRead(BaseModel):
    prompt: str
    language: ivr.Language
    text: str
    audio: str


class GatherRead(BaseModel):
    until_hash: bool
    num_digits: int | None
    timeout: int


class SimulatedTurn(BaseModel):
    """One turn of a simulated call: what the phone says (words and audio) and what it waits for."""

    call_id: str
    clips: list[ClipRead]
    gather: GatherRead | None = Field(description="null: the call has ended")


class KeysIn(BaseModel):
    digits: str | None = Field(default=None, max_length=40, pattern=r"^[0-9*#]*$", description="null: silence")


def _simulated(call_id: str, turn: ivr.Turn) -> SimulatedTurn:
    clips = [
        ClipRead(
            prompt=clip.prompt,
            language=clip.language,
            text=ivr.line(clip.prompt, clip.language),
            audio=f"/ivr/audio/{clip.language.value}/{clip.prompt}",
        )
        for clip in turn.clips
    ]
    gathered = turn.gather
    shape = None
    if gathered is not None:
        shape = GatherRead(until_hash=gathered.until_hash, num_digits=gathered.num_digits, timeout=gathered.timeout)
    return SimulatedTurn(call_id=call_id, clips=clips, gather=shape)


@router.post(
    "/simulator/calls",
    response_model=SimulatedTurn,
    status_code=201,
    dependencies=PERSON,
    summary="Phone simulator: a call begins, through the same call machine as the provider's",
    description="For training and support, by a logged-in person or a company's system; the call is "
    "answered exactly as a provider's call is, on a call id of its own.",
)
def simulate_call(request: Request, session: DbSession) -> SimulatedTurn:
    call_id = SIMULATED + secrets.token_hex(16)
    turn = ivr.answer(session, _line(request), call_sid=call_id, channel="simulator", entry=None, greeting=True)
    return _simulated(call_id, turn)


@router.post(
    "/simulator/calls/{call_id}/keys",
    response_model=SimulatedTurn,
    dependencies=PERSON,
    summary="Phone simulator: the keys pressed (without the closing #), or null for silence",
)
def simulate_keys(
    call_id: Annotated[str, Path(pattern=r"^SIM[0-9a-f]{32}$")],
    request: Request,
    session: DbSession,
    keys: Annotated[KeysIn, Body()],
) -> SimulatedTurn:
    turn = ivr.answer(session, _line(request), call_sid=call_id, channel="simulator", entry=keys.digits, create=False)
    return _simulated(call_id, turn)


@accounts.post(
    "/phone-accounts",
    response_model=ivr.PhoneAccountIssued,
    status_code=status.HTTP_201_CREATED,
    summary="A phone account for one of the company's drivers: account number, password and security code",
    description="An administrator's act. The password and the security code's seed are shown in this answer "
    "only. One account per driver (409 `phone_account_exists` for a second; 422 `not_a_driver` for anyone else).",
)
def create_phone_account(
    body: ivr.PhoneAccountCreate, request: Request, actor: CurrentActor, session: DbSession
) -> ivr.PhoneAccountIssued:
    made = ivr.create_phone_account(
        session, actor, sealer=runtime(request).sealer, user_id=body.user_id, vehicle=body.vehicle
    )
    read = ivr.PhoneAccountRead.model_validate(made.account)
    return ivr.PhoneAccountIssued(**read.model_dump(), password=made.password, security_code_uri=made.code_uri)


@accounts.get(
    "/phone-accounts",
    response_model=list[ivr.PhoneAccountRead],
    summary="The phone accounts of the company's drivers, locked ones marked",
)
def list_phone_accounts(actor: CurrentActor, session: DbSession) -> list[ivr.PhoneAccountRead]:
    return [ivr.PhoneAccountRead.model_validate(a) for a in ivr.list_phone_accounts(session, actor)]


@accounts.post(
    "/phone-accounts/{number}/unlock",
    response_model=ivr.PhoneAccountRead,
    summary="Lets a driver locked out after wrong passwords or security codes call again",
)
def unlock_phone_account(
    number: Annotated[str, Path(pattern=r"^[0-9]{6}$")], actor: CurrentActor, session: DbSession
) -> ivr.PhoneAccountRead:
    return ivr.PhoneAccountRead.model_validate(ivr.unlock_phone_account(session, actor, number=number))


@accounts.get(
    "/phone-calls",
    response_model=list[ivr.PhoneCallRead],
    summary="The newest calls into the company's phone accounts: when, which account, what came of them",
    description="Each call's audit record. The keys pressed are never kept in it, nor logged.",
)
def list_phone_calls(actor: CurrentActor, session: DbSession) -> list[ivr.PhoneCallRead]:
    return [ivr.PhoneCallRead.model_validate(c) for c in ivr.list_calls(session, actor)]
