"""The simulated day as an ordered list of steps: messages to send, grants, watches, links, customs polls (pure).

``build_plan(scenario)`` groups each party's items (``stories``) into messages by send time:
everything a party sends within one window goes out as one message when the window closes
(AIS every 10 minutes, DCSA and the terminal feed every 15, EDIFACT every 30), and what was
sent before the simulation starts goes out in the first batch. Before any message, each owner
grants the sharing a real port would have, and the consignee and the forwarder subscribe to
alerts on the containers they follow (the terminal shares a box's status and readings only with
those who hold its number, which an all-cargo subscription does not); once the first messages
are in, the forwarder links its House B/Ls (and its house air waybill, once the airline's first
status of the master air waybill is in). Boxes the forwarder has trucked (``trucks``) are
nominated to the trucking company, driven with the driver's phone sending its positions, and
delivered. The road cargo of the day (``road``) and any plug-in's part (``acts``) are acts the
parties take through the services. The mainland customs is polled every 15 minutes (the
runner asks the source, since its answer depends on the source, not on the plan).

Steps are ordered by due time, then grants, watches, messages, links, truck legs, acts, polls; the
same scenario always gives the same steps, byte for byte.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from harbourlink.references import ReferenceType
from harbourlink.sim import air, edifact, nmea, road, stories, trucks
from harbourlink.sim import elock as sealed
from harbourlink.sim import messages as m
from harbourlink.sim.acts import Act
from harbourlink.sim.scenario import MINUTE, Consignment, Scenario

T = TypeVar("T")
AIS_WINDOW, DCSA_WINDOW, FEED_WINDOW, EDI_WINDOW, POLL_EVERY = (
    10 * MINUTE,
    15 * MINUTE,
    15 * MINUTE,
    30 * MINUTE,
    15 * MINUTE,
)


@dataclass(frozen=True)
class Send:
    """A message one party sends through the inbound path."""

    due: datetime
    sender: str
    format_name: str
    raw: bytes
    label: str


@dataclass(frozen=True)
class Share:
    """A grant: ``owner`` shares ``reference`` with ``grantee`` by name, or with anyone holding it (None)."""

    due: datetime
    owner: str
    kind: ReferenceType
    reference: str
    grantee: str | None


@dataclass(frozen=True)
class Watch:
    """``party`` subscribes its company inbox to ``alert_types`` on one container it follows."""

    due: datetime
    party: str
    container: str
    alert_types: tuple[str, ...]


@dataclass(frozen=True)
class Link:
    """The forwarder links one of its House B/Ls to the carrier's Master B/L (``kind`` AWB: a house air
    waybill to the airline's master air waybill)."""

    due: datetime
    master_bl: str
    house_bl: str
    kind: str = "BL"


@dataclass(frozen=True)
class Poll:
    """Time to ask the customs source what changed."""

    due: datetime


@dataclass(frozen=True)
class Nominate:
    """The forwarder nominates the trucking company for a box; it accepts and assigns its driver and truck."""

    due: datetime
    haul: trucks.Haul


@dataclass(frozen=True)
class Drive:
    """The driver's phone sends the positions it holds (JSON, as the trip API takes them)."""

    due: datetime
    container: str
    positions: bytes


@dataclass(frozen=True)
class Deliver:
    """The truck is at the warehouse: at the demo warehouse company's store its clerk confirms the receipt (which
    ends the trip), elsewhere the driver ends the trip."""

    due: datetime
    haul: trucks.Haul


Step = Send | Share | Watch | Link | Nominate | Drive | Deliver | Poll | Act | sealed.Seal | sealed.LockSays
_PHASE = {
    Share: 0,
    Watch: 1,
    Send: 2,
    Link: 3,
    Nominate: 4,
    Drive: 5,
    Deliver: 6,
    Poll: 8,
    sealed.Seal: 9,
    sealed.LockSays: 10,
}
ACT_PHASE = 7
"""Acts come in many types (each story has its own), after the moment's messages and before its poll."""
CONTAINER_ALERTS = ("not_picked_up", "reefer_deviation", "reefer_power_off")
"""What a container watch is for: the all-cargo subscriptions the demo companies already have
tell the rest (delays, customs, B/Ls) once, and a second subscription would tell it twice."""


