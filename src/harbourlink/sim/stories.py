"""What each party says about the scenario, and when it says it (pure).

Each function walks the scenario and returns ``(sent, item)`` pairs: the moment the party's
system sends the item (an event happens, then is reported minutes later; a plan or estimate is
sent hours before the time it names) and the item itself, ready for ``messages``, ``edifact`` or
``nmea`` to put in a message. ``plan`` groups the pairs into messages by send time.

- carrier: per Master B/L, the voyage (previous port's departure, Hong Kong arrival planned,
  estimated twice and actual; for exports the departure and the next port's estimate), the
  boxes' loads, discharges and gate moves, the bill's issue and release; for a shut-out export
  the draft's approval and the void; for boxes already in the yard their discharge and release;
- barge operator: the river legs of barged boxes;
- terminal: COARRI and CODECO moves, release status (of the boxes already in the yard too),
  reefer readings every 15 minutes (with the scenario's excursion and power-off gap);
- AIS feed: every ship's positions and static data.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from harbourlink.sim import messages as m
from harbourlink.sim import nmea
from harbourlink.sim.edifact import GateMove, VesselMove
from harbourlink.sim.scenario import DAY, FREE_TIME, HONG_KONG, HOUR, MINUTE, Box, Call, Consignment, Scenario

READING_EVERY = timedelta(minutes=15)
Event = dict[str, Any]


def _voyage(call: Call, docs: m.Documents, consignment: Consignment, start: datetime) -> list[tuple[datetime, Event]]:
    """The transport events a Master B/L's holder is told of its ship's Hong Kong call."""
    arrival = call.arrival
    events: list[tuple[datetime, Event]] = []

    def add(
        code: str, classifier: str, at: datetime, sent: datetime, *, port: str = HONG_KONG, inbound: bool | None = None
    ) -> None:
        facility = None
        if port == HONG_KONG:
            facility = (call.first_announced or call.terminal) if classifier == "PLN" else call.terminal
        events.append(
            (
                sent,
                m.transport_event(
                    call,
                    docs,
                    code=code,
                    classifier=classifier,
                    at=at,
                    sent=sent,
                    port=port,
                    facility=facility,
                    inbound=inbound,
                ),
            )
        )

    published = start - 48 * HOUR
    add("ARRI", "PLN", call.planned_arrival, published)
    add("ARRI", "ACT", arrival, arrival + 5 * MINUTE)
    if consignment.direction == "IMPORT":
        left = call.departed_previous
        add("DEPA", "ACT", left, left + 10 * MINUTE, port=call.previous_port, inbound=False)
        add("ARRI", "EST", arrival + 25 * MINUTE, arrival - 6 * HOUR)
        add("ARRI", "EST", arrival, arrival - 90 * MINUTE)
    else:
        add("DEPA", "PLN", call.departure - 30 * MINUTE, published)
        add("DEPA", "EST", call.departure, call.departure - 3 * HOUR)
        add("DEPA", "ACT", call.departure, call.departure + 5 * MINUTE)
        add("ARRI", "EST", call.arrives_next, call.departure + 15 * MINUTE, port=call.next_port, inbound=True)
    return events


def carrier(scenario: Scenario) -> list[tuple[datetime, Event]]:
    """The shipping line's DCSA events, by Master B/L."""
    items: list[tuple[datetime, Event]] = []
    for consignment in scenario.consignments:
        call = scenario.call(consignment.call)
        docs = m.Documents(consignment.booking, consignment.mbl)
        voyage = _voyage(call, docs, consignment, scenario.start)
        numbers = [box.number for box in consignment.boxes]
        for box in consignment.boxes:
            items += _carrier_moves(call, docs, consignment, box)
        if consignment.shut_out is not None:
            # Once the bill is void the carrier tells its holder nothing more of that voyage.
            items += [(sent, event) for sent, event in voyage if sent < consignment.shut_out]
            items += _withdrawn(call, docs, consignment.shut_out, numbers)
            continue
        items += voyage
        if consignment.direction == "IMPORT":
            issued = call.departed_previous + 2 * HOUR
            released = min(b.hold_released or b.arrives for b in consignment.boxes)
            items.append(
                (
                    released + 2 * MINUTE,
                    m.shipment_event(
                        docs,
                        code="RELS",
                        at=released,
                        sent=released + 2 * MINUTE,
                        containers=numbers,
                        reason="Freight and charges paid; original bills surrendered",
                    ),
                )
            )
        else:
            issued = call.departure + 2 * HOUR
        items.append(
            (
                issued + MINUTE,
                m.shipment_event(
                    docs,
                    code="ISSU",
                    at=issued,
                    sent=issued + MINUTE,
                    containers=numbers,
                    reason="Bill of lading issued",
                ),
            )
        )
    return items + _yard_bills(scenario)


