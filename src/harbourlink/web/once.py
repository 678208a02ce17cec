"""Secrets shown once, after a redirect: a new user's temporary password, a new API key.

Rendering a secret straight into the POST's answer would let a reload post the form again
(another key, another user). Instead the POST redirects, and the secret rides to the next GET
in a cookie that is sealed with the installation's key, HttpOnly, SameSite=Strict, scoped to
that one path, lives two minutes and is deleted by the page that shows it.
"""

from __future__ import annotations

import json
from typing import cast

from fastapi.responses import Response

from harbourlink.api.context import runtime
from harbourlink.web.pages import MemberPage

ONCE_COOKIE = "hl_once"
ONCE_SECONDS = 120


def redirect_showing_once(page: MemberPage, path: str, payload: dict[str, str]) -> Response:
    """Redirects to ``path``, whose next display (for this user only) receives ``payload``."""
    sealed = runtime(page.request).sealer.seal(json.dumps({"user": page.viewer.user.id, **payload}))
    response = page.redirect(path)
    response.set_cookie(
        ONCE_COOKIE,
        sealed,
        max_age=ONCE_SECONDS,
        httponly=True,
        samesite="strict",
        secure=page.request.url.scheme == "https",
        path=path,
    )
    return response


def take_once(page: MemberPage) -> dict[str, str]:
    """What the previous POST left for this page, if anything; it will not be there again."""
    sealed = page.request.cookies.get(ONCE_COOKIE)
    # The cookie also reaches paths below its own (a POST to /admin/users/<id>/role); only the
    # page it was meant for, fetched by the redirect, may show and spend it.
    if not sealed or page.request.method != "GET":
        return {}
    page.expire_cookie(ONCE_COOKIE, path=page.request.url.path)
    opened = runtime(page.request).sealer.unseal(sealed)
    payload = cast(dict[str, str], json.loads(opened)) if opened else {}
    return payload if payload.get("user") == page.viewer.user.id else {}
