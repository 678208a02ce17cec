"""Posted forms: the CSRF check that precedes every POST, field access, and changes that may fail.

POST handlers take ``CheckedForm`` as their first parameter (or ``CSRF_CHECKED`` as a route
dependency when they read no field), so a form without the right token is refused with a 403
page before anything else runs, and the request's transaction rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData

from harbourlink.api.context import CSRF_FIELD, check_csrf
from harbourlink.kernel import Forbidden, HarbourLinkError, ValidationFailed
from harbourlink.web.labels import ERRORS, GENERIC_ERROR
from harbourlink.web.pages import Page, PageAbort, error_response

E = TypeVar("E", bound=StrEnum)


async def checked_form(request: Request) -> FormData:
    """The posted form, once its CSRF token matches the cookie; otherwise a 403 page."""
    form = await request.form()
    try:
        check_csrf(request, text(form, CSRF_FIELD))
    except Forbidden as exc:
        raise PageAbort(error_response(request, 403, exc.code)) from exc
    return form


CheckedForm = Annotated[FormData, Depends(checked_form)]
CSRF_CHECKED = Depends(checked_form)
"""For POST handlers that read no field: ``@router.post(..., dependencies=[CSRF_CHECKED])``."""


def text(form: FormData, name: str, *, strip: bool = True) -> str:
    """One text field of a form ('' when absent); passwords are taken as typed."""
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    return value.strip() if strip else value


def texts(form: FormData, name: str) -> list[str]:
    """Every non-empty value of a multi-valued field (checkboxes)."""
    return [value.strip() for value in form.getlist(name) if isinstance(value, str) and value.strip()]


def attempt(page: Page, action: Callable[[], object]) -> HarbourLinkError | None:
    """Runs one change in a savepoint: on a domain error it is undone and the error returned for display.

    The request's transaction still commits whatever else the page did (audit lines, reads).
    """
    try:
        with page.session.begin_nested():
            action()
    except HarbourLinkError as error:
        return error
    return None


def choice(kind: type[E], value: str) -> E:
    """A posted value as one of ``kind``'s members, or a translated 'choose from the list' error."""
    try:
        return kind(value)
    except ValueError as exc:
        raise ValidationFailed("not one of the choices", code="invalid_choice", data={"value": value}) from exc


def shape_errors(
    page: Page,
    exc: ValidationError,
    field_of: Callable[[tuple[int | str, ...]], str] | None = None,
) -> dict[str, str]:
    """Pydantic's complaints about a posted form, translated and keyed by form field (an empty field that has
    to be given is 'required', not 'too short')."""
    errors: dict[str, str] = {}
    for problem in exc.errors():
        loc = tuple(problem["loc"])
        field = field_of(loc) if field_of else ".".join(str(part) for part in loc[:2])
        kind = "missing" if problem["type"] == "string_too_short" and problem.get("input") == "" else problem["type"]
        message = ERRORS.get(kind) or (ERRORS["invalid_choice"] if kind in ("enum", "literal_error") else None)
        errors.setdefault(field, page.t(message or GENERIC_ERROR))
    return errors
