"""The tracking timeline as the API and the page show it: events, vessel, schedule, containers, customs, air."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from harbourlink.events import Event
from harbourlink.references import ReferenceType, find_terminal
from harbourlink.tracking.air import AirWaybillView, air_waybills
from harbourlink.tracking.timeline import Found, age_seconds, ship_and_track
from harbourlink.vessels import Vessel, VesselPosition, estimate_arrival, port_position

CUSTOMS_STATUS = {
    "SUBM": "submitted",
    "ACPT": "accepted",
    "CUSS": "selected_for_scan",
    "CUSI": "selected_for_inspection",
    "HOLD": "held",
    "CUSR": "released",
    "REJE": "rejected",
}


class ReferenceView(BaseModel):
    kind: str
    value: str


class LedgerMark(BaseModel):
    """Where an event stands in the tamper-evident ledger (docs/ledger.md); its links answer only
    callers who may see the event, like the event itself."""

    status: Literal["logged", "queued"] = Field(
        description="logged: in the log under a signed checkpoint; queued: stored with the event and added to "
        "the log within seconds (until then its proof and bundle answer 409)"
    )
    leaf_index: int | None = Field(description="the index of the event's entry in the log; null while queued")
    proof_url: str = Field(
        description="its inclusion proof, GET /api/v1/ledger/events/{id}/proof; in a tracking "
        "timeline it names the tracked number (?reference=), so it answers whoever "
        "sees that timeline"
    )
    bundle_url: str = Field(
        description="its proof bundle for harbourlink-verify, GET /api/v1/ledger/events/{id}/"
        "bundle (with ?reference= like proof_url); add field=… for each field to "
        "disclose"
    )


class EventView(BaseModel):
    id: str
    event_type: str
    event_code: str
    classifier: str
    event_time: datetime
    location: str | None
    facility: str | None
    vessel_imo: str | None
    vessel_name: str | None
    voyage: str | None
    mode_of_transport: str | None
    references: list[ReferenceView]
    source: str
    received_at: datetime
    details: dict[str, Any]
    ledger: LedgerMark | None = Field(
        default=None,
        description="where the event stands in the tamper-evident "
        "ledger; null when it is not in it (stored before the ledger started)",
    )


class Position(BaseModel):
    latitude: float
    longitude: float
    at: datetime
    age_seconds: int | None
    speed_knots: float | None
    course: float | None
    time_source: str = Field(
        default="receiver",
        description="where `at` comes from: `receiver`, the receive time "
        "on the AIS sentence; `arrival`, the time its message reached HarbourLink (the sentence "
        "carried none)",
    )


class VesselView(BaseModel):
    imo: str
    name: str | None
    mmsi: str | None
    position: Position | None
    track: list[tuple[float, float]]


class Estimate(BaseModel):
    """One source's word on a time: a carrier's plan, a terminal's estimate, AIS, the actual."""

    classifier: str
    time: datetime
    source: str
    received_at: datetime
    age_seconds: int | None
    from_ais: bool = Field(default=False, description="the crew-entered ETA of the ship's AIS report (often stale)")
    from_positions: bool = Field(
        default=False, description="estimated from AIS positions: distance to the terminal over recent speed"
    )
    note: str | None = Field(default=None, description="the AIS destination, or the distance left in nautical miles")


class ScheduleEntry(BaseModel):
    event_code: str
    location: str | None
    facility: str | None
    vessel_name: str | None
    voyage: str | None
    estimates: list[Estimate]


class Leg(BaseModel):
    mode_of_transport: str | None
    vessel_name: str | None
    vessel_imo: str | None
    voyage: str | None
    origin: str | None
    destination: str | None
    departed: datetime | None
    arrived: datetime | None


class Release(BaseModel):
    status: str
    holds: list[str]
    at: datetime
    facility: str | None
    free_time_ends: str | None
    source: str


class ReeferReading(BaseModel):
    at: datetime
    temperature: float | None
    setpoint: float | None
    power: str


class ContainerView(BaseModel):
    number: str
    last_event: EventView | None
    release: Release | None
    setpoint: float | None
    readings: list[ReeferReading]


class CustomsView(BaseModel):
    declaration: str
    status: str
    at: datetime
    source: str
    history: list[EventView]


class TrackingView(BaseModel):
    """The whole picture of one tracked reference."""

    reference: str
    matched: list[ReferenceView]
    linked_house_bls: list[str]
    linked_house_awbs: list[str] = Field(
        default_factory=list, description="house air waybills linked to the air waybills found, that the caller may see"
    )
    events: list[EventView] = Field(
        description="every event visible to the caller by its references (the owners' grants), oldest first"
    )
    vessel: VesselView | None = Field(description="the ship carrying the cargo now, with its AIS position")
    schedule: list[ScheduleEntry] = Field(
        description="each departure and arrival with every source's time. Besides the events above, it holds the "
        "times of the vessel calls the caller's cargo is on as their publishers (carriers, terminals) "
        "announced them, even when those publishers share nothing else with the caller, unless they "
        "withhold their vessel calls (PUT /api/v1/sharing-policy)"
    )
    legs: list[Leg]
    containers: list[ContainerView]
    customs: list[CustomsView]
    air: list[AirWaybillView] = Field(
        default_factory=list,
        description="each air waybill found: route, pieces and "
        "weight, flights with planned, estimated and actual times, statuses",
    )

    def each_event(self) -> Iterator[EventView]:
        """Every event shown anywhere in the view: the timeline, containers' last moves, customs histories."""
        yield from self.events
        yield from (box.last_event for box in self.containers if box.last_event is not None)
        yield from (event for declaration in self.customs for event in declaration.history)


