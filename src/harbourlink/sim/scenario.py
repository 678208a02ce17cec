"""One simulated day at Kwai Tsing: vessel calls, barges, consignments and their boxes' moves.

``build_scenario(seed=..., start=...)`` is pure: the same seed and start give the same day.
The day is drawn from a fixed shape with seeded details (ships, numbers, terminals, counts,
minutes), so every run tells the same story a demo can rely on, each alert situation included::

    by air through Hong Kong International Airport (``air``): an export to Los Angeles, the SME's
      house air waybill in the forwarder's consolidation, offloaded in part and late both ways;
      an import from Shanghai with a piece missing on arrival
    in the yard at the start: imports discharged three-odd days before (no call of the day),
      └── released and available under a forwarder House B/L; no truck comes for them, and
          their free time ends within the day (not picked up)
    call 1 (the "hero" call, ~1.5 h after the start)   CNSHA → HKHKG → SGSIN
      ├── the demo SME's House B/L: a frozen reefer (-18 °C), discharged, held, released,
      │   then on a river-trade barge to Zhongshan (CNZSN) under a mainland import declaration;
      │   its temperature climbs for an hour once, then recovers (reefer excursion)
      ├── a chilled import (+5 °C) under a forwarder House B/L, unplugged for an hour (power off)
      └── a forwarded export gated in but shut out: the carrier voids its B/L before the ship
          sails (B/L removed)
    call 2 from Singapore, first announced at another terminal than it berths at (terminal change)
      └── the forwarder's river cargo: an import barged on to Jiangmen (CNJMN), an export barged
          in from Jiangmen, each under a mainland declaration
    call 3 from Yantian, three hours late (vessel delay); its first import is forwarded
    calls 4–6 every few hours from Kaohsiung, Singapore, Ningbo …
    on every call: imports (some chilled reefers, +5 °C) gated out by truck, exports gated in and
      loaded, most of them under forwarder House B/Ls

Moves are planned here; ``plan`` turns them into each party's messages.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cached_property

from harbourlink.integrations.customs_status import clearance_path
from harbourlink.sim import ids
from harbourlink.sim.air import AirShipment, shipments
from harbourlink.sim.geo import Route, inbound_route, outbound_route, river_route

HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
FREE_TIME = 4 * DAY
"""Storage-free days after discharge the terminal gives an import."""
HONG_KONG = "HKHKG"
TERMINALS = ("HITHK", "MTLHK", "CHTHK", "ACTHK", "DPWHK")
CARRIERS = ("OOLU", "COSU", "EGLV", "YMLU", "HDMU")
FORWARDER_PREFIX = "VFFHKG"
SAILING = {
    "CNSHA": 62 * HOUR,
    "SGSIN": 88 * HOUR,
    "CNYTN": 6 * HOUR,
    "TWKHH": 30 * HOUR,
    "CNNGB": 54 * HOUR,
    "VNSGN": 50 * HOUR,
}
# Previous port, next port, service code, hours after the start the ship is due, hours alongside.
CALL_SHAPES = (
    ("CNSHA", "SGSIN", "CSX", 1.5, 10.0),
    ("SGSIN", "TWKHH", "SKX", 3.5, 11.0),
    ("CNYTN", "SGSIN", "YSX", 6.0, 9.0),
    ("TWKHH", "VNSGN", "KVX", 9.0, 10.0),
    ("SGSIN", "CNSHA", "SSX", 13.0, 12.0),
    ("CNNGB", "SGSIN", "NSX", 17.0, 10.0),
)
VESSEL_NAMES = (
    ("PEARL HARMONY", "HK"),
    ("KOWLOON STAR", "HK"),
    ("LANTAU PIONEER", "HK"),
    ("XIN MING ZHU", "CN"),
    ("DONG HAI YUAN", "CN"),
    ("SINGA MERLION", "SG"),
    ("STRAITS HORIZON", "SG"),
    ("EASTERN JADE", "SG"),
)
BARGE_NAMES = ("ZHONGSHAN HUO 3318", "JIANGMEN HUO 1206")
REEFER_SETPOINTS = (-18.0, 5.0)
DELAYED_CALL = 2
# The carrier first announces this call at another terminal; it always carries the forwarder's
# river cargo, so the forwarder hears of the change.
MOVED_CALL = 1


@dataclass(frozen=True)
class Vessel:
    """A ship as AIS and DCSA name it."""

    name: str
    imo: str
    mmsi: str
    call_sign: str
    flag: str
    length_m: int
    beam_m: int
    draught_m: float


@dataclass(frozen=True)
class Call:
    """One call at a Kwai Tsing terminal: a mainline ship, or a river-trade barge (mode BARGE)."""

    key: str
    vessel: Vessel
    mode: str
    carrier: str
    service: str
    voyage_in: str
    voyage_out: str
    previous_port: str
    next_port: str
    terminal: str
    planned_arrival: datetime
    arrival: datetime
    departure: datetime
    speed_knots: float
    first_announced: str | None = None
    """The terminal the carrier's plan first named, when the ship then went to another (``terminal``)."""

    @cached_property
    def route_in(self) -> Route:
        if self.mode == "BARGE":
            return river_route(self.terminal, self.previous_port).reversed()
        return inbound_route(self.previous_port, self.terminal)

    @cached_property
    def route_out(self) -> Route:
        if self.mode == "BARGE":
            return river_route(self.terminal, self.next_port)
        return outbound_route(self.terminal, self.next_port)

    @property
    def departed_previous(self) -> datetime:
        """When it left its previous port (a barge: as long before as the river takes)."""
        return self.arrival - self.sailing(self.route_in, self.previous_port)

    @property
    def arrives_next(self) -> datetime:
        return self.departure + self.sailing(self.route_out, self.next_port)

    def sailing(self, route: Route, port: str) -> timedelta:
        if self.mode == "BARGE":
            return timedelta(hours=route.length_nm / self.speed_knots)
        return SAILING[port]


