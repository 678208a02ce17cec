"""Sealed e-lock trips of the simulated day: air cargo from the airport to Shenzhen airport through Lok Ma Chau and
Huanggang, each lock sending eSeal sentences as a real one does (the listener's path, ``elock.receive_frame``).

Every day: a clean trip through the Tai Lam Tunnel (no fix inside it, no alarm), one that leaves its route, one
whose door is opened on the road, and one staging each other alarm: a long stop on the highway, a lock that
falls silent half-way, a failing battery, and a truck that sets off long after it was expected. Hong Kong
customs registers each lock and approves its trip a little before it leaves. Pure: the runner sends the steps.

Inspect once (R-LOCK-4): Hong Kong customs inspects some trips' cargo at Lok Ma Chau as the truck reaches it
(``Inspect``), and mainland customs, shown that inspection as the truck reaches Huanggang, relies on it or
inspects again where Hong Kong found something (``Answer``). ``inspect_once`` says what that saved, in the
model's time per inspection (``INSPECTION``): an assumption, not a measurement.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from harbourlink import elock
from harbourlink.elock import Deviation, FollowUp, Geofence, InspectionResult, Route, TraceFix, seed_route, trace
from harbourlink.elock.traces import SEED_HALF_WIDTH_M, SEED_ROUTE_LINE, SEED_TUNNEL, Spoilers
from harbourlink.sim.acts import Cast

INTERVAL_S = 60.0
"""How often a sealed lock reports on the road: a minute, sparser than the bench's traces, to keep the day quick."""
CLEAN = Spoilers(jitter_m=4.0, multipath_rate=0.0, late_rate=0.0)
KINDS = ("clean", "deviation", "tamper", "stop", "silent", "battery", "late")
FIRST_DEPARTURE = timedelta(hours=2)
BETWEEN = timedelta(minutes=40)
APPROVED_BEFORE = timedelta(minutes=15)
INSPECTED = {
    "clean": InspectionResult.NO_FINDING,
    "deviation": InspectionResult.NO_FINDING,
    "tamper": InspectionResult.FINDING,
    "stop": InspectionResult.NO_FINDING,
}
"""The trips Hong Kong customs picks for inspection at its exit, and what it finds: the cargo whose door was
opened on the road is a finding; the others, alarms or not, are in order."""
INSPECTION = timedelta(minutes=30)
"""The model's assumption, not a measured or published figure: a physical inspection of a sealed truck's cargo
at a control point (the truck directed to a bay, the seal opened, the cargo examined, a seal applied again)
keeps the truck and the officers 30 minutes. Each second inspection the other authority does not do saves that."""
OFFICER = "HK customs officer (simulated)"


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
    at_hk_exit: datetime | None
    """The first fix inside Lok Ma Chau's fence; None for a lock that falls silent before it."""
    at_mainland_entry: datetime | None
    """The first fix inside Huanggang's fence."""


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


def _reaches(route: Route, fence: Geofence, fixes: list[TraceFix]) -> datetime | None:
    return next((f.at for f in fixes if route.inside(fence, f.lon, f.lat)), None)


def sealed_trips(start: datetime) -> list[SealedTrip]:
    """The day's sealed trips, one of each kind, leaving the airport every ``BETWEEN`` from two hours in."""
    day = int(start.strftime("%y%m%d"))
    route = seed_route()
    trips = []
    for n, kind in enumerate(KINDS):
        departs = start + FIRST_DEPARTURE + BETWEEN * n
        deviation = Deviation(start_s=900, duration_s=300, offset_m=600) if kind == "deviation" else None
        fixes = sorted(
            trace(route, seed=day + n, start=departs, interval_s=INTERVAL_S, deviation=deviation, spoilers=CLEAN),
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
                at_hk_exit=_reaches(route, route.hk_exit, fixes),
                at_mainland_entry=_reaches(route, route.mainland_entry, fixes),
            )
        )
    return trips


