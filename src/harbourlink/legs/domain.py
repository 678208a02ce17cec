"""The rules of a consignment's legs, without I/O.

A leg is one party's part of a journey (a forwarder's handling, a truck from the terminal, a
warehouse's receipt …). Whoever holds the cargo nominates the next party, who accepts or declines,
and may nominate the next in turn: consignee → forwarder → trucking company, as secure-release
schemes pass the right to collect along the chain. The legs grown from one first nomination form a
chain; every company on a chain sees all of its legs, and no one else sees any.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from harbourlink.access.domain import PartyRole
from harbourlink.identity.domain import OrgType


class LegMode(StrEnum):
    FORWARDING = "FORWARDING"
    SEA = "SEA"
    BARGE = "BARGE"
    TRUCK = "TRUCK"
    AIR = "AIR"
    WAREHOUSE = "WAREHOUSE"


class LegStatus(StrEnum):
    NOMINATED = "nominated"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


LIVE = frozenset({LegStatus.NOMINATED, LegStatus.ACCEPTED})
"""A declined or withdrawn leg is kept for the record but gives no one a place on the chain."""

NOMINEE_TYPES: dict[LegMode, frozenset[OrgType]] = {
    LegMode.FORWARDING: frozenset({OrgType.FORWARDER}),
    LegMode.SEA: frozenset({OrgType.SHIPPING_LINE}),
    LegMode.BARGE: frozenset({OrgType.BARGE_OPERATOR}),
    LegMode.TRUCK: frozenset({OrgType.TRUCKING}),
    LegMode.AIR: frozenset({OrgType.AIRLINE}),
    LegMode.WAREHOUSE: frozenset({OrgType.WAREHOUSE}),
}
"""Who may carry each kind of leg: a truck leg goes to a trucking company, and so on."""

PARTY_ROLES: dict[LegMode, PartyRole] = {
    LegMode.FORWARDING: PartyRole.FORWARDER,
    LegMode.SEA: PartyRole.CARRIER,
    LegMode.BARGE: PartyRole.CARRIER,
    LegMode.TRUCK: PartyRole.TRUCKER,
    LegMode.AIR: PartyRole.CARRIER,
    LegMode.WAREHOUSE: PartyRole.WAREHOUSE,
}
"""The role in which a nomination names the nominee a party on the nominator's own data."""

DISCHARGE_ALLOWANCE = timedelta(hours=8)
"""From a vessel's arrival to its boxes being off the ship and collectable, at a Kwai Tsing berth."""

DEFAULT_WINDOW = timedelta(hours=48)
"""How long a pickup window stays open when no free time is known to close it."""


def may_carry(mode: LegMode, org_types: Iterable[str]) -> bool:
    return any(kind.value in set(org_types) for kind in NOMINEE_TYPES[mode])


def may_decide(status: LegStatus) -> bool:
    """Only a pending nomination is accepted or declined; a decision is not taken back by its nominee."""
    return status is LegStatus.NOMINATED


def may_withdraw(status: LegStatus, *, trip_started: bool) -> bool:
    """A nominator takes back a live leg, but not once its truck has collected the cargo."""
    return status in LIVE and not trip_started


@dataclass(frozen=True, slots=True)
class LegFacts:
    id: str
    root_id: str
    nominated_by: str
    party: str
    status: LegStatus


def sees_leg(org_id: str, leg: LegFacts, chain: Iterable[LegFacts]) -> bool:
    """A company sees a leg it nominated or carries, and every leg of a chain where it holds a live leg."""
    if org_id in (leg.nominated_by, leg.party):
        return True
    return any(
        other.root_id == leg.root_id and other.status in LIVE and org_id in (other.nominated_by, other.party)
        for other in chain
    )


@dataclass(frozen=True, slots=True)
class PickupWindow:
    opens: datetime
    closes: datetime
    planned: bool
    """True when the window was derived from the vessel's arrival, not given by the nominator."""


def plan_pickup_window(
    *,
    given: tuple[datetime | None, datetime | None],
    vessel_arrival: datetime | None,
    released_at: datetime | None,
    free_time_ends: datetime | None,
) -> PickupWindow | None:
    """When the truck should collect: the nominator's window, or one planned against the ship.

    It opens when the box can be off the ship (arrival plus the discharge allowance) and released,
    whichever is later, and closes when free time ends (storage is charged after), or two days on.
    """
    opens, closes = given
    if opens is not None:
        return PickupWindow(opens, closes or opens + DEFAULT_WINDOW, planned=False)
    candidates = [time for time in (vessel_arrival and vessel_arrival + DISCHARGE_ALLOWANCE, released_at) if time]
    if not candidates:
        return None
    start = max(candidates)
    end = closes or free_time_ends
    if end is None or end <= start:
        end = start + DEFAULT_WINDOW
    return PickupWindow(start, end, planned=True)
