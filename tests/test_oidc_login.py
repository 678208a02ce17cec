"""Logging in through OpenID Connect, end to end against a real provider (``tests/oidc_rig.py``).

The provider runs once for the module; each test gets fresh tables, a fresh app configured for
it and a fresh provider-side browser. The ID-token checks that a well-behaved provider never
lets us see (wrong audience, stale nonce, foreign key …) are tested on tokens signed here.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import httpx2
import pytest
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey

from harbourlink import identity
from harbourlink.app import create_app
from harbourlink.kernel import Database
from harbourlink.settings import Settings
from harbourlink.web import oidc
from harbourlink.web.oidc import FLOW_COOKIE, OidcFailure, verify_id_token
from tests.conftest import make_company
from tests.oidc_rig import complete_login, running_provider

CLIENT_ID = "harbourlink-test"
CLIENT_SECRET = secrets.token_urlsafe(24)
REDIRECT_URI = "http://testserver/login/oidc/callback"


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    with running_provider(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI) as url:
        yield url


@pytest.fixture
def app_client(settings: Settings, issuer: str) -> Iterator[TestClient]:
    configured = settings.model_copy(
        update={
            "oidc_issuer": issuer,
            "oidc_client_id": CLIENT_ID,
            "oidc_client_secret": CLIENT_SECRET,
            "base_url": "http://testserver",
        }
    )
    with TestClient(create_app(configured), base_url="http://testserver", follow_redirects=False) as client:
        yield client


@pytest.fixture
def browser() -> Iterator[httpx.Client]:
    """The person's browser as the provider sees it (its own cookies, real network)."""
    with httpx.Client(timeout=10) as client:
        yield client


def _start(app_client: TestClient) -> str:
    started = app_client.get("/login/oidc")
    assert started.status_code == 303, started.text
    return started.headers["location"]