@dataclass(frozen=True)
class Box:
    """One container and what happens to it at Kwai Tsing (times absent where it does not apply)."""

    number: str
    iso_code: str
    setpoint: float | None
    seal: str
    gross_kg: int
    stowage: str
    arrives: datetime
    """Discharged from the ship or barge, or gated in by truck."""
    leaves: datetime
    """Gated out by truck, or loaded on the ship or barge (after the day for a box the day leaves in the yard)."""
    hold_released: datetime | None = None
    truck_in: str | None = None
    truck_out: str | None = None
    anomaly: str | None = None
    """``excursion`` (temperature climbs for 45 minutes) or ``power_off`` (unplugged for an hour)."""


@dataclass(frozen=True)
class Declaration:
    """A mainland customs declaration covering a consignment that crosses by river."""

    number: str
    direction: str
    port: str
    lodged_at: datetime
    declarant: str
    """``sme`` or ``forwarder``: the demo company the customs shares the declaration with."""


@dataclass(frozen=True)
class Consignment:
    """One Master B/L: its boxes, the House B/Ls behind it, and how it reaches or leaves Hong Kong."""

    mbl: str
    booking: str
    call: str
    direction: str
    boxes: tuple[Box, ...]
    hbls: tuple[str, ...] = ()
    consignee: str | None = None
    barge: str | None = None
    declaration: Declaration | None = None
    shut_out: datetime | None = None
    """An export withdrawn from its voyage: when the carrier voided the B/L (its box is never loaded)."""


@dataclass(frozen=True)
class YardImport:
    """A Master B/L whose boxes were discharged before the day, from a call the day does not show.

    Released and available at ``terminal``; no truck comes for them within the day.
    """

    mbl: str
    booking: str
    carrier: str
    terminal: str
    boxes: tuple[Box, ...]
    hbls: tuple[str, ...]


