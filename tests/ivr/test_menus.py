"""Every menu path of the phone in each language, through the TwiML webhook with provider-signed requests, on
road's real binding desk and database: what the caller hears, what road then holds (a binding made by phone,
cancellations), and each call's audit record, in which, as in the logs, none of the caller's digits appear.

One phone line, shipper and driver serve the whole module (the tables are emptied after it); each test
lodges its own consignments, and a test that locks an account gives itself a driver of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from harbourlink import identity
from harbourlink.ivr.models import PhoneAccount, PhoneCall
from harbourlink.kernel import Database, create_database
from tests.conftest import Company, make_company, settings_for, wipe
from tests.ivr.caller import Caller, Said, hong_kong
from tests.ivr.conftest import Clock, Driver, make_driver, opt_in_to_binding, phone_line, require_espeak, with_provider
from tests.road.support import lodge, opt_in

LANGUAGES = [pytest.param("", "yue", id="cantonese"), pytest.param("*2", "en", id="english")]
LANGUAGES.append(pytest.param("*3", "cmn", id="putonghua"))
NEVER_LODGED = "99999999999"


@dataclass
class Line:
    """The phone line as installed, with the cargo's shipper and a driver whose company may bind."""

    client: TestClient
    clock: Clock
    db: Database
    shipper: Company
    driver: Driver
    make_driver: Any
    """``make_driver(name)``: a driver of a company of its own, for a test that locks its account."""

    def caller(self, driver: Driver | None = None) -> Caller:
        return Caller(self.client, self.clock, driver or self.driver)

    def lodge(self, **changes: Any) -> str:
        return lodge(self.client, self.shipper, **changes)

    def binding(self, ubr: str) -> dict[str, Any]:
        """The binding as road's API shows it to the cargo's shipper."""
        seen = self.client.get(f"/api/v1/road/bindings/{ubr}", headers=self.shipper.auth)
        assert seen.status_code == 200, seen.text
        return seen.json()  # type: ignore[no-any-return]

    def status(self, ccrn: str) -> str:
        return str(self.client.get(f"/api/v1/road/consignments/{ccrn}", headers=self.shipper.auth).json()["status"])


@pytest.fixture(scope="module")
def line(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Line]:
    require_espeak()
    settings = with_provider(settings_for(database_url, Path(tmp_path_factory.mktemp("phone"))))
    db, clock = create_database(settings.resolved_database_url()), Clock()
    try:
        shipper = opt_in(db, make_company(db, "Kowloon Books", "cargo_owner"), identity.Service.ADVANCE_CARGO_INFO)
        driver = opt_in_to_binding(db, make_driver(db, settings))
        with phone_line(settings, clock) as client:
            yield Line(client, clock, db, shipper, driver, lambda name: make_driver(db, settings, name))
    finally:
        db.engine.dispose()
        wipe(database_url)


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


def hang_up_and_audit(line: Line, caller: Caller, logs: pytest.LogCaptureFixture) -> list[str]:
    """Ends the call as the provider does; checks its audit record and the logs hold none of the caller's
    entries (numbers, passwords, codes, CCRNs, UBRs), and gives the record's outcomes."""
    assert caller.post("/ivr/status", {"CallStatus": "completed"}).status_code == 204
    with line.db.transaction() as session:
        call = session.get(PhoneCall, caller.call_sid)
        assert call is not None
        row = {column.key: getattr(call, column.key) for column in PhoneCall.__table__.columns}
    assert call.ended_at is not None and call.state is None
    assert call.account_id is not None and call.channel == "provider"
    # Every record but the test client's own (which logs the URLs the test asks for, UBRs and CCRNs in them).
    server = [record for record in logs.records if record.name != "httpx2"]
    logged = "".join(f"{record.getMessage()}{record.args}" for record in server)
    assert caller.call_sid in logged, "the call is logged, by its id"
    written = repr(row) + logged
    entries = [entry for entry in caller.keyed if len(entry) >= 6]
    assert entries, "the call keyed at least its account number"
    for entry in entries:
        assert entry not in written, "a caller's entry was written down"
    return call.outcomes


