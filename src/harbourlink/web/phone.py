"""The phone simulator: a keypad on a phone's screen that calls the binding hotline, for training and support.

It drives the same calls as the telephony provider (``/ivr/simulator/calls`` run the same call
machine, on simulator call ids), plays each prompt's audio and writes the transcript. The caller
chooses the call's language on the keypad (``*2`` English, ``*3`` Putonghua), as on the real line;
the page's own words follow the site's language.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from harbourlink.web.labels import N_
from harbourlink.web.pages import MemberDep

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