@dataclass(frozen=True)
class Scenario:
    seed: int
    start: datetime
    calls: tuple[Call, ...]
    consignments: tuple[Consignment, ...]
    yard: tuple[YardImport, ...] = ()
    air: tuple[AirShipment, ...] = ()

    @property
    def end(self) -> datetime:
        return self.start + 24 * HOUR

    def call(self, key: str) -> Call:
        return next(c for c in self.calls if c.key == key)

    @property
    def hero(self) -> Consignment:
        """The demo SME's consignment."""
        return self.consignments[0]

    @property
    def cargo(self) -> list[Consignment | YardImport]:
        """Every Master B/L of the day: the calls' consignments, then those already in the yard."""
        return [*self.consignments, *self.yard]

    @property
    def declarations(self) -> list[Declaration]:
        return [c.declaration for c in self.consignments if c.declaration is not None]


@dataclass
class _Draw:
    """The seeded generator and the counters numbering what it draws."""

    rng: random.Random
    start: datetime
    houses: int = 0
    used: set[str] = field(default_factory=set)

    def minutes(self, low: float, high: float) -> timedelta:
        return timedelta(minutes=self.rng.randint(int(low), int(high)))

    def unique(self, make: Callable[[], str]) -> str:
        """A value ``make`` draws that was not drawn before in this scenario."""
        while True:
            value = make()
            if value not in self.used:
                self.used.add(value)
                return value

    def house_bl(self) -> str:
        self.houses += 1
        return f"{FORWARDER_PREFIX}{self.start:%y%m}{self.houses:03d}"


def build_scenario(*, seed: int, start: datetime) -> Scenario:
    """The simulated day beginning at ``start`` (aware), drawn from ``seed``."""
    if start.tzinfo is None:
        raise ValueError("the simulation starts at an aware time")
    draw = _Draw(random.Random(seed), start)  # noqa: S311 - a repeatable simulation, not secrecy
    count = draw.rng.randint(4, len(CALL_SHAPES))
    terminals = list(TERMINALS)
    draw.rng.shuffle(terminals)
    names = list(VESSEL_NAMES)
    draw.rng.shuffle(names)
    calls = [_mainline(draw, index, names[index], terminals[index % len(terminals)]) for index in range(count)]
    barges = [
        _barge(draw, "B1", BARGE_NAMES[0], river_port="CNZSN", ship=calls[0], due=6.0, leaves=8.5),
        _barge(draw, "B2", BARGE_NAMES[1], river_port="CNJMN", ship=calls[1], due=5.0, leaves=12.0),
    ]
    consignments = [_hero(draw, calls[0], barges[0])]
    consignments += _river_cargo(draw, calls[MOVED_CALL], barges[1])
    for index, call in enumerate(calls):
        consignments += _local_cargo(draw, call, chilled_power_off=index == 0, forwarded_import=index == DELAYED_CALL)
    # Drawn after everything else, so a seed's ships, boxes and times do not depend on them.
    moved = calls[MOVED_CALL]
    calls[MOVED_CALL] = replace(moved, first_announced=draw.rng.choice([t for t in TERMINALS if t != moved.terminal]))
    consignments.append(_shut_out(draw, calls[0]))
    yard = (_yard(draw, terminal=calls[0].terminal),)
    # The air cargo has a random stream of its own: the sea day of a seed stays what it was.
    flights = shipments(random.Random(seed + 1), start, house=f"{FORWARDER_PREFIX}{start:%y%m}A01")  # noqa: S311
    return Scenario(seed, start, tuple(calls + barges), tuple(consignments), yard, flights)


def _vessel(draw: _Draw, name: str, flag: str, *, barge: bool) -> Vessel:
    rng = draw.rng
    length = rng.choice((68, 75, 82)) if barge else rng.choice((294, 300, 335, 366, 399))
    return Vessel(
        name=name,
        imo=draw.unique(lambda: ids.imo_number(rng)),
        mmsi=draw.unique(lambda: ids.mmsi(rng, flag)),
        call_sign=ids.call_sign(rng, flag),
        flag=flag,
        length_m=length,
        beam_m=14 if barge else (48 if length < 350 else 59),
        draught_m=round(rng.uniform(3.2, 4.5) if barge else rng.uniform(11.5, 14.8), 1),
    )


