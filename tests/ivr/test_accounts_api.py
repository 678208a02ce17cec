"""Phone accounts and call records through the API: an administrator's, and only their own company's."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from harbourlink import identity
from harbourlink.kernel import Database
from tests.conftest import Company, make_company
from tests.ivr.caller import Caller
from tests.ivr.conftest import Clock, Driver


def _driver_id(client: TestClient, company: Company, email: str) -> str:
    made = client.post(
        f"/api/v1/orgs/{company.org_id}/users",
        headers=company.auth,
        json={"email": email, "display_name": "Wong Siu Keung", "role": "driver"},
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def test_an_administrator_gives_a_driver_a_phone_account_once(phone_client: TestClient, db: Database) -> None:
    trucker = make_company(db, "Kwai Chung Haulage", "trucking")
    driver_id = _driver_id(phone_client, trucker, "wong@kwai-chung.example.hk")
    made = phone_client.post(
        "/api/v1/phone-accounts", headers=trucker.auth, json={"user_id": driver_id, "vehicle": "ab 1234"}
    )
    assert made.status_code == 201, made.text
    issued = made.json()
    assert len(issued["number"]) == 6 and issued["number"].isdigit()
    assert len(issued["password"]) == 6 and issued["password"].isdigit()
    assert issued["security_code_uri"].startswith("otpauth://totp/") and issued["vehicle"] == "AB 1234"
    again = phone_client.post(
        "/api/v1/phone-accounts", headers=trucker.auth, json={"user_id": driver_id, "vehicle": "AB1234"}
    )
    assert again.status_code == 409 and again.json()["error"] == "phone_account_exists"
    admin = phone_client.post(
        "/api/v1/phone-accounts", headers=trucker.auth, json={"user_id": trucker.admin_id, "vehicle": "AB1234"}
    )
    assert admin.status_code == 422 and admin.json()["error"] == "not_a_driver"
    (listed,) = phone_client.get("/api/v1/phone-accounts", headers=trucker.auth).json()
    assert listed["number"] == issued["number"] and "password" not in listed and "security_code_uri" not in listed


@pytest.mark.parametrize("language_keys", ["", "*2"])
def test_a_locked_account_is_unlocked_by_its_company_and_calls_are_recorded_without_digits(
    phone_client: TestClient, clock: Clock, driver: Driver, db: Database, company_b: Company, language_keys: str
) -> None:
    caller = Caller(phone_client, clock, driver)
    caller.dial()
    if language_keys:
        caller.press(language_keys)
    wrong = "000000" if driver.password != "000000" else "111111"
    for _ in range(3):
        caller.press(driver.number)
        caller.press(wrong)
    trucker_key = _admin_key(db, driver)
    (account,) = phone_client.get("/api/v1/phone-accounts", headers=trucker_key).json()
    assert account["locked_at"] is not None

    assert (
        phone_client.post(f"/api/v1/phone-accounts/{driver.number}/unlock", headers=company_b.auth).status_code == 404
    )
    unlocked = phone_client.post(f"/api/v1/phone-accounts/{driver.number}/unlock", headers=trucker_key)
    assert unlocked.status_code == 200 and unlocked.json()["locked_at"] is None
    clock.advance(60)
    assert Caller(phone_client, clock, driver).log_in().prompts == ["main_menu"]

    calls = phone_client.get("/api/v1/phone-calls", headers=trucker_key).json()
    assert [call["outcomes"] for call in calls] == [["logged_in"], ["login_failed", "login_failed", "locked_out"]]
    assert calls[1]["language"] == ("en" if language_keys else "yue") and calls[1]["ended_at"] is not None
    for secret in (driver.number, driver.password, wrong):
        assert secret not in str(calls)
    assert phone_client.get("/api/v1/phone-calls", headers=company_b.auth).json() == []
    assert phone_client.get("/api/v1/phone-accounts", headers=company_b.auth).json() == []


def _admin_key(db: Database, driver: Driver) -> dict[str, str]:
    with db.transaction() as session:
        _, key = identity.create_api_key(
            session, identity.SYSTEM_ACTOR, org_id=driver.org_id, name="test", scopes=list(identity.KeyScope)
        )
    return {"Authorization": f"Bearer {key}"}
