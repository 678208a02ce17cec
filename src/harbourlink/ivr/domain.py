"""A phone call as a state machine, independent of the telephony transport (R-ROAD-7, seed 004).

::

    ACCOUNT ─6 digits#─▶ PASSWORD ─6 digits#─▶ MENU ─1─▶ BIND_CCRN ─▶ BIND_MORE ─1─▶ BIND_CCRN …
      │ *1 *2 *3: language                        │              └─2─▶ BIND_CODE ─▶ BIND_POINT ─▶ BIND_CONFIRM
      │                                           ├─2─▶ CANCEL_MENU ─1─▶ CANCEL_ALL_CODE ─▶ CANCEL_ALL_CONFIRM
      │                                           │                 └─2─▶ CANCEL_CCRN ─▶ CANCEL_PART_CODE ─▶ …
      │                                           └─3─▶ ENQUIRE_MENU ─1─▶ ENQUIRE_UBR / ─2─▶ ENQUIRE_CCRN / ─3
    every step: silence or a wrong entry says so and asks again (three misses end the call); ``*`` repeats.

``advance(state, entry, port)`` takes what the caller keyed (``None``: silence) and gives a ``Turn``:
the clips to play, what to gather next (or hang up), and an outcome for the call's audit record.
Nothing changes before the caller heard the read-back and pressed 1. The port does the checks and
the binding; this module only decides, and never keeps a password.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from harbourlink.ivr.desk import Binding
from harbourlink.ivr.prompts import CMN, EN, YUE, Language
from harbourlink.road.domain import NUMBER_LENGTH, ControlPoint, control_point_by_keypad

HONG_KONG = ZoneInfo("Asia/Hong_Kong")
PHONE_DIGITS = 6
"""Account numbers, passwords and security codes are six digits (seed 004)."""
MAX_MISSES = 3
"""Silences or wrong entries in a row before the call ends."""
MAX_LOGIN_TRIES = 3
"""Wrong account numbers or passwords in one call before it ends (the account's lockout counts across calls)."""
GATHER_SECONDS = 8
_LANGUAGE_KEYS = {"*1": YUE, "*2": EN, "*3": CMN}
_OFFERS = {YUE: "offer_cantonese", EN: "offer_english", CMN: "offer_putonghua"}


class Step(StrEnum):
    ACCOUNT = "account"
    PASSWORD = "password"  # noqa: S105 - a step's name
    MENU = "menu"
    BIND_CCRN = "bind_ccrn"
    BIND_MORE = "bind_more"
    BIND_CODE = "bind_code"
    BIND_POINT = "bind_point"
    BIND_CONFIRM = "bind_confirm"
    CANCEL_MENU = "cancel_menu"
    CANCEL_ALL_CODE = "cancel_all_code"
    CANCEL_ALL_CONFIRM = "cancel_all_confirm"
    CANCEL_CCRN = "cancel_ccrn"
    CANCEL_PART_CODE = "cancel_part_code"
    CANCEL_PART_CONFIRM = "cancel_part_confirm"
    ENQUIRE_MENU = "enquire_menu"
    ENQUIRE_UBR = "enquire_ubr"
    ENQUIRE_CCRN = "enquire_ccrn"
    ENDED = "ended"


class Verdict(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"


class Outcome(StrEnum):
    """What a call did, for its audit record: never what was keyed."""

    LOGGED_IN = "logged_in"
    LOGIN_FAILED = "login_failed"
    LOCKED_OUT = "locked_out"
    WRONG_CODE = "wrong_code"
    BOUND = "bound"
    BIND_REFUSED = "bind_refused"
    CANCELLED_ALL = "cancelled_all"
    CANCELLED_PART = "cancelled_part"
    CANCEL_REFUSED = "cancel_refused"
    NOT_CONFIRMED = "not_confirmed"
    ENQUIRED_UBR = "enquired_ubr"
    ENQUIRED_CCRN = "enquired_ccrn"
    ENQUIRED_EARLIEST = "enquired_earliest"
    NOT_FOUND = "not_found"
    NO_INPUT = "no_input"
    UNAVAILABLE = "unavailable"
    HUNG_UP = "hung_up"


class CallPort(Protocol):
    """What the machine asks of the world: account checks and the binding desk, for a logged-in account."""

    def log_in(self, number: str, password: str) -> tuple[Verdict, str | None]:
        """The verdict and, when it is ``OK``, the phone account's id."""
        ...

    def check_code(self, account_id: str, code: str) -> Verdict: ...

    def bind(self, account_id: str, ccrns: list[str], control_point: ControlPoint) -> Binding | None: ...

    def cancel_all(self, account_id: str, ubr: str) -> bool: ...

    def cancel_ccrn(self, account_id: str, ubr: str, ccrn: str) -> bool: ...

    def by_ubr(self, account_id: str, ubr: str) -> Binding | None: ...

    def by_ccrn(self, account_id: str, ccrn: str) -> Binding | None: ...

    def latest(self, account_id: str) -> Binding | None: ...


@dataclass(frozen=True, slots=True)
class Clip:
    prompt: str
    language: Language


@dataclass(frozen=True, slots=True)
class Gather:
    """What to collect next: up to ``#`` (entries), or one key (menus)."""

    until_hash: bool
    num_digits: int | None = None
    timeout: int = GATHER_SECONDS


@dataclass(frozen=True, slots=True)
class Turn:
    clips: tuple[Clip, ...]
    gather: Gather | None
    """``None``: say the clips and hang up."""
    outcome: Outcome | None = None


@dataclass
class CallState:
    """Where a call stands; kept by the server under the call's id, never in a URL."""

    language: Language = YUE
    step: Step = Step.ACCOUNT
    account_number: str | None = None
    account_id: str | None = None
    ccrns: list[str] = field(default_factory=list)
    control_point: str | None = None
    """The chosen control point's code (road's ``ControlPoint``); the caller keyed its ``keypad`` digit."""
    ubr: str | None = None
    misses: int = 0
    login_failures: int = 0

    @property
    def point(self) -> ControlPoint:
        """The chosen control point: the steps that ask for it come after the choice (else ``ValueError``)."""
        return ControlPoint(self.control_point or "")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CallState:
        state = cls(**data)
        state.language = Language(state.language)
        state.step = Step(state.step)
        return state


_ENTRY = {
    Step.ACCOUNT: ("enter_account",),
    Step.PASSWORD: ("enter_password",),
    Step.MENU: ("main_menu",),
    Step.BIND_CCRN: ("enter_ccrn",),
    Step.BIND_CODE: ("enter_code",),
    Step.BIND_POINT: ("choose_point",),
    Step.CANCEL_MENU: ("cancel_menu",),
    Step.CANCEL_ALL_CODE: ("enter_code",),
    Step.CANCEL_CCRN: ("enter_ccrn",),
    Step.CANCEL_PART_CODE: ("enter_code",),
    Step.ENQUIRE_MENU: ("enquire_menu",),
    Step.ENQUIRE_UBR: ("enter_ubr",),
    Step.ENQUIRE_CCRN: ("enter_ccrn",),
}
_MENUS = frozenset(
    {Step.MENU, Step.BIND_MORE, Step.BIND_POINT, Step.BIND_CONFIRM, Step.CANCEL_MENU, Step.CANCEL_ALL_CONFIRM}
    | {Step.CANCEL_PART_CONFIRM, Step.ENQUIRE_MENU}
)


def digits(number: str, language: Language) -> list[Clip]:
    """A number read digit by digit."""
    return [Clip(f"digit_{d}", language) for d in number]


def time_clips(moment: datetime, language: Language) -> list[Clip]:
    """A time in Hong Kong, read from parts: month, day, hour and minute, each digit by digit."""
    local = moment.astimezone(HONG_KONG)
    parts = [("month", f"{local.month:02d}"), ("day", f"{local.day:02d}")]
    parts += [("hour", f"{local.hour:02d}"), ("minute", f"{local.minute:02d}")]
    clips: list[Clip] = []
    for unit, number in parts:
        said = digits(number, language)
        # English names the unit first ("hour 1 6"), Chinese after the number ("一六點"): either way no two
        # numbers run together.
        clips += [Clip(unit, language), *said] if language is EN else [*said, Clip(unit, language)]
    return clips


def _read_back(state: CallState) -> list[Clip]:
    lang = state.language
    if state.step is Step.BIND_MORE:
        return [Clip("you_entered", lang), Clip("ccrn", lang), *digits(state.ccrns[-1], lang)]
    if state.step is Step.BIND_CONFIRM:
        clips = [Clip("you_entered", lang)]
        for ccrn in state.ccrns:
            clips += [Clip("ccrn", lang), *digits(ccrn, lang)]
        return [*clips, Clip("control_point", lang), *digits(str(state.point.keypad), lang)]
    said = [Clip("ubr", lang), *digits(state.ubr or "", lang)]
    if state.step is Step.CANCEL_PART_CONFIRM:
        return [Clip("you_entered", lang), Clip("ccrn", lang), *digits(state.ccrns[0], lang), *said]
    return said


def prompt(state: CallState, *before: Clip, outcome: Outcome | None = None) -> Turn:
    """The current step's question, after ``before``."""
    lang = state.language
    if state.step is Step.ENDED:
        return Turn((*before, Clip("goodbye", lang)), None, outcome)
    clips = [Clip(name, lang) for name in _ENTRY[state.step]] if state.step in _ENTRY else _read_back(state)
    if state.step is Step.ACCOUNT:
        clips += [Clip(_OFFERS[other], other) for other in Language if other is not lang]
    if state.step is Step.BIND_MORE:
        clips.append(Clip("more_ccrn", lang))
    elif state.step in {Step.BIND_CONFIRM, Step.CANCEL_ALL_CONFIRM, Step.CANCEL_PART_CONFIRM}:
        clips.append(Clip("confirm", lang))
    gather = Gather(until_hash=False, num_digits=1) if state.step in _MENUS else Gather(until_hash=True)
    return Turn((*before, *clips), gather, outcome)


def start(state: CallState) -> Turn:
    return prompt(state)


def end(state: CallState, *said: str, outcome: Outcome | None = None) -> Turn:
    state.step = Step.ENDED
    return prompt(state, *(Clip(name, state.language) for name in said), outcome=outcome)


def _miss(state: CallState, why: str) -> Turn:
    state.misses += 1
    if state.misses >= MAX_MISSES:
        return end(state, why, outcome=Outcome.NO_INPUT)
    return prompt(state, Clip(why, state.language))


def advance(state: CallState, entry: str | None, port: CallPort) -> Turn:
    """One exchange: the caller's entry (``None`` for silence) in, the next turn out."""
    if state.step is Step.ENDED:
        return prompt(state)
    if not entry:
        return _miss(state, "no_input")
    if entry == "*":
        return prompt(state)
    if state.step is Step.ACCOUNT and entry in _LANGUAGE_KEYS:
        state.language = _LANGUAGE_KEYS[entry]
        return prompt(state)
    turn = _HANDLERS[state.step](state, entry, port)
    return turn if turn is not None else _miss(state, "invalid")


def _go(state: CallState, step: Step, *before: Clip, outcome: Outcome | None = None) -> Turn:
    state.step = step
    state.misses = 0
    return prompt(state, *before, outcome=outcome)


def _is(entry: str, length: int) -> bool:
    return re.fullmatch(rf"\d{{{length}}}", entry) is not None


def _account(state: CallState, entry: str, _port: CallPort) -> Turn | None:
    if not _is(entry, PHONE_DIGITS):
        return None
    state.account_number = entry
    return _go(state, Step.PASSWORD)


def _password(state: CallState, entry: str, port: CallPort) -> Turn | None:
    if not _is(entry, PHONE_DIGITS) or state.account_number is None:
        return None
    verdict, account_id = port.log_in(state.account_number, entry)
    state.account_number = None
    if verdict is Verdict.LOCKED:
        return end(state, "locked", outcome=Outcome.LOCKED_OUT)
    if verdict is Verdict.WRONG or account_id is None:
        state.login_failures += 1
        if state.login_failures >= MAX_LOGIN_TRIES:
            return end(state, "login_failed", outcome=Outcome.LOGIN_FAILED)
        return _go(state, Step.ACCOUNT, Clip("login_failed", state.language), outcome=Outcome.LOGIN_FAILED)
    state.account_id = account_id
    return _go(state, Step.MENU, outcome=Outcome.LOGGED_IN)


def _menu(state: CallState, entry: str, _port: CallPort) -> Turn | None:
    state.ccrns, state.control_point, state.ubr = [], None, None
    target = {"1": Step.BIND_CCRN, "2": Step.CANCEL_MENU, "3": Step.ENQUIRE_MENU}.get(entry)
    return _go(state, target) if target else None


def _account_id(state: CallState) -> str:
    if state.account_id is None:  # only login leads past PASSWORD, so this is a broken stored state
        raise ValueError("a call past login has no account")
    return state.account_id


def _bind_ccrn(state: CallState, entry: str, _port: CallPort) -> Turn | None:
    if not _is(entry, NUMBER_LENGTH):
        return None
    if entry not in state.ccrns:
        state.ccrns.append(entry)
    return _go(state, Step.BIND_MORE)


def _bind_more(state: CallState, entry: str, _port: CallPort) -> Turn | None:
    target = {"1": Step.BIND_CCRN, "2": Step.BIND_CODE}.get(entry)
    return _go(state, target) if target else None


def _code(state: CallState, entry: str, port: CallPort, then: Step) -> Turn | None:
    if not _is(entry, PHONE_DIGITS):
        return None
    verdict = port.check_code(_account_id(state), entry)
    if verdict is Verdict.LOCKED:
        return end(state, "locked", outcome=Outcome.LOCKED_OUT)
    if verdict is Verdict.WRONG:
        state.misses += 1
        if state.misses >= MAX_MISSES:
            return end(state, "wrong_code", outcome=Outcome.WRONG_CODE)
        return prompt(state, Clip("wrong_code", state.language), outcome=Outcome.WRONG_CODE)
    return _go(state, then)


def _bind_code(state: CallState, entry: str, port: CallPort) -> Turn | None:
    return _code(state, entry, port, Step.BIND_POINT)


def _bind_point(state: CallState, entry: str, _port: CallPort) -> Turn | None:
    point = control_point_by_keypad(int(entry)) if len(entry) == 1 and entry.isdecimal() else None
    if point is None:
        return None
    state.control_point = point.value
    return _go(state, Step.BIND_CONFIRM)


def _said_binding(binding: Binding, language: Language) -> list[Clip]:
    return [
        Clip("ubr", language),
        *digits(binding.ubr, language),
        Clip("earliest_crossing", language),
        *time_clips(binding.earliest_crossing, language),
    ]


def _back_to_menu(state: CallState, said: list[Clip], outcome: Outcome) -> Turn:
    state.ccrns, state.control_point, state.ubr = [], None, None
    return _go(state, Step.MENU, *said, outcome=outcome)


def _confirmed(entry: str) -> bool | None:
    return {"1": True, "2": False}.get(entry)


def _bind_confirm(state: CallState, entry: str, port: CallPort) -> Turn | None:
    yes = _confirmed(entry)
    lang = state.language
    if yes is None:
        return None
    if not yes:
        return _back_to_menu(state, [Clip("nothing_changed", lang)], Outcome.NOT_CONFIRMED)
    binding = port.bind(_account_id(state), state.ccrns, state.point)
    if binding is None:
        return _back_to_menu(state, [Clip("bind_refused", lang)], Outcome.BIND_REFUSED)
    return _back_to_menu(state, [Clip("bind_done", lang), *_said_binding(binding, lang)], Outcome.BOUND)


def _cancel_menu(state: CallState, entry: str, port: CallPort) -> Turn | None:
    if entry == "2":
        return _go(state, Step.CANCEL_CCRN)
    if entry != "1":
        return None
    latest = port.latest(_account_id(state))
    if latest is None:
        return _back_to_menu(state, [Clip("not_found", state.language)], Outcome.NOT_FOUND)
    state.ubr = latest.ubr
    return _go(state, Step.CANCEL_ALL_CODE)


def _cancel_all_code(state: CallState, entry: str, port: CallPort) -> Turn | None:
    return _code(state, entry, port, Step.CANCEL_ALL_CONFIRM)


def _confirm_cancel(
    state: CallState, entry: str, cancel: Callable[[], bool], done: str, outcome: Outcome
) -> Turn | None:
    """The caller's yes or no to a cancellation read back to them; ``cancel`` makes it."""
    yes = _confirmed(entry)
    lang = state.language
    if yes is None:
        return None
    if not yes:
        return _back_to_menu(state, [Clip("nothing_changed", lang)], Outcome.NOT_CONFIRMED)
    if not cancel():
        return _back_to_menu(state, [Clip("not_found", lang)], Outcome.CANCEL_REFUSED)
    return _back_to_menu(state, [Clip(done, lang)], outcome)


def _cancel_all_confirm(state: CallState, entry: str, port: CallPort) -> Turn | None:
    account = _account_id(state)
    return _confirm_cancel(
        state, entry, lambda: port.cancel_all(account, state.ubr or ""), "cancel_all_done", Outcome.CANCELLED_ALL
    )


def _cancel_ccrn(state: CallState, entry: str, port: CallPort) -> Turn | None:
    if not _is(entry, NUMBER_LENGTH):
        return None
    binding = port.by_ccrn(_account_id(state), entry)
    if binding is None:
        return _back_to_menu(state, [Clip("not_found", state.language)], Outcome.NOT_FOUND)
    state.ccrns, state.ubr = [entry], binding.ubr
    return _go(state, Step.CANCEL_PART_CODE)


def _cancel_part_code(state: CallState, entry: str, port: CallPort) -> Turn | None:
    return _code(state, entry, port, Step.CANCEL_PART_CONFIRM)


def _cancel_part_confirm(state: CallState, entry: str, port: CallPort) -> Turn | None:
    account = _account_id(state)
    return _confirm_cancel(
        state,
        entry,
        lambda: port.cancel_ccrn(account, state.ubr or "", state.ccrns[0]),
        "cancel_part_done",
        Outcome.CANCELLED_PART,
    )


def _enquiry(state: CallState, binding: Binding | None, outcome: Outcome) -> Turn:
    if binding is None:
        return _back_to_menu(state, [Clip("not_found", state.language)], Outcome.NOT_FOUND)
    return _back_to_menu(state, _said_binding(binding, state.language), outcome)


def _enquire_menu(state: CallState, entry: str, port: CallPort) -> Turn | None:
    if entry == "3":
        return _enquiry(state, port.latest(_account_id(state)), Outcome.ENQUIRED_EARLIEST)
    target = {"1": Step.ENQUIRE_UBR, "2": Step.ENQUIRE_CCRN}.get(entry)
    return _go(state, target) if target else None


def _enquire_ubr(state: CallState, entry: str, port: CallPort) -> Turn | None:
    if not _is(entry, NUMBER_LENGTH):
        return None
    return _enquiry(state, port.by_ubr(_account_id(state), entry), Outcome.ENQUIRED_UBR)


def _enquire_ccrn(state: CallState, entry: str, port: CallPort) -> Turn | None:
    if not _is(entry, NUMBER_LENGTH):
        return None
    return _enquiry(state, port.by_ccrn(_account_id(state), entry), Outcome.ENQUIRED_CCRN)


_HANDLERS = {
    Step.ACCOUNT: _account,
    Step.PASSWORD: _password,
    Step.MENU: _menu,
    Step.BIND_CCRN: _bind_ccrn,
    Step.BIND_MORE: _bind_more,
    Step.BIND_CODE: _bind_code,
    Step.BIND_POINT: _bind_point,
    Step.BIND_CONFIRM: _bind_confirm,
    Step.CANCEL_MENU: _cancel_menu,
    Step.CANCEL_ALL_CODE: _cancel_all_code,
    Step.CANCEL_ALL_CONFIRM: _cancel_all_confirm,
    Step.CANCEL_CCRN: _cancel_ccrn,
    Step.CANCEL_PART_CODE: _cancel_part_code,
    Step.CANCEL_PART_CONFIRM: _cancel_part_confirm,
    Step.ENQUIRE_MENU: _enquire_menu,
    Step.ENQUIRE_UBR: _enquire_ubr,
    Step.ENQUIRE_CCRN: _enquire_ccrn,
}