def _mainline(draw: _Draw, index: int, name: tuple[str, str], terminal: str) -> Call:
    previous, following, service, due, alongside = CALL_SHAPES[index]
    rng = draw.rng
    planned = draw.start + timedelta(hours=due)
    # The first ship keeps its time, so the demo's first arrival comes when promised; the third
    # is held up at Yantian for three hours, so its estimates show a delay (alerts look for one).
    if index == 0:
        arrival = planned + 5 * MINUTE
    elif index == DELAYED_CALL:
        arrival = planned + 3 * HOUR + draw.minutes(0, 20)
    else:
        arrival = planned + draw.minutes(-20, 45)
    inward, outward = ("N", "S") if previous in ("SGSIN", "VNSGN") else ("S", "N")
    number = rng.randint(20, 95)
    return Call(
        key=f"C{index + 1}",
        vessel=_vessel(draw, *name, barge=False),
        mode="VESSEL",
        carrier=CARRIERS[index % len(CARRIERS)],
        service=service,
        voyage_in=f"{number:03d}{inward}",
        voyage_out=f"{number:03d}{outward}",
        previous_port=previous,
        next_port=following,
        terminal=terminal,
        planned_arrival=planned,
        arrival=arrival,
        departure=arrival + timedelta(hours=alongside) + draw.minutes(0, 30),
        speed_knots=round(rng.uniform(11.0, 14.0), 1),
    )


def _barge(draw: _Draw, key: str, name: str, *, river_port: str, ship: Call, due: float, leaves: float) -> Call:
    """A river-trade barge meeting ``ship`` at its terminal: in from the river port, back out to it."""
    arrival = draw.start + timedelta(hours=due) + draw.minutes(0, 20)
    return Call(
        key=key,
        vessel=_vessel(draw, name, "CN", barge=True),
        mode="BARGE",
        carrier=ship.carrier,
        service="PRD",
        voyage_in=f"{key}{draw.start:%m%d}I",
        voyage_out=f"{key}{draw.start:%m%d}O",
        previous_port=river_port,
        next_port=river_port,
        terminal=ship.terminal,
        planned_arrival=arrival - 10 * MINUTE,
        arrival=arrival,
        departure=draw.start + timedelta(hours=leaves) + draw.minutes(0, 20),
        speed_knots=9.0,
    )


def _box(
    draw: _Draw,
    *,
    reefer: bool,
    arrives: datetime,
    leaves: datetime,
    setpoint: float | None = None,
    hold_released: datetime | None = None,
    truck_in: str | None = None,
    truck_out: str | None = None,
    anomaly: str | None = None,
) -> Box:
    rng = draw.rng
    number = draw.unique(lambda: ids.container_number(rng, reefer=reefer))
    if reefer and setpoint is None:
        setpoint = rng.choice(REEFER_SETPOINTS)
    iso = "45R1" if reefer else rng.choice(("22G1", "45G1", "45G1"))
    return Box(
        number=number,
        iso_code=iso,
        setpoint=setpoint if reefer else None,
        seal=ids.seal(rng, number[:4]),
        gross_kg=rng.randint(9000, 29500),
        stowage=_stowage(rng),
        arrives=arrives,
        leaves=leaves,
        hold_released=hold_released,
        truck_in=truck_in,
        truck_out=truck_out,
        anomaly=anomaly,
    )


def _stowage(rng: random.Random) -> str:
    """A stowage cell, bay-row-tier (ISO 9711): odd bays of 20-foot slots, tiers 10–12 in the hold, 82–86 on deck."""
    return f"{rng.randint(1, 45) * 2 - 1:03d}{rng.randint(0, 16):02d}{rng.choice((82, 84, 86, 10, 12)):02d}"


