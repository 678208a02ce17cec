"""Data shapes the identity domain accepts and returns."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from harbourlink.identity.domain import (
    AccountKind,
    DocumentKind,
    KeyScope,
    OfferedService,
    OperationMode,
    OrgType,
    Role,
)


class DocumentIn(BaseModel):
    kind: DocumentKind
    number: str = Field(min_length=1, max_length=60)
    issuer: str | None = Field(default=None, max_length=120)
    expires_on: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")


class DriverIn(BaseModel):
    vehicle_registration: str
    driving_licence: str = Field(min_length=3, max_length=20)
    closed_road_permit: str | None = Field(default=None, max_length=20)
    mobile: str


class ApplicantIn(BaseModel):
    display_name: str = Field(min_length=1, max_length=120)
    email: EmailStr | None = None
    password: str = Field(min_length=1, max_length=200)


class RegistrationIn(BaseModel):
    """A company's or a driver's application to join, with the details of its documents."""

    name: str = Field(min_length=2, max_length=200)
    name_local: str | None = Field(default=None, max_length=200)
    account_kind: AccountKind = AccountKind.COMPANY
    types: list[OrgType] = Field(min_length=1)
    operation_mode: OperationMode | None = None
    business_registration: str | None = None
    contact_email: EmailStr | None = None
    contact_phone: str | None = Field(default=None, max_length=20)
    documents: list[DocumentIn] = Field(default_factory=list, max_length=20)
    applicant: ApplicantIn
    driver: DriverIn | None = None
    services: list[OfferedService] = Field(
        default_factory=list, description="services to opt in to besides tracking, which every company has"
    )


class OrganisationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    name_local: str | None
    account_kind: str
    operation_mode: str | None
    status: str
    types: list[str]
    created_at: datetime


class RegistrationRead(BaseModel):
    organisation: OrganisationRead
    user_id: str


class OrgDecisionIn(BaseModel):
    reason: str | None = Field(default=None, max_length=500)


class UserCreate(BaseModel):
    email: EmailStr
    display_name: str = Field(min_length=1, max_length=120)
    role: Role = Role.USER
    password: str | None = Field(default=None, max_length=200)


class UserUpdate(BaseModel):
    role: Role | None = None
    status: str | None = Field(default=None, pattern="^(active|disabled)$")


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    org_id: str
    email: str | None
    mobile: str | None
    display_name: str
    role: str
    status: str
    totp_enabled: bool
    locked_until: datetime | None
    last_login_at: datetime | None
    created_at: datetime


class UserCreated(UserRead):
    temporary_password: str | None = None


class ApiKeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    scopes: list[KeyScope] = Field(default_factory=lambda: [KeyScope.CARGO_READ, KeyScope.CARGO_WRITE])
    expires_at: datetime | None = None


class ApiKeyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    org_id: str
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyRead):
    key: str = Field(description="The whole key; shown this once and never again.")


class ServiceOptInRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    org_id: str
    service: str
    status: str
    requested_at: datetime
    decided_at: datetime | None


class AuditEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    at: datetime
    org_id: str | None
    user_id: str | None
    api_key_id: str | None
    kind: str
    ip: str | None
    detail: dict[str, object]


class PasswordChange(BaseModel):
    current_password: str
    new_password: str


class MeRead(BaseModel):
    user: UserRead | None
    organisation: OrganisationRead
    scopes: list[str]