def _logged_in(line: Line, keys: str, language: str, driver: Driver | None = None) -> Caller:
    caller = line.caller(driver)
    greeting = caller.dial()
    assert greeting.prompts[0] == "enter_account" and greeting.clips[0][0] == "yue", "Cantonese by default"
    assert ("en", "offer_english") in greeting.clips and ("cmn", "offer_putonghua") in greeting.clips
    assert greeting.gather is not None and greeting.gather["finishOnKey"] == "#"
    menu = caller.log_in(keys)
    assert menu.prompts == ["main_menu"] and menu.languages == {language}
    return caller


def _check_made_by_phone(line: Line, said: Said, ccrns: list[str], point: str) -> dict[str, Any]:
    assert said.prompts[0] == "bind_done" and said.prompts[-1] == "main_menu", said.prompts
    made = line.binding(said.number_after("ubr"))
    assert (made["channel"], made["driver"], made["vehicle"]) == ("phone", "Chan Tai Bon", line.driver.vehicle)
    assert (made["control_point"], made["direction"], made["ccrns"]) == (point, "import", sorted(ccrns))
    bound_at, earliest = (datetime.fromisoformat(made[key]) for key in ("bound_at", "earliest_crossing_at"))
    assert earliest - bound_at == timedelta(minutes=30)
    assert said.time_after("earliest_crossing") == hong_kong(earliest), "the caller hears the stored time"
    assert {line.status(ccrn) for ccrn in ccrns} == {"bound"}
    return made


@pytest.mark.parametrize(("keys", "language"), LANGUAGES)
def test_bind_one_ccrn(line: Line, logs: pytest.LogCaptureFixture, keys: str, language: str) -> None:
    ccrn = line.lodge()
    caller = _logged_in(line, keys, language)

    done = caller.bind(ccrn)

    assert done.languages == {language}
    _check_made_by_phone(line, done, [ccrn], "LMC")
    assert hang_up_and_audit(line, caller, logs) == ["logged_in", "bound", "hung_up"]


@pytest.mark.parametrize(("keys", "language"), LANGUAGES)
def test_bind_several_ccrns_in_a_loop(line: Line, logs: pytest.LogCaptureFixture, keys: str, language: str) -> None:
    ccrns = [line.lodge() for _ in range(3)]
    caller = _logged_in(line, keys, language)

    done = caller.bind(*ccrns, point="5")

    assert done.languages == {language}
    _check_made_by_phone(line, done, ccrns, "HZM")
    assert hang_up_and_audit(line, caller, logs) == ["logged_in", "bound", "hung_up"]


@pytest.mark.parametrize(("keys", "language"), LANGUAGES)
def test_cancel_all(line: Line, logs: pytest.LogCaptureFixture, keys: str, language: str) -> None:
    ccrns = [line.lodge(), line.lodge()]
    caller = _logged_in(line, keys, language)
    ubr = caller.bind(*ccrns).number_after("ubr")

    assert caller.press("2").prompts == ["cancel_menu"]
    assert caller.press("1").prompts == ["enter_code"]
    confirm = caller.press(caller.code())
    assert confirm.number_after("ubr") == ubr and confirm.prompts[-1] == "confirm"
    assert line.binding(ubr)["cancelled_at"] is None, "nothing changes before the caller confirms"
    done = caller.press("1")

    assert done.prompts == ["cancel_all_done", "main_menu"] and done.languages == {language}
    gone = line.binding(ubr)
    assert (gone["ccrns"], gone["cancelled_ccrns"]) == ([], sorted(ccrns)) and gone["cancelled_at"] is not None
    assert {line.status(ccrn) for ccrn in ccrns} == {"lodged"}, "the cargo may be bound again"
    assert hang_up_and_audit(line, caller, logs) == ["logged_in", "bound", "cancelled_all", "hung_up"]


@pytest.mark.parametrize(("keys", "language"), LANGUAGES)
def test_cancel_part(line: Line, logs: pytest.LogCaptureFixture, keys: str, language: str) -> None:
    kept, dropped = line.lodge(), line.lodge()
    caller = _logged_in(line, keys, language)
    ubr = caller.bind(kept, dropped).number_after("ubr")

    caller.press("2")
    assert caller.press("2").prompts == ["enter_ccrn"]
    assert caller.press(dropped).prompts == ["enter_code"]
    confirm = caller.press(caller.code())
    assert confirm.number_after("ccrn") == dropped and confirm.number_after("ubr") == ubr
    done = caller.press("1")

    assert done.prompts == ["cancel_part_done", "main_menu"] and done.languages == {language}
    part = line.binding(ubr)
    assert (part["ccrns"], part["cancelled_ccrns"], part["cancelled_at"]) == ([kept], [dropped], None)
    assert (line.status(kept), line.status(dropped)) == ("bound", "lodged")
    assert hang_up_and_audit(line, caller, logs) == ["logged_in", "bound", "cancelled_part", "hung_up"]


