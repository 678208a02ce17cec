"""Data shapes receiving accepts and returns."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, model_validator

from harbourlink.receiving.domain import MAX_NOTE, MAX_PACKAGES, Condition
from harbourlink.references import ReferenceType


class QrCreate(BaseModel):
    """What a new consignment QR code says beyond its number; every field may be left out."""

    packages: int | None = Field(
        default=None,
        ge=1,
        le=MAX_PACKAGES,
        description="how many packages the consignment should arrive in; "
        "by default the company's trip's count, when it has one",
    )
    reference_type: ReferenceType | None = Field(
        default=None, description="the kind of the number; by default the first kind the company sees it under"
    )


class QrRead(BaseModel):
    token: str = Field(description="signed, expiring and revocable; it carries a random id, never the number")
    url: str = Field(description="what the QR code opens: the page that fits the scanner's company and role")
    expires_at: datetime


class RevokedRead(BaseModel):
    revoked: int = Field(description="how many of the company's live tokens for the number were revoked")


class ReceiptCreate(BaseModel):
    """A warehouse confirms it received a consignment, found by its QR token or by its number."""

    token: str | None = Field(default=None, max_length=120, description="the token of the consignment's QR code")
    reference: str | None = Field(
        default=None, min_length=3, max_length=60, description="the consignment's number, when no QR code is at hand"
    )
    reference_type: ReferenceType | None = None
    packages: int = Field(ge=0, le=MAX_PACKAGES, description="the packages counted at receipt")
    condition: Condition = Field(description="`good` or `damaged`; damage raises an alert")
    note: str = Field(default="", max_length=MAX_NOTE)

    @model_validator(mode="after")
    def _one_way_to_name_it(self) -> ReceiptCreate:
        if (self.token is None) == (self.reference is None):
            raise ValueError("give either token or reference")
        return self


class ReceiptRead(BaseModel):
    id: str
    reference_type: str
    reference: str
    packages: int
    expected: int | None = Field(description="the packages expected, when the label or the trip said")
    short: int = Field(description="packages missing against the expected count (0 when none were expected)")
    condition: Condition
    note: str
    photos: int
    received_at: datetime
    alert: bool = Field(description="a short count or damage: the parties' subscriptions raise an alert")
    trips_ended: list[str] = Field(description="the trips carrying the consignment that ended at this receipt")