def _withdrawn(call: Call, docs: m.Documents, voided: datetime, numbers: list[str]) -> list[tuple[datetime, Event]]:
    """A shut-out export's bill: the shipper approved the draft the day before the ship came; void before sailing."""
    approved = call.arrival - DAY
    return [
        (
            approved + MINUTE,
            m.shipment_event(
                docs,
                code="APPR",
                at=approved,
                sent=approved + MINUTE,
                containers=numbers,
                reason="Draft bill of lading approved",
            ),
        ),
        (
            voided + 2 * MINUTE,
            m.shipment_event(
                docs,
                code="VOID",
                at=voided,
                sent=voided + 2 * MINUTE,
                containers=numbers,
                reason="Shut out; withdrawn from this voyage's manifest",
            ),
        ),
    ]


def _yard_bills(scenario: Scenario) -> list[tuple[datetime, Event]]:
    """The bills of boxes already in the yard: issued at origin, boxes discharged, bill released."""
    items: list[tuple[datetime, Event]] = []
    for waiting in scenario.yard:
        docs = m.Documents(waiting.booking, waiting.mbl)
        numbers = [box.number for box in waiting.boxes]
        discharged = min(box.arrives for box in waiting.boxes)
        issued = discharged - 3 * DAY
        items.append(
            (
                issued + MINUTE,
                m.shipment_event(
                    docs,
                    code="ISSU",
                    at=issued,
                    sent=issued + MINUTE,
                    containers=numbers,
                    reason="Bill of lading issued",
                ),
            )
        )
        for box in waiting.boxes:
            # The call it came on is days past: the discharge names only the place.
            sent = box.arrives + 20 * MINUTE
            items.append(
                (
                    sent,
                    m.equipment_event(
                        box, docs, code="DISC", at=box.arrives, sent=sent, port=HONG_KONG, facility=waiting.terminal
                    ),
                )
            )
        released = min(box.hold_released or box.arrives for box in waiting.boxes)
        items.append(
            (
                released + 2 * MINUTE,
                m.shipment_event(
                    docs,
                    code="RELS",
                    at=released,
                    sent=released + 2 * MINUTE,
                    containers=numbers,
                    reason="Freight and charges paid; original bills surrendered",
                ),
            )
        )
    return items


def _carrier_moves(call: Call, docs: m.Documents, consignment: Consignment, box: Box) -> list[tuple[datetime, Event]]:
    moves: list[tuple[datetime, Event]] = []

    def add(code: str, at: datetime, port: str, *, on_call: bool, inbound: bool | None = None) -> None:
        facility = call.terminal if port == HONG_KONG else None
        sent = at + (5 if on_call else 20) * MINUTE
        moves.append(
            (
                sent,
                m.equipment_event(
                    box,
                    docs,
                    code=code,
                    at=at,
                    sent=sent,
                    port=port,
                    facility=facility,
                    call=call if on_call else None,
                    inbound=inbound,
                ),
            )
        )

    if consignment.direction == "IMPORT":
        add("LOAD", call.departed_previous - 3 * HOUR, call.previous_port, on_call=True, inbound=False)
        add("DISC", box.arrives, HONG_KONG, on_call=True)
        if box.truck_out:
            add("GTOT", box.leaves, HONG_KONG, on_call=False)
    else:
        if box.truck_in:
            add("GTIN", box.arrives, HONG_KONG, on_call=False)
        if consignment.shut_out is None:
            add("LOAD", box.leaves, HONG_KONG, on_call=True)
    return moves