def build_plan(scenario: Scenario, *, acts: Sequence[Act] = ()) -> list[Step]:
    """Every step of the day, in the order the runner takes them; ``acts``: the plug-ins' part."""
    steps: list[Step] = [*_shares(scenario), *_watches(scenario), *_messages(scenario)]
    steps += [Link(scenario.start, c.mbl, house) for c in scenario.cargo for house in c.hbls]
    # A house air waybill is linked once the airline's first status of its master is in.
    steps += [
        Link(_first_message(scenario, shipment), shipment.awb, shipment.house, "AWB")
        for shipment in scenario.air
        if shipment.house
    ]
    for haul in trucks.hauls(scenario):
        steps.append(Nominate(haul.nominated, haul))
        steps += [Drive(at, haul.container, body) for at, body in haul.reports()]
        steps.append(Deliver(haul.arrives, haul))
    steps += [*road.acts(scenario), *acts]
    polls = int((scenario.end - scenario.start) / POLL_EVERY)
    steps += [Poll(scenario.start + POLL_EVERY * n) for n in range(polls + 1)]
    steps += sealed.steps(scenario.start)
    return sorted(steps, key=lambda s: (s.due, _PHASE.get(type(s), ACT_PHASE)))


def _first_message(scenario: Scenario, shipment: air.AirShipment) -> datetime:
    return min(due for due, _, _, label in _air_messages(scenario) if shipment.display in label)


def _air_messages(scenario: Scenario) -> list[tuple[datetime, str, bytes, str]]:
    return air.messages(scenario.air, start=scenario.start, end=scenario.end)


def _shares(scenario: Scenario) -> list[Share]:
    at = scenario.start
    shares: list[Share] = []
    for consignment in scenario.consignments:
        if consignment.hbls:  # the carrier's customer is the forwarder
            shares.append(Share(at, "carrier", ReferenceType.MBL, consignment.mbl, "forwarder"))
        shares.append(Share(at, "carrier", ReferenceType.MBL, consignment.mbl, None))
        for box in consignment.boxes:
            shares.append(Share(at, "terminal", ReferenceType.CONTAINER, box.number, None))
            if consignment.barge:
                shares.append(Share(at, "barge", ReferenceType.CONTAINER, box.number, None))
        if consignment.consignee:
            shares += [
                Share(at, "forwarder", ReferenceType.HBL, house, consignment.consignee) for house in consignment.hbls
            ]
        if consignment.declaration:
            declaration = consignment.declaration
            shares.append(Share(at, "customs", ReferenceType.DECLARATION, declaration.number, declaration.declarant))
    for waiting in scenario.yard:
        shares += [
            Share(at, "carrier", ReferenceType.MBL, waiting.mbl, "forwarder"),
            Share(at, "carrier", ReferenceType.MBL, waiting.mbl, None),
        ]
        shares += [Share(at, "terminal", ReferenceType.CONTAINER, box.number, None) for box in waiting.boxes]
    for shipment in scenario.air:
        # The airline shares its air waybill with the forwarder and opens it to holders of the number
        # (airlines' public tracking); the forwarder shares its house air waybill with the SME.
        shares += [
            Share(at, "airline", ReferenceType.AWB, shipment.awb, "forwarder"),
            Share(at, "airline", ReferenceType.AWB, shipment.awb, None),
        ]
        if shipment.house:
            shares.append(Share(at, "forwarder", ReferenceType.HAWB, shipment.house, "sme"))
    return shares


def _watches(scenario: Scenario) -> list[Watch]:
    """The consignee watches its own boxes; the forwarder every box under its House B/Ls."""
    watches: list[Watch] = []
    for cargo in scenario.cargo:
        parties = ["forwarder"] if cargo.hbls else []
        if isinstance(cargo, Consignment) and cargo.consignee:
            parties.insert(0, cargo.consignee)
        watches += [
            Watch(scenario.start, party, box.number, CONTAINER_ALERTS) for party in parties for box in cargo.boxes
        ]
    return watches


