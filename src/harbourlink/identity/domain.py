"""Pure rules of identity: company types, roles, password policy, registration checks."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from harbourlink.kernel.errors import ValidationFailed


class OrgType(StrEnum):
    CARGO_OWNER = "cargo_owner"
    FORWARDER = "forwarder"
    SHIPPING_LINE = "shipping_line"
    TERMINAL_OPERATOR = "terminal_operator"
    BARGE_OPERATOR = "barge_operator"
    TRUCKING = "trucking"
    WAREHOUSE = "warehouse"
    AIRLINE = "airline"
    CUSTOMS_HK = "customs_hk"
    CUSTOMS_MAINLAND = "customs_mainland"
    BANK = "bank"
    OPERATOR = "operator"


SELF_SERVICE_TYPES = frozenset(
    {
        OrgType.CARGO_OWNER,
        OrgType.FORWARDER,
        OrgType.SHIPPING_LINE,
        OrgType.TERMINAL_OPERATOR,
        OrgType.BARGE_OPERATOR,
        OrgType.TRUCKING,
        OrgType.WAREHOUSE,
        OrgType.AIRLINE,
    }
)
"""The types a company may apply for. Customs authorities, banks and the platform operator are set up by
the operator (command line, seeding), never admitted through an application form."""


class AccountKind(StrEnum):
    """TSW account categories: a company or organisation, or an individual truck driver."""

    COMPANY = "company"
    DRIVER = "driver"


class OperationMode(StrEnum):
    """TSW operation modes (seed 003)."""

    SHIPPER = "shipper"
    AGENT = "agent"
    TRADER = "trader"
    TRADER_AND_AGENT = "trader_and_agent"


class OrgStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


class Role(StrEnum):
    PRINCIPAL = "principal"
    ADMINISTRATOR = "administrator"
    MESSAGE_SIGNER = "message_signer"
    USER = "user"
    DRIVER = "driver"
    """A truck driver of a trucking company (TSW): created by its administrators, sees its own trips."""


ADMIN_ROLES = frozenset({Role.PRINCIPAL, Role.ADMINISTRATOR})


class KeyScope(StrEnum):
    """What a company's system may do with an API key."""

    CARGO_READ = "cargo:read"
    CARGO_WRITE = "cargo:write"
    ACCESS_MANAGE = "access:manage"
    ORG_MANAGE = "org:manage"


DEFAULT_KEY_SCOPES = (KeyScope.CARGO_READ, KeyScope.CARGO_WRITE)


class Service(StrEnum):
    """Online services a company may have opted in to; some need the operator's approval (seed 003).

    Only the ``OfferedService`` ones are built: the others keep their names so that opt-ins stored
    before stay readable, and are offered once the platform has them.
    """

    TRACKING = "tracking"
    ADVANCE_CARGO_INFO = "advance_cargo_info"
    ROAD_BINDING = "road_binding"
    DECLARATIONS = "declarations"


class OfferedService(StrEnum):
    """The core's services a company can opt in to now; installed value-added plug-ins are offered besides."""

    TRACKING = Service.TRACKING.value
    ADVANCE_CARGO_INFO = Service.ADVANCE_CARGO_INFO.value
    ROAD_BINDING = Service.ROAD_BINDING.value


def offered_services(plugins: Iterable[str]) -> list[str]:
    """The core's services, then the installed plug-ins' (a plug-in may carry a name ``Service`` kept, so that
    opt-ins stored before it was built come back to life)."""
    core = [choice.value for choice in OfferedService]
    return core + sorted(set(plugins) - set(core))


def check_service_offered(service: str, offered: Sequence[str]) -> None:
    """An opt-in names a service the platform has built or a plug-in installed."""
    if service not in offered:
        raise ValidationFailed(
            f"{service} is not offered; a company can opt in to {', '.join(offered)}",
            code="service_not_offered",
            data={"service": service, "offered": list(offered)},
        )


class DocumentKind(StrEnum):
    IDENTITY_PROOF = "identity_proof"
    BUSINESS_REGISTRATION = "business_registration"
    AUTHORISATION_LETTER = "authorisation_letter"
    VEHICLE_REGISTRATION = "vehicle_registration"
    DRIVING_LICENCE = "driving_licence"
    CLOSED_ROAD_PERMIT = "closed_road_permit"


def service_needs_approval(service: str, *, account_kind: AccountKind, plugin_asks: bool = False) -> bool:
    """Binding for drivers needs approval (seed 003), and a plug-in that asks for it; the rest are granted on opt-in."""
    return plugin_asks or (service == Service.ROAD_BINDING.value and account_kind is AccountKind.DRIVER)


def check_service_allowed(service: str, *, account_kind: AccountKind, mode: OperationMode | None) -> None:
    """Binding is open to agent companies and individual drivers only (seed 003)."""
    if service != Service.ROAD_BINDING.value or account_kind is AccountKind.DRIVER:
        return
    if mode not in (OperationMode.AGENT, OperationMode.TRADER_AND_AGENT):
        raise ValidationFailed(
            "road binding is for agent companies and truck drivers",
            code="service_not_allowed",
            data={"service": service, "operation_mode": mode.value if mode else None},
        )


