"""Applying to join: a company with its documents' details, or an individual truck driver.

The form's field names follow the application's shape (``applicant.email``,
``doc.<kind>.number`` …) so that errors from the shape check and from identity's rules land
next to the field they are about. Every field's error is shown at once: the shape check and all
of identity's rules run on every submission (``identity.application_problems``), and the page's
script checks what it cheaply can before sending, the password by the server's own rule
(``identity.PASSWORD_RULE``, shipped in the page).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from harbourlink import identity
from harbourlink.api.ratelimit import Limit
from harbourlink.identity import AccountKind, DocumentKind, OfferedService, OperationMode, OrgType, Service
from harbourlink.identity.schemas import RegistrationIn
from harbourlink.kernel import HarbourLinkError
from harbourlink.web.forms import CheckedForm, shape_errors, text, texts
from harbourlink.web.labels import ERRORS, GENERIC_ERROR, N_
from harbourlink.web.pages import AnyPage, Page, page_rate_limit

router = APIRouter(include_in_schema=False)

COMPANY_DOCUMENTS = (DocumentKind.IDENTITY_PROOF, DocumentKind.BUSINESS_REGISTRATION, DocumentKind.AUTHORISATION_LETTER)
DRIVER_DOCUMENTS = (
    DocumentKind.IDENTITY_PROOF,
    DocumentKind.VEHICLE_REGISTRATION,
    DocumentKind.DRIVING_LICENCE,
    DocumentKind.CLOSED_ROAD_PERMIT,
)
# Shown to both kinds, to companies only, to drivers only (the CSS class hides the other kind's).
DOCUMENT_GROUPS = (
    ("", [kind for kind in COMPANY_DOCUMENTS if kind in DRIVER_DOCUMENTS]),
    ("company-only", [kind for kind in COMPANY_DOCUMENTS if kind not in DRIVER_DOCUMENTS]),
    ("driver-only", [kind for kind in DRIVER_DOCUMENTS if kind not in COMPANY_DOCUMENTS]),
)
# Customs, banks and the platform operator are set up by the operator, never applied for.
OPEN_TYPES = tuple(org_type for org_type in OrgType if org_type in identity.SELF_SERVICE_TYPES)
OPTIONAL_DOCUMENTS = frozenset({DocumentKind.CLOSED_ROAD_PERMIT})
# Tracking comes with every account; the form offers the other services the platform has built (none yet).
OPTIONAL_SERVICES = tuple(service for service in OfferedService if service.value != Service.TRACKING.value)
SECRET_FIELDS = frozenset({"applicant.password", "applicant.password_confirm", "csrf_token"})
FIELD_OF_DOMAIN_FIELD = {"driver": "driver.vehicle_registration"}
STRONG_ENOUGH = N_("This password is strong enough.")


def _script_words(page: Page) -> str:
    """What the page's script says, in the page's language, and the server's password rule: JSON."""
    rule = identity.PASSWORD_RULE
    return json.dumps(
        {
            "rule": {"minLength": rule.min_length, "classes": list(rule.classes), "classesNeeded": rule.classes_needed},
            "required": page.t(ERRORS["missing"]),
            "weak": page.error_text("weak_password"),
            "strong": page.t(STRONG_ENOUGH),
            "mismatch": page.error_text("password_mismatch"),
            "email": page.t(ERRORS["value_error"]),
            "types": page.error_text("missing_org_type"),
            "companyEmail": page.error_text("missing_email"),
            "summary": page.t(GENERIC_ERROR),
        },
        ensure_ascii=False,
    )


def _form_page(
    page: Page, *, values: dict[str, str], chosen: dict[str, list[str]], errors: dict[str, str], status: int = 200
) -> Response:
    return page.render(
        "signup.html",
        status=status,
        values=values,
        chosen=chosen,
        errors=errors,
        error=page.t(GENERIC_ERROR) if errors else None,
        here="/signup",
        account_kinds=list(AccountKind),
        org_types=OPEN_TYPES,
        operation_modes=list(OperationMode),
        document_groups=DOCUMENT_GROUPS,
        optional_documents=OPTIONAL_DOCUMENTS,
        services=OPTIONAL_SERVICES,
        script_words=_script_words(page),
    )


@router.get("/signup")
def signup_form(page: AnyPage) -> Response:
    """The application form of companies and truck drivers."""
    return _form_page(page, values={"account_kind": AccountKind.COMPANY.value}, chosen={}, errors={})


