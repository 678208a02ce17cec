"""Self-test of the OIDC test rig: a full code flow against the real provider.

Starts the local oidc-provider, builds an authorization request by hand
(discovery, PKCE S256, state, nonce), signs in through the provider's dev
login form with :func:`tests.oidc_rig.complete_login`, redeems the code at the
token endpoint with ``client_secret_basic`` and checks the ID token, both by
decoding its payload and by verifying its signature against the provider's
JWKS with ``authlib.jose``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import warnings
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from tests.oidc_rig import complete_login, running_provider

with warnings.catch_warnings():
    # authlib.jose warns on import that it is deprecated in favour of joserfc;
    # authlib.deprecate installs an "always" filter when imported, so silence
    # the warning only after that import (pytest runs with filterwarnings=error).
    import authlib.deprecate  # type: ignore[import-untyped, unused-ignore]

    warnings.simplefilter("ignore", authlib.deprecate.AuthlibDeprecationWarning)
    from authlib.jose import JsonWebKey, jwt  # type: ignore[import-untyped, unused-ignore]

pytestmark = pytest.mark.oidc

CLIENT_ID = "harbourlink-test"
CLIENT_SECRET = secrets.token_urlsafe(24)
REDIRECT_URI = "http://127.0.0.1:8765/auth/callback"


def _b64url(data: bytes) -> str:
    """Encode ``data`` as unpadded base64url."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _jwt_payload(token: str) -> dict[str, Any]:
    """Decode (without verifying) the payload segment of a compact JWT."""
    segment = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    return decoded


def _verified_claims(token: str, jwks: dict[str, Any]) -> dict[str, Any]:
    """Verify ``token``'s signature with ``jwks`` using authlib.jose; return its claims."""
    key_set = JsonWebKey.import_key_set(jwks)
    claims = jwt.decode(token, key_set)
    claims.validate()
    return dict(claims)


@pytest.mark.timeout(120)
def test_code_flow_with_pkce_yields_signed_id_token() -> None:
    """A login through the real provider yields a valid, signed ID token."""
    login = "alice"
    with (
        running_provider(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI) as issuer,
        httpx.Client(timeout=10) as browser,
    ):
        discovery = httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()
        assert discovery["issuer"] == issuer
        assert "client_secret_basic" in discovery["token_endpoint_auth_methods_supported"]
        assert "S256" in discovery["code_challenge_methods_supported"]

        state = secrets.token_urlsafe(16)
        nonce = secrets.token_urlsafe(16)
        verifier = secrets.token_urlsafe(48)
        challenge = _b64url(hashlib.sha256(verifier.encode("ascii")).digest())
        query = urlencode(
            {
                "client_id": CLIENT_ID,
                "redirect_uri": REDIRECT_URI,
                "response_type": "code",
                "scope": "openid email profile",
                "state": state,
                "nonce": nonce,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            }
        )
        authorize_url = f"{discovery['authorization_endpoint']}?{query}"

        callback = complete_login(browser, authorize_url, login)

        parts = urlsplit(callback)
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == REDIRECT_URI
        params = {key: values[0] for key, values in parse_qs(parts.query).items()}
        assert "error" not in params, params
        assert params["state"] == state
        assert params.get("iss", issuer) == issuer
        code = params["code"]

        token_response = httpx.post(
            discovery["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": REDIRECT_URI,
                "code_verifier": verifier,
            },
            auth=(CLIENT_ID, CLIENT_SECRET),
            timeout=10,
        )
        assert token_response.status_code == httpx.codes.OK, token_response.text
        tokens = token_response.json()
        assert tokens["token_type"].lower() == "bearer"
        id_token = tokens["id_token"]

        payload = _jwt_payload(id_token)
        assert payload["iss"] == issuer
        assert payload["aud"] == CLIENT_ID
        assert payload["nonce"] == nonce
        assert payload["sub"] == login
        assert payload["email"] == f"{login}@example.hk"
        assert payload["email_verified"] is True
        assert payload["name"] == login

        jwks = httpx.get(discovery["jwks_uri"], timeout=10).json()
        verified = _verified_claims(id_token, jwks)
        assert verified == payload

        # A wrong PKCE verifier or a replayed code must be refused.
        replay = httpx.post(
            discovery["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": REDIRECT_URI,
                "code_verifier": verifier,
            },
            auth=(CLIENT_ID, CLIENT_SECRET),
            timeout=10,
        )
        assert replay.status_code == httpx.codes.BAD_REQUEST
        assert replay.json()["error"] == "invalid_grant"

        userinfo = httpx.get(
            discovery["userinfo_endpoint"],
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
            timeout=10,
        )
        # The access token was consumed with the code replay (oidc-provider
        # revokes tokens issued from a replayed code), so userinfo refuses it.
        assert userinfo.status_code == httpx.codes.UNAUTHORIZED


@pytest.mark.timeout(120)
def test_login_with_email_and_second_login_reuses_session() -> None:
    """An email-shaped login is used as the email; a second authorize is silent."""
    login = "Bob.Lee@harbour.example"
    with (
        running_provider(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI) as issuer,
        httpx.Client(timeout=10) as browser,
    ):
        discovery = httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()
        query = urlencode(
            {
                "client_id": CLIENT_ID,
                "redirect_uri": REDIRECT_URI,
                "response_type": "code",
                "scope": "openid email profile",
                "state": "s1",
            }
        )
        authorize_url = f"{discovery['authorization_endpoint']}?{query}"
        first = parse_qs(urlsplit(complete_login(browser, authorize_url, login)).query)
        assert first["state"] == ["s1"]

        # Without PKCE (allowed for this confidential client), client_secret_basic.
        tokens = httpx.post(
            discovery["token_endpoint"],
            data={"grant_type": "authorization_code", "code": first["code"][0], "redirect_uri": REDIRECT_URI},
            auth=(CLIENT_ID, CLIENT_SECRET),
            timeout=10,
        ).json()
        payload = _jwt_payload(tokens["id_token"])
        assert payload["sub"] == login
        assert payload["email"] == login
        assert payload["email_verified"] is True

        userinfo = httpx.get(
            discovery["userinfo_endpoint"],
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
            timeout=10,
        ).json()
        assert userinfo["email"] == login

        # The provider session cookie lets a second authorization go straight back.
        second_url = complete_login(browser, authorize_url.replace("state=s1", "state=s2"), "ignored")
        second = parse_qs(urlsplit(second_url).query)
        assert second["state"] == ["s2"]
        assert "code" in second
