"""Road cargo to and from the mainland in the simulated day: consignments, a batch, a customs query,
bindings at the control points, GO and INSPECT, crossings.

``acts(scenario)`` is pure: the same seed gives the same day. Each act calls road's public use cases
as the demo company the API would act for, so the day leaves the records a user or a company's
system would::

    +1 h     the SME lodges three imports from Guangdong suppliers (advance cargo information → CCRNs)
    +1 h 10  the forwarder lodges three exports, +1 h 15 consolidates them in a batch
    +1 h 40  customs queries one of the SME's imports; the SME replies 25 minutes later
    +3 h     the trucking company's driver binds two imports at Lok Ma Chau (UBR); customs GO, crossed
    +5 h     the driver binds the forwarder's batch at Shenzhen Bay; customs INSPECT, crossed after it
    +8 h     the driver binds the queried import at Man Kam To; customs GO, crossed

Minutes within these steps, counts, goods and trucks are seeded. The services stamp the time they
act; each consignment's expected crossing is lodged the planned lead time ahead of that moment, so the
lodging window (30 minutes to 14 days ahead) holds however fast the day is played.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from harbourlink import road
from harbourlink.kernel import utcnow
from harbourlink.sim.acts import Act, Cast
from harbourlink.sim.scenario import HOUR, MINUTE, Scenario

SUPPLIERS = (
    ("Dongguan Harbour Electronics Co", "Chang'an, Dongguan, Guangdong"),
    ("Shenzhen Printing Co", "Futian, Shenzhen, Guangdong"),
    ("Huizhou Garden Ceramics Co", "Huicheng, Huizhou, Guangdong"),
)
BUYERS = (
    ("Guangzhou Pearl Retail Co", "Tianhe, Guangzhou, Guangdong"),
    ("Shenzhen Bay Cosmetics Co", "Nanshan, Shenzhen, Guangdong"),
    ("Zhuhai Coastal Foods Co", "Xiangzhou, Zhuhai, Guangdong"),
)
# Capitalised, as shippers type them into the form.
IMPORT_GOODS = (("LED panels", "Cartons"), ("Printed books", "Cartons"), ("Ceramic tiles", "Pallets"))
EXPORT_GOODS = (("Skin care products", "Cartons"), ("Red wine", "Cases"), ("Frozen seafood", "Cartons"))
TRUCKS = ("LV2318", "KP8812", "RT4471", "NZ5093", "UF6620")


@dataclass(frozen=True)
class Lodge:
    """A submitter lodges a consignment's advance cargo information; the CCRN is remembered as ``key``."""

    due: datetime
    party: str
    key: str
    direction: road.Direction
    packages: int
    package_description: str
    goods: str
    consignor: tuple[str, str]
    consignee: tuple[str, str]
    crossing: datetime
    """When the truck is expected at the boundary, in the simulated day."""

    @property
    def label(self) -> str:
        return f"{self.party} lodges road consignment {self.key}"

    def run(self, session: Session, cast: Cast) -> Mapping[str, str]:
        data = road.CargoData(
            direction=self.direction,
            packages=self.packages,
            package_description=self.package_description,
            goods_description=self.goods,
            consignor_name=self.consignor[0],
            consignor_address=self.consignor[1],
            consignee_name=self.consignee[0],
            consignee_address=self.consignee[1],
            expected_at=utcnow() + (self.crossing - self.due),
            submitter_reference=self.key,
        )
        return {self.key: road.do_lodge(session, cast.parties.actor(self.party), data=data).ccrn}


@dataclass(frozen=True)
class Consolidate:
    """The submitter puts some of its consignments in a batch for binding."""

    due: datetime
    party: str
    key: str
    members: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.party} batches {', '.join(self.members)}"

    def run(self, session: Session, cast: Cast) -> Mapping[str, str]:
        ccrns = [cast.recall(member) for member in self.members]
        return {self.key: road.do_batch(session, cast.parties.actor(self.party), ccrns=ccrns).id}


@dataclass(frozen=True)
class Ask:
    """Hong Kong customs raises a query on a consignment."""

    due: datetime
    key: str
    consignment: str
    text: str

    @property
    def label(self) -> str:
        return f"customs queries {self.consignment}"

    def run(self, session: Session, cast: Cast) -> Mapping[str, str]:
        actor = cast.parties.actor("customs_hk")
        thread = road.do_raise_query(session, actor, ccrn=cast.recall(self.consignment), text=self.text)
        return {self.key: thread.query.id}


@dataclass(frozen=True)
class Answer:
    """The submitter replies in the query's thread."""

    due: datetime
    party: str
    query: str
    text: str

    @property
    def label(self) -> str:
        return f"{self.party} replies to {self.query}"

    def run(self, session: Session, cast: Cast) -> Mapping[str, str]:
        road.do_reply(session, cast.parties.actor(self.party), query_id=cast.recall(self.query), text=self.text)
        return {}


