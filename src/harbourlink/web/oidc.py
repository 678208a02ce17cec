"""Logging in through an OpenID Connect provider (Hong Kong's "Digital Corporate Identity").

The browser flow is the authorization code flow with PKCE::

    GET /login/oidc            -> 303 to the provider, with state, nonce and a PKCE challenge;
                                  the three secrets ride in a short-lived signed cookie
    GET /login/oidc/callback   <- the provider sends the browser back with a code;
                                  we redeem it (client_secret_basic), verify the ID token
                                  against the provider's JWKS, then map its subject to a user

Endpoints are discovered from ``{issuer}/.well-known/openid-configuration`` once per process.
Every failure ends on ``/login?error=<code>``; the reason goes to the log, never a token or code.
"""

from __future__ import annotations

import base64
import hmac
import logging
import secrets
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import quote

import httpx
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet, KeySetSerialization

from harbourlink import identity
from harbourlink.api.context import DbSession, client_ip, runtime, set_session_cookie
from harbourlink.kernel import NotFound, utcnow
from harbourlink.settings import Settings

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

START_PATH = "/login/oidc"
CALLBACK_PATH = "/login/oidc/callback"
SCOPE = "openid email profile"
FLOW_COOKIE = "hl_oidc"
FLOW_MAX_AGE_SECONDS = 600
HTTP_TIMEOUT_SECONDS = 10.0
CLOCK_LEEWAY_SECONDS = 60
# Asymmetric algorithms only: "none" is never acceptable, and HS* would make the client secret
# a signing key that anyone holding it (every replica, every log of it) could forge tokens with.
ACCEPTED_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
LOGIN_ERRORS = frozenset({"no_account", "account_locked", "account_not_active"})


class OidcFailure(Exception):
    """Why a login through the provider was refused; logged, shown to the person as ``oidc_failed``."""


@dataclass(frozen=True)
class ProviderMetadata:
    """The parts of the provider's discovery document this client relies on."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    algorithms: tuple[str, ...]
    returns_iss: bool


# Per process, keyed by issuer. Plain dicts: a race only means fetching the same document twice.
_metadata_cache: dict[str, ProviderMetadata] = {}
_keys_cache: dict[str, KeySet] = {}


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = httpx.get(url, timeout=HTTP_TIMEOUT_SECONDS, headers={"Accept": "application/json"})
        response.raise_for_status()
        document = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise OidcFailure(f"cannot read {url}: {exc.__class__.__name__}") from exc
    if not isinstance(document, dict):
        raise OidcFailure(f"{url} did not answer a JSON object")
    return document


def provider_metadata(issuer: str) -> ProviderMetadata:
    """The provider's endpoints, from its discovery document (fetched once per process)."""
    cached = _metadata_cache.get(issuer)
    if cached is not None:
        return cached
    document = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    # OpenID Connect Discovery 1.0 §4.3: a document naming another issuer must not be used,
    # or a compromised or misconfigured host could speak for someone else.
    if document.get("issuer") != issuer:
        raise OidcFailure(f"discovery names issuer {document.get('issuer')!r}, configured {issuer!r}")
    endpoints = [document.get(name) for name in ("authorization_endpoint", "token_endpoint", "jwks_uri")]
    if not all(isinstance(url, str) and url for url in endpoints):
        raise OidcFailure("discovery lacks authorization_endpoint, token_endpoint or jwks_uri")
    offered = document.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = tuple(alg for alg in ACCEPTED_ALGORITHMS if alg in offered)
    if not algorithms:
        raise OidcFailure(f"the provider signs ID tokens only with {offered!r}")
    metadata = ProviderMetadata(
        issuer=issuer,
        authorization_endpoint=str(endpoints[0]),
        token_endpoint=str(endpoints[1]),
        jwks_uri=str(endpoints[2]),
        algorithms=algorithms,
        returns_iss=document.get("authorization_response_iss_parameter_supported") is True,
    )
    _metadata_cache[issuer] = metadata
    return metadata