def check_role_allowed(role: Role, *, org_types: list[str]) -> None:
    """Drivers belong to trucking companies: another company's administrator cannot make one."""
    if role is Role.DRIVER and OrgType.TRUCKING.value not in org_types:
        raise ValidationFailed(
            "only a trucking company has drivers",
            code="driver_not_trucking",
            data={"field": "role", "value": role.value},
        )


PASSWORD_MIN_LENGTH = 10
PASSWORD_HISTORY_DEPTH = 8


@dataclass(frozen=True)
class PasswordRule:
    """How strong a password must be: ``min_length`` characters (code points) from ``classes_needed`` of the
    ``classes`` (regular expressions a browser's script reads the same way). Pages ship it to the browser, so
    the verdict before submitting is the server's."""

    min_length: int
    classes: tuple[str, ...]
    classes_needed: int

    def is_strong(self, password: str) -> bool:
        classes = sum(1 for pattern in self.classes if re.search(pattern, password))
        return len(password) >= self.min_length and classes >= self.classes_needed


PASSWORD_RULE = PasswordRule(PASSWORD_MIN_LENGTH, ("[a-z]", "[A-Z]", "[0-9]", "[^a-zA-Z0-9]"), 3)


def check_password_strength(password: str) -> None:
    """At least 10 characters from at least three of: lower, upper, digit, other (``PASSWORD_RULE``)."""
    if not PASSWORD_RULE.is_strong(password):
        raise ValidationFailed(
            "password needs at least 10 characters mixing three of: lower case, upper case, digits, symbols",
            code="weak_password",
            data={"field": "password", "min_length": PASSWORD_MIN_LENGTH},
        )


_HK_MOBILE = re.compile(r"^(?:\+?852)?([4-9]\d{7})$")


def normalise_hk_mobile(raw: str) -> str:
    """Hong Kong mobile numbers are 8 digits starting 4-9; kept as +852XXXXXXXX."""
    match = _HK_MOBILE.match(re.sub(r"[\s-]", "", raw))
    if not match:
        raise ValidationFailed(
            "a Hong Kong mobile number has 8 digits starting with 4 to 9",
            code="invalid_mobile",
            data={"field": "mobile", "value": raw},
        )
    return "+852" + match.group(1)


_VEHICLE = re.compile(r"^[A-Z0-9 ]{1,8}$")


def normalise_vehicle_registration(raw: str) -> str:
    """Hong Kong registration marks: up to 8 letters, digits and spaces, upper case."""
    mark = " ".join(raw.upper().split())
    if not _VEHICLE.match(mark) or not mark.strip():
        raise ValidationFailed(
            "a vehicle registration mark has up to 8 letters, digits and spaces",
            code="invalid_vehicle_registration",
            data={"field": "vehicle_registration", "value": raw},
        )
    return mark


_BRN = re.compile(r"^\d{8}$")


def normalise_business_registration(raw: str) -> str:
    """The Business Registration number is the first 8 digits of the certificate number."""
    digits = re.sub(r"[\s-]", "", raw)[:8]
    if not _BRN.match(digits):
        raise ValidationFailed(
            "a Business Registration number has 8 digits",
            code="invalid_business_registration",
            data={"field": "business_registration", "value": raw},
        )
    return digits


def check_org_types(types: list[str]) -> list[OrgType]:
    if not types:
        raise ValidationFailed("choose at least one company type", code="missing_org_type", data={"field": "types"})
    allowed = {t.value for t in OrgType}
    unknown = sorted(set(types) - allowed)
    if unknown:
        raise ValidationFailed(
            f"unknown company type {', '.join(unknown)}",
            code="invalid_org_type",
            data={"field": "types", "value": unknown, "allowed": sorted(allowed)},
        )
    return sorted({OrgType(value) for value in types})


_REQUIRED_DOCUMENTS = {
    AccountKind.COMPANY: (DocumentKind.BUSINESS_REGISTRATION, DocumentKind.AUTHORISATION_LETTER),
    AccountKind.DRIVER: (DocumentKind.VEHICLE_REGISTRATION, DocumentKind.DRIVING_LICENCE),
}


