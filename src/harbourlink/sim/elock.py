"""Sealed e-lock trips of the simulated day: air cargo from the airport to Shenzhen airport through Lok Ma Chau and
Huanggang, each lock sending eSeal sentences as a real one does (the listener's path, ``elock.receive_frame``).

Every day: a clean trip through the Tai Lam Tunnel (no fix inside it, no alarm), one that leaves its route, one
whose door is opened on the road, and one staging each other alarm: a long stop on the highway, a lock that
falls silent half-way, a failing battery, and a truck that sets off long after it was expected. Hong Kong
customs registers each lock and approves its trip a little before it leaves. Pure: the runner sends the steps.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from harbourlink.elock import Deviation, TraceFix, seed_route, trace
from harbourlink.elock.traces import SEED_HALF_WIDTH_M, SEED_ROUTE_LINE, SEED_TUNNEL, Spoilers

INTERVAL_S = 60.0
"""How often a sealed lock reports on the road: a minute, sparser than the bench's traces, to keep the day quick."""
CLEAN = Spoilers(jitter_m=4.0, multipath_rate=0.0, late_rate=0.0)
KINDS = ("clean", "deviation", "tamper", "stop", "silent", "battery", "late")
FIRST_DEPARTURE = timedelta(hours=2)
BETWEEN = timedelta(minutes=40)
APPROVED_BEFORE = timedelta(minutes=15)


@dataclass(frozen=True)
class SealedTrip:
    kind: str
    lock: str
    awb: str
    vehicle: str
    approved_at: datetime
    expected_hk_exit: datetime
    sentences: tuple[tuple[datetime, bytes], ...]
    """What the lock sends, each at the time it sends it."""


@dataclass(frozen=True)
class Seal:
    """Hong Kong customs registers the lock and approves its trip."""

    due: datetime
    trip: SealedTrip


@dataclass(frozen=True)
class LockSays:
    """A lock sends an eSeal sentence to the listener."""

    due: datetime
    lock: str
    line: bytes


def _awb(serial: int) -> str:
    return f"160-{serial:07d}{serial % 7}"


def sentence(
    lock: str, kind: str, index: int, at: datetime, fix: TraceFix | None, *, door: str = "Close", volts: float = 3.95
) -> bytes:
    place = "V,0.000000N 0.000000E" if fix is None else f"A,{fix.lat:.6f}N {fix.lon:.6f}E"
    return (
        f"##S,eSeal,{lock},256,0.0.6,{kind},{index},{at:%Y-%m-%d},{at:%H:%M:%S},{INTERVAL_S:.0f},{place},"
        f"90,60,{door},0.05,0,{volts:.2f},-70,E##\r\n"
    ).encode()


def _standing(fixes: list[TraceFix], at: int, pause: timedelta) -> list[TraceFix]:
    """The truck stands still after fix ``at`` for ``pause``, reporting from where it stands."""
    here = fixes[at]
    still = [
        replace(here, at=here.at + timedelta(seconds=INTERVAL_S * n))
        for n in range(1, int(pause.total_seconds() // INTERVAL_S) + 1)
    ]
    return fixes[: at + 1] + still + [replace(f, at=f.at + pause) for f in fixes[at + 1 :]]


def _on_the_road(fixes: list[TraceFix]) -> int:
    """A fix well clear of the control points and the tunnel: a third of the way."""
    route = seed_route()
    return next(
        n for n in range(len(fixes) // 3, len(fixes)) if not route.denied_within(fixes[n].lon, fixes[n].lat, 1000)
    )


def sealed_trips(start: datetime) -> list[SealedTrip]:
    """The day's sealed trips, one of each kind, leaving the airport every ``BETWEEN`` from two hours in."""
    day = int(start.strftime("%y%m%d"))
    trips = []
    for n, kind in enumerate(KINDS):
        departs = start + FIRST_DEPARTURE + BETWEEN * n
        deviation = Deviation(start_s=900, duration_s=300, offset_m=600) if kind == "deviation" else None
        fixes = sorted(
            trace(
                seed_route(), seed=day + n, start=departs, interval_s=INTERVAL_S, deviation=deviation, spoilers=CLEAN
            ),
            key=lambda f: f.at,
        )
        if kind == "stop":
            fixes = _standing(fixes, _on_the_road(fixes), timedelta(minutes=25))
        if kind == "silent":
            fixes = fixes[: _on_the_road(fixes)]
        if kind == "late":  # it waited at the terminal long after the time it was expected at the boundary
            fixes = [replace(f, at=f.at + timedelta(hours=2)) for f in fixes]
        lock = f"86{day}{n:04d}"
        road = _on_the_road(fixes)
        lines = [
            (fixes[0].at - timedelta(minutes=5), sentence(lock, "Startup", 1, fixes[0].at - timedelta(minutes=5), None))
        ]
        for index, fix in enumerate(fixes, start=2):
            volts = 3.45 if kind == "battery" and index > road else 3.95
            lines.append((fix.at, sentence(lock, "Normal", index, fix.at, fix, volts=volts)))
        if kind == "tamper":
            opened = fixes[road].at + timedelta(seconds=5)
            lines.append((opened, sentence(lock, "Event-Door", 900, opened, fixes[road], door="Open")))
        trips.append(
            SealedTrip(
                kind=kind,
                lock=lock,
                awb=_awb(day * 10 + n),
                vehicle=f"EL{n + 1:04d}",
                approved_at=departs - APPROVED_BEFORE,
                expected_hk_exit=departs + timedelta(minutes=75),
                sentences=tuple(sorted(lines, key=lambda line: line[0])),
            )
        )
    return trips


def steps(start: datetime) -> list[Seal | LockSays]:
    found: list[Seal | LockSays] = []
    for trip in sealed_trips(start):
        found.append(Seal(trip.approved_at, trip))
        found += [LockSays(at, trip.lock, line) for at, line in trip.sentences]
    return found


def trip_body(trip: SealedTrip, *, mainland_customs_org_id: str, trucking_org_id: str) -> dict[str, object]:
    """The trip as Hong Kong customs approves it (``ElockTripCreate``)."""
    route = seed_route()
    fences = {
        "origin": route.origin,
        "hk_exit": route.hk_exit,
        "mainland_entry": route.mainland_entry,
        "destination": route.destination,
    }
    return {
        "device_id": trip.lock,
        "vehicle": trip.vehicle,
        "references": [{"reference_type": "AWB", "reference": trip.awb}],
        **{name: {"name": f.name, "point": [f.lon, f.lat], "radius_m": f.radius_m} for name, f in fences.items()},
        "route": {
            "line": [list(p) for p in SEED_ROUTE_LINE],
            "half_width_m": SEED_HALF_WIDTH_M,
            "gnss_denied": [[list(p) for p in SEED_TUNNEL]],
        },
        "mainland_customs_org_id": mainland_customs_org_id,
        "trucking_org_id": trucking_org_id,
        "expected_hk_exit": trip.expected_hk_exit.isoformat(),
    }