def _callback_path(callback_url: str) -> str:
    parts = urlsplit(callback_url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == REDIRECT_URI
    return f"{parts.path}?{parts.query}"


def _log_in(app_client: TestClient, browser: httpx.Client, login: str) -> httpx2.Response:
    callback = complete_login(browser, _start(app_client), login)
    return app_client.get(_callback_path(callback))


def _assert_refused(response: httpx2.Response, app_client: TestClient, code: str) -> None:
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?error={code}"
    assert "hl_session" not in response.cookies
    assert app_client.get("/api/v1/me").status_code == 401


def _audit_kinds(db: Database, org_id: str | None) -> list[str]:
    with db.transaction() as session:
        return [event.kind for event in identity.list_audit_events(session, org_id=org_id)]


@pytest.mark.oidc
def test_start_redirects_to_the_discovered_endpoint_with_pkce(app_client: TestClient, issuer: str) -> None:
    started = app_client.get("/login/oidc")

    location = urlsplit(started.headers["location"])
    discovery = httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()
    assert f"{location.scheme}://{location.netloc}{location.path}" == discovery["authorization_endpoint"]
    params = {key: values[0] for key, values in parse_qs(location.query).items()}
    assert params["response_type"] == "code"
    assert params["client_id"] == CLIENT_ID
    assert params["redirect_uri"] == REDIRECT_URI
    assert params["scope"] == "openid email profile"
    assert params["code_challenge_method"] == "S256"
    assert params["state"]
    assert params["nonce"]
    assert params["code_challenge"]
    cookie = started.headers["set-cookie"].lower()
    assert cookie.startswith(f"{FLOW_COOKIE}=")
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "path=/login/oidc" in cookie
    assert "secure" not in cookie  # plain http in the test; https requests get Secure


@pytest.mark.oidc
def test_company_admin_logs_in_with_a_working_session(
    app_client: TestClient, browser: httpx.Client, db: Database
) -> None:
    company = make_company(db, "Alpha Forwarding", "forwarder")

    finished = _log_in(app_client, browser, company.admin_email)

    assert finished.status_code == 303, finished.text
    assert finished.headers["location"] == "/"
    assert "hl_session" in finished.cookies
    me = app_client.get("/api/v1/me")
    assert me.status_code == 200, me.text
    assert me.json()["organisation"]["id"] == company.org_id
    assert me.json()["user"]["id"] == company.admin_id
    kinds = _audit_kinds(db, company.org_id)
    assert "oidc_linked" in kinds
    assert "login" in kinds
    with db.transaction() as session:
        login = next(e for e in identity.list_audit_events(session, org_id=company.org_id) if e.kind == "login")
        assert login.detail["method"] == "oidc"
        assert login.user_id == company.admin_id


@pytest.mark.oidc
def test_second_login_uses_the_stored_link_not_the_email(
    app_client: TestClient, browser: httpx.Client, db: Database
) -> None:
    company = make_company(db, "Alpha Forwarding", "forwarder")
    assert _log_in(app_client, browser, company.admin_email).headers["location"] == "/"
    with db.transaction() as session:
        user = identity.user_by_id(session, company.admin_id)
        assert user is not None
        user.email = "renamed@alpha-forwarding.example.hk"
    app_client.cookies.clear()

    # A new provider session for the same person: same subject, an e-mail we no longer know.
    with httpx.Client(timeout=10) as other_browser:
        again = _log_in(app_client, other_browser, company.admin_email)

    assert again.headers["location"] == "/"
    assert app_client.get("/api/v1/me").json()["user"]["id"] == company.admin_id
    kinds = _audit_kinds(db, company.org_id)
    assert kinds.count("oidc_linked") == 1
    assert kinds.count("login") == 2


@pytest.mark.oidc
def test_unknown_email_has_no_account(app_client: TestClient, browser: httpx.Client, db: Database) -> None:
    make_company(db, "Alpha Forwarding", "forwarder")

    finished = _log_in(app_client, browser, "stranger@elsewhere.example.hk")

    _assert_refused(finished, app_client, "no_account")
    assert "login_failed" in _audit_kinds(db, None)


@pytest.mark.oidc
def test_user_of_a_pending_company_is_not_active(app_client: TestClient, browser: httpx.Client, db: Database) -> None:
    company = make_company(db, "Pending Shipping", "forwarder", approved=False)

    finished = _log_in(app_client, browser, company.admin_email)

    _assert_refused(finished, app_client, "account_not_active")
    assert "login" not in _audit_kinds(db, company.org_id)


@pytest.mark.oidc
def test_tampered_state_is_refused(app_client: TestClient, browser: httpx.Client, db: Database) -> None:
    company = make_company(db, "Alpha Forwarding", "forwarder")
    callback = urlsplit(complete_login(browser, _start(app_client), company.admin_email))
    params = {key: values[0] for key, values in parse_qs(callback.query).items()}
    params["state"] = params["state"][:-2] + ("AA" if not params["state"].endswith("AA") else "BB")

    finished = app_client.get(f"{callback.path}?{urlencode(params)}")

    _assert_refused(finished, app_client, "oidc_failed")
    assert "oidc_linked" not in _audit_kinds(db, company.org_id)


@pytest.mark.oidc
def test_callback_is_single_use(app_client: TestClient, browser: httpx.Client, db: Database) -> None:
    company = make_company(db, "Alpha Forwarding", "forwarder")
    callback = _callback_path(complete_login(browser, _start(app_client), company.admin_email))
    assert app_client.get(callback).headers["location"] == "/"
    app_client.cookies.delete("hl_session")

    # The flow cookie went with the first use, and the provider would refuse the code anyway.
    _assert_refused(app_client.get(callback), app_client, "oidc_failed")


@pytest.mark.oidc
def test_error_from_the_provider_is_oidc_failed(app_client: TestClient) -> None:
    state = parse_qs(urlsplit(_start(app_client)).query)["state"][0]

    finished = app_client.get("/login/oidc/callback", params={"error": "access_denied", "state": state})

    _assert_refused(finished, app_client, "oidc_failed")


@pytest.mark.oidc
def test_callback_without_a_login_in_progress_is_oidc_failed(app_client: TestClient) -> None:
    finished = app_client.get("/login/oidc/callback", params={"code": "forged", "state": "forged"})

    _assert_refused(finished, app_client, "oidc_failed")


@pytest.mark.oidc
def test_rotated_signing_keys_are_fetched_again(
    app_client: TestClient, browser: httpx.Client, db: Database, issuer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    company = make_company(db, "Alpha Forwarding", "forwarder")
    jwks_uri = oidc.provider_metadata(issuer).jwks_uri
    stale = RSAKey.generate_key(2048, parameters={"kid": "retired"}).as_dict(private=False)
    monkeypatch.setitem(oidc._keys_cache, jwks_uri, KeySet.import_key_set({"keys": [stale]}))

    assert _log_in(app_client, browser, company.admin_email).headers["location"] == "/"


@pytest.mark.oidc
def test_discovery_naming_another_issuer_is_refused(settings: Settings, issuer: str) -> None:
    configured = settings.model_copy(
        update={
            "oidc_issuer": issuer + "/",
            "oidc_client_id": CLIENT_ID,
            "oidc_client_secret": CLIENT_SECRET,
            "base_url": "http://testserver",
        }
    )
    with TestClient(create_app(configured), base_url="http://testserver", follow_redirects=False) as client:
        started = client.get("/login/oidc")

    assert started.headers["location"] == "/login?error=oidc_failed"


def test_routes_are_absent_when_not_configured_and_never_in_openapi(client: TestClient) -> None:
    assert client.get("/login/oidc", follow_redirects=False).status_code == 404
    assert client.get("/login/oidc/callback?code=x&state=y", follow_redirects=False).status_code == 404
    assert not [path for path in client.get("/openapi.json").json()["paths"] if path.startswith("/login")]


# ID-token checks on tokens signed here -----------------------------------------------------------

ISSUER = "https://dci.example.hk"
SIGNING_KEY = RSAKey.generate_key(2048, parameters={"kid": "k1", "alg": "RS256", "use": "sig"})
PUBLISHED = KeySet.import_key_set({"keys": [SIGNING_KEY.as_dict(private=False)]})


def _claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "sub": "BR-12345678",
        "aud": CLIENT_ID,
        "exp": now + 300,
        "iat": now,
        "nonce": "n-1",
        "email": "a@b.example.hk",
        "email_verified": True,
    }
    claims.update(changes)
    return {key: value for key, value in claims.items() if value is not None}


def _verify(token: str) -> dict[str, Any]:
    return verify_id_token(
        token, keys=PUBLISHED, algorithms=("RS256",), issuer=ISSUER, client_id=CLIENT_ID, nonce="n-1"
    )


def _signed(**changes: Any) -> str:
    return jwt.encode({"alg": "RS256", "kid": "k1"}, _claims(**changes), SIGNING_KEY)


def test_a_proper_id_token_is_accepted() -> None:
    assert _verify(_signed())["sub"] == "BR-12345678"
    assert _verify(_signed(aud=[CLIENT_ID, "other"], azp=CLIENT_ID))["sub"] == "BR-12345678"


@pytest.mark.parametrize(
    "changes",
    [
        {"iss": "https://evil.example"},
        {"aud": "another-client"},
        {"aud": [CLIENT_ID, "other"]},  # several audiences and no azp naming us
        {"nonce": "n-2"},
        {"nonce": None},
        {"exp": int(time.time()) - 3600},
        {"sub": None},
        {"iat": None},
    ],
    ids=["issuer", "audience", "no-azp", "nonce", "no-nonce", "expired", "no-sub", "no-iat"],
)
def test_id_token_with_wrong_claims_is_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(OidcFailure):
        _verify(_signed(**changes))


def test_id_token_signed_by_another_key_or_algorithm_is_refused() -> None:
    impostor = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    with pytest.raises(OidcFailure):
        _verify(jwt.encode({"alg": "RS256", "kid": "k1"}, _claims(), impostor))
    # The client secret as an HMAC key must not be enough to mint tokens.
    secret_key = OctKey.import_key(CLIENT_SECRET.encode())
    with pytest.raises(OidcFailure):
        _verify(jwt.encode({"alg": "HS256"}, _claims(), secret_key))
    with pytest.raises(OidcFailure):
        _verify("not-a-token")
