"""Trucks of the simulated day: forwarded imports driven from the Kwai Tsing gates to warehouses (pure).

The forwarder nominates the demo trucking company for each box it collects once the box is
released; the trucking company accepts and assigns its driver. From gate-out the driver's phone
takes a position every minute and sends what it holds every five minutes, as the driver's app
does. Three boxes go out (more when the day has them, fewer when it has not):

    to Tsing Yi Cold Store (the demo warehouse), over the Kwai Tsing Bridge;
    to a Tsuen Wan godown, up Kwai Chung Road;
    to Yuen Long Industrial Estate by Route 3: in the Tai Lam Tunnel the phone has no signal,
        keeps its positions, and sends them all when it comes out (each stored once).

Roads are drawn as straight legs between junctions, coarse like the river legs.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from harbourlink.sim.geo import Point, Route
from harbourlink.sim.scenario import MINUTE, Scenario

SPEED_KNOTS = 24.0
"""About 45 km/h: a laden truck's average from the gate to the warehouse."""
FIX_EVERY = MINUTE
SEND_EVERY = 5 * MINUTE
NOMINATE_BEFORE = 30 * MINUTE
"""The forwarder nominates the trucking company half an hour before the box goes out (after release)."""

GATES: dict[str, Point] = {
    "MTLHK": (22.3520, 114.1250),
    "DPWHK": (22.3440, 114.1255),
    "HITHK": (22.3395, 114.1275),
    "ACTHK": (22.3260, 114.1290),
    "CHTHK": (22.3250, 114.1340),
}


@dataclass(frozen=True)
class Warehouse:
    name: str
    roads: tuple[Point, ...]
    """Junctions from the container port to the warehouse's door, in driving order."""
    tunnel: tuple[int, int] | None = None
    """The legs (from, to waypoint index) under ground, where a phone has no signal."""
    company: bool = False
    """The demo warehouse company's own store (it confirms receipts); the others are customers' godowns."""


WAREHOUSES = (
    Warehouse("Tsing Yi Cold Store", ((22.3560, 114.1180), (22.3570, 114.1080), (22.3545, 114.1040)), company=True),
    Warehouse("Tsuen Wan godown", ((22.3600, 114.1290), (22.3700, 114.1200), (22.3725, 114.1135))),
    Warehouse(
        "Yuen Long Industrial Estate",
        (
            (22.3600, 114.1100),
            (22.3650, 114.0750),
            (22.3800, 114.0650),
            (22.4100, 114.0480),
            (22.4400, 114.0350),
            (22.4600, 114.0200),
        ),
        tunnel=(3, 4),  # the Tai Lam Tunnel, between its south and north portals
    ),
)


@dataclass(frozen=True)
class Haul:
    """One box driven from the terminal gate to a warehouse."""

    container: str
    terminal: str
    plate: str
    nominated: datetime
    departs: datetime
    warehouse: Warehouse
    packages: int

    @property
    def route(self) -> Route:
        return Route((GATES[self.terminal], *self.warehouse.roads))

    @property
    def arrives(self) -> datetime:
        hours = self.route.length_nm / SPEED_KNOTS
        return self.departs + timedelta(hours=hours)

    def _underground(self, fraction: float) -> bool:
        if self.warehouse.tunnel is None:
            return False
        legs = self.route.legs
        first, last = self.warehouse.tunnel
        # The route starts at the gate, so the warehouse's waypoint i is the route's point i + 1.
        into, out_of = sum(legs[: first + 1]), sum(legs[: last + 1])
        travelled = fraction * self.route.length_nm
        return into <= travelled <= out_of

    def reports(self) -> list[tuple[datetime, bytes]]:
        """What the phone sends and when: every five minutes, the positions taken since, except those taken in
        the tunnel, which wait for the first send after it."""
        fixes: list[tuple[datetime, dict[str, object], bool]] = []
        moment, total = self.departs, (self.arrives - self.departs).total_seconds()
        while moment <= self.arrives:
            fraction = (moment - self.departs).total_seconds() / total
            (lat, lon), course = self.route.at(fraction)
            fix = {
                "time": moment.isoformat(),
                "lat": round(lat, 6),
                "lon": round(lon, 6),
                "accuracy": 8.0,
                "speed": round(SPEED_KNOTS * 1852 / 3600, 1),
                "heading": round(course, 1),
            }
            fixes.append((moment, fix, self._underground(fraction)))
            moment += FIX_EVERY
        sends: list[tuple[datetime, bytes]] = []
        held: list[dict[str, object]] = []
        next_send = self.departs + SEND_EVERY
        for index, (taken, fix, underground) in enumerate(fixes):
            held.append(fix)
            if not underground and (taken >= next_send or index == len(fixes) - 1):
                sends.append((taken, json.dumps(held).encode()))
                held, next_send = [], taken + SEND_EVERY
        return sends


def hauls(scenario: Scenario) -> list[Haul]:
    """The first forwarded imports gated out by truck, one to each warehouse."""
    rng = random.Random(scenario.seed * 31 + 7)  # noqa: S311 - a repeatable simulation, not secrecy
    boxes = sorted(
        (
            (box, scenario.call(consignment.call).terminal)
            for consignment in scenario.consignments
            if consignment.hbls and consignment.direction == "IMPORT" and not consignment.barge
            for box in consignment.boxes
            if box.truck_out and box.leaves < scenario.end
        ),
        key=lambda pair: pair[0].leaves,
    )
    return [
        Haul(
            container=box.number,
            terminal=terminal,
            plate=box.truck_out or "",
            warehouse=warehouse,
            nominated=max(box.hold_released or box.arrives, box.leaves - NOMINATE_BEFORE),
            departs=box.leaves,
            packages=rng.randrange(40, 160),
        )
        for (box, terminal), warehouse in zip(boxes, WAREHOUSES, strict=False)
    ]
