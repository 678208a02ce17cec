"""Pure rules of identity: company types, roles, password policy, registration checks."""

from __future__ import annotations

import re
from enum import StrEnum

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
    """Opt-in online services; some need the operator's approval (seed 003)."""

    TRACKING = "tracking"
    ADVANCE_CARGO_INFO = "advance_cargo_info"
    ROAD_BINDING = "road_binding"
    DECLARATIONS = "declarations"


class DocumentKind(StrEnum):
    IDENTITY_PROOF = "identity_proof"
    BUSINESS_REGISTRATION = "business_registration"
    AUTHORISATION_LETTER = "authorisation_letter"
    VEHICLE_REGISTRATION = "vehicle_registration"
    DRIVING_LICENCE = "driving_licence"
    CLOSED_ROAD_PERMIT = "closed_road_permit"


def service_needs_approval(service: Service, *, account_kind: AccountKind) -> bool:
    """Binding for drivers needs approval; the rest are granted on opt-in (seed 003)."""
    return service is Service.ROAD_BINDING and account_kind is AccountKind.DRIVER


def check_service_allowed(service: Service, *, account_kind: AccountKind, mode: OperationMode | None) -> None:
    """Binding is open to agent companies and individual drivers only (seed 003)."""
    if service is not Service.ROAD_BINDING or account_kind is AccountKind.DRIVER:
        return
    if mode not in (OperationMode.AGENT, OperationMode.TRADER_AND_AGENT):
        raise ValidationFailed(
            "road binding is for agent companies and truck drivers",
            code="service_not_allowed",
            data={"service": service.value, "operation_mode": mode.value if mode else None},
        )


def check_role_allowed(role: Role, *, org_types: list[str]) -> None:
    """Drivers belong to trucking companies: another company's administrator cannot make one."""
    if role is Role.DRIVER and OrgType.TRUCKING.value not in org_types:
        raise ValidationFailed("only a trucking company has drivers", code="driver_not_trucking",
                               data={"field": "role", "value": role.value})


PASSWORD_MIN_LENGTH = 10
PASSWORD_HISTORY_DEPTH = 8
_PASSWORD_CLASSES = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")


def check_password_strength(password: str) -> None:
    """At least 10 characters from at least three of: lower, upper, digit, other."""
    classes = sum(1 for pattern in _PASSWORD_CLASSES if re.search(pattern, password))
    if len(password) < PASSWORD_MIN_LENGTH or classes < 3:
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
        raise ValidationFailed("choose at least one company type", code="missing_org_type",
                               data={"field": "types"})
    allowed = {t.value for t in OrgType}
    unknown = sorted(set(types) - allowed)
    if unknown:
        raise ValidationFailed(f"unknown company type {', '.join(unknown)}", code="invalid_org_type",
                               data={"field": "types", "value": unknown, "allowed": sorted(allowed)})
    return sorted({OrgType(value) for value in types})
