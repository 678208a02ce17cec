"""The phone accounts page of a company's administration, and the simulator page, for people."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from harbourlink import identity
from harbourlink.kernel import Database
from tests.conftest import STRONG_PASSWORD, make_company
from tests.ivr.caller import Caller
from tests.ivr.conftest import Clock, Driver
from tests.web.conftest import log_in, submit, text_of


def test_an_administrator_gives_a_driver_a_phone_account_and_unlocks_it(
    phone_client: TestClient, clock: Clock, db: Database
) -> None:
    trucker = make_company(db, "Sheung Shui Transport", "trucking")
    with db.transaction() as session:
        driver, _ = identity.create_user(
            session,
            identity.SYSTEM_ACTOR,
            org_id=trucker.org_id,
            email="lee@sheung-shui.example.hk",
            display_name="Lee Ka Fai",
            role=identity.Role.DRIVER,
            password=STRONG_PASSWORD,
        )
        driver_id = driver.id
    log_in(phone_client, trucker.admin_email)
    empty = phone_client.get("/admin/phone?lang=en")
    assert "No driver has a phone account yet." in text_of(empty.text) and "Lee Ka Fai" in empty.text

    made = submit(phone_client, "/admin/phone", "/admin/phone", {"user_id": driver_id, "vehicle": "ss 88"})
    assert made.status_code == 200 and made.url.path == "/admin/phone"
    number = re.search(r'id="phone-number">(\d{6})<', made.text)
    password = re.search(r'id="phone-password">(\d{6})<', made.text)
    key = re.search(r'id="phone-code-key">([A-Z2-7]+)<', made.text)
    assert number and password and key, made.text
    again = phone_client.get("/admin/phone")
    assert password.group(1) not in again.text, "the password is shown once"
    assert "SS 88" in again.text

    account = Driver(trucker.org_id, trucker.admin_id, driver_id, number.group(1), password.group(1), key.group(1), "")
    wrong = "000000" if account.password != "000000" else "111111"
    caller = Caller(phone_client, clock, account)
    caller.dial()
    for _ in range(3):
        caller.press(account.number)
        said = caller.press(wrong)
    assert said.hangup and said.prompts == ["locked", "goodbye"]
    locked = phone_client.get("/admin/phone")
    assert f"/admin/phone/{account.number}/unlock" in locked.text
    unlocked = submit(phone_client, "/admin/phone", f"/admin/phone/{account.number}/unlock", {})
    assert unlocked.url.path == "/admin/phone" and "/unlock" not in unlocked.text
    assert Caller(phone_client, clock, account).log_in().prompts == ["main_menu"]


def test_the_simulator_page_is_for_people_logged_in(phone_client: TestClient, db: Database) -> None:
    assert phone_client.get("/phone", follow_redirects=False).status_code in {302, 303}
    assert phone_client.post("/ivr/simulator/calls").status_code == 401
    trucker = make_company(db, "Fanling Freight", "trucking")
    log_in(phone_client, trucker.admin_email)
    for lang, title in [("zh-HK", "電話模擬器"), ("en", "Phone simulator"), ("zh-CN", "电话模拟器")]:
        page = phone_client.get(f"/phone?lang={lang}")
        assert page.status_code == 200 and f"<h1>{title}</h1>" in page.text
    assert phone_client.post("/ivr/simulator/calls").status_code == 403, "a person's call needs the CSRF token"
    started = phone_client.post("/ivr/simulator/calls", headers=trucker.auth)
    assert started.status_code == 201 and started.json()["clips"][0]["prompt"] == "enter_account"
    call_id = started.json()["call_id"]
    keys = phone_client.post(f"/ivr/simulator/calls/{call_id}/keys", headers=trucker.auth, json={"digits": "*3"})
    assert keys.json()["clips"][0] == {
        "prompt": "enter_account",
        "language": "cmn",
        "text": "请输入你的户口号码，然后按井号。选择另一种语言请按星号。",
        "audio": "/ivr/audio/cmn/enter_account",
    }
    unknown = phone_client.post(f"/ivr/simulator/calls/SIM{'0' * 32}/keys", headers=trucker.auth, json={"digits": "1"})
    assert unknown.status_code == 404