def barge_operator(scenario: Scenario) -> list[tuple[datetime, Event]]:
    """The river-trade barge operator's DCSA events for the boxes it carries."""
    items: list[tuple[datetime, Event]] = []
    for consignment in scenario.consignments:
        if consignment.barge is None:
            continue
        barge = scenario.call(consignment.barge)
        docs = m.Documents(consignment.booking, consignment.mbl)
        river = barge.next_port
        for box in consignment.boxes:
            if consignment.direction == "IMPORT":
                legs = [
                    ("E", "LOAD", box.leaves, HONG_KONG, None),
                    ("T", "DEPA", barge.departure, HONG_KONG, None),
                    ("T", "ARRI", barge.arrives_next, river, True),
                    ("E", "DISC", barge.arrives_next + 40 * MINUTE, river, True),
                ]
            else:
                legs = [
                    ("E", "LOAD", barge.departed_previous - HOUR, river, False),
                    ("T", "DEPA", barge.departed_previous, river, False),
                    ("T", "ARRI", barge.arrival, HONG_KONG, None),
                    ("E", "DISC", box.arrives, HONG_KONG, None),
                ]
            for family, code, at, port, inbound in legs:
                sent = at + 5 * MINUTE
                facility = barge.terminal if port == HONG_KONG else None
                event = (
                    m.equipment_event(
                        box,
                        docs,
                        code=code,
                        at=at,
                        sent=sent,
                        port=port,
                        facility=facility,
                        call=barge,
                        inbound=inbound,
                    )
                    if family == "E"
                    else m.transport_event(
                        barge,
                        docs,
                        code=code,
                        classifier="ACT",
                        at=at,
                        sent=sent,
                        port=port,
                        facility=facility,
                        inbound=inbound,
                    )
                )
                items.append((sent, event))
    return items


def vessel_moves(scenario: Scenario) -> list[tuple[datetime, tuple[str, VesselMove]]]:
    """COARRI moves, keyed by the call (ship or barge) they were made on."""
    items: list[tuple[datetime, tuple[str, VesselMove]]] = []
    for consignment in scenario.consignments:
        call = scenario.call(consignment.call)
        barge = scenario.call(consignment.barge) if consignment.barge else None
        for box in consignment.boxes:
            if consignment.direction == "IMPORT":
                moves = [(call, "DISC", box.arrives, call.previous_port, HONG_KONG)]
                if barge is not None:
                    moves.append((barge, "LOAD", box.leaves, HONG_KONG, barge.next_port))
            else:
                moves = [] if consignment.shut_out else [(call, "LOAD", box.leaves, HONG_KONG, call.next_port)]
                if barge is not None:
                    moves.append((barge, "DISC", box.arrives, barge.previous_port, HONG_KONG))
            for on, code, at, loaded, discharged in moves:
                move = VesselMove(box, code, at, consignment.mbl, loaded, discharged)
                items.append((at + 7 * MINUTE, (on.key, move)))
    return items


def gate_moves(scenario: Scenario) -> list[tuple[datetime, tuple[str, GateMove]]]:
    """CODECO moves, keyed by terminal."""
    items: list[tuple[datetime, tuple[str, GateMove]]] = []
    for consignment in scenario.consignments:
        terminal = scenario.call(consignment.call).terminal
        for box in consignment.boxes:
            if box.truck_in:
                items.append(
                    (
                        box.arrives + 4 * MINUTE,
                        (terminal, GateMove(box, "GTIN", box.arrives, consignment.mbl, box.truck_in)),
                    )
                )
            if box.truck_out:
                items.append(
                    (
                        box.leaves + 4 * MINUTE,
                        (terminal, GateMove(box, "GTOT", box.leaves, consignment.mbl, box.truck_out)),
                    )
                )
    return items


def _in_yard(scenario: Scenario, *, imports: bool = False) -> list[tuple[str, str, Box]]:
    """(terminal, Master B/L, box) of every box the terminals hold in the day (with ``imports``, import boxes only)."""
    found = [
        (scenario.call(c.call).terminal, c.mbl, box)
        for c in scenario.consignments
        if not imports or c.direction == "IMPORT"
        for box in c.boxes
    ]
    return found + [(waiting.terminal, waiting.mbl, box) for waiting in scenario.yard for box in waiting.boxes]


