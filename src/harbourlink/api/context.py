"""Per-request plumbing shared by the API and the pages: the unit of work and who is calling.

A caller is a company's system (``Authorization: Bearer hlk_…``) or a person with a session
cookie. A cookie-authenticated request that changes something must also present the CSRF
token (form field or ``X-CSRF-Token`` header) that matches its CSRF cookie.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Annotated

from anyio import CapacityLimiter, to_thread
from fastapi import Depends, Request, Response
from sqlalchemy.orm import Session

from harbourlink import identity
from harbourlink.api.ratelimit import AddressLimits, Limit, RequestBudget
from harbourlink.identity import Sealer
from harbourlink.kernel import Actor, Database, Forbidden, Unauthenticated, utcnow
from harbourlink.settings import Settings

SESSION_COOKIE = "hl_session"
CSRF_COOKIE = "hl_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
KEY_FAILURES = frozenset({"invalid_api_key", "invalid_authorization"})

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass
class Runtime:
    """What the app built once at start and every request shares."""

    settings: Settings
    db: Database
    sealer: Sealer
    limits: AddressLimits = field(init=False)
    budget: RequestBudget = field(init=False)
    trusted_proxies: tuple[IpNetwork, ...] = field(init=False)

    def __post_init__(self) -> None:
        settings = self.settings
        self.limits = AddressLimits(settings, self.db)
        self.budget = RequestBudget(settings.rate_limit_api_per_key, settings.rate_limit_window_seconds)
        self.trusted_proxies = tuple(ipaddress.ip_network(proxy, strict=False) for proxy in settings.trusted_proxies)


def runtime(request: Request) -> Runtime:
    rt = request.app.state.runtime
    assert isinstance(rt, Runtime)  # noqa: S101 - set by create_app
    return rt


async def unit_of_work(request: Request) -> AsyncIterator[Session]:
    """One transaction per request, committed after the handler returns and before the response.

    Begun on the event loop: beginning does no I/O (the first statement checks a connection out, in
    the handler's thread), and a trip through the threadpool cost more than the rest of it. The end
    (commit or rollback, then the bell) does I/O and runs in a thread, as FastAPI ends a sync
    dependency: with a limiter of its own, so that it never waits for a thread held by a handler
    that waits for this request's connection.
    """
    transaction = runtime(request).db.transaction()
    session = transaction.__enter__()
    try:
        yield session
    except Exception as error:
        exit_info = (type(error), error, error.__traceback__)
        if not await to_thread.run_sync(transaction.__exit__, *exit_info, limiter=CapacityLimiter(1)):
            raise
    else:
        await to_thread.run_sync(transaction.__exit__, None, None, None, limiter=CapacityLimiter(1))


DbSession = Annotated[Session, Depends(unit_of_work, scope="function")]


async def autocommit_unit(request: Request) -> AsyncIterator[Session]:
    """For a request that reads, and whose writes (if any) each stand alone, such as the lines noting who
    viewed whose data (``Database.autocommitting``). With no transaction to commit, its end returns an idle
    connection on the event loop, instead of a trip through the threadpool; only writes still pending, or
    an error that may have left the connection busy, are finished in a thread."""
    session = runtime(request).db.autocommitting()
    try:
        yield session
    except Exception:
        await to_thread.run_sync(session.close, limiter=CapacityLimiter(1))
        raise
    if session.new or session.dirty or session.deleted:
        await to_thread.run_sync(_flush_and_close, session, limiter=CapacityLimiter(1))
    else:
        session.close()


def _flush_and_close(session: Session) -> None:
    with session:
        session.flush()


AutocommitSession = Annotated[Session, Depends(autocommit_unit, scope="function")]


def _address(text: str) -> IpAddress | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _is_proxy(address: IpAddress | None, proxies: tuple[IpNetwork, ...]) -> bool:
    return address is not None and any(address in network for network in proxies)


def client_ip(request: Request) -> str | None:
    """The caller's address: the socket's peer, or, behind a trusted proxy, what the proxies forwarded.

    X-Forwarded-For is read from the right, past the trusted proxies only: anything further
    left was written by the client and may be made up.
    """
    peer = request.client.host if request.client else None
    proxies = runtime(request).trusted_proxies
    if peer is None or not _is_proxy(_address(peer), proxies):
        return peer
    client = peer
    hops = ",".join(request.headers.getlist("x-forwarded-for")).split(",")
    for hop in map(_address, reversed(hops)):
        if hop is None:
            break
        client = str(hop)
        if not _is_proxy(hop, proxies):
            break
    return client


def rate_limit(limit: Limit) -> Callable[[Request], None]:
    """A dependency counting the request against its address's ``limit`` (429 past it)."""

    def check(request: Request) -> None:
        runtime(request).limits.check(limit, client_ip(request))

    return check


def person_actor(session: Session, user: identity.User, ip: str | None) -> Actor:
    return Actor(
        org_id=user.org_id,
        user_id=user.id,
        roles=frozenset({user.role}),
        org_types=frozenset(identity.org_types(session, user.org_id)),
        ip=ip,
    )


def csrf_token(request: Request) -> str:
    """The CSRF cookie's value (set by the pages); empty if the browser has none yet."""
    return request.cookies.get(CSRF_COOKIE, "")


def new_csrf_token() -> str:
    return secrets.token_urlsafe(24)


def check_csrf(request: Request, presented: str | None) -> None:
    expected = csrf_token(request)
    if not expected or not presented or not hmac.compare_digest(expected, presented):
        raise Forbidden("the form is missing its CSRF token or it does not match; reload the page", code="csrf_failed")


def session_user(request: Request, session: Session) -> tuple[identity.User, str] | None:
    """The user behind the session cookie, with the session's stage (``second_factor`` or ``full``)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    resumed = identity.resume_web_session(session, token, now=utcnow())
    if resumed is None:
        return None
    web_session, user = resumed
    return user, web_session.stage


def key_cache(request: Request) -> identity.ApiKeyCache:
    """This process's cache of recently authenticated API keys (see ``identity.keycache``), made on first use."""
    cache = getattr(request.app.state, "api_key_cache", None)
    if cache is None:
        cache = identity.ApiKeyCache(ttl=runtime(request).settings.api_key_cache_seconds)
        request.app.state.api_key_cache = cache
    assert isinstance(cache, identity.ApiKeyCache)  # noqa: S101 - set just above
    return cache


def authenticate(request: Request) -> Actor:
    """The caller of an API request, or 401.

    Runs apart from the handler's transaction (it may note a key's last use), so that endpoints
    which commit in several steps, like receiving a message, never wait on its write lock. An API
    key's check is one read (now and then with a note of its use), each statement committing by
    itself; a session's, which may renew the session, is a transaction.
    Once per request: the scope check (``api.scopes``) and the handler share the answer. Failed keys
    count against the address's limit; a caller's requests spend its budget.
    """
    known = getattr(request.state, "actor", None)
    if isinstance(known, Actor):
        return known
    rt = runtime(request)
    try:
        bearer = bool(request.headers.get("authorization"))
        with rt.db.autocommitting() if bearer else rt.db.transaction() as session:
            actor = _authenticate(request, session)
    except Unauthenticated as failed:
        if failed.code in KEY_FAILURES:
            rt.limits.check(Limit.BAD_API_KEY, client_ip(request))  # 429 instead, past the limit
        raise
    rt.budget.spend(actor.api_key_id or actor.user_id or actor.org_id)
    request.state.actor = actor
    return actor


def _authenticate(request: Request, session: Session) -> Actor:
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, presented = header.partition(" ")
        if scheme.lower() != "bearer" or not presented:
            raise Unauthenticated("use 'Authorization: Bearer <API key>'", code="invalid_authorization")
        actor = key_cache(request).authenticate(session, presented.strip(), now=utcnow(), ip=client_ip(request))
        if actor is None:
            raise Unauthenticated("the API key is unknown, revoked or expired", code="invalid_api_key")
        return actor
    found = session_user(request, session)
    if found is None or found[1] != "full":
        raise Unauthenticated("log in, or send an API key as 'Authorization: Bearer <key>'")
    if request.method not in SAFE_METHODS:
        check_csrf(request, request.headers.get(CSRF_HEADER))
    return person_actor(session, found[0], client_ip(request))


async def current_actor(request: Request) -> Actor:
    """``authenticate`` for a handler. The route's scope rule (``api.scopes``) has authenticated the caller
    already, so the answer is read here on the event loop instead of in another trip through the
    threadpool; a route without a rule authenticates in a thread."""
    known = getattr(request.state, "actor", None)
    if isinstance(known, Actor):
        return known
    return await to_thread.run_sync(authenticate, request)


CurrentActor = Annotated[Actor, Depends(current_actor)]


def set_session_cookie(request: Request, response: Response, token: str, *, hours: int) -> None:
    """The session cookie: HttpOnly, SameSite=Lax, Secure whenever the request came over HTTPS."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=hours * 3600,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def ensure_csrf_cookie(request: Request, response: Response) -> str:
    """Gives the browser a CSRF token if it has none; pages embed it in every form."""
    token = csrf_token(request)
    if not token:
        token = new_csrf_token()
        response.set_cookie(
            CSRF_COOKIE, token, httponly=False, samesite="strict", secure=request.url.scheme == "https", path="/"
        )
    return token