def _documents(form: FormData, kind: str) -> list[dict[str, str | None]]:
    kinds = DRIVER_DOCUMENTS if kind == AccountKind.DRIVER.value else COMPANY_DOCUMENTS
    return [
        {
            "kind": doc.value,
            "number": text(form, f"doc.{doc.value}.number"),
            "issuer": text(form, f"doc.{doc.value}.issuer") or None,
        }
        for doc in kinds
        if text(form, f"doc.{doc.value}.number")
    ]


def _application(form: FormData) -> dict[str, Any]:
    """The posted form in the shape of ``RegistrationIn``; only the chosen kind's parts are sent."""
    kind = text(form, "account_kind") or AccountKind.COMPANY.value
    driver = kind == AccountKind.DRIVER.value
    types = texts(form, "types") or ([OrgType.TRUCKING.value] if driver else [])
    return {
        "name": text(form, "name"),
        "name_local": text(form, "name_local") or None,
        "account_kind": kind,
        "types": types,
        "operation_mode": text(form, "operation_mode") or None,
        "business_registration": None if driver else text(form, "business_registration") or None,
        "contact_email": text(form, "contact_email") or None,
        "contact_phone": text(form, "contact_phone") or None,
        "documents": _documents(form, kind),
        "applicant": {
            "display_name": text(form, "applicant.display_name"),
            "email": text(form, "applicant.email") or None,
            "password": text(form, "applicant.password", strip=False),
        },
        "driver": {
            "vehicle_registration": text(form, "driver.vehicle_registration"),
            "driving_licence": text(form, "driver.driving_licence"),
            "closed_road_permit": text(form, "driver.closed_road_permit") or None,
            "mobile": text(form, "driver.mobile"),
        }
        if driver
        else None,
        "services": texts(form, "services"),
    }


def _field_of(documents: list[dict[str, str | None]]) -> Callable[[tuple[int | str, ...]], str]:
    """Where a shape error about the application belongs on the form."""

    def field_of(loc: tuple[int | str, ...]) -> str:
        if loc[0] == "documents" and len(loc) >= 3 and isinstance(loc[1], int):
            return f"doc.{documents[loc[1]]['kind']}.{loc[2]}"
        if loc[0] in ("types", "services", "operation_mode", "account_kind"):
            return str(loc[0])
        return ".".join(str(part) for part in loc[:2])

    return field_of


def _rule_errors(page: Page, problems: list[HarbourLinkError]) -> dict[str, str]:
    """identity's problems with an application, each next to its field (a missing document next to its number)."""
    errors: dict[str, str] = {}
    for problem in problems:
        if problem.code == "missing_documents":
            for kind in problem.data.get("missing", []):
                errors.setdefault(f"doc.{kind}.number", page.error_text(problem))
            continue
        field = str(problem.data.get("field", "")) or "name"
        errors.setdefault(FIELD_OF_DOMAIN_FIELD.get(field, field), page.error_text(problem))
    return errors


def _password_again(page: Page, form: FormData) -> dict[str, str]:
    """What only the form asks: the password typed twice."""
    if text(form, "applicant.password", strip=False) != text(form, "applicant.password_confirm", strip=False):
        return {"applicant.password_confirm": page.error_text("password_mismatch")}
    return {}


@router.post("/signup", dependencies=[Depends(page_rate_limit(Limit.REGISTRATION))])
def signup(form: CheckedForm, page: AnyPage) -> Response:
    """Records an application; every field's error is shown next to it, all at once."""
    values = {key: value for key, value in form.items() if isinstance(value, str) and key not in SECRET_FIELDS}
    chosen = {"types": texts(form, "types"), "services": texts(form, "services")}
    raw = _application(form)
    problems: list[HarbourLinkError] = list(identity.application_problems(identity.draft_from_body(raw)))
    errors = {**_rule_errors(page, problems), **_password_again(page, form)}
    application: RegistrationIn | None = None
    try:
        application = RegistrationIn.model_validate(raw)
    except ValidationError as exc:
        errors = {**shape_errors(page, exc, _field_of(raw["documents"])), **errors}
    if errors or application is None:
        return _form_page(page, values=values, chosen=chosen, errors=errors, status=422)
    try:
        with page.session.begin_nested():
            registered = identity.register_organisation(page.session, application=application, ip=page.ip)
    except HarbourLinkError as error:
        status = 409 if error.code.endswith("_taken") else 422
        return _form_page(page, values=values, chosen=chosen, errors=_rule_errors(page, [error]), status=status)
    return page.render("signup_done.html", org_name=registered.organisation.name, here="/signup")