def _key_set(metadata: ProviderMetadata, *, refresh: bool = False) -> KeySet:
    cached = _keys_cache.get(metadata.jwks_uri)
    if cached is not None and not refresh:
        return cached
    try:
        # Shape-checked by joserfc itself; the cast only names the TypedDict it expects.
        keys = KeySet.import_key_set(cast("KeySetSerialization", _get_json(metadata.jwks_uri)))
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise OidcFailure(f"unusable JWKS at {metadata.jwks_uri}: {exc.__class__.__name__}") from exc
    _keys_cache[metadata.jwks_uri] = keys
    return keys


def verify_id_token(
    id_token: str,
    *,
    keys: KeySet,
    algorithms: tuple[str, ...],
    issuer: str,
    client_id: str,
    nonce: str,
    now: int | None = None,
) -> dict[str, Any]:
    """The ID token's claims once its signature, issuer, audience, expiry and nonce hold (OIDC §3.1.3.7)."""
    try:
        token = jwt.decode(id_token, keys, algorithms=list(algorithms))
        jwt.JWTClaimsRegistry(
            now=now,
            leeway=CLOCK_LEEWAY_SECONDS,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(token.claims)
    except InvalidKeyIdError:
        raise  # the caller refreshes the JWKS once: the provider may have rotated its keys
    except (JoseError, ValueError) as exc:
        raise OidcFailure(f"ID token refused: {exc}") from exc
    claims = dict(token.claims)
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    # §3.1.3.7 point 3-5: a token also meant for other parties must name us as its presenter.
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise OidcFailure("ID token has several audiences but azp is not this client")
    return claims


def _flow_serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.resolved_secret_key(), salt="harbourlink.web.oidc.flow")


def _redirect_uri(settings: Settings) -> str:
    return settings.base_url.rstrip("/") + CALLBACK_PATH


def _failed(code: str) -> RedirectResponse:
    response = RedirectResponse(f"/login?error={code}", status_code=303)
    response.delete_cookie(FLOW_COOKIE, path=START_PATH)
    return response


def _enabled_settings(request: Request) -> Settings:
    settings = runtime(request).settings
    if not settings.oidc_enabled:
        raise NotFound("logging in through an identity provider is not configured here")
    return settings


