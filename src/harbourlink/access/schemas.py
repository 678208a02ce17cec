"""Shapes of grants, parties and the access log on the API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from harbourlink.access.domain import PartyRole
from harbourlink.references import ReferenceType


class GrantCreate(BaseModel):
    """Per reference: ``reference_type`` + ``reference`` + either ``grantee_org_id`` or
    ``anyone_with_reference``. A standing rule instead: ``{"rule": "named_parties"}``."""

    reference_type: ReferenceType | None = None
    reference: str | None = Field(default=None, max_length=60)
    grantee_org_id: str | None = None
    anyone_with_reference: bool = False
    rule: str | None = Field(default=None, pattern="^named_parties$")
    expires_at: datetime | None = None


class GrantRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    owner_org_id: str
    reference_type: str | None
    reference: str | None
    grantee_org_id: str | None
    anyone_with_reference: bool
    rule: str | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class PartyCreate(BaseModel):
    reference_type: ReferenceType
    reference: str = Field(max_length=60)
    party_org_id: str
    party_role: PartyRole


class PartyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    owner_org_id: str
    reference_type: str
    reference: str
    party_org_id: str
    party_role: str
    created_at: datetime


class AccessLogRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    at: datetime
    viewer_org_id: str
    viewer_user_id: str | None
    reference_type: str
    reference: str
    channel: str


class SharingPolicyUpdate(BaseModel):
    share_vessel_calls: bool = Field(
        description="true (the default): the times (ETD/ETA) and AIS position of the vessel calls your company "
        "published are shown to every company whose cargo it may see is on the call; false: withheld, "
        "shown only through your grants. Cargo-level events always stay under your grants."
    )


class SharingPolicyRead(SharingPolicyUpdate):
    updated_at: datetime | None = Field(description="when the company last changed it; null: never (the defaults)")
