"""What every page shares: its language, who is looking, rendering and security headers.

Handlers take one of the page dependencies::

    AnyPage          anyone: the request's transaction (``DbSession``) and language
    SecondFactorDep  gave the password, owes the TOTP code
    MemberDep        fully logged in (and, with a temporary password, only to change it)
    AdminDep         … and the company's principal or an administrator
    OperatorDep      … of the platform operator

A page that cannot go on (not logged in, not allowed, bad CSRF token, see ``forms``) raises
``PageAbort`` with a ready response; the request's transaction then rolls back. Every rendered
page gets the CSRF cookie and token (``ensure_csrf_cookie``) and the security headers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from harbourlink import identity
from harbourlink.api.context import (
    CSRF_FIELD,
    DbSession,
    client_ip,
    ensure_csrf_cookie,
    person_actor,
    rate_limit,
    session_user,
)
from harbourlink.api.errors import status_for
from harbourlink.api.ratelimit import Limit
from harbourlink.kernel import Actor, Forbidden, HarbourLinkError, NotFound, RateLimited
from harbourlink.kernel.phrases import PLAIN
from harbourlink.settings import Settings
from harbourlink.web.i18n import LANG_COOKIE, LANG_PARAM, Catalogue, Catalogues
from harbourlink.web.labels import ERRORS, GENERIC_ERROR, NOTICES

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; manifest-src 'self'; worker-src 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    # Pages show personal data and one-time secrets; no cache may keep them.
    "Cache-Control": "no-store",
}
LANG_COOKIE_SECONDS = 365 * 24 * 3600
R = TypeVar("R", bound=Response)


@dataclass
class WebState:
    """What the pages built once at start."""

    catalogues: Catalogues
    settings: Settings
    static_version: str
    plugin_errors: Mapping[str, str] = field(default_factory=dict)
    """The installed plug-ins' error codes and their messages (msgids of their own catalogues)."""


def web_state(request: Request) -> WebState:
    """The pages' start-up state, from the application."""
    state = request.app.state.web
    assert isinstance(state, WebState)  # noqa: S101 - set by mount_web
    return state


class PageAbort(Exception):
    """Ends a page early with a ready response; the request's transaction rolls back."""

    def __init__(self, response: Response):
        super().__init__("page ended early")
        self.response = response


def finish(request: Request, response: Response, catalogue: Catalogue) -> Response:
    """Adds the security headers, and keeps a language chosen by ``?lang=`` in a cookie. The page's language
    may come from the browser's ``Accept-Language``, so the answer varies with it."""
    response.headers.update(SECURITY_HEADERS)
    response.headers["Vary"] = "Accept-Language, Cookie"
    if request.query_params.get(LANG_PARAM) == catalogue.language.code:
        response.set_cookie(
            LANG_COOKIE,
            catalogue.language.code,
            max_age=LANG_COOKIE_SECONDS,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/",
        )
    return response


def render_page(
    request: Request,
    catalogue: Catalogue,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    here: str | None = None,
) -> HTMLResponse:
    """Renders a template with the CSRF token, the switcher's target and the static version."""
    response = HTMLResponse(status_code=status)
    token = ensure_csrf_cookie(request, response)
    if here is None:
        here = request.url.path if request.method in ("GET", "HEAD") else "/"
    base: dict[str, Any] = {
        "csrf_token": token,
        "csrf_field": CSRF_FIELD,
        "here": here,
        "viewer": None,
        "static_version": web_state(request).static_version,
        "notice": None,
        "error": None,
        "errors": {},
    }
    response.body = response.render(catalogue.render(template, {**base, **context}))
    response.headers["content-length"] = str(len(response.body))
    finish(request, response, catalogue)
    return response


def error_response(request: Request, status: int, code: str) -> HTMLResponse:
    """A translated error page that needs no database."""
    catalogue, _ = web_state(request).catalogues.choose(request)
    message = catalogue.gettext(ERRORS.get(code, GENERIC_ERROR))
    return render_page(request, catalogue, "error.html", {"status": status, "message": message}, status=status)


def page_rate_limit(limit: Limit) -> Callable[[Request], None]:
    """The API's ``rate_limit`` for a form: past the limit, a translated 429 page with ``Retry-After``."""
    check = rate_limit(limit)

    def check_page(request: Request) -> None:
        try:
            check(request)
        except RateLimited as refused:
            response = error_response(request, 429, refused.code)
            response.headers["Retry-After"] = str(refused.data["retry_after"])
            raise PageAbort(response) from refused

    return check_page


def redirect(request: Request, catalogue: Catalogue, url: str) -> Response:
    """A 303 redirect (after a POST the browser fetches the target with GET)."""
    return finish(request, RedirectResponse(url, status_code=303), catalogue)


@dataclass(frozen=True)
class Viewer:
    """The logged-in person, the actor they are, and their company."""

    user: identity.User
    actor: Actor
    org: identity.Organisation

    @property
    def is_admin(self) -> bool:
        return identity.is_admin(self.actor)

    @property
    def is_operator(self) -> bool:
        return self.actor.is_operator and self.is_admin


