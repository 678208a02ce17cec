"""Data shapes trucking accepts and returns."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from harbourlink.references import ReferenceType


class Destination(BaseModel):
    """Where the truck delivers: the warehouse, with its position for the arrival estimate."""

    name: str | None = Field(default=None, max_length=120)
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)


class TripCreate(BaseModel):
    reference: str = Field(
        min_length=3,
        max_length=60,
        description="the cargo the truck carries: a container, "
        "B/L, booking … number the trucking company sees in HarbourLink",
    )
    vehicle: str = Field(min_length=1, max_length=20, description="the truck's registration mark")
    driver_user_id: str = Field(min_length=1, max_length=36, description="a driver of the company (role `driver`)")
    reference_type: ReferenceType | None = Field(
        default=None,
        description="the kind of `reference`; by default the first kind the company sees it under (container first)",
    )
    destination: Destination | None = None
    packages: int | None = Field(
        default=None,
        ge=1,
        le=100_000,
        description="how many packages the truck carries; the warehouse's count at receipt is checked against it",
    )


class PositionIn(BaseModel):
    """One position the driver's phone (or the company's system) took, at its own time."""

    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)

    time: AwareDatetime = Field(
        description="when the position was taken (ISO 8601 with its zone); the same trip "
        "and time is the same position, stored once however often it is sent"
    )
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    accuracy: float | None = Field(default=None, ge=0, description="metres")
    speed: float | None = Field(default=None, ge=0, description="metres per second, as phones measure it")
    heading: float | None = Field(default=None, ge=0, le=360, description="degrees from true north")


class PositionRead(BaseModel):
    time: datetime
    lat: float
    lon: float
    accuracy: float | None = Field(description="metres")
    speed_kmh: float | None
    heading: float | None
    source: str = Field(description="`phone` (the trip API) or `device` (a tracker, OsmAnd)")


class EtaRead(BaseModel):
    """A rough estimate, not a route: the straight line to the destination, plus 30 % for the roads, at the
    truck's recent speed (its average over the trip when it stands in traffic)."""

    arrival: datetime
    distance_km: float = Field(description="left to drive, by the road factor")
    speed_kmh: float


class TripRead(BaseModel):
    id: str
    org_id: str
    company: str
    reference_type: str
    reference: str
    vehicle: str
    driver_user_id: str | None = Field(description="the driver; shown to the trucking company only")
    status: str = Field(description="`planned`, `started` (at pickup), `finished` (at the warehouse's receipt)")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    destination: Destination | None
    packages: int | None = Field(default=None, description="how many packages the truck carries, when said")
    position: PositionRead | None = Field(description="the latest position")
    positions: list[PositionRead] = Field(description="the trail, oldest first (the newest `limit`)")
    eta: EtaRead | None = Field(description="while the trip runs and its destination is known")


class ItemError(BaseModel):
    location: str = Field(description="`[3].lat`: the item and field; `body` for the whole report")
    message: str


class ReportOutcome(BaseModel):
    """What became of a report of positions: ``accepted``, ``duplicate`` (all stored before), ``partial`` (some
    refused), ``rejected`` (none stored) or ``failed`` (an internal error; replay it)."""

    id: str
    status: str
    accepted: int
    duplicates: int
    errors: list[ItemError]


class ReportRead(ReportOutcome):
    model_config = ConfigDict(from_attributes=True)

    channel: str = Field(description="`osmand` (a tracker) or `trip` (the trip API)")
    device_id: str | None = Field(description="the device entry (not the tracker's secret id)")
    trip_id: str | None
    received_at: datetime
    content_type: str | None
    replay_of: str | None


class DeviceCreate(BaseModel):
    vehicle: str = Field(min_length=1, max_length=20, description="the registration mark of the truck it rides in")


class DeviceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str = Field(description="the entry's id, to revoke it")
    vehicle: str
    prefix: str = Field(description="the device id's first digits")
    created_at: datetime
    last_seen_at: datetime | None
    revoked_at: datetime | None
    refused: int = Field(description="reports refused since the revocation")


class DeviceCreated(DeviceRead):
    device_id: str = Field(description="what the tracker sends as `id` (or `device_id`); shown this once")