@dataclass(frozen=True)
class ApplicationDraft:
    """The parts of an application to join that its rules look at, as given: a form's text as it was typed
    or a validated application's values, so that every rule can be checked at once, shape errors or not."""

    account_kind: str
    types: list[str]
    operation_mode: str | None
    business_registration: str | None
    email: str | None
    password: str
    documents: frozenset[str]
    """The kinds of document whose number is given."""
    driver: bool
    """Whether the driver's details are given at all."""
    mobile: str | None
    vehicle_registration: str | None
    services: list[str]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _texts(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def draft_from_body(body: Mapping[str, Any]) -> ApplicationDraft:
    """The draft of an application in the shape the API takes (``RegistrationIn``), whether or not that
    shape is right: what cannot be read counts as not given."""
    applicant: Mapping[str, Any] = body.get("applicant") or {}
    applicant = applicant if isinstance(applicant, dict) else {}
    driver = body.get("driver")
    driver = driver if isinstance(driver, dict) else None
    documents = body.get("documents")
    documents = documents if isinstance(documents, list) else []
    return ApplicationDraft(
        account_kind=_text(body.get("account_kind")) or AccountKind.COMPANY.value,
        types=_texts(body.get("types")),
        operation_mode=_text(body.get("operation_mode")),
        business_registration=_text(body.get("business_registration")),
        email=_text(applicant.get("email")),
        password=_text(applicant.get("password")) or "",
        documents=frozenset(
            kind
            for document in documents
            if isinstance(document, dict)
            if (kind := _text(document.get("kind"))) and _text(document.get("number"))
        ),
        driver=driver is not None,
        mobile=_text(driver.get("mobile")) if driver else None,
        vehicle_registration=_text(driver.get("vehicle_registration")) if driver else None,
        services=_texts(body.get("services")),
    )


def _located(error: ValidationFailed, field: str) -> ValidationFailed:
    return ValidationFailed(error.wording, code=error.code, data={**error.data, "field": field})


def _kind_problems(draft: ApplicationDraft, kind: AccountKind) -> list[ValidationFailed]:
    """The rules of one kind of account: a driver's vehicle and mobile, a company's e-mail and registration."""
    checks: list[tuple[str, str | None, Callable[[str], str]]] = []
    problems: list[ValidationFailed] = []
    if kind is AccountKind.DRIVER:
        if not draft.driver:
            problems.append(
                ValidationFailed(
                    "a driver account needs the vehicle and licence details",
                    code="missing_driver_details",
                    data={"field": "driver"},
                )
            )
        checks += [
            ("driver.mobile", draft.mobile, normalise_hk_mobile),
            ("driver.vehicle_registration", draft.vehicle_registration, normalise_vehicle_registration),
        ]
    else:
        if not draft.email:
            problems.append(
                ValidationFailed(
                    "a company account needs the applicant's e-mail address",
                    code="missing_email",
                    data={"field": "applicant.email"},
                )
            )
        if not draft.business_registration:
            problems.append(
                ValidationFailed(
                    "a company needs its Business Registration number",
                    code="missing_business_registration",
                    data={"field": "business_registration"},
                )
            )
        checks.append(("business_registration", draft.business_registration, normalise_business_registration))
    for field, value, check in checks:
        if value:
            try:
                check(value)
            except ValidationFailed as error:
                problems.append(_located(error, field))
    return problems


def _type_problems(types: list[str]) -> list[ValidationFailed]:
    try:
        chosen = check_org_types(types)
    except ValidationFailed as error:
        return [error]
    closed = sorted(kind.value for kind in chosen if kind not in SELF_SERVICE_TYPES)
    if closed:
        return [
            ValidationFailed(
                f"these company types are set up by the platform operator: {', '.join(closed)}",
                code="invalid_org_type",
                data={"field": "types", "value": closed},
            )
        ]
    return []


def application_problems(draft: ApplicationDraft) -> list[ValidationFailed]:
    """Every rule an application breaks, each naming its field in the application's shape
    (``applicant.password``, ``driver.mobile``, ``types`` …), in the order of the form."""
    try:
        kind: AccountKind | None = AccountKind(draft.account_kind)
    except ValueError:
        kind = None
    problems = _type_problems(draft.types)
    if kind is not None:
        problems += _kind_problems(draft, kind)
        missing = [
            document.value
            for document in (DocumentKind.IDENTITY_PROOF, *_REQUIRED_DOCUMENTS[kind])
            if document.value not in draft.documents
        ]
        if missing:
            problems.append(
                ValidationFailed(
                    "registration needs the details of these documents: " + ", ".join(missing),
                    code="missing_documents",
                    data={"field": "documents", "missing": missing},
                )
            )
        mode = OperationMode(draft.operation_mode) if draft.operation_mode in set(OperationMode) else None
        for service in draft.services:
            if service in set(Service):
                try:
                    check_service_allowed(service, account_kind=kind, mode=mode)
                except ValidationFailed as error:
                    problems.append(_located(error, "services"))
    if draft.password and not PASSWORD_RULE.is_strong(draft.password):
        try:
            check_password_strength(draft.password)
        except ValidationFailed as error:
            problems.append(_located(error, "applicant.password"))
    return problems


def refusal(problems: list[ValidationFailed]) -> ValidationFailed:
    """One error for all of an application's problems: the first one's code and data (what a client that
    reads one error expects), and ``data["errors"]``, each problem's ``location``, ``message`` and ``code``."""
    first = problems[0]
    every = [
        {"location": problem.data.get("field", ""), "message": problem.message, "code": problem.code}
        for problem in problems
    ]
    return ValidationFailed(first.wording, code=first.code, data={**first.data, "errors": every})