def _event_view(found: Found, event: Event) -> EventView:
    return event_view(event, found.references.get(event.seq, []), found.owners)


def event_view(event: Event, references: list[tuple[str, str]], owners: dict[str, str]) -> EventView:
    """One stored event as the API shows it, named by its source company."""
    return EventView(
        id=event.id,
        event_type=event.event_type,
        event_code=event.event_code,
        classifier=event.classifier,
        event_time=event.event_time,
        location=event.location,
        facility=event.facility,
        vessel_imo=event.vessel_imo,
        vessel_name=event.vessel_name,
        voyage=event.voyage,
        mode_of_transport=event.mode_of_transport,
        references=[ReferenceView(kind=k, value=v) for k, v in sorted(references)],
        source=owners[event.owner_org_id],
        received_at=event.received_at,
        details={k: v for k, v in event.details.items() if k != "dcsa"},
    )


def _schedule(found: Found) -> list[ScheduleEntry]:
    entries: dict[tuple[str, str | None, str | None], ScheduleEntry] = {}
    # The terminal is the one last announced: a berth moved to another terminal replaces the plan's.
    announced: dict[tuple[str, str | None, str | None], datetime] = {}
    for event in found.vessel_events:
        if event.event_type != "TRANSPORT":
            continue
        key = (event.event_code, event.location, event.voyage)
        entry = entries.setdefault(
            key,
            ScheduleEntry(
                event_code=event.event_code,
                location=event.location,
                facility=event.facility,
                vessel_name=event.vessel_name,
                voyage=event.voyage,
                estimates=[],
            ),
        )
        issued = event.created_time or event.received_at
        if event.facility and (key not in announced or issued >= announced[key]):
            entry.facility, announced[key] = event.facility, issued
        estimate = Estimate(
            classifier=event.classifier,
            time=event.event_time,
            source=found.owners[event.owner_org_id],
            received_at=event.received_at,
            age_seconds=age_seconds(event.received_at),
        )
        # The same word again (a carrier repeats a call's times for each B/L on board) is one row, its latest.
        word = (estimate.classifier, estimate.time, estimate.source)
        same = next((i for i, e in enumerate(entry.estimates) if (e.classifier, e.time, e.source) == word), None)
        if same is None:
            entry.estimates.append(estimate)
        elif estimate.received_at >= entry.estimates[same].received_at:
            entry.estimates[same] = estimate
    return list(entries.values())


def _legs(found: Found) -> list[Leg]:
    legs: dict[tuple[str | None, str | None, str | None], Leg] = {}
    for event in found.vessel_events:
        if event.event_type != "TRANSPORT" and event.event_code not in ("LOAD", "DISC"):
            continue
        key = (event.mode_of_transport, event.vessel_imo or event.vessel_name, event.voyage)
        leg = legs.setdefault(
            key,
            Leg(
                mode_of_transport=event.mode_of_transport,
                vessel_name=event.vessel_name,
                vessel_imo=event.vessel_imo,
                voyage=event.voyage,
                origin=None,
                destination=None,
                departed=None,
                arrived=None,
            ),
        )
        if event.event_code in ("DEPA", "LOAD") and leg.origin is None:
            leg.origin = event.location
            leg.departed = event.event_time if event.classifier == "ACT" else leg.departed
        if event.event_code in ("ARRI", "DISC"):
            leg.destination = event.location
            leg.arrived = event.event_time if event.classifier == "ACT" else leg.arrived
    return list(legs.values())


def _containers(found: Found) -> list[ContainerView]:
    # Grouped in one pass: looking each box up in every event's references cost boxes × events.
    by_box: dict[str, list[Event]] = {}
    for event in found.events:
        for kind, value in found.references.get(event.seq, ()):
            if kind == ReferenceType.CONTAINER.value:
                by_box.setdefault(value, []).append(event)
    views = []
    for number in sorted(by_box):
        mine = by_box[number]
        moves = [e for e in mine if e.event_type == "EQUIPMENT" and e.classifier == "ACT"]
        releases = [e for e in mine if e.event_type == "RELEASE"]
        readings = [e for e in mine if e.event_type == "REEFER"]
        last_release = releases[-1] if releases else None
        views.append(
            ContainerView(
                number=number,
                last_event=_event_view(found, moves[-1]) if moves else None,
                release=None
                if last_release is None
                else Release(
                    status=last_release.details.get("release_status", last_release.event_code),
                    holds=list(last_release.details.get("holds", [])),
                    at=last_release.event_time,
                    facility=last_release.facility,
                    free_time_ends=last_release.details.get("free_time_ends"),
                    source=found.owners[last_release.owner_org_id],
                ),
                setpoint=next((e.details.get("setpoint") for e in reversed(readings) if "setpoint" in e.details), None),
                readings=[
                    ReeferReading(
                        at=e.event_time,
                        temperature=e.details.get("temperature"),
                        setpoint=e.details.get("setpoint"),
                        power=e.details.get("power", "ON"),
                    )
                    for e in readings
                ],
            )
        )
    return views


