"""CSRF on every form, and the headers every page carries."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from harbourlink import identity
from harbourlink.kernel import Database
from tests.conftest import Company, make_company
from tests.web.conftest import company_form, csrf_of, log_in, text_of


def _counts(db: Database, org_id: str) -> tuple[int, int, int]:
    with db.transaction() as session:
        return (
            len(identity.list_organisations(session, identity.SYSTEM_ACTOR)),
            len(identity.list_users(session, identity.SYSTEM_ACTOR, org_id=org_id)),
            len(identity.list_api_keys(session, identity.SYSTEM_ACTOR, org_id=org_id)),
        )


FORMS = [
    ("/signup", company_form()),
    ("/admin/keys", {"name": "ERP", "scopes": ["cargo:read"]}),
    ("/admin/users", {"email": "x@alpha.example.hk", "display_name": "X", "role": "administrator"}),
    ("/admin/services/tracking", {}),
    (
        "/account/password",
        {
            "current_password": "Harbour-Link-2026",
            "new_password": "Brand-New-2026x",
            "new_password_confirm": "Brand-New-2026x",
        },
    ),
    ("/logout", {}),
]


@pytest.mark.parametrize(("action", "data"), FORMS, ids=[action for action, _ in FORMS])
@pytest.mark.parametrize("token", ["missing", "wrong"])
def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    client: TestClient,
    db: Database,
    company_a: Company,
    *,
    action: str,
    data: dict[str, object],
    token: str,
) -> None:
    log_in(client, company_a.admin_email)
    before = _counts(db, company_a.org_id)
    posted = dict(data)
    if token == "wrong":
        posted["csrf_token"] = "not-the-token"
    response = client.post(action, data=posted)
    assert response.status_code == 403
    assert "此表格已過期" in text_of(response.text)
    assert _counts(db, company_a.org_id) == before
    assert client.get("/", follow_redirects=False).status_code == 200  # still logged in, password unchanged


def test_a_login_without_the_token_counts_no_failure(client: TestClient, db: Database, company_a: Company) -> None:
    client.get("/login")
    response = client.post("/login", data={"login": company_a.admin_email, "password": "wrong"})
    assert response.status_code == 403
    with db.transaction() as session:
        user = identity.user_by_id(session, company_a.admin_id)
        assert user is not None
        assert user.failed_attempts == 0


def test_the_operator_s_decisions_need_the_token(client: TestClient, db: Database, operator: Company) -> None:
    applicant = make_company(db, "Pending Trading", "cargo_owner", approved=False)
    log_in(client, operator.admin_email)
    response = client.post(f"/operator/orgs/{applicant.org_id}/approve", data={})
    assert response.status_code == 403
    with db.transaction() as session:
        org = identity.get_organisation(session, identity.SYSTEM_ACTOR, org_id=applicant.org_id)
        assert org.status == "pending"


@pytest.mark.parametrize("path", ["/login", "/signup", "/offline", "/"])
def test_pages_carry_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"


def test_every_form_embeds_the_token_of_the_cookie(client: TestClient) -> None:
    page = client.get("/signup")
    assert csrf_of(page.text) == client.cookies["hl_csrf"]
