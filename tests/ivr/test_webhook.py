"""The TwiML webhook as the provider's endpoint: signatures checked, a closed or unwired line, calls that end.

Every menu path, in each language, is in test_menus.py.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from harbourlink import identity
from harbourlink.ivr.models import PhoneCall
from harbourlink.kernel import Database
from tests.conftest import make_company
from tests.ivr.caller import Caller
from tests.ivr.conftest import Clock, Driver, opt_in_to_binding
from tests.road.support import lodge, opt_in


def _call(db: Database, caller: Caller) -> PhoneCall:
    with db.transaction() as session:
        call = session.get(PhoneCall, caller.call_sid)
        assert call is not None
        session.expunge(call)
        return call


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


def test_a_forged_confirmation_binds_nothing(
    phone_client: TestClient, clock: Clock, driver: Driver, db: Database
) -> None:
    shipper = opt_in(db, make_company(db, "Kowloon Books", "cargo_owner"), identity.Service.ADVANCE_CARGO_INFO)
    ccrn = lodge(phone_client, shipper)
    caller = Caller(phone_client, clock, opt_in_to_binding(db, driver))
    caller.log_in()
    caller.press("1")
    caller.press(ccrn)
    caller.press("2")
    caller.press(caller.code())
    assert caller.press("3").prompts[-1] == "confirm"
    before = _call(db, caller).state

    assert caller.post("/ivr/gather", {"Digits": "1"}, signature="bm90IHRoZSBzaWduYXR1cmU=").status_code == 403
    assert caller.post("/ivr/gather", {"Digits": "1"}, signature=None).status_code == 403
    assert _call(db, caller).state == before
    assert phone_client.get(f"/api/v1/road/consignments/{ccrn}", headers=shipper.auth).json()["status"] == "lodged"
    assert caller.press("1").prompts[0] == "bind_done", "the provider's own request still goes through"
