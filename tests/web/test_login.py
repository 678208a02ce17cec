"""Logging in through the pages: lockout, the TOTP second factor, sessions, password change."""

from __future__ import annotations

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import select

from harbourlink import identity
from harbourlink.app import create_app
from harbourlink.kernel import Database
from harbourlink.settings import Settings
from tests.conftest import STRONG_PASSWORD, Company
from tests.web.conftest import csrf_of, driver_form, log_in, submit, text_of


def _failed_attempts(db: Database, user_id: str) -> int:
    with db.transaction() as session:
        user = identity.user_by_id(session, user_id)
        assert user is not None
        return user.failed_attempts


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(
    client: TestClient,
    db: Database,
    company_a: Company,
) -> None:
    for attempt in range(1, 5):
        response = submit(client, "/login?lang=en", "/login", {"login": company_a.admin_email, "password": "wrong"})
        assert response.status_code == 401
        assert "The login or the password is wrong." in text_of(response.text)
        assert _failed_attempts(db, company_a.admin_id) == attempt  # committed although the login failed
    fifth = submit(client, "/login?lang=en", "/login", {"login": company_a.admin_email, "password": "wrong"})
    right = submit(client, "/login?lang=en", "/login", {"login": company_a.admin_email, "password": STRONG_PASSWORD})
    # To whoever is typing, a locked account looks like a wrong password; its administrators see the lock.
    assert fifth.status_code == right.status_code == 401
    assert text_of(fifth.text) == text_of(right.text) == text_of(response.text)
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"


def test_a_lockout_by_second_factor_is_named_translated_with_a_local_time(
    client: TestClient,
    company_a: Company,
) -> None:
    enrol = submit(client, "/login", "/login", {"login": company_a.admin_email, "password": STRONG_PASSWORD})
    for _ in range(5):
        response = client.post("/login/totp/enrol", data={"code": "000000", "csrf_token": csrf_of(enrol.text)})
    assert "帳戶已鎖定至" in text_of(response.text)
    assert "年" in text_of(response.text)  # the time is written the Chinese way


def test_first_login_enrols_totp_then_opens_a_full_session(client: TestClient, company_a: Company) -> None:
    response = submit(client, "/login", "/login", {"login": company_a.admin_email, "password": STRONG_PASSWORD})
    assert response.url.path == "/login/totp/enrol"
    assert "<svg" in response.text
    half_token = client.cookies["hl_session"]
    assert client.get("/admin", follow_redirects=False).headers["location"] == "/login/totp/enrol"
    assert client.get("/login/totp/enrol").text.count('id="totp-secret"') == 1
    log_in_again = client.get("/login/totp/enrol")
    assert csrf_of(log_in_again.text)
    secret = log_in_again.text.split('id="totp-secret">')[1].split("<")[0]
    assert secret in response.text  # a reload shows the same, still unconfirmed, secret
    done = client.post(
        "/login/totp/enrol", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(log_in_again.text)}
    )
    assert done.url.path == "/"
    assert client.cookies["hl_session"] != half_token
    stale = TestClient(client.app, cookies={"hl_session": half_token})
    assert stale.get("/", follow_redirects=False).headers["location"] == "/login"


def test_a_wrong_totp_code_is_refused(client: TestClient, company_a: Company) -> None:
    response = submit(client, "/login?lang=en", "/login", {"login": company_a.admin_email, "password": STRONG_PASSWORD})
    wrong = client.post("/login/totp/enrol", data={"code": "000000", "csrf_token": csrf_of(response.text)})
    assert wrong.status_code == 401
    assert "The code is wrong or was already used." in text_of(wrong.text)


def test_the_password_alone_cannot_replace_an_enrolled_second_factor(client: TestClient, company_a: Company) -> None:
    log_in(client, company_a.admin_email)
    submit(client, "/", "/logout", {})
    response = submit(client, "/login", "/login", {"login": company_a.admin_email, "password": STRONG_PASSWORD})
    assert response.url.path == "/login/totp"
    assert client.get("/login/totp/enrol", follow_redirects=False).headers["location"] == "/login/totp"
    assert 'id="totp-secret"' not in client.get("/login/totp/enrol").text


def test_logout_ends_the_session(client: TestClient, db: Database, company_a: Company) -> None:
    log_in(client, company_a.admin_email)
    token = client.cookies["hl_session"]
    response = submit(client, "/", "/logout", {})
    assert response.url.path == "/login"
    client.cookies.set("hl_session", token)
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    with db.transaction() as session:
        kinds = [event.kind for event in identity.list_audit_events(session, org_id=company_a.org_id)]
    assert "logout" in kinds


def test_a_temporary_password_must_be_changed_first(client: TestClient, db: Database, company_a: Company) -> None:
    with db.transaction() as session:
        _, temporary = identity.create_user(
            session,
            identity.SYSTEM_ACTOR,
            org_id=company_a.org_id,
            email="new@alpha.example.hk",
            display_name="New",
            role=identity.Role.USER,
        )
    assert temporary is not None
    log_in(client, "new@alpha.example.hk", temporary)
    assert client.get("/", follow_redirects=False).headers["location"] == "/account/password"
    mismatch = submit(
        client,
        "/account/password?lang=en",
        "/account/password",
        {"current_password": temporary, "new_password": "Another-Pass-2026", "new_password_confirm": "Different-2026"},
    )
    assert mismatch.status_code == 422
    assert "The two passwords are not the same." in text_of(mismatch.text)
    weak = submit(
        client,
        "/account/password",
        "/account/password",
        {"current_password": temporary, "new_password": "short", "new_password_confirm": "short"},
    )
    assert "Use at least 10 characters" in text_of(weak.text)
    done = submit(
        client,
        "/account/password",
        "/account/password",
        {
            "current_password": temporary,
            "new_password": "Another-Pass-2026",
            "new_password_confirm": "Another-Pass-2026",
        },
    )
    assert done.url.path == "/"
    assert "Your password is changed." in text_of(done.text)
    with db.transaction() as session:
        user = session.scalars(select(identity.User).where(identity.User.email == "new@alpha.example.hk")).one()
        assert not user.must_change_password


def test_a_driver_logs_in_with_the_mobile_number_as_typed(client: TestClient, db: Database) -> None:
    submit(client, "/signup", "/signup", driver_form())
    with db.transaction() as session:
        org = identity.list_organisations(session, identity.SYSTEM_ACTOR, status=identity.OrgStatus.PENDING)[0]
        identity.decide_organisation(session, identity.SYSTEM_ACTOR, org_id=org.id, approve=True)
    response = submit(client, "/login", "/login", {"login": "9123 4567", "password": STRONG_PASSWORD})
    assert response.url.path == "/login/totp/enrol"


def test_the_login_page_reports_a_provider_login_that_failed(client: TestClient) -> None:
    response = client.get("/login?error=no_account&lang=en")
    assert "No account here has the e-mail address of this identity." in text_of(response.text)
    assert "alert" not in client.get("/login?error=<script>").text.split("<main")[1]


def test_the_provider_button_appears_when_a_provider_is_configured(settings: Settings) -> None:
    configured = settings.model_copy(
        update={"oidc_issuer": "https://dci.example.hk", "oidc_client_id": "hl", "oidc_display_name": "DCI"}
    )
    with TestClient(create_app(configured)) as client:
        page = client.get("/login?lang=en").text
    assert 'href="/login/oidc"' in page
    assert "Log in with DCI" in text_of(page)
