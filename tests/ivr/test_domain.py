"""The call machine alone: no database, no transport."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from harbourlink.ivr import Binding, Language
from harbourlink.ivr.domain import CallState, Clip, Step, Verdict, advance, start, time_clips
from harbourlink.road import ControlPoint

PASSWORD = "482915"


class Port:
    """Accepts account 123456 with its password; finds and binds nothing, and notes what it was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, ...]] = []

    def log_in(self, number: str, password: str) -> tuple[Verdict, str | None]:
        return (Verdict.OK, "account-1") if (number, password) == ("123456", PASSWORD) else (Verdict.WRONG, None)

    def check_code(self, account_id: str, code: str) -> Verdict:
        self.asked.append(("code", account_id, code))
        return Verdict.OK

    def bind(self, account_id: str, ccrns: list[str], control_point: ControlPoint) -> Binding | None:
        self.asked.append(("bind", account_id, *ccrns, str(control_point)))
        return None

    def cancel_all(self, account_id: str, ubr: str) -> bool:
        self.asked.append(("cancel_all", account_id, ubr))
        return False

    def cancel_ccrn(self, account_id: str, ubr: str, ccrn: str) -> bool:
        self.asked.append(("cancel_ccrn", account_id, ubr, ccrn))
        return False

    def by_ubr(self, account_id: str, ubr: str) -> Binding | None:
        self.asked.append(("by_ubr", account_id, ubr))
        return None

    def by_ccrn(self, account_id: str, ccrn: str) -> Binding | None:
        self.asked.append(("by_ccrn", account_id, ccrn))
        return None

    def latest(self, account_id: str) -> Binding | None:
        self.asked.append(("latest", account_id))
        return None


def test_times_are_read_in_hong_kong_from_parts_in_the_callers_order() -> None:
    moment = datetime(2019, 5, 15, 8, 5, 16, tzinfo=UTC)  # 16:05 in Hong Kong
    said = [clip.prompt for clip in time_clips(moment, Language.CANTONESE)]
    assert " ".join(said) == "digit_0 digit_5 month digit_1 digit_5 day digit_1 digit_6 hour digit_0 digit_5 minute"
    english = [clip.prompt for clip in time_clips(moment, Language.ENGLISH)]
    assert " ".join(english) == "month digit_0 digit_5 day digit_1 digit_5 hour digit_1 digit_6 minute digit_0 digit_5"
    assert {clip.language for clip in time_clips(moment, Language.PUTONGHUA)} == {Language.PUTONGHUA}


def test_the_stored_state_never_holds_the_password_and_survives_json() -> None:
    state, port = CallState(), Port()
    start(state)
    advance(state, "*3", port)
    assert state.language is Language.PUTONGHUA
    advance(state, "123456", port)
    turn = advance(state, PASSWORD, port)
    assert turn.clips == (Clip("main_menu", Language.PUTONGHUA),)
    stored = json.dumps(state.to_json())
    assert PASSWORD not in stored and "123456" not in stored
    again = CallState.from_json(json.loads(stored))
    assert again == state and again.step is Step.MENU
    assert port.asked == [], "logging in binds, cancels and looks up nothing"


def test_three_wrong_logins_in_a_call_end_it_even_before_a_lockout() -> None:
    state, port = CallState(), Port()
    for _ in range(2):
        advance(state, "654321", port)
        assert advance(state, PASSWORD, port).gather is not None
    advance(state, "654321", port)
    turn = advance(state, PASSWORD, port)
    assert turn.gather is None and [clip.prompt for clip in turn.clips] == ["login_failed", "goodbye"]