def _hero(draw: _Draw, ship: Call, barge: Call) -> Consignment:
    """The demo SME's frozen reefer: discharged, held, released, barged to Zhongshan under declaration."""
    discharged = ship.arrival + 40 * MINUTE
    box = _box(
        draw,
        reefer=True,
        setpoint=-18.0,
        arrives=discharged,
        leaves=barge.departure - 50 * MINUTE,
        hold_released=discharged + 100 * MINUTE,
        anomaly="excursion",
    )
    mbl = draw.unique(lambda: ids.master_bl(draw.rng, ship.carrier))
    number = _declaration(draw, office="5720", export=False, path="CUSS")
    declaration = Declaration(
        number=number, direction="IMPORT", port="CNZSN", lodged_at=ship.arrival - 30 * MINUTE, declarant="sme"
    )
    return Consignment(
        mbl=mbl,
        booking=draw.unique(lambda: ids.booking(draw.rng)),
        call=ship.key,
        direction="IMPORT",
        boxes=(box,),
        hbls=(draw.house_bl(),),
        consignee="sme",
        barge=barge.key,
        declaration=declaration,
    )


def _declaration(draw: _Draw, *, office: str, export: bool, path: str | None = None) -> str:
    """A declaration number; with ``path``, one whose simulated clearance passes that status (for the demo)."""
    while True:
        number = ids.declaration_number(draw.rng, office=office, year=draw.start.year, export=export)
        if number not in draw.used and (path is None or any(s.value == path for s, _ in clearance_path(number))):
            draw.used.add(number)
            return number


def _river_cargo(draw: _Draw, ship: Call, barge: Call) -> list[Consignment]:
    """An import barged on to Jiangmen, and an export barged in from Jiangmen, both declared."""
    discharged = ship.arrival + draw.minutes(45, 120)
    onward = _box(
        draw,
        reefer=False,
        arrives=discharged,
        leaves=barge.departure - draw.minutes(40, 90),
        hold_released=discharged + draw.minutes(60, 150),
    )
    inward = _box(
        draw, reefer=False, arrives=barge.arrival + draw.minutes(30, 60), leaves=ship.departure - draw.minutes(60, 150)
    )
    consignments = []
    for box, direction in ((onward, "IMPORT"), (inward, "EXPORT")):
        export = direction == "EXPORT"
        lodged = (barge.arrival - 5 * HOUR) if export else (ship.arrival - HOUR)
        declaration = Declaration(
            number=_declaration(draw, office="6800", export=export),
            direction=direction,
            port="CNJMN",
            lodged_at=lodged,
            declarant="forwarder",
        )
        consignments.append(
            Consignment(
                mbl=draw.unique(lambda: ids.master_bl(draw.rng, ship.carrier)),
                booking=draw.unique(lambda: ids.booking(draw.rng)),
                call=ship.key,
                direction=direction,
                boxes=(box,),
                hbls=(draw.house_bl(),),
                barge=barge.key,
                declaration=declaration,
            )
        )
    return consignments


def _local_cargo(draw: _Draw, ship: Call, *, chilled_power_off: bool, forwarded_import: bool) -> list[Consignment]:
    """Imports gated out by truck and exports gated in for loading, on one call.

    The forwarder handles the unplugged reefer's consignment, and with ``forwarded_import`` the
    first import, so what happens to them reaches its inbox.
    """
    rng = draw.rng
    consignments = []
    for position in range(rng.randint(2, 3)):
        boxes: list[Box] = []
        for _ in range(rng.randint(1, 2)):
            power_off = chilled_power_off and position == 0 and not boxes
            reefer = power_off or rng.random() < 0.3
            discharged = ship.arrival + draw.minutes(30, 300)
            released = discharged + draw.minutes(45, 150)
            boxes.append(
                _box(
                    draw,
                    reefer=reefer,
                    setpoint=5.0 if power_off else None,
                    arrives=discharged,
                    leaves=released + draw.minutes(100, 240),
                    hold_released=released,
                    truck_out=ids.truck_plate(rng),
                    anomaly="power_off" if power_off else None,
                )
            )
        forwarded = (forwarded_import or chilled_power_off) and position == 0
        consignments.append(_consignment(draw, ship, "IMPORT", boxes, forwarded=forwarded))
    for _ in range(rng.randint(1, 2)):
        boxes = [
            _box(
                draw,
                reefer=rng.random() < 0.3,
                arrives=ship.arrival - draw.minutes(120, 900),
                leaves=ship.departure - draw.minutes(60, 240),
                truck_in=ids.truck_plate(rng),
            )
            for _ in range(rng.randint(1, 2))
        ]
        consignments.append(_consignment(draw, ship, "EXPORT", boxes))
    return consignments