@pytest.mark.parametrize(("keys", "language"), LANGUAGES)
def test_the_three_enquiries(line: Line, logs: pytest.LogCaptureFixture, keys: str, language: str) -> None:
    older, newer = line.lodge(), line.lodge()
    caller = _logged_in(line, keys, language)
    first = caller.bind(older).number_after("ubr")
    latest = caller.bind(newer, point="7").number_after("ubr")
    crossing = {
        ubr: hong_kong(datetime.fromisoformat(line.binding(ubr)["earliest_crossing_at"])) for ubr in (first, latest)
    }

    assert caller.press("3").prompts == ["enquire_menu"]
    assert caller.press("1").prompts == ["enter_ubr"]
    by_ubr = caller.press(first)
    assert by_ubr.number_after("ubr") == first and by_ubr.time_after("earliest_crossing") == crossing[first]
    caller.press("3")
    assert caller.press("2").prompts == ["enter_ccrn"]
    by_ccrn = caller.press(newer)
    assert by_ccrn.number_after("ubr") == latest and by_ccrn.time_after("earliest_crossing") == crossing[latest]
    caller.press("3")
    earliest = caller.press("3")
    assert earliest.number_after("ubr") == latest, "the earliest crossing of the driver's latest binding"
    assert earliest.time_after("earliest_crossing") == crossing[latest] and earliest.languages == {language}
    caller.press("3")
    caller.press("2")
    assert caller.press(line.lodge()).prompts == ["not_found", "main_menu"], "lodged, never bound"
    caller.press("3")
    caller.press("1")
    assert caller.press(NEVER_LODGED).prompts == ["not_found", "main_menu"]
    outcomes = hang_up_and_audit(line, caller, logs)
    assert outcomes == [
        *("logged_in", "bound", "bound", "enquired_ubr", "enquired_ccrn", "enquired_earliest"),
        *("not_found", "not_found", "hung_up"),
    ]


def _locked(line: Line, driver: Driver) -> bool:
    with line.db.transaction() as session:
        account = session.scalar(select(PhoneAccount).where(PhoneAccount.number == driver.number))
        return account is not None and account.locked_at is not None


@pytest.mark.parametrize(("keys", "language"), LANGUAGES)
def test_wrong_password_until_lockout(line: Line, logs: pytest.LogCaptureFixture, keys: str, language: str) -> None:
    driver = line.make_driver(f"Password Trucking {language}")
    caller = line.caller(driver)
    caller.dial()
    if keys:
        caller.press(keys)
    wrong = "000000" if driver.password != "000000" else "111111"
    for _ in range(2):
        caller.press(driver.number)
        again = caller.press(wrong)
        assert again.prompts[:2] == ["login_failed", "enter_account"] and again.languages >= {language}
    caller.press(driver.number)
    locked = caller.press(wrong)

    assert locked.prompts == ["locked", "goodbye"] and locked.hangup and locked.gather is None
    assert locked.languages == {language} and _locked(line, driver)
    assert hang_up_and_audit(line, caller, logs) == ["login_failed", "login_failed", "locked_out"]
    later = line.caller(driver)
    assert later.log_in().prompts == ["locked", "goodbye"], "the right password does not open a locked account"
    assert hang_up_and_audit(line, later, logs) == ["locked_out"]


@pytest.mark.parametrize(("keys", "language"), LANGUAGES)
def test_wrong_security_code_until_lockout(
    line: Line, logs: pytest.LogCaptureFixture, keys: str, language: str
) -> None:
    driver = line.make_driver(f"Code Trucking {language}")
    ccrn = line.lodge()
    caller = _logged_in(line, keys, language, driver)
    caller.press("1")
    caller.press(ccrn)
    caller.press("2")
    right = caller.code()
    wrong = "123456" if right != "123456" else "654321"
    for _ in range(2):
        again = caller.press(wrong)
        assert again.prompts == ["wrong_code", "enter_code"] and again.languages == {language}
    locked = caller.press(wrong)

    assert locked.prompts == ["locked", "goodbye"] and locked.hangup and locked.languages == {language}
    assert _locked(line, driver) and line.status(ccrn) == "lodged", "nothing was bound"
    assert hang_up_and_audit(line, caller, logs) == ["logged_in", "wrong_code", "wrong_code", "locked_out"]