def releases(scenario: Scenario) -> list[tuple[datetime, tuple[str, Event]]]:
    """Import boxes' release status in the terminal feed: held, released, available for pick-up."""
    items: list[tuple[datetime, tuple[str, Event]]] = []
    for terminal, mbl, box in _in_yard(scenario, imports=True):
        released = box.hold_released or box.arrives
        steps = [
            (
                box.arrives + 5 * MINUTE,
                m.release_item(box, status="HOLD", at=box.arrives + 5 * MINUTE, mbl=mbl, holds=["LINE"]),
            ),
            (
                released + 10 * MINUTE,
                m.release_item(
                    box, status="RELEASED", at=released + 10 * MINUTE, mbl=mbl, free_time_ends=box.arrives + FREE_TIME
                ),
            ),
            (released + 30 * MINUTE, m.release_item(box, status="AVAILABLE", at=released + 30 * MINUTE, mbl=mbl)),
        ]
        items += [(at + MINUTE, (terminal, item)) for at, item in steps if at < box.leaves]
    return items


def readings(scenario: Scenario) -> list[tuple[datetime, tuple[str, Event]]]:
    """Reefer readings every 15 minutes while a reefer is in the terminal, from the start on."""
    items: list[tuple[datetime, tuple[str, Event]]] = []
    for terminal, _, box in _in_yard(scenario):
        if box.setpoint is not None:
            items += [(at + MINUTE, (terminal, item)) for at, item in _box_readings(box, scenario.seed, scenario.start)]
    return items


def _box_readings(box: Box, seed: int, start: datetime) -> list[tuple[datetime, Event]]:
    assert box.setpoint is not None  # noqa: S101 - callers pass reefers only
    rng = random.Random(f"{seed}:{box.number}")  # noqa: S311 - repeatable noise, not secrecy
    chilled = box.setpoint > 0
    first = box.arrives + (-(box.arrives - start) % READING_EVERY)
    found = []
    for index, at in enumerate(_quarters(first, box.leaves)):
        offset = _anomaly(box.anomaly, index)
        if offset is None:
            continue
        if offset == "off":
            found.append((at, m.reading_item(box, at=at, supply_air=None, return_air=None)))
            continue
        supply = round(box.setpoint + float(offset) + rng.gauss(0, 0.2), 1)
        found.append(
            (
                at,
                m.reading_item(
                    box,
                    at=at,
                    supply_air=supply,
                    return_air=round(supply + rng.uniform(0.8, 1.6), 1),
                    humidity=round(rng.uniform(85, 92)) if chilled else None,
                ),
            )
        )
    return [(at, item) for at, item in found if at >= start]


def _quarters(first: datetime, end: datetime) -> list[datetime]:
    count = max(0, -(-(end - first) // READING_EVERY))
    return [first + READING_EVERY * n for n in range(count)]


def _anomaly(kind: str | None, index: int) -> float | str | None:
    """Degrees above setpoint at reading ``index``; ``off`` for a power-off report; None for no reading."""
    if kind == "excursion" and 4 <= index <= 8:
        return (3.6, 5.1, 6.3, 5.4, 4.2)[index - 4]
    if kind == "power_off" and index == 3:
        return "off"
    if kind == "power_off" and 4 <= index <= 6:
        return None  # unplugged: the unit reports nothing for an hour
    if kind == "power_off" and 7 <= index <= 9:
        return (2.6, 1.3, 0.5)[index - 7]
    return 0.0


def ais(scenario: Scenario) -> list[tuple[datetime, list[str]]]:
    """Every ship's AIS sentences in the day, by receive time."""
    items: list[tuple[datetime, list[str]]] = []
    for number, call in enumerate(scenario.calls):
        for fix in nmea.fixes(call, scenario.start, scenario.end):
            items.append((fix.at, nmea.position_lines(fix)))
        for sequence, moment in enumerate(nmea.static_times(call, scenario.start, scenario.end)):
            items.append((moment, nmea.static_lines(call, moment, sequence=number + sequence)))
    return items