def trip_key(lock: str) -> str:
    """Under which the runner remembers the trip approved for the lock, for the acts on that trip."""
    return f"elock trip {lock}"


def answer(result: InspectionResult) -> FollowUp:
    """How the simulated mainland officer answers Hong Kong's inspection: relies on it unless it found something."""
    return FollowUp.INSPECT_AGAIN if result is InspectionResult.FINDING else FollowUp.ACCEPTED


@dataclass(frozen=True)
class Inspect:
    """Hong Kong customs inspects the trip's cargo at Lok Ma Chau as the truck reaches it, and records it once."""

    due: datetime
    lock: str
    result: InspectionResult

    @property
    def label(self) -> str:
        return f"customs_hk inspects sealed trip {self.lock}"

    def run(self, session: Session, cast: Cast) -> Mapping[str, str]:
        finding = self.result is InspectionResult.FINDING
        body = elock.ElockInspectionCreate(
            place="hk_exit",
            officer=OFFICER,
            inspected_at=self.due,
            result=self.result.value,
            seal_reapplied=True,
            note="seal found broken; door opened on North Lantau Highway" if finding else None,
        )
        customs = cast.parties.actor("customs_hk")
        elock.do_inspection(session, customs, trip_id=cast.recall(trip_key(self.lock)), body=body)
        return {}


@dataclass(frozen=True)
class Answer:
    """Mainland customs, shown Hong Kong's inspection as the truck reaches Huanggang, relies on it or inspects
    again."""

    due: datetime
    lock: str
    decision: FollowUp

    @property
    def label(self) -> str:
        return f"customs answers the inspection of sealed trip {self.lock}: {self.decision.value}"

    def run(self, session: Session, cast: Cast) -> Mapping[str, str]:
        body = elock.ElockFollowUpCreate(decision=self.decision.value)
        elock.do_follow_up(session, cast.parties.actor("customs"), trip_id=cast.recall(trip_key(self.lock)), body=body)
        return {}


def steps(start: datetime) -> list[Seal | LockSays | Inspect | Answer]:
    found: list[Seal | LockSays | Inspect | Answer] = []
    for trip in sealed_trips(start):
        found.append(Seal(trip.approved_at, trip))
        found += [LockSays(at, trip.lock, line) for at, line in trip.sentences]
        result = INSPECTED.get(trip.kind)
        if result is not None and trip.at_hk_exit is not None and trip.at_mainland_entry is not None:
            found.append(Inspect(trip.at_hk_exit, trip.lock, result))
            found.append(Answer(trip.at_mainland_entry, trip.lock, answer(result)))
    return found


@dataclass(frozen=True)
class Saving:
    """What inspecting once saved on a day's sealed trips, in the model's time per inspection."""

    trips: int
    inspected: int
    avoided: int
    """Second inspections the other authority did not do: it relied on the first."""
    inspected_again: int
    per_inspection: timedelta

    @property
    def saved(self) -> timedelta:
        return self.per_inspection * self.avoided

    @property
    def per_trip(self) -> timedelta:
        """Saved per sealed trip of the day, inspected or not."""
        return self.saved / self.trips if self.trips else timedelta(0)

    @property
    def per_inspected_trip(self) -> timedelta:
        return self.saved / self.inspected if self.inspected else timedelta(0)


def inspect_once(
    trips: int, inspections: Iterable[elock.ElockInspectionRead], *, per_inspection: timedelta = INSPECTION
) -> Saving:
    """The saving of the recorded inspections: each one the other authority accepted is one not done twice. An
    inspection not answered yet saves nothing yet."""
    answers = [i.follow_up for i in inspections]
    return Saving(
        trips=trips,
        inspected=len(answers),
        avoided=answers.count(FollowUp.ACCEPTED.value),
        inspected_again=answers.count(FollowUp.INSPECT_AGAIN.value),
        per_inspection=per_inspection,
    )


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