def windows(
    items: list[tuple[datetime, T]], *, start: datetime, end: datetime, width: timedelta
) -> list[tuple[datetime, list[T]]]:
    """Items grouped by the window their send time falls in, as (due, items); earlier ones go at the start."""
    groups: dict[datetime, list[T]] = {}
    for sent, item in sorted(items, key=lambda pair: pair[0]):
        if sent >= end:
            continue
        due = start if sent < start else start + width * ((sent - start) // width + 1)
        groups.setdefault(due, []).append(item)
    return sorted(groups.items(), key=lambda pair: pair[0])


def _batches(scenario: Scenario, items: list[tuple[datetime, T]], width: timedelta) -> list[tuple[datetime, list[T]]]:
    return windows(items, start=scenario.start, end=scenario.end, width=width)


def _keyed(
    scenario: Scenario,
    items: list[tuple[datetime, tuple[str, T]]],
    width: timedelta,
) -> list[tuple[datetime, str, list[T]]]:
    """Windows per key (terminal or call), as (due, key, items)."""
    batches = []
    for due, group in _batches(scenario, items, width):
        for key in sorted({k for k, _ in group}):
            batches.append((due, key, [item for k, item in group if k == key]))
    return batches


def _messages(scenario: Scenario) -> list[Send]:
    sends: list[Send] = []
    for sender, events in (("carrier", stories.carrier(scenario)), ("barge", stories.barge_operator(scenario))):
        sends += [
            Send(due, sender, "dcsa-tnt-2.2", m.dcsa_events(batch), f"{len(batch)} DCSA events")
            for due, batch in _batches(scenario, events, DCSA_WINDOW)
        ]
    sends += [
        Send(
            due, "ais", "ais-nmea", nmea.feed([line for lines in batch for line in lines]), f"{len(batch)} AIS reports"
        )
        for due, batch in _batches(scenario, stories.ais(scenario), AIS_WINDOW)
    ]
    sends += _terminal_messages(scenario)
    sends += [Send(due, "airline", form, raw, label) for due, form, raw, label in _air_messages(scenario)]
    return sends


def _terminal_messages(scenario: Scenario) -> list[Send]:
    sends: list[Send] = []
    feed_items = [(sent, (terminal, ("release", item))) for sent, (terminal, item) in stories.releases(scenario)]
    feed_items += [(sent, (terminal, ("reading", item))) for sent, (terminal, item) in stories.readings(scenario)]
    for due, terminal, batch in _keyed(scenario, feed_items, FEED_WINDOW):
        raw = m.terminal_feed(
            terminal,
            releases=[item for kind, item in batch if kind == "release"],
            readings=[item for kind, item in batch if kind == "reading"],
        )
        sends.append(Send(due, "terminal", "terminal-json", raw, f"{terminal} feed, {len(batch)} items"))
    counter = _Counter(scenario.start)
    for due, key, moves in _keyed(scenario, stories.vessel_moves(scenario), EDI_WINDOW):
        call = scenario.call(key)
        raw = edifact.coarri(call, moves, control_ref=counter.next(call.terminal), prepared=due)
        sends.append(Send(due, "terminal", "edifact", raw, f"COARRI {call.vessel.name}, {len(moves)} moves"))
    for due, terminal, gate in _keyed(scenario, stories.gate_moves(scenario), EDI_WINDOW):
        raw = edifact.codeco(terminal, gate, control_ref=counter.next(terminal), prepared=due)
        sends.append(Send(due, "terminal", "edifact", raw, f"CODECO {terminal}, {len(gate)} moves"))
    return sends


class _Counter:
    """Interchange control references (UNB 0020, up to 14 characters): terminal, day, serial.

    The day keeps another simulated day's interchanges from repeating this one's references,
    which HarbourLink would rightly take for re-sent duplicates.
    """

    def __init__(self, day: datetime) -> None:
        self._day = f"{day:%y%m%d}"
        self._next: dict[str, int] = {}

    def next(self, terminal: str) -> str:
        number = self._next.get(terminal, 1)
        self._next[terminal] = number + 1
        return f"{terminal[:2]}{self._day}{number:06d}"
