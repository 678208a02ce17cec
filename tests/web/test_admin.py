"""Company administration pages: users, API keys, sharing, logs, services."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from harbourlink import access, identity
from harbourlink.identity.models import ServiceOptIn
from harbourlink.kernel import Actor, Database, utcnow
from tests.conftest import Company, make_company
from tests.web.conftest import log_in, submit, text_of


def _user_id(db: Database, email: str) -> str:
    with db.transaction() as session:
        return session.scalars(select(identity.User.id).where(identity.User.email == email)).one()


def test_an_administrator_adds_a_user_and_sees_the_temporary_password_once(
    client: TestClient,
    company_a: Company,
) -> None:
    log_in(client, company_a.admin_email)
    response = submit(
        client,
        "/admin/users?lang=en",
        "/admin/users",
        {"email": "clerk@alpha.example.hk", "display_name": "Clerk", "role": "user"},
    )
    temporary = re.search(r'id="temporary-password">([^<]+)<', response.text)
    assert temporary
    assert response.url.path == "/admin/users"
    again = client.get("/admin/users")
    assert temporary.group(1) not in again.text
    assert "clerk@alpha.example.hk" in again.text


def test_a_bad_new_user_is_refused_next_to_the_field(client: TestClient, company_a: Company) -> None:
    log_in(client, company_a.admin_email)
    response = submit(
        client, "/admin/users?lang=en", "/admin/users", {"email": "nope", "display_name": "", "role": "user"}
    )
    assert response.status_code == 422
    assert "Enter a valid e-mail address." in text_of(response.text)


def test_role_changes_disabling_and_the_last_administrator(
    client: TestClient, db: Database, company_a: Company
) -> None:
    log_in(client, company_a.admin_email)
    submit(
        client,
        "/admin/users",
        "/admin/users",
        {"email": "clerk@alpha.example.hk", "display_name": "Clerk", "role": "user"},
    )
    clerk = _user_id(db, "clerk@alpha.example.hk")
    promoted = submit(client, "/admin/users?lang=en", f"/admin/users/{clerk}/role", {"role": "administrator"})
    assert "The role was changed." in text_of(promoted.text)
    disabled = submit(client, "/admin/users", f"/admin/users/{clerk}/status", {"status": "disabled"})
    assert "The user can no longer log in." in text_of(disabled.text)
    last = submit(client, "/admin/users", f"/admin/users/{company_a.admin_id}/role", {"role": "user"})
    assert last.status_code == 409
    assert "A company keeps at least one active principal or administrator." in text_of(last.text)
    with db.transaction() as session:
        admin = identity.user_by_id(session, company_a.admin_id)
        assert admin is not None
        assert admin.role == "administrator"


def test_an_administrator_unlocks_a_locked_user(client: TestClient, db: Database, company_a: Company) -> None:
    with db.transaction() as session:
        identity.create_user(
            session,
            identity.SYSTEM_ACTOR,
            org_id=company_a.org_id,
            email="clerk@alpha.example.hk",
            display_name="Clerk",
            role=identity.Role.USER,
            password="Clerk-Pass-2026",
        )
    other = TestClient(client.app)
    for _ in range(5):
        submit(other, "/login", "/login", {"login": "clerk@alpha.example.hk", "password": "wrong"})
    log_in(client, company_a.admin_email)
    clerk = _user_id(db, "clerk@alpha.example.hk")
    assert f"/admin/users/{clerk}/unlock" in client.get("/admin/users").text
    response = submit(client, "/admin/users?lang=en", f"/admin/users/{clerk}/unlock", {})
    assert "The user is unlocked." in text_of(response.text)
    assert f"/admin/users/{clerk}/unlock" not in response.text


def test_an_api_key_is_shown_once_and_works(client: TestClient, company_a: Company) -> None:
    log_in(client, company_a.admin_email)
    response = submit(client, "/admin/keys", "/admin/keys", {"name": "ERP", "scopes": ["cargo:read"]})
    key = re.search(r'id="new-api-key">([^<]+)<', response.text)
    assert key
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key.group(1)}"})
    assert me.status_code == 200
    assert me.json()["scopes"] == ["cargo:read"]
    assert response.url.path == "/admin/keys"  # shown after a redirect: a reload posts nothing again
    listing = client.get("/admin/keys")
    assert key.group(1) not in listing.text
    assert 'id="new-api-key"' not in listing.text
    assert listing.text.count("/revoke") == 2  # the fixture's key and this one
    key_id = re.findall(r"/admin/keys/([0-9a-f-]+)/revoke", listing.text)
    assert key_id
    submit(client, "/admin/keys", f"/admin/keys/{key_id[-1]}/revoke", {})
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {key.group(1)}"}).status_code == 401


def test_a_secret_left_for_one_user_is_not_shown_to_another(
    client: TestClient, db: Database, company_a: Company
) -> None:
    with db.transaction() as session:
        identity.create_user(
            session,
            identity.SYSTEM_ACTOR,
            org_id=company_a.org_id,
            email="boss@alpha.example.hk",
            display_name="Boss",
            role=identity.Role.ADMINISTRATOR,
            password="Boss-Pass-2026",
        )
    log_in(client, company_a.admin_email)
    token = client.get("/admin/keys").text.split('name="csrf_token" value="')[1].split('"')[0]
    posted = client.post(
        "/admin/keys", data={"name": "ERP", "scopes": ["cargo:read"], "csrf_token": token}, follow_redirects=False
    )
    once = posted.cookies["hl_once"]
    other = TestClient(client.app)
    log_in(other, "boss@alpha.example.hk", "Boss-Pass-2026")
    other.cookies.set("hl_once", once)
    assert 'id="new-api-key"' not in other.get("/admin/keys").text


def test_a_key_needs_a_permission(client: TestClient, company_a: Company) -> None:
    log_in(client, company_a.admin_email)
    response = submit(client, "/admin/keys?lang=en", "/admin/keys", {"name": "ERP"})
    assert response.status_code == 422
    assert "Choose at least one permission." in text_of(response.text)


def test_sharing_a_reference_and_the_standing_rule(
    client: TestClient, db: Database, company_a: Company, company_b: Company
) -> None:
    log_in(client, company_a.admin_email)
    page = client.get("/admin/grants?lang=en")
    assert "Bravo Trading" in page.text
    shared = submit(
        client,
        "/admin/grants",
        "/admin/grants",
        {"reference_type": "MBL", "reference": "oolu 1234567", "grantee": company_b.org_id},
    )
    assert "Shared." in text_of(shared.text)
    assert "OOLU1234567" in shared.text
    bad = submit(client, "/admin/grants", "/admin/grants", {"reference_type": "MBL", "reference": "?", "grantee": "*"})
    assert bad.status_code == 422
    assert "A reference has 3 to 40 letters" in text_of(bad.text)
    submit(client, "/admin/grants", "/admin/grants/rule", {})
    with db.transaction() as session:
        actor = Actor(org_id=company_a.org_id, user_id=company_a.admin_id)
        grants = access.list_grants(session, actor, direction="given")
    assert {g.rule for g in grants} == {None, "named_parties"}
    grant_id = next(g.id for g in grants if g.rule is None)
    ended = submit(client, "/admin/grants", f"/admin/grants/{grant_id}/revoke", {})
    assert "Sharing ended." in text_of(ended.text)


def test_logs_and_services_pages(client: TestClient, company_a: Company) -> None:
    log_in(client, company_a.admin_email)
    security = client.get("/admin/security?lang=en")
    assert "Two-factor authentication set up" in text_of(security.text)
    assert "Logged in" in text_of(security.text)
    assert client.get("/admin/access-log").status_code == 200
    services = client.get("/admin/services")
    assert "/admin/services/tracking" in services.text
    opted = submit(client, "/admin/services", "/admin/services/tracking", {})
    assert "Service requested." in text_of(opted.text)
    assert "/admin/services/declarations" in services.text  # an installed plug-in is offered beside the core's
    refused = submit(client, "/admin/services", "/admin/services/withdrawn", {})
    assert refused.status_code == 422
    assert "This service is not available yet." in text_of(refused.text)
    assert "/admin/services/withdrawn" not in refused.text  # only services that exist are offered


def test_an_opt_in_stored_for_a_service_not_built_stays_readable(
    client: TestClient, db: Database, company_a: Company
) -> None:
    # An opt-in stored for a service since withdrawn (a plug-in uninstalled) stays listed, said to be unavailable.
    with db.transaction() as session:
        session.add(ServiceOptIn(org_id=company_a.org_id, service="withdrawn", status="active", requested_at=utcnow()))
    log_in(client, company_a.admin_email)
    page = text_of(client.get("/admin/services?lang=en").text)
    assert "withdrawn In use Not available yet" in page
    assert "Cargo tracking" in page


def test_a_plain_user_may_not_administer(client: TestClient, db: Database, company_a: Company) -> None:
    with db.transaction() as session:
        identity.create_user(
            session,
            identity.SYSTEM_ACTOR,
            org_id=company_a.org_id,
            email="clerk@alpha.example.hk",
            display_name="Clerk",
            role=identity.Role.USER,
            password="Clerk-Pass-2026",
        )
    log_in(client, "clerk@alpha.example.hk", "Clerk-Pass-2026")
    assert "/admin" not in client.get("/").text.split("<main")[0]
    response = client.get("/admin/keys?lang=en")
    assert response.status_code == 403
    assert "Only the company's principal or administrators may do this." in text_of(response.text)
    assert client.get("/operator").status_code == 403


def test_the_operator_company_administers_itself_too(client: TestClient, db: Database) -> None:
    operator = make_company(db, "Port Operations", "operator")
    log_in(client, operator.admin_email)
    assert client.get("/admin").status_code == 200