@pytest.mark.parametrize(("keys", "language"), LANGUAGES)
def test_silence_wrong_digits_and_star_to_repeat(
    line: Line, logs: pytest.LogCaptureFixture, keys: str, language: str
) -> None:
    ccrn = line.lodge()
    caller = _logged_in(line, keys, language)
    silence = caller.press(None)
    assert silence.prompts == ["no_input", "main_menu"] and silence.languages == {language}
    assert caller.press("*").prompts == ["main_menu"], "* repeats, and is no mistake"
    assert caller.press("7").prompts == ["invalid", "main_menu"]
    caller.press("1")
    assert caller.press("12345").prompts == ["invalid", "enter_ccrn"], "a CCRN has ten digits"
    assert caller.press("*").prompts == ["enter_ccrn"]
    assert caller.press(ccrn).prompts[-1] == "more_ccrn"
    assert caller.press(None).prompts[0] == "no_input"
    assert caller.press("5").prompts[0] == "invalid"
    ended = caller.press(None)

    assert ended.prompts == ["no_input", "goodbye"] and ended.hangup and ended.languages == {language}
    assert caller.press("2").prompts == ["goodbye"], "an ended call changes nothing"
    assert line.status(ccrn) == "lodged"
    assert hang_up_and_audit(line, caller, logs) == ["logged_in", "no_input"]


def test_a_security_code_is_good_once(line: Line, logs: pytest.LogCaptureFixture) -> None:
    ccrn = line.lodge()
    caller = line.caller()
    caller.log_in()
    ubr = caller.bind(ccrn).number_after("ubr")
    caller.press("2")
    caller.press("1")
    line.clock.advance(-30)  # the code of the step just used, heard by someone else
    assert caller.press(caller.code()).prompts == ["wrong_code", "enter_code"]
    assert line.binding(ubr)["cancelled_at"] is None
    hang_up_and_audit(line, caller, logs)
    assert line.caller().log_in().prompts == ["main_menu"], "one wrong code is not yet a lockout"


def test_pressing_2_at_the_read_back_changes_nothing(line: Line, logs: pytest.LogCaptureFixture) -> None:
    ccrn = line.lodge()
    caller = line.caller()
    caller.log_in()
    caller.press("1")
    caller.press(ccrn)
    caller.press("2")
    caller.press(caller.code())
    caller.press("1")
    assert caller.press("2").prompts == ["nothing_changed", "main_menu"]
    assert line.status(ccrn) == "lodged"
    assert hang_up_and_audit(line, caller, logs) == ["logged_in", "not_confirmed", "hung_up"]


def test_a_ccrn_road_refuses_binds_nothing(line: Line, logs: pytest.LogCaptureFixture) -> None:
    ccrn = line.lodge()
    caller = line.caller()
    caller.log_in()
    assert caller.bind(ccrn, NEVER_LODGED).prompts == ["bind_refused", "main_menu"]
    assert line.status(ccrn) == "lodged"
    assert hang_up_and_audit(line, caller, logs) == ["logged_in", "bind_refused", "hung_up"]


def test_an_unknown_account_number_is_a_failed_login(line: Line) -> None:
    caller = line.caller()
    caller.dial()
    caller.press("999999" if line.driver.number != "999999" else "888888")
    assert caller.press(line.driver.password).prompts[0] == "login_failed"


def test_another_companys_binding_is_neither_found_nor_cancelled(line: Line, logs: pytest.LogCaptureFixture) -> None:
    other = opt_in_to_binding(line.db, line.make_driver("Other Trucking"))
    ccrn = line.lodge()
    theirs = line.caller(other)
    theirs.log_in()
    ubr = theirs.bind(ccrn).number_after("ubr")

    caller = line.caller()
    caller.log_in()
    caller.press("3")
    caller.press("1")
    assert caller.press(ubr).prompts == ["not_found", "main_menu"]
    caller.press("2")
    caller.press("2")
    assert caller.press(ccrn).prompts == ["not_found", "main_menu"]
    assert line.binding(ubr)["ccrns"] == [ccrn]
    hang_up_and_audit(line, caller, logs)
