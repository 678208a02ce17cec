"""Logging in and out: password, then the TOTP second factor (enrolled on first login), passwords.

A login opens a ``second_factor`` session; passing TOTP closes it and opens a ``full`` one, so
the token a half-logged-in browser held never becomes a full session. Failed attempts are
committed with the page that reports them: these handlers return normally on failure.
"""

from __future__ import annotations

import segno
from fastapi import APIRouter, Depends
from fastapi.responses import Response
from markupsafe import Markup

from harbourlink import identity
from harbourlink.api.context import SESSION_COOKIE, clear_session_cookie, runtime, session_user, set_session_cookie
from harbourlink.api.ratelimit import Limit
from harbourlink.identity import LoginOutcome
from harbourlink.kernel import HarbourLinkError, ValidationFailed, utcnow
from harbourlink.web.forms import CSRF_CHECKED, CheckedForm, text
from harbourlink.web.labels import ERRORS, N_
from harbourlink.web.pages import (
    AnyPage,
    MemberDep,
    Page,
    SecondFactorDep,
    SecondFactorPage,
    page_rate_limit,
    second_factor_path,
)
from harbourlink.web.receive import BACK_COOKIE, back_target

router = APIRouter(include_in_schema=False)

LOGIN_LIMIT = Depends(page_rate_limit(Limit.LOGIN))
TOTP_LIMIT = Depends(page_rate_limit(Limit.TOTP))
PROVIDER_ERRORS = frozenset({"oidc_failed", "no_account", "account_locked", "account_not_active"})


def _landing(page: Page, user: identity.User) -> str:
    """Home, or the consignment page whose QR code the person scanned before logging in."""
    if user.must_change_password:
        return "/account/password"
    back = back_target(page)
    if back is not None:
        page.expire_cookie(BACK_COOKIE, path="/")
    return back or "/"


def _with_session(page: Page, user: identity.User, *, stage: str, target: str) -> Response:
    """Ends the session the browser held (if any) and hands it a new one: tokens never carry over."""
    old = page.request.cookies.get(SESSION_COOKIE)
    if old:
        identity.close_web_session(page.session, old)
    hours = page.settings.session_hours
    token = identity.open_web_session(page.session, user, stage=stage, now=utcnow(), hours=hours)
    response = page.redirect(target)
    set_session_cookie(page.request, response, token, hours=hours)
    return response


def _outcome_error(page: Page, outcome: LoginOutcome) -> str:
    if outcome.error == "account_locked" and outcome.locked_until is not None:
        return page.t(ERRORS["account_locked"], until=page.catalogue.format_datetime(outcome.locked_until))
    return page.error_text(outcome.error or "invalid_credentials")


@router.get("/login")
def login_form(page: AnyPage) -> Response:
    """The login form; a logged-in person goes home instead."""
    found = session_user(page.request, page.session)
    if found is not None and found[1] == "full":
        return page.redirect("/")
    # The provider login (oidc.py) ends failures on /login?error=<code>; only known codes are shown.
    code = page.request.query_params.get("error", "")
    error = page.error_text(code) if code in PROVIDER_ERRORS else None
    return page.render("login.html", login="", error=error, provider=_provider(page))


def _provider(page: Page) -> str | None:
    """The identity provider's name when logging in through it is configured (see oidc.py)."""
    settings = page.settings
    return settings.oidc_display_name if settings.oidc_enabled else None


def _check_password(page: Page, login: str, password: str) -> LoginOutcome:
    """Counts the guess in a transaction committed at once, then checks it in the page's own.

    Committed first, the count holds against guesses sent in parallel, and no lock is held
    while the slow password hash is checked.
    """
    settings = page.settings
    now = utcnow()
    with runtime(page.request).db.transaction() as counting:
        guess = identity.count_password_guess(
            counting, login=login, now=now, attempts=settings.lockout_attempts, lock_minutes=settings.lockout_minutes
        )
    return identity.check_password_guess(page.session, guess, password=password, now=now, ip=page.ip)


@router.post("/login", dependencies=[LOGIN_LIMIT])
def login(form: CheckedForm, page: AnyPage) -> Response:
    """Checks the password, then asks for the second factor (or, exempt, logs in)."""
    settings = page.settings
    outcome = _check_password(page, text(form, "login"), text(form, "password", strip=False))
    if outcome.user is None:
        return page.render(
            "login.html",
            status=401,
            error=_outcome_error(page, outcome),
            login=text(form, "login"),
            provider=_provider(page),
        )
    user = outcome.user
    if identity.needs_second_factor(user, demo_mode=settings.demo_mode):
        return _with_session(page, user, stage="second_factor", target=second_factor_path(user))
    identity.complete_login(page.session, user, now=utcnow(), ip=page.ip, method="password")
    return _with_session(page, user, stage="full", target=_landing(page, user))


