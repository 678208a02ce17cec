"""Tracking by any number, and linking House B/Ls to Master B/Ls."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from harbourlink import tracking
from harbourlink.api.context import CurrentActor, DbSession
from harbourlink.api.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", tags=["tracking"], responses=ERROR_RESPONSES)


class LinkCreate(BaseModel):
    master_bl: str = Field(min_length=3, max_length=60)
    house_bl: str = Field(min_length=3, max_length=60)


class LinkRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    owner_org_id: str
    master_bl: str
    house_bl: str
    created_at: datetime


@router.post("/bl-links", response_model=LinkRead, status_code=status.HTTP_201_CREATED,
             summary="Link a House B/L to its Master B/L (by a company entitled to both)")
def create_link(body: LinkCreate, actor: CurrentActor, session: DbSession) -> LinkRead:
    return LinkRead.model_validate(tracking.link_bills(session, actor, master_bl=body.master_bl,
                                                       house_bl=body.house_bl))


@router.get("/bl-links", response_model=list[LinkRead], summary="The links the caller's company made")
def list_links(actor: CurrentActor, session: DbSession) -> list[LinkRead]:
    return [LinkRead.model_validate(link) for link in tracking.list_links(session, actor)]


@router.get("/track/{reference}", response_model=tracking.TrackingView,
            summary="The timeline of a Master/House B/L, container, booking or declaration number",
            description="404 when nothing about the number is shared with the caller, exactly as when it "
                        "does not exist.")
def track(reference: str, actor: CurrentActor, session: DbSession) -> tracking.TrackingView:
    return tracking.build_view(session, tracking.find(session, actor, query=reference))
