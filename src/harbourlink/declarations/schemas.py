"""Shapes of the declarations API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from harbourlink.declarations.domain import Authority


class DeclarationCreate(BaseModel):
    reference: str = Field(min_length=3, max_length=40, description="the B/L (master or house) to declare")
    authorities: list[Authority] = Field(min_length=1, max_length=2, description="hk, cn or both")


class DeclarationPatch(BaseModel):
    fields: dict[str, str | None] = Field(
        default_factory=dict,
        max_length=500,
        description="paths as the declaration names them (`consignee`, `lines.0.hk_code`) and their new values",
    )
    shared_with: list[str] | None = Field(
        default=None, max_length=50, description="companies (ids) that may read the declaration and its result"
    )


class FindingRead(BaseModel):
    code: str = Field(
        description="packages_disagree, weights_disagree, values_disagree, codes_disagree, fields_missing"
    )
    message: str
    fields: list[str] = Field(description="every field compared, as `document.path`")
    values: dict[str, str | None]


class Prefilled(BaseModel):
    from_held_data: int
    fields: int


class DeclarationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    batch_id: str = Field(description="declarations made together, checked against each other")
    reference: str
    reference_type: str
    authority: Authority
    status: str = Field(description="draft, submitted, accepted, rejected, released or inspection")
    fields: dict[str, str | None]
    sources: dict[str, str] = Field(
        description="where each filled field came from: bl, parties, company, invoice, packing_list, rule or user"
    )
    findings: list[FindingRead]
    shared_with: list[str]
    official_number: str | None
    reasons: list[str]
    message: str | None = Field(description="the message sent to the authority, in its format")
    submitted_at: datetime | None
    answered_at: datetime | None
    prefilled: Prefilled


class DocumentRead(BaseModel):
    id: str
    reference: str
    kind: str
    filename: str
    lines: int


def read_model(declaration: Any, prefilled: tuple[int, int]) -> DeclarationRead:
    return DeclarationRead.model_validate(
        {
            **{name: getattr(declaration, name) for name in DeclarationRead.model_fields if name != "prefilled"},
            "prefilled": Prefilled(from_held_data=prefilled[0], fields=prefilled[1]),
        }
    )
