"""Shapes of the e-lock API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Lon = Annotated[float, Field(ge=-180, le=180)]
Lat = Annotated[float, Field(ge=-90, le=90)]
LonLat = tuple[Lon, Lat]


class ElockDeviceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    device_id: str = Field(pattern=r"^[0-9A-Za-z]{1,32}$", description="the id the lock sends in its sentences")
    protocol: Literal["eseal", "osmand", "json"] = Field(
        description="how the lock reports: `eseal` (the eSeal text protocol over TCP), `osmand` (OsmAnd over HTTP "
        "to `/osmand`, its token as the device id) or `json` (`POST /api/v1/elock/devices/{device_id}/reports` "
        "with its token in `X-Device-Token`)"
    )


class ElockDeviceRead(BaseModel):
    device_id: str
    protocol: str
    org_id: str
    created_at: datetime
    last_seen_at: datetime | None


class ElockDeviceIssued(ElockDeviceRead):
    token: str | None = Field(
        description="an OsmAnd or JSON lock's token, shown this once (only its digest is kept); null for eSeal"
    )


class ElockReportIn(BaseModel):
    """One report of a lock over the JSON API: where it was, whether it is locked, and what happened."""

    model_config = ConfigDict(extra="forbid")

    at: datetime = Field(description="when the lock took it (with a time zone)")
    lat: Lat | None = None
    lon: Lon | None = None
    accuracy_m: float | None = Field(default=None, ge=0)
    speed_kmh: float | None = Field(default=None, ge=0)
    heading: float | None = Field(default=None, ge=0, lt=360)
    lock: Literal["locked", "unlocked"] = Field(description="the lock's own state")
    event: Literal["position", "lock", "unlock", "door", "shock", "drop", "startup", "termination"] = Field(
        default="position", description="what made the lock report"
    )
    battery_v: float | None = Field(default=None, gt=0, le=20)
    index: int = Field(default=0, ge=0, description="the lock's own counter of reports, if it keeps one")


class ElockReportOutcome(BaseModel):
    seq: int
    status: str
    """``accepted``, ``duplicate`` or ``rejected``."""
    trip_id: str | None
    alerts: list[str]


class ElockPlaceIn(BaseModel):
    """A place of the trip and its geofence: a circle about a point."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    point: LonLat = Field(description="[lon, lat]")
    radius_m: float = Field(default=300.0, gt=0, le=5000)


class ElockRouteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    line: list[LonLat] = Field(min_length=2, max_length=5000, description="the approved road, [[lon, lat], …]")
    half_width_m: float = Field(gt=0, le=5000, description="the corridor's half-width either side of the line")
    gnss_denied: list[Annotated[list[LonLat], Field(min_length=3, max_length=500)]] = Field(
        default_factory=list, max_length=100, description="polygons (tunnels …) where no fix is expected"
    )


class ElockReferenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reference_type: str = Field(description="AWB, HAWB, MBL, HBL, CONTAINER, BOOKING or DECLARATION")
    reference: str = Field(min_length=1, max_length=40)


class ElockTripCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    device_id: str = Field(min_length=1, max_length=32)
    vehicle: str = Field(min_length=1, max_length=12)
    references: list[ElockReferenceIn] = Field(min_length=1, max_length=50)
    origin: ElockPlaceIn
    hk_exit: ElockPlaceIn
    mainland_entry: ElockPlaceIn
    destination: ElockPlaceIn
    route: ElockRouteIn
    mainland_customs_org_id: str = Field(description="the mainland customs company that takes over at the entry point")
    trucking_org_id: str | None = Field(default=None, description="the trucking company, which then sees the trip")
    expected_hk_exit: datetime | None = Field(default=None, description="when the truck is due at the HK exit point")
    expected_arrival: datetime | None = Field(default=None, description="when the truck is due at the destination")


class ElockTripCreated(BaseModel):
    id: str
    state: str


class ElockPositionRead(BaseModel):
    at: datetime
    lat: float
    lon: float
    speed_kmh: float | None
    heading: float | None
    segment: str


class ElockTransitionRead(BaseModel):
    at: datetime
    before: str
    after: str
    lock: str
    trigger: str
    lat: float | None
    lon: float | None
    segment: str


class ElockAlertRead(BaseModel):
    id: str
    kind: str
    segment: str
    started_at: datetime
    ended_at: datetime | None
    raised_at: datetime
    details: dict[str, Any]