def _verify(page: SecondFactorPage, code: str) -> LoginOutcome:
    settings = page.settings
    return identity.verify_totp(
        page.session,
        page.user,
        runtime(page.request).sealer,
        code=code,
        now=utcnow(),
        ip=page.ip,
        attempts=settings.lockout_attempts,
        lock_minutes=settings.lockout_minutes,
    )


def _promote(page: SecondFactorPage) -> Response:
    identity.complete_login(page.session, page.user, now=utcnow(), ip=page.ip, method="password+totp")
    return _with_session(page, page.user, stage="full", target=_landing(page, page.user))


def _enrolment(page: SecondFactorPage, *, status: int = 200, error: str | None = None) -> Response:
    """The enrolment page; a seed drawn earlier and not yet confirmed is shown again, not replaced."""
    sealer = runtime(page.request).sealer
    uri = identity.pending_totp_uri(page.user, sealer) or identity.begin_totp_enrolment(page.user, sealer)
    secret = identity.totp_seed(page.user, sealer) or ""
    qr = segno.make(uri, error="m").svg_inline(
        scale=5,
        border=2,
        light="#fff",
        dark="#000",
        svgclass="qr",
        lineclass=None,
        omitsize=True,
        title=page.t(N_("QR code for your authenticator app")),
    )
    return page.render(
        "totp_enrol.html",
        status=status,
        error=error,
        qr=Markup(qr),  # noqa: S704 - segno escapes
        secret=secret,
        here="/login/totp/enrol",
    )


@router.get("/login/totp/enrol")
def totp_enrol_form(page: SecondFactorDep) -> Response:
    """Shows a new (or the still unconfirmed) TOTP secret as QR code and text."""
    if page.user.totp_enabled:
        # Enrolling again would replace the seed: the password alone must never get that far.
        return page.redirect("/login/totp")
    return _enrolment(page)


@router.post("/login/totp/enrol", dependencies=[TOTP_LIMIT])
def totp_enrol(form: CheckedForm, page: SecondFactorDep) -> Response:
    """Confirms enrolment with a first code and completes the login."""
    if page.user.totp_enabled:
        return page.redirect("/login/totp")
    outcome = _verify(page, text(form, "code"))
    if outcome.user is None:
        return _enrolment(page, status=401, error=_outcome_error(page, outcome))
    return _promote(page)


@router.get("/login/totp")
def totp_form(page: SecondFactorDep) -> Response:
    """Asks an enrolled person for their code."""
    if not page.user.totp_enabled:
        return page.redirect("/login/totp/enrol")
    return page.render("totp.html")


@router.post("/login/totp", dependencies=[TOTP_LIMIT])
def totp(form: CheckedForm, page: SecondFactorDep) -> Response:
    """Checks the code and completes the login."""
    if not page.user.totp_enabled:
        return page.redirect("/login/totp/enrol")
    outcome = _verify(page, text(form, "code"))
    if outcome.user is None:
        return page.render("totp.html", status=401, error=_outcome_error(page, outcome), here="/login/totp")
    return _promote(page)


@router.post("/logout", dependencies=[CSRF_CHECKED])
def logout(page: AnyPage) -> Response:
    """Ends the session on the server and in the browser."""
    token = page.request.cookies.get(SESSION_COOKIE)
    if token:
        identity.logout(page.session, token, ip=page.ip)
    response = page.redirect("/login")
    clear_session_cookie(response)
    return response


@router.get("/account/password")
def password_form(page: MemberDep) -> Response:
    """The form to change one's own password."""
    return page.render("password.html", errors={})


@router.post("/account/password")
def change_password(form: CheckedForm, page: MemberDep) -> Response:
    """Replaces the password after checking the current one."""
    new_password = text(form, "new_password", strip=False)
    try:
        if new_password != text(form, "new_password_confirm", strip=False):
            raise ValidationFailed(
                "the passwords differ", code="password_mismatch", data={"field": "new_password_confirm"}
            )
        with page.session.begin_nested():
            identity.change_password(
                page.session,
                page.viewer.user,
                new_password=new_password,
                current_password=text(form, "current_password", strip=False),
                keep_token=page.request.cookies.get(SESSION_COOKIE),
            )
    except HarbourLinkError as error:
        field = {"password": "new_password"}.get(str(error.data.get("field")), str(error.data.get("field")))
        return page.render_error(
            "password.html", error, errors={field: page.error_text(error)}, here="/account/password"
        )
    return page.redirect("/?done=password_changed")