@dataclass(frozen=True)
class Bind:
    """The trucking company's driver binds a truck to consignments (or a batch) at a control point: a UBR."""

    due: datetime
    key: str
    vehicle: str
    control_point: road.ControlPoint
    direction: road.Direction
    consignments: tuple[str, ...] = ()
    batch: str | None = None

    @property
    def label(self) -> str:
        return f"driver binds {self.vehicle} at {self.control_point.value} ({self.key})"

    def run(self, session: Session, cast: Cast) -> Mapping[str, str]:
        bound = road.do_bind(
            session,
            cast.parties.driver_actor(),
            vehicle=self.vehicle,
            control_point=self.control_point,
            direction=self.direction,
            channel=road.Channel.WEB,
            ccrns=[cast.recall(c) for c in self.consignments] or None,
            batch=cast.recall(self.batch) if self.batch else None,
        )
        return {self.key: bound.binding.ubr}


@dataclass(frozen=True)
class Decide:
    """Customs at the control point decides GO or INSPECT for a binding."""

    due: datetime
    binding: str
    decision: road.Decision
    note: str = ""

    @property
    def label(self) -> str:
        return f"customs decides {self.decision.value} for {self.binding}"

    def run(self, session: Session, cast: Cast) -> Mapping[str, str]:
        road.do_decide(
            session,
            cast.parties.actor("customs_hk"),
            ubr=cast.recall(self.binding),
            decision=self.decision,
            note=self.note,
        )
        return {}


@dataclass(frozen=True)
class Cross:
    """Customs records the truck crossing."""

    due: datetime
    binding: str

    @property
    def label(self) -> str:
        return f"{self.binding} crosses"

    def run(self, session: Session, cast: Cast) -> Mapping[str, str]:
        road.do_cross(session, cast.parties.actor("customs_hk"), ubr=cast.recall(self.binding))
        return {}


def acts(scenario: Scenario) -> list[Act]:
    """The road cargo of the day (module docstring), as acts at simulated times."""
    rng = random.Random(f"{scenario.seed}:road")  # noqa: S311 - repeatable choices, not secrecy
    start = scenario.start

    def at(hours: float, spread: int = 0) -> datetime:
        return start + hours * HOUR + rng.randint(0, spread) * MINUTE

    trucks = rng.sample(TRUCKS, 3)
    lodged: list[Act] = []
    crossings = {"I1": 3.6, "I2": 3.6, "I3": 8.6, "E1": 5.9, "E2": 5.9, "E3": 5.9}
    for number, (goods, kind) in enumerate(IMPORT_GOODS, start=1):
        key = f"I{number}"
        lodged.append(
            Lodge(
                at(1.0, 5),
                "sme",
                key,
                road.Direction.IMPORT,
                rng.randint(12, 240),
                kind,
                goods,
                SUPPLIERS[number - 1],
                ("Lantau Trading Co", "Mui Wo, Lantau, Hong Kong"),
                start + crossings[key] * HOUR,
            )
        )
    for number, (goods, kind) in enumerate(EXPORT_GOODS, start=1):
        key = f"E{number}"
        lodged.append(
            Lodge(
                at(1 + 10 / 60, 3),
                "forwarder",
                key,
                road.Direction.EXPORT,
                rng.randint(12, 240),
                kind,
                goods,
                ("Victoria Freight Forwarding Ltd", "Kwai Chung, New Territories, Hong Kong"),
                BUYERS[number - 1],
                start + crossings[key] * HOUR,
            )
        )
    asked = at(1 + 40 / 60, 10)
    day: list[Act] = [
        *lodged,
        Consolidate(at(1.25), "forwarder", "B1", ("E1", "E2", "E3")),
        Ask(asked, "Q1", "I3", "Please state the glaze and the country of origin of the ceramic tiles."),
        Answer(asked + 25 * MINUTE, "sme", "Q1", "Glazed porcelain tiles, made in Foshan, China (origin CN)."),
        Bind(at(3.0), "U1", trucks[0], road.ControlPoint.LOK_MA_CHAU, road.Direction.IMPORT, ("I1", "I2")),
        Decide(at(3 + 35 / 60), "U1", road.Decision.GO),
        Cross(at(3 + 50 / 60), "U1"),
        Bind(at(5.0), "U2", trucks[1], road.ControlPoint.SHENZHEN_BAY, road.Direction.EXPORT, batch="B1"),
        Decide(at(5 + 40 / 60), "U2", road.Decision.INSPECT, "Random sample: open the rear doors."),
        Cross(at(7.0), "U2"),
        Bind(at(8.0), "U3", trucks[2], road.ControlPoint.MAN_KAM_TO, road.Direction.IMPORT, ("I3",)),
        Decide(at(8 + 35 / 60), "U3", road.Decision.GO),
        Cross(at(8 + 50 / 60), "U3"),
    ]
    return day