class ElockTripRead(BaseModel):
    id: str
    device_id: str
    vehicle: str
    references: list[ElockReferenceIn]
    state: str
    lock: str
    segment: str
    last_position: ElockPositionRead | None
    transitions: list[ElockTransitionRead]
    alerts: list[ElockAlertRead] | None = Field(
        description="the caller's segment's alerts, for customs; null for the trucking company, which is not shown them"
    )


class ElockSessionEntryRead(BaseModel):
    n: int
    kind: str
    """``position`` (a fix of the segment) or ``event`` (a custody change or an alarm)."""
    body: dict[str, Any]
    mac: str


class ElockSessionRead(BaseModel):
    """An authority's own seal session: with ``key`` anyone it gives the log to can check every entry offline
    (HMAC-SHA256 chain, see ``elock.seal``)."""

    trip_id: str
    segment: str
    org_id: str
    opened_at: datetime
    key: str = Field(description="the session's MAC key, hex: the authority's own, never shown to the other")
    head_mac: str
    verified: bool
    first_broken: int | None = Field(description="the first entry whose MAC does not hold; null when all do")
    entries: list[ElockSessionEntryRead]


class ElockExplanationRead(BaseModel):
    off_route_m: int | None = Field(description="the farthest outside the corridor, in metres; null for a tamper")
    duration_s: int = Field(description="from the alert's start to its end, or to now while it lasts")
    ongoing: bool
    lat: float | None = Field(description="where: the farthest point off the route, or where the lock was tampered")
    lon: float | None


class ElockHandlingRead(BaseModel):
    acknowledged_at: datetime
    acknowledged_by: str | None
    disposition: str | None = Field(description="`intercepted`, `false_alarm`, `inspected_no_finding` or `other`")
    note: str | None
    disposed_at: datetime | None
    disposed_by: str | None


class ElockAlertCase(BaseModel):
    """An alert as its segment's officers handle it: what happened, its account of itself, what was done."""

    id: str
    trip_id: str
    vehicle: str
    kind: str
    segment: str
    status: Literal["open", "acknowledged", "disposed"]
    started_at: datetime
    ended_at: datetime | None
    raised_at: datetime
    details: dict[str, Any]
    explanation: ElockExplanationRead
    handling: ElockHandlingRead | None


class ElockDispositionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    disposition: Literal["intercepted", "false_alarm", "inspected_no_finding", "other"]
    note: str | None = Field(default=None, max_length=2000, description="required for `other`")


class ElockInspectionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    place: Literal["hk_exit", "mainland_entry"] = Field(
        description="the caller's own control point: `hk_exit` for HK customs, `mainland_entry` for mainland customs"
    )
    officer: str = Field(min_length=1, max_length=100, description="who inspected: name or staff number")
    inspected_at: datetime | None = Field(default=None, description="default: now")
    result: Literal["no_finding", "finding"]
    seal_reapplied: bool = Field(description="whether the seal was applied again after the inspection")
    note: str | None = Field(default=None, max_length=2000)


class ElockFollowUpCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["accepted", "inspect_again"] = Field(
        description="`accepted`: the other authority relies on the inspection; `inspect_again`: it inspects too"
    )
    note: str | None = Field(default=None, max_length=2000)


class ElockInspectionRead(BaseModel):
    id: str
    trip_id: str
    segment: str = Field(description="the inspecting authority's segment")
    place: str
    place_name: str
    officer: str
    inspected_at: datetime
    result: str
    seal_reapplied: bool
    note: str | None
    recorded_at: datetime
    follow_up: str | None = Field(description="the other authority's answer, once given")
    follow_up_note: str | None
    follow_up_at: datetime | None


class ElockConsoleTrip(BaseModel):
    id: str
    vehicle: str
    state: str
    lock: str
    segment: str
    last_position: ElockPositionRead | None = Field(description="the caller's segment's newest fix")
    open_alerts: int = Field(description="the caller's alerts on the trip not yet disposed of")
    route: list[LonLat] = Field(description="the approved route's line, [[lon, lat], …]")


class ElockConsoleRead(BaseModel):
    """What a customs authority's console shows: its trips by state and its queue of alerts to handle."""

    trips: list[ElockConsoleTrip]
    alerts: list[ElockAlertCase] = Field(description="the caller's segment's alerts not yet disposed of, newest first")
