"""Legs: who carries each part of a consignment's journey, nominated along the chain by whoever holds the cargo.

::

    consignee ── nominates ──▶ forwarder (FORWARDING) ── accepts, nominates ──▶ trucking company (TRUCK)
                                                                                  │ accepts: a pickup job
                                                                                  ▼ (box, terminal, release,
                                               driver's trip ◀── assigns truck and driver   free time, window)

A nomination names the nominee a party on the nominator's own data, so the nominator's standing
rule for named parties shares it; everyone else's data stays under its owner's grants. Every
company on a chain sees the chain's legs (``domain.sees_leg``, ``repository.visible``).
"""

from harbourlink.legs.domain import LegMode, LegStatus, PickupWindow, plan_pickup_window, sees_leg
from harbourlink.legs.models import Leg
from harbourlink.legs.schemas import LegCreate, LegRead, PickupJob, TripAssignment
from harbourlink.legs.service import (
    accept,
    assign_trip,
    decline,
    describe,
    get_leg,
    list_legs,
    nominate,
    pickup_jobs,
    withdraw,
)

__all__ = [
    "Leg",
    "LegCreate",
    "LegMode",
    "LegRead",
    "LegStatus",
    "PickupJob",
    "PickupWindow",
    "TripAssignment",
    "accept",
    "assign_trip",
    "decline",
    "describe",
    "get_leg",
    "list_legs",
    "nominate",
    "pickup_jobs",
    "plan_pickup_window",
    "sees_leg",
    "withdraw",
]