@router.get(START_PATH)
def start_oidc_login(request: Request) -> Response:
    """Sends the browser to the provider, remembering state, nonce and PKCE verifier in a cookie."""
    settings = _enabled_settings(request)
    try:
        metadata = provider_metadata(settings.oidc_issuer)
    except OidcFailure as failure:
        logger.warning("OIDC login could not start: %s", failure)
        return _failed("oidc_failed")
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    url = prepare_grant_uri(
        metadata.authorization_endpoint,
        client_id=settings.oidc_client_id,
        response_type="code",
        redirect_uri=_redirect_uri(settings),
        scope=SCOPE,
        state=state,
        nonce=nonce,
        code_challenge=create_s256_code_challenge(verifier),
        code_challenge_method="S256",
    )
    response = RedirectResponse(str(url), status_code=303)
    flow = _flow_serializer(settings).dumps({"state": state, "nonce": nonce, "verifier": verifier})
    # Lax is enough (the provider sends the browser back with a top-level GET) and keeps other
    # sites from replaying it; the path keeps it off every other request.
    response.set_cookie(
        FLOW_COOKIE,
        flow,
        max_age=FLOW_MAX_AGE_SECONDS,
        path=START_PATH,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


def _read_flow(request: Request, settings: Settings) -> dict[str, str]:
    raw = request.cookies.get(FLOW_COOKIE)
    if not raw:
        raise OidcFailure("no login in progress (flow cookie missing)")
    try:
        flow = _flow_serializer(settings).loads(raw, max_age=FLOW_MAX_AGE_SECONDS)
    except BadSignature as exc:  # also SignatureExpired
        raise OidcFailure(f"flow cookie refused: {exc.__class__.__name__}") from exc
    if not isinstance(flow, dict) or not all(isinstance(flow.get(k), str) for k in ("state", "nonce", "verifier")):
        raise OidcFailure("flow cookie malformed")
    return {k: flow[k] for k in ("state", "nonce", "verifier")}


def _check_authorization_response(request: Request, metadata: ProviderMetadata, flow: dict[str, str]) -> str:
    """The authorization code, once the response is known to answer our own request."""
    params = request.query_params
    if "error" in params:
        raise OidcFailure(f"the provider answered error={params['error'][:60]!r}")
    if not hmac.compare_digest(params.get("state", "").encode(), flow["state"].encode()):
        raise OidcFailure("state does not match the login in progress")
    # RFC 9207: guards against a response from another provider being passed off as this one's.
    iss = params.get("iss")
    if (iss is not None and iss != metadata.issuer) or (iss is None and metadata.returns_iss):
        raise OidcFailure(f"authorization response from issuer {iss!r}")
    code = params.get("code")
    if not code:
        raise OidcFailure("authorization response has no code")
    return code


def _client_secret_basic(settings: Settings) -> str:
    # RFC 6749 §2.3.1: both parts are form-encoded before base64, which httpx's auth=() does not do.
    pair = f"{quote(settings.oidc_client_id, safe='')}:{quote(settings.oidc_client_secret, safe='')}"
    return "Basic " + base64.b64encode(pair.encode()).decode("ascii")


def _redeem_code(settings: Settings, metadata: ProviderMetadata, *, code: str, verifier: str) -> str:
    """The ID token the provider issues for the authorization code."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": _redirect_uri(settings),
        "code_verifier": verifier,
    }
    headers = {"Authorization": _client_secret_basic(settings), "Accept": "application/json"}
    try:
        response = httpx.post(metadata.token_endpoint, data=form, headers=headers, timeout=HTTP_TIMEOUT_SECONDS)
        body = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise OidcFailure(f"token endpoint unreachable or not JSON: {exc.__class__.__name__}") from exc
    if response.status_code != 200 or not isinstance(body, dict):
        error = body.get("error") if isinstance(body, dict) else None
        raise OidcFailure(f"token endpoint answered {response.status_code} error={str(error)[:60]!r}")
    id_token = body.get("id_token")
    if not isinstance(id_token, str):
        raise OidcFailure("token response has no id_token")
    return id_token


def _verified_claims(settings: Settings, request: Request) -> dict[str, Any]:
    """The claims of the person the provider vouches for, after every check of the flow."""
    flow = _read_flow(request, settings)
    metadata = provider_metadata(settings.oidc_issuer)
    code = _check_authorization_response(request, metadata, flow)
    id_token = _redeem_code(settings, metadata, code=code, verifier=flow["verifier"])

    def verify(keys: KeySet) -> dict[str, Any]:
        return verify_id_token(
            id_token,
            keys=keys,
            algorithms=metadata.algorithms,
            issuer=metadata.issuer,
            client_id=settings.oidc_client_id,
            nonce=flow["nonce"],
        )

    try:
        return verify(_key_set(metadata))
    except InvalidKeyIdError:
        try:
            return verify(_key_set(metadata, refresh=True))
        except InvalidKeyIdError as exc:
            raise OidcFailure("ID token signed with a key the provider does not publish") from exc


@router.get(CALLBACK_PATH)
def finish_oidc_login(request: Request, session: DbSession) -> Response:
    """Redeems the provider's answer and opens a full session for the linked user."""
    settings = _enabled_settings(request)
    try:
        claims = _verified_claims(settings, request)
    except OidcFailure as failure:
        logger.warning("OIDC login refused: %s", failure)
        return _failed("oidc_failed")
    now, ip = utcnow(), client_ip(request)
    email = claims.get("email")
    outcome = identity.login_with_oidc(
        session,
        issuer=claims["iss"],
        subject=claims["sub"],
        email=email if isinstance(email, str) else None,
        # Some providers send the boolean as a string; anything else is not a verification.
        email_verified=claims.get("email_verified") in (True, "true"),
        now=now,
        ip=ip,
    )
    if outcome.user is None:
        # Returning (not raising) commits the failure the audit log just recorded.
        return _failed(outcome.error if outcome.error in LOGIN_ERRORS else "oidc_failed")
    token = identity.open_web_session(session, outcome.user, stage="full", now=now, hours=settings.session_hours)
    identity.complete_login(session, outcome.user, now=now, ip=ip, method="oidc")
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(FLOW_COOKIE, path=START_PATH)
    set_session_cookie(request, response, token, hours=settings.session_hours)
    return response
