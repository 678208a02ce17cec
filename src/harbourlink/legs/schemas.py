"""The API's shapes of legs and pickup jobs."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, Field

from harbourlink.legs.domain import LegMode, LegStatus
from harbourlink.references import ReferenceType
from harbourlink.trucking import Destination


class LegCreate(BaseModel):
    reference: str = Field(min_length=3, max_length=60, description="the consignment: a container, B/L, air waybill …")
    reference_type: ReferenceType = Field(description="the kind of `reference`")
    mode: LegMode = Field(description="FORWARDING, SEA, BARGE, TRUCK, AIR or WAREHOUSE: what the nominee does")
    party_org_id: str = Field(min_length=1, max_length=36, description="the company nominated for the leg")
    window_opens: AwareDatetime | None = Field(
        default=None, description="a truck leg's pickup window; by default planned against the vessel's arrival"
    )
    window_closes: AwareDatetime | None = None
    destination: Destination | None = Field(
        default=None, description="where the cargo goes (a truck leg: the warehouse)"
    )
    packages: int | None = Field(default=None, ge=1, le=1_000_000, description="packages the receiver should count")
    note: str | None = Field(default=None, max_length=500)


class TripAssignment(BaseModel):
    vehicle: str = Field(min_length=1, max_length=20, description="the truck's registration mark")
    driver_user_id: str = Field(min_length=1, max_length=36, description="a driver of the company (role `driver`)")


class LegRead(BaseModel):
    id: str
    reference: str
    reference_type: str
    mode: LegMode
    status: LegStatus
    nominated_by: str = Field(description="the nominating company's name")
    nominated_by_org_id: str
    party: str = Field(description="the nominated company's name")
    party_org_id: str
    parent_id: str | None = Field(description="the nominator's own leg of the chain, when it was nominated itself")
    window_opens: datetime | None
    window_closes: datetime | None
    destination: Destination | None
    packages: int | None
    note: str | None
    trip_id: str | None = Field(description="the truck's trip, once the trucking company assigned one")
    trip_status: str | None = Field(description="planned, started or finished")
    created_at: datetime
    decided_at: datetime | None


class PickupJob(BaseModel):
    """A truck leg as the trucking company sees it: what to collect, where, when, and whether it may go."""

    leg: LegRead
    terminal: str | None = Field(description="the facility (SMDG code) or place where the box waits")
    release_status: str | None = Field(
        description="the terminal's release as the company sees it: the event code (RELS released, HOLD held …)"
    )
    holds: list[str]
    free_time_ends: datetime | None
    vessel_arrival: datetime | None = Field(description="the latest estimate (or the actual) of the vessel's arrival")
    window_opens: datetime | None
    window_closes: datetime | None
    window_planned: bool = Field(description="true when the window was planned against the vessel's arrival")
