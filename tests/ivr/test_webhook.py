"""Every menu path of the phone, in each language, through the TwiML webhook with provider-signed requests."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from harbourlink.ivr.models import PhoneAccount, PhoneCall
from harbourlink.kernel import Database
from harbourlink.road import CROSSING_AFTER_BINDING, ControlPoint
from harbourlink.settings import Settings
from tests.ivr.caller import Caller, hong_kong
from tests.ivr.conftest import Clock, Driver, make_driver
from tests.ivr.desk import MemoryDesk

LANGUAGES = [pytest.param("", "yue", id="cantonese"), pytest.param("*2", "en", id="english")]
LANGUAGES.append(pytest.param("*3", "cmn", id="putonghua"))
CCRN, CCRN_2, CCRN_3 = "10010412581", "10010412664", "10010412749"


def _call(db: Database, caller: Caller) -> PhoneCall:
    with db.transaction() as session:
        call = session.get(PhoneCall, caller.call_sid)
        assert call is not None
        session.expunge(call)
        return call


@pytest.mark.parametrize(("keys", "language"), LANGUAGES)
def test_bind_one_ccrn_reads_back_and_gives_a_ubr_crossing_30_minutes_later(
    phone_client: TestClient, clock: Clock, desk: MemoryDesk, driver: Driver, db: Database, keys: str, language: str
) -> None:
    caller = Caller(phone_client, clock, driver)
    greeting = caller.dial()
    assert greeting.prompts[0] == "enter_account" and greeting.clips[0][0] == "yue", "Cantonese by default"
    assert ("en", "offer_english") in greeting.clips and ("cmn", "offer_putonghua") in greeting.clips
    assert greeting.gather is not None and greeting.gather["finishOnKey"] == "#"
    menu = caller.log_in(keys)
    assert menu.prompts == ["main_menu"] and menu.languages == {language}

    done = caller.bind(CCRN)

    assert done.prompts[0] == "bind_done" and done.languages == {language}
    ((ubr, (org, user, binding)),) = desk.bindings.items()
    assert (org, user) == (driver.org_id, driver.user_id)
    assert binding.ccrns == (CCRN,) and binding.vehicle == driver.vehicle
    assert binding.control_point is ControlPoint.LOK_MA_CHAU
    assert done.number_after("ubr") == ubr
    assert binding.earliest_crossing - binding.bound_at == CROSSING_AFTER_BINDING
    assert done.time_after("earliest_crossing") == hong_kong(binding.earliest_crossing)
    assert done.prompts[-1] == "main_menu", "back to the menu for the next job"
    call = _call(db, caller)
    assert call.outcomes == ["logged_in", "bound"] and call.language == language
    assert call.account_id is not None and call.org_id == driver.org_id and call.channel == "provider"


@pytest.mark.parametrize(("keys", "language"), LANGUAGES)
def test_bind_several_ccrns_in_a_loop(
    phone_client: TestClient, clock: Clock, desk: MemoryDesk, driver: Driver, keys: str, language: str
) -> None:
    caller = Caller(phone_client, clock, driver)
    caller.log_in(keys)
    done = caller.bind(CCRN, CCRN_2, CCRN_3, point="5")
    ((ubr, (_, _, binding)),) = desk.bindings.items()
    assert binding.ccrns == (CCRN, CCRN_2, CCRN_3) and binding.control_point is ControlPoint.HZMB_MAINLAND
    assert done.number_after("ubr") == ubr and done.languages == {language}


@pytest.mark.parametrize(("keys", "language"), LANGUAGES)
def test_cancel_all(
    phone_client: TestClient, clock: Clock, desk: MemoryDesk, driver: Driver, db: Database, keys: str, language: str
) -> None:
    caller = Caller(phone_client, clock, driver)
    caller.log_in(keys)
    caller.bind(CCRN, CCRN_2)
    (ubr,) = desk.bindings
    assert caller.press("2").prompts == ["cancel_menu"]
    assert caller.press("1").prompts == ["enter_code"]
    confirm = caller.press(caller.code())
    assert confirm.number_after("ubr") == ubr and confirm.prompts[-1] == "confirm"
    assert desk.bindings, "nothing changes before the caller confirms"
    done = caller.press("1")
    assert done.prompts == ["cancel_all_done", "main_menu"] and done.languages == {language}
    assert desk.bindings == {}
    assert _call(db, caller).outcomes == ["logged_in", "bound", "cancelled_all"]


@pytest.mark.parametrize(("keys", "language"), LANGUAGES)
def test_cancel_part(
    phone_client: TestClient, clock: Clock, desk: MemoryDesk, driver: Driver, keys: str, language: str
) -> None:
    caller = Caller(phone_client, clock, driver)
    caller.log_in(keys)
    caller.bind(CCRN, CCRN_2)
    (ubr,) = desk.bindings
    caller.press("2")
    assert caller.press("2").prompts == ["enter_ccrn"]
    assert caller.press(CCRN_2).prompts == ["enter_code"]
    confirm = caller.press(caller.code())
    assert confirm.number_after("ccrn") == CCRN_2 and confirm.number_after("ubr") == ubr
    done = caller.press("1")
    assert done.prompts == ["cancel_part_done", "main_menu"] and done.languages == {language}
    assert desk.bindings[ubr][2].ccrns == (CCRN,)


@pytest.mark.parametrize(("keys", "language"), LANGUAGES)
def test_the_three_enquiries(
    phone_client: TestClient, clock: Clock, desk: MemoryDesk, driver: Driver, keys: str, language: str
) -> None:
    caller = Caller(phone_client, clock, driver)
    caller.log_in(keys)
    caller.bind(CCRN)
    ((ubr, (_, _, binding)),) = desk.bindings.items()
    crossing = hong_kong(binding.earliest_crossing)

    assert caller.press("3").prompts == ["enquire_menu"]
    assert caller.press("1").prompts == ["enter_ubr"]
    by_ubr = caller.press(ubr)
    assert by_ubr.number_after("ubr") == ubr and by_ubr.time_after("earliest_crossing") == crossing

    caller.press("3")
    assert caller.press("2").prompts == ["enter_ccrn"]
    by_ccrn = caller.press(CCRN)
    assert by_ccrn.number_after("ubr") == ubr and by_ccrn.time_after("earliest_crossing") == crossing

    caller.press("3")
    earliest = caller.press("3")
    assert earliest.number_after("ubr") == ubr and earliest.time_after("earliest_crossing") == crossing
    assert earliest.languages == {language}

    caller.press("3")
    caller.press("1")
    assert caller.press("99999999999").prompts == ["not_found", "main_menu"]


@pytest.mark.parametrize(("keys", "language"), LANGUAGES)
def test_wrong_password_until_lockout(
    phone_client: TestClient, clock: Clock, driver: Driver, db: Database, keys: str, language: str
) -> None:
    caller = Caller(phone_client, clock, driver)
    caller.dial()
    if keys:
        caller.press(keys)
    wrong = "000000" if driver.password != "000000" else "111111"
    for _ in range(2):
        caller.press(driver.number)
        again = caller.press(wrong)
        assert again.prompts[0] == "login_failed" and again.prompts[1] == "enter_account"
        assert again.languages >= {language}
    caller.press(driver.number)
    locked = caller.press(wrong)
    assert locked.prompts == ["locked", "goodbye"] and locked.hangup and locked.gather is None
    assert locked.languages == {language}
    assert _call(db, caller).outcomes == ["login_failed", "login_failed", "locked_out"]
    assert _call(db, caller).ended_at is not None and _call(db, caller).state is None

    later = Caller(phone_client, clock, driver)
    assert later.log_in().prompts == ["locked", "goodbye"], "the right password does not open a locked account"
    with db.transaction() as session:
        account = session.scalar(select(PhoneAccount).where(PhoneAccount.number == driver.number))
        assert account is not None and account.locked_at is not None


def test_wrong_security_codes_lock_the_account(
    phone_client: TestClient, clock: Clock, desk: MemoryDesk, driver: Driver
) -> None:
    caller = Caller(phone_client, clock, driver)
    caller.log_in()
    caller.press("1")
    caller.press(CCRN)
    caller.press("2")
    right = caller.code()
    wrong = "123456" if right != "123456" else "654321"
    assert caller.press(wrong).prompts == ["wrong_code", "enter_code"]
    assert caller.press(wrong).prompts == ["wrong_code", "enter_code"]
    locked = caller.press(wrong)
    assert locked.prompts == ["locked", "goodbye"] and locked.hangup
    assert desk.bindings == {}


def test_a_security_code_is_good_once(phone_client: TestClient, clock: Clock, desk: MemoryDesk, driver: Driver) -> None:
    caller = Caller(phone_client, clock, driver)
    caller.log_in()
    caller.bind(CCRN)
    caller.press("2")
    caller.press("1")
    clock.advance(-30)  # the code of the step just used, heard by someone else
    assert caller.press(caller.code()).prompts == ["wrong_code", "enter_code"]


@pytest.mark.parametrize(("keys", "language"), LANGUAGES)
def test_silence_and_wrong_digits_ask_again_then_end_the_call(
    phone_client: TestClient, clock: Clock, driver: Driver, db: Database, keys: str, language: str
) -> None:
    caller = Caller(phone_client, clock, driver)
    caller.log_in(keys)
    silence = caller.press(None)
    assert silence.prompts == ["no_input", "main_menu"] and silence.languages == {language}
    assert caller.press("*").prompts == ["main_menu"], "* repeats, and is no mistake"
    assert caller.press("7").prompts == ["invalid", "main_menu"]
    caller.press("1")
    assert caller.press("12345").prompts == ["invalid", "enter_ccrn"], "a CCRN has ten digits"
    assert caller.press(CCRN).prompts[-1] == "more_ccrn"
    assert caller.press(None).prompts[0] == "no_input"
    assert caller.press("5").prompts[0] == "invalid"
    ended = caller.press(None)
    assert ended.prompts == ["no_input", "goodbye"] and ended.hangup
    assert _call(db, caller).outcomes == ["logged_in", "no_input"]
    assert caller.press("2").prompts == ["goodbye"], "an ended call changes nothing"


def test_pressing_2_at_the_read_back_changes_nothing(
    phone_client: TestClient, clock: Clock, desk: MemoryDesk, driver: Driver
) -> None:
    caller = Caller(phone_client, clock, driver)
    caller.log_in()
    caller.press("1")
    caller.press(CCRN)
    caller.press("2")
    caller.press(caller.code())
    caller.press("1")
    assert caller.press("2").prompts == ["nothing_changed", "main_menu"]
    assert desk.bindings == {}


def test_a_refused_ccrn_binds_nothing(phone_client: TestClient, clock: Clock, desk: MemoryDesk, driver: Driver) -> None:
    desk.unknown.add(CCRN_2)
    caller = Caller(phone_client, clock, driver)
    caller.log_in()
    assert caller.bind(CCRN, CCRN_2).prompts == ["bind_refused", "main_menu"]
    assert desk.bindings == {}


def test_an_unknown_account_number_is_a_failed_login(phone_client: TestClient, clock: Clock, driver: Driver) -> None:
    caller = Caller(phone_client, clock, driver)
    caller.dial()
    caller.press("999999" if driver.number != "999999" else "888888")
    assert caller.press(driver.password).prompts[0] == "login_failed"


def test_another_companys_binding_is_not_found(
    phone_client: TestClient, clock: Clock, desk: MemoryDesk, driver: Driver, db: Database, phone_settings: Settings
) -> None:
    theirs = desk.bind(
        make_driver(db, phone_settings, "Other Trucking").actor,
        vehicle="XY1",
        ccrns=[CCRN],
        control_point=ControlPoint.SHENZHEN_BAY,
        direction=None,
    )
    caller = Caller(phone_client, clock, driver)
    caller.log_in()
    caller.press("3")
    caller.press("1")
    assert caller.press(theirs.ubr).prompts == ["not_found", "main_menu"]
    caller.press("2")
    caller.press("2")
    assert caller.press(CCRN).prompts == ["not_found", "main_menu"]
    assert desk.bindings[theirs.ubr][2].ccrns == (CCRN,)


@pytest.mark.parametrize(
    "signature", [pytest.param(None, id="missing"), pytest.param("bm90IHRoZSBzaWduYXR1cmU=", id="forged")]
)
def test_an_unsigned_or_forged_request_gets_403_and_changes_nothing(
    phone_client: TestClient, clock: Clock, driver: Driver, db: Database, signature: str | None
) -> None:
    stranger = Caller(phone_client, clock, driver)
    refused = stranger.post("/ivr/voice", {}, signature=signature)
    assert refused.status_code == 403 and refused.json()["error"] == "phone_line_closed"
    with db.transaction() as session:
        assert session.get(PhoneCall, stranger.call_sid) is None

    caller = Caller(phone_client, clock, driver)
    caller.dial()
    before = _call(db, caller).state
    forged = caller.post("/ivr/gather", {"Digits": driver.number}, signature=signature)
    assert forged.status_code == 403
    assert _call(db, caller).state == before


def test_a_request_signed_for_other_fields_or_another_account_is_refused(
    phone_client: TestClient, clock: Clock, driver: Driver
) -> None:
    caller = Caller(phone_client, clock, driver)
    caller.dial()
    signature = caller.validator.compute_signature(
        "https://harbourlink.example.hk/ivr/gather", {"AccountSid": "x", "CallSid": caller.call_sid, "Digits": "1"}
    )
    assert caller.post("/ivr/gather", {"Digits": "2"}, signature=signature).status_code == 403
    other = caller.post("/ivr/gather", {"AccountSid": "AC" + "6" * 32, "Digits": "2"})
    assert other.status_code == 403 and other.json()["error"] == "phone_account_mismatch"


def test_the_line_is_closed_without_an_auth_token(client: TestClient, clock: Clock, driver: Driver) -> None:
    caller = Caller(client, clock, driver)
    assert caller.post("/ivr/voice", {}).status_code == 403


def test_without_a_binding_desk_calls_are_told_it_is_unavailable(
    phone_client: TestClient, clock: Clock, driver: Driver
) -> None:
    phone_client.app.state.phone.desk = None  # type: ignore[attr-defined]
    said = Caller(phone_client, clock, driver).dial()
    assert said.prompts == ["unavailable", "goodbye"] and said.hangup


def test_nothing_the_caller_keyed_reaches_a_log(
    phone_client: TestClient, clock: Clock, desk: MemoryDesk, driver: Driver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caller = Caller(phone_client, clock, driver)
    caller.log_in()
    caller.press("1")
    caller.press(CCRN)
    caller.press("2")
    code = caller.code()
    caller.press(code)
    caller.press("4")
    caller.press("1")
    caller.press("3")
    caller.press("1")
    (ubr,) = desk.bindings
    caller.press(ubr)
    logged = caplog.text + "".join(str(record.args) for record in caplog.records)
    assert caller.call_sid in logged, "the call is logged, by its id"
    for secret in (driver.number, driver.password, code, CCRN, ubr):
        assert secret not in logged


def test_hanging_up_mid_call_empties_its_state_and_keeps_its_record(
    phone_client: TestClient, clock: Clock, driver: Driver, db: Database
) -> None:
    caller = Caller(phone_client, clock, driver)
    caller.dial()
    caller.press(driver.number)
    assert _call(db, caller).state is not None, "the account number waits for its password"
    assert caller.post("/ivr/status", {"CallStatus": "completed"}, signature=None).status_code == 403
    assert _call(db, caller).ended_at is None
    assert caller.post("/ivr/status", {"CallStatus": "completed"}).status_code == 204
    call = _call(db, caller)
    assert call.state is None and call.ended_at == clock() and call.outcomes == ["hung_up"]


def test_a_call_abandoned_without_word_loses_its_state_when_a_later_call_begins(
    phone_client: TestClient, clock: Clock, driver: Driver, db: Database
) -> None:
    abandoned = Caller(phone_client, clock, driver)
    abandoned.dial()
    abandoned.press(driver.number)
    clock.advance(1800)
    Caller(phone_client, clock, driver).dial()
    assert _call(db, abandoned).state is not None, "half an hour of silence is not yet abandoned"
    clock.advance(1900)
    Caller(phone_client, clock, driver).dial()
    gone = _call(db, abandoned)
    assert gone.state is None and gone.ended_at == clock()
