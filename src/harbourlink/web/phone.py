"""The phone line for people: the simulator, and a company's phone accounts for its drivers.

``/phone`` is a keypad on a phone's screen that calls the binding hotline, for training and support.

It drives the same calls as the telephony provider (``/ivr/simulator/calls`` run the same call
machine, on simulator call ids), plays each prompt's audio and writes the transcript. The caller
chooses the call's language on the keypad (``*2`` English, ``*3`` Putonghua), as on the real line;
the page's own words follow the site's language.

``/admin/phone`` is where a company's administrator gives a driver a phone account (its password
and security code key are shown once, after the redirect) and unlocks a locked-out one.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter
from fastapi.responses import Response

from harbourlink import identity, ivr
from harbourlink.api.context import runtime
from harbourlink.kernel import HarbourLinkError
from harbourlink.web.forms import CSRF_CHECKED, CheckedForm, attempt, text
from harbourlink.web.labels import N_
from harbourlink.web.once import redirect_showing_once, take_once
from harbourlink.web.pages import AdminDep, MemberDep, MemberPage

router = APIRouter(include_in_schema=False)

WORDS = {
    "hotline": N_("Hotline"),
    "you": N_("You"),
    "ended": N_("The call has ended."),
    "failed": N_("The call could not go on. Call again."),
}


@router.get("/phone")
def simulator(page: MemberDep) -> Response:
    return page.render("phone/simulator.html", here="/phone", words={key: page.t(text) for key, text in WORDS.items()})


def _accounts_page(
    page: MemberPage, *, error: HarbourLinkError | None = None, values: dict[str, str] | None = None
) -> Response:
    actor = page.viewer.actor
    accounts = ivr.list_phone_accounts(page.session, actor)
    drivers = identity.list_drivers(page.session, actor)
    having = {account.user_id for account in accounts}
    context: dict[str, Any] = {
        "accounts": accounts,
        "names": {driver.id: driver.display_name for driver in drivers},
        "without": [driver for driver in drivers if driver.id not in having],
        "issued": take_once(page),
        "values": values or {},
        "errors": {},
    }
    if error is not None:
        return page.render_error("admin/phone.html", error, here="/admin/phone", **context)
    return page.render("admin/phone.html", here="/admin/phone", **context)


@router.get("/admin/phone")
def accounts(page: AdminDep) -> Response:
    """The company's drivers' phone accounts, with the form to give a driver one."""
    return _accounts_page(page)


@router.post("/admin/phone")
def create_account(form: CheckedForm, page: AdminDep) -> Response:
    """Gives a driver a phone account; its secrets are shown once on the page this redirects to."""
    values = {"user_id": text(form, "user_id"), "vehicle": text(form, "vehicle")}
    sealer = runtime(page.request).sealer
    try:
        with page.session.begin_nested():
            made = ivr.create_phone_account(page.session, page.viewer.actor, sealer=sealer, **values)
    except HarbourLinkError as error:
        return _accounts_page(page, error=error, values=values)
    key = parse_qs(urlsplit(made.code_uri).query)["secret"][0]
    shown = {"number": made.account.number, "password": made.password, "code_key": key, "code_uri": made.code_uri}
    return redirect_showing_once(page, "/admin/phone", shown)


@router.post("/admin/phone/{number}/unlock", dependencies=[CSRF_CHECKED])
def unlock_account(number: str, page: AdminDep) -> Response:
    """Lets a driver locked out after wrong passwords or security codes call again."""
    error = attempt(page, lambda: ivr.unlock_phone_account(page.session, page.viewer.actor, number=number))
    return _accounts_page(page, error=error) if error else page.redirect("/admin/phone?done=user_unlocked")
