"""Pure rules of the officers' side of a sealed trip: how an alert ends, what an inspection found, how the other
authority answers it, and an alert's account of itself. No I/O here.

Inspect once (R-LOCK-4, seed 002): cargo picked for inspection is inspected at one control point — the Hong
Kong exit by HK customs or the mainland entry by mainland customs — and the other authority is shown the
result and says whether it relies on it or inspects again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from harbourlink.elock.domain import Segment


class Disposition(StrEnum):
    """How an alert ended, as the officer who handled it records it."""

    INTERCEPTED = "intercepted"
    FALSE_ALARM = "false_alarm"
    INSPECTED_NO_FINDING = "inspected_no_finding"
    OTHER = "other"
    """Anything else, said in the note (required)."""


class InspectionResult(StrEnum):
    NO_FINDING = "no_finding"
    FINDING = "finding"
    """Something was wrong with the cargo or the seal; the note says what."""


class FollowUp(StrEnum):
    """The other authority's answer to an inspection."""

    ACCEPTED = "accepted"
    """It relies on the inspection and does not inspect again."""
    INSPECT_AGAIN = "inspect_again"


CONTROL_POINT: dict[Segment, str] = {Segment.HK: "hk_exit", Segment.MAINLAND: "mainland_entry"}
"""Where each authority inspects: its own control point, the end of its segment or the start of it."""
SEGMENT_AT: dict[str, Segment] = {place: segment for segment, place in CONTROL_POINT.items()}


def needs_note(disposition: Disposition) -> bool:
    return disposition is Disposition.OTHER


@dataclass(frozen=True)
class Explanation:
    """An alert in the terms an officer acts on: how far off the route, for how long, where."""

    off_route_m: int | None
    """The farthest the truck was outside the corridor; None for an alert that is not about the route."""
    duration_s: int
    """From its start to its end, or to now while it lasts (a tamper is a moment: 0)."""
    ongoing: bool
    lat: float | None
    lon: float | None


def explain(*, details: dict[str, Any], started_at: datetime, ended_at: datetime | None, now: datetime) -> Explanation:
    """What an alert's stored figures say, whatever its kind: the figures a kind does not have are None."""
    until = now if ended_at is None else ended_at
    off_route = details.get("max_outside_m")
    lat, lon = details.get("lat"), details.get("lon")
    return Explanation(
        off_route_m=None if off_route is None else round(float(off_route)),
        duration_s=max(int((until - started_at).total_seconds()), 0),
        ongoing=ended_at is None,
        lat=None if lat is None else float(lat),
        lon=None if lon is None else float(lon),
    )