def _consignment(
    draw: _Draw,
    ship: Call,
    direction: str,
    boxes: list[Box],
    *,
    forwarded: bool = False,
) -> Consignment:
    # Most consignments pass through the forwarder, who issues its own House B/Ls under them.
    count = draw.rng.choice((0, 1, 1, 2))
    houses = tuple(draw.house_bl() for _ in range(max(count, 1) if forwarded else count))
    return Consignment(
        mbl=draw.unique(lambda: ids.master_bl(draw.rng, ship.carrier)),
        booking=draw.unique(lambda: ids.booking(draw.rng)),
        call=ship.key,
        direction=direction,
        boxes=tuple(boxes),
        hbls=houses,
    )


def _shut_out(draw: _Draw, ship: Call) -> Consignment:
    """A forwarded export gated in for ``ship`` but shut out: the carrier voids its B/L before sailing.

    The box stays in the yard for the service's next sailing, a week later.
    """
    rng = draw.rng
    box = _box(
        draw,
        reefer=False,
        arrives=ship.arrival - draw.minutes(120, 900),
        leaves=ship.departure + 7 * DAY,
        truck_in=ids.truck_plate(rng),
    )
    return Consignment(
        mbl=draw.unique(lambda: ids.master_bl(rng, ship.carrier)),
        booking=draw.unique(lambda: ids.booking(rng)),
        call=ship.key,
        direction="EXPORT",
        boxes=(box,),
        hbls=(draw.house_bl(),),
        shut_out=ship.departure - 2 * HOUR - draw.minutes(0, 30),
    )


def _yard(draw: _Draw, *, terminal: str) -> YardImport:
    """Forwarded imports discharged three-odd days before the start: their free time ends 6–18 h into the day.

    Nobody collects them within the day; they leave days after their free time.
    """
    rng = draw.rng
    carrier = rng.choice(CARRIERS)
    discharged = draw.start - FREE_TIME + draw.minutes(6 * 60, 18 * 60)
    released = discharged + draw.minutes(90, 240)
    boxes = tuple(
        _box(draw, reefer=False, arrives=discharged, leaves=discharged + FREE_TIME + 3 * DAY, hold_released=released)
        for _ in range(rng.randint(1, 2))
    )
    return YardImport(
        mbl=draw.unique(lambda: ids.master_bl(rng, carrier)),
        booking=draw.unique(lambda: ids.booking(rng)),
        carrier=carrier,
        terminal=terminal,
        boxes=boxes,
        hbls=(draw.house_bl(),),
    )


@dataclass(frozen=True)
class Highlight:
    """A number worth typing into the search box, and who may see what it leads to."""

    what: str
    number: str
    who: str


def references_to_try(scenario: Scenario) -> list[Highlight]:
    """The demo's story in six numbers: the SME's House B/L, its reefer, its Master B/L, its declaration, its
    house air waybill and the air waybill it is consolidated under."""
    hero = scenario.hero
    box = hero.boxes[0]
    found = [
        Highlight("House B/L (the SME's; linked to its Master B/L)", hero.hbls[0], "sme"),
        Highlight(f"Reefer container, set to {box.setpoint:+.0f} °C", box.number, "anyone"),
        Highlight("Master B/L", hero.mbl, "anyone"),
    ]
    if hero.declaration is not None:
        found.append(
            Highlight(f"Mainland customs declaration ({hero.declaration.port})", hero.declaration.number, "sme")
        )
    export = scenario.air[0]
    if export.house:
        found.append(Highlight("House air waybill (the SME's; linked to the master air waybill)", export.house, "sme"))
    found.append(Highlight(f"Air waybill {export.origin} → {export.destination}", export.display, "anyone"))
    return found