def _customs(found: Found) -> list[CustomsView]:
    declarations: dict[str, list[Event]] = {}
    for event in found.events:
        if event.event_type == "CUSTOMS":
            for kind, value in found.references.get(event.seq, []):
                if kind == ReferenceType.DECLARATION.value:
                    declarations.setdefault(value, []).append(event)
    return [
        CustomsView(
            declaration=number,
            status=CUSTOMS_STATUS.get(history[-1].event_code, history[-1].event_code),
            at=history[-1].event_time,
            source=found.owners[history[-1].owner_org_id],
            history=[_event_view(found, e) for e in history],
        )
        for number, history in sorted(declarations.items())
    ]


TRACK_POINTS = 120
"""Positions drawn on the map; the newest ``ESTIMATE_POINTS`` of them also estimate the arrival."""
ESTIMATE_POINTS = 60


def _vessel(session: Session, found: Found) -> tuple[VesselView | None, Vessel | None, list[VesselPosition]]:
    carrying = [e for e in found.vessel_events if e.vessel_imo and e.mode_of_transport in (None, "VESSEL", "BARGE")]
    if not carrying:
        return None, None, []
    current = max(carrying, key=lambda e: (e.classifier == "ACT", e.event_time))
    vessel, positions = ship_and_track(session, found, current.vessel_imo, limit=TRACK_POINTS)
    position = positions[-1] if positions else None
    view = VesselView(
        imo=current.vessel_imo or "",
        name=current.vessel_name or (vessel.name if vessel else None),
        mmsi=vessel.mmsi if vessel else None,
        position=None
        if position is None
        else Position(
            latitude=position.latitude,
            longitude=position.longitude,
            at=position.at,
            age_seconds=age_seconds(position.at),
            speed_knots=position.speed_knots,
            course=position.course,
            time_source=position.time_source,
        ),
        track=[(p.latitude, p.longitude) for p in positions],
    )
    return view, vessel, positions


def _add_ais_estimates(ship: Vessel | None, positions: list[VesselPosition], schedule: list[ScheduleEntry]) -> None:
    """Two AIS views of the next arrival with no actual time yet, beside the companies' own.

    The crew's ETA from the ship's static report (often left stale), and an estimate from the
    ship's recent positions: distance to the terminal over recent speed. AIS is broadcast in the
    clear, so neither needs a grant.
    """
    if ship is None:
        return
    upcoming = next(
        (
            entry
            for entry in schedule
            if entry.event_code == "ARRI" and all(e.classifier != "ACT" for e in entry.estimates)
        ),
        None,
    )
    if upcoming is None:
        return
    if ship.eta is not None:
        upcoming.estimates.append(
            Estimate(
                classifier="EST",
                time=ship.eta,
                source="AIS",
                note=ship.destination,
                received_at=ship.updated_at,
                age_seconds=age_seconds(ship.updated_at),
                from_ais=True,
            )
        )
    target = _destination(upcoming)
    recent = positions[-ESTIMATE_POINTS:]
    derived = estimate_arrival(recent, target) if target and recent else None
    if derived is not None:
        upcoming.estimates.append(
            Estimate(
                classifier="EST",
                time=derived.arrival,
                source="AIS positions",
                note=f"{derived.distance_nm:.0f} nm",
                received_at=recent[-1].at,
                age_seconds=age_seconds(recent[-1].at),
                from_positions=True,
            )
        )


def _destination(entry: ScheduleEntry) -> tuple[float, float] | None:
    """Where the ship is going: the terminal's position if known, else the port's."""
    terminal = find_terminal(entry.location, entry.facility) if entry.location and entry.facility else None
    if terminal is not None and terminal.latitude is not None and terminal.longitude is not None:
        return terminal.latitude, terminal.longitude
    return port_position(entry.location)


def build_view(session: Session, found: Found) -> TrackingView:
    """Projects the found events into the tracking picture (one query more when AIS knows the ship)."""
    (vessel, ship, positions), schedule = _vessel(session, found), _schedule(found)
    _add_ais_estimates(ship, positions, schedule)
    return TrackingView(
        reference=found.query,
        matched=[ReferenceView(kind=k, value=v) for k, v in found.matched],
        linked_house_bls=found.linked_houses,
        linked_house_awbs=found.linked_house_awbs,
        events=[_event_view(found, e) for e in found.events],
        vessel=vessel,
        schedule=schedule,
        legs=_legs(found),
        containers=_containers(found),
        customs=_customs(found),
        air=air_waybills(found.events, found.references, found.owners),
    )