@dataclass
class Page:
    """One page request: its transaction and language."""

    request: Request
    session: Session
    catalogue: Catalogue
    expired_cookies: list[tuple[str, str]] = field(default_factory=list, kw_only=True)

    @property
    def settings(self) -> Settings:
        return web_state(self.request).settings

    @property
    def ip(self) -> str | None:
        return client_ip(self.request)

    def t(self, message: str, **params: object) -> str:
        """A message in the page's language."""
        return self.catalogue.gettext(message, **params)

    def error_text(self, error: HarbourLinkError | str) -> str:
        """A domain error (or code) in the page's language: the page's words for its code (a plug-in's from its
        catalogue), else its own wording when it has one (an identifier's check), else a generic message."""
        code = error if isinstance(error, str) else error.code
        message = ERRORS.get(code) or web_state(self.request).plugin_errors.get(code)
        if message is None and isinstance(error, NotFound | Forbidden):
            message = ERRORS["not_found" if isinstance(error, NotFound) else "forbidden"]
        if message is None and isinstance(error, HarbourLinkError) and error.wording.phrase is not PLAIN:
            return self.catalogue.say(error.wording)
        return self.t(message or GENERIC_ERROR)

    def context(self) -> dict[str, Any]:
        notice = NOTICES.get(self.request.query_params.get("done", ""))
        return {"notice": self.t(notice) if notice else None}

    def render(self, template: str, *, status: int = 200, here: str | None = None, **context: Any) -> HTMLResponse:
        """The template as this page's answer."""
        response = render_page(
            self.request, self.catalogue, template, {**self.context(), **context}, status=status, here=here
        )
        return self._expire(response)

    def render_error(self, template: str, error: HarbourLinkError, **context: Any) -> HTMLResponse:
        """The page again, with the error's message at the top and the error's status."""
        return self.render(template, status=status_for(error), error=self.error_text(error), **context)

    def redirect(self, url: str) -> Response:
        return self._expire(redirect(self.request, self.catalogue, url))

    def expire_cookie(self, name: str, *, path: str) -> None:
        """Deletes a cookie with whatever this page answers."""
        self.expired_cookies.append((name, path))

    def _expire(self, response: R) -> R:
        for name, path in self.expired_cookies:
            response.delete_cookie(name, path=path)
        return response

    def abort(self, status: int, code: str) -> PageAbort:
        """A translated error page to raise as ``PageAbort``."""
        return PageAbort(error_response(self.request, status, code))


@dataclass
class MemberPage(Page):
    """A page for a fully logged-in person."""

    viewer: Viewer

    def context(self) -> dict[str, Any]:
        return {**super().context(), "viewer": self.viewer}


@dataclass
class SecondFactorPage(Page):
    """A page for a person who gave the password and still owes the second factor."""

    user: identity.User


def open_page(request: Request, session: DbSession) -> Page:
    """Any page: the request's transaction and language, no login needed."""
    catalogue, _ = web_state(request).catalogues.choose(request)
    return Page(request, session, catalogue)


AnyPage = Annotated[Page, Depends(open_page)]


def second_factor_path(user: identity.User) -> str:
    """Where a half-logged-in person goes next: TOTP, or enrolment first."""
    return "/login/totp" if user.totp_enabled else "/login/totp/enrol"


def member_page(page: AnyPage) -> MemberPage:
    """The page of a fully logged-in person, or a redirect to the step they still owe."""
    found = session_user(page.request, page.session)
    if found is None:
        raise PageAbort(page.redirect("/login"))
    user, stage = found
    if stage != "full":
        raise PageAbort(page.redirect(second_factor_path(user)))
    if user.must_change_password and page.request.url.path not in ("/account/password", "/logout"):
        raise PageAbort(page.redirect("/account/password"))
    actor = person_actor(page.session, user, page.ip)
    org = identity.get_organisation(page.session, actor, org_id=actor.org_id)
    return MemberPage(page.request, page.session, page.catalogue, Viewer(user=user, actor=actor, org=org))


def admin_page(page: Annotated[MemberPage, Depends(member_page)]) -> MemberPage:
    """A page for the company's principal and administrators."""
    if not page.viewer.is_admin:
        raise page.abort(403, "not_administrator")
    return page


def operator_page(page: Annotated[MemberPage, Depends(member_page)]) -> MemberPage:
    """A page for the platform operator's administrators."""
    if not page.viewer.is_operator:
        raise page.abort(403, "not_operator")
    return page


def second_factor_page(page: AnyPage) -> SecondFactorPage:
    """A page for someone who gave the password and owes the TOTP code."""
    found = session_user(page.request, page.session)
    if found is None:
        raise PageAbort(page.redirect("/login"))
    user, stage = found
    if stage == "full":
        raise PageAbort(page.redirect("/"))
    return SecondFactorPage(page.request, page.session, page.catalogue, user)


MemberDep = Annotated[MemberPage, Depends(member_page)]
AdminDep = Annotated[MemberPage, Depends(admin_page)]
OperatorDep = Annotated[MemberPage, Depends(operator_page)]
SecondFactorDep = Annotated[SecondFactorPage, Depends(second_factor_page)]
