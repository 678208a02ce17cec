"""Use cases of binding: a vehicle bound to consignments for a crossing (a UBR), cancelled in full or in
part, enquired by UBR, by CCRN or for the earliest crossing time.

Every function takes the acting user and the channel, and none knows HTTP: the web page, the API and
the phone channel (IVRS) call the same ones. Binding needs only the consignments' numbers, as at the
boundary, and the company's active opt-in to road binding. A CCRN is in at most one live binding:
the database holds that too (``RoadBindingItem.live_ccrn`` is unique), so of two binds racing for a
consignment one is refused.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from harbourlink import events, identity
from harbourlink.identity import Service
from harbourlink.kernel import Actor, ValidationFailed, new_id, utcnow
from harbourlink.road import repository
from harbourlink.road.domain import (
    CONTROL_POINT_NAMES,
    Channel,
    ConsignmentStatus,
    ControlPoint,
    Decision,
    Direction,
    earliest_crossing,
    new_ubr,
    parse_ubr,
)
from harbourlink.road.errors import (
    AlreadyBound,
    BindingNotFound,
    ConsignmentNotFound,
    InvalidNumber,
    MixedDirections,
    NotChangeable,
)
from harbourlink.road.models import RoadBatch, RoadBinding, RoadBindingItem, RoadConsignment
from harbourlink.road.schemas import BindingRead
from harbourlink.road.service import ccrn_of, check_service, check_write

BOUND_CODE = "SUBM"
"""A binding is the cargo submitted to customs for crossing (a CUSTOMS event); its cancel is a SHIPMENT CANC."""
CANCELLED_CODE = "CANC"


@dataclass(frozen=True)
class Bound:
    """A binding with its consignments, bound now and unbound from it."""

    binding: RoadBinding
    items: list[RoadBindingItem]

    @property
    def ccrns(self) -> list[str]:
        return [item.ccrn for item in self.items if item.cancelled_at is None]


def ubr_of(raw: str) -> str:
    ubr = parse_ubr(raw)
    if ubr is None:
        raise InvalidNumber(
            f"ubr: {raw[:30]!r} is not a UBR (11 digits starting with 9, the last a check digit): check the number",
            code="invalid_ubr",
            data={"field": "ubr", "value": raw[:30]},
        )
    return ubr


def _numbers(session: Session, ccrns: list[str] | None, batch: str | None) -> list[str]:
    if batch is not None:
        # Whoever holds a batch's id may bind it, as whoever holds a CCRN may: the shipper hands it to the driver.
        found = session.get(RoadBatch, batch)
        if found is None:
            raise ConsignmentNotFound("no such batch", code="batch_not_found", data={"batch": batch})
        return list(found.ccrns)
    numbers = [ccrn_of(raw, field=f"ccrns.{i}") for i, raw in enumerate(ccrns or [])]
    if not numbers:
        raise ValidationFailed("ccrns: give at least one CCRN", data={"field": "ccrns"})
    return list(dict.fromkeys(numbers))


def _new_number(session: Session) -> str:
    while True:
        ubr = new_ubr("".join(secrets.choice("0123456789") for _ in range(9)))
        if session.get(RoadBinding, ubr) is None:
            return ubr


def do_bind(
    session: Session,
    actor: Actor,
    *,
    vehicle: str,
    control_point: ControlPoint,
    direction: Direction | None,
    channel: Channel,
    ccrns: list[str] | None = None,
    batch: str | None = None,
    driver: str | None = None,
) -> Bound:
    """Binds a vehicle to consignments: a UBR, and the earliest crossing 30 minutes after binding.

    Without ``direction`` (the phone does not ask it) the consignments' advance cargo information gives it,
    and consignments going both ways are refused.
    """
    check_write(actor)
    check_service(session, actor, Service.ROAD_BINDING)
    mark = identity.normalise_vehicle_registration(vehicle)
    numbers = _numbers(session, ccrns, batch)
    rows = repository.consignments_by_number(session, numbers)
    for number in numbers:
        row = rows.get(number)
        if row is None:
            raise ConsignmentNotFound("no consignment has this CCRN", data={"ccrn": number})
        if row.status == ConsignmentStatus.BOUND.value:
            raise AlreadyBound("the consignment is already bound: cancel that binding first", data={"ccrn": number})
        if row.status == ConsignmentStatus.CANCELLED.value:
            raise NotChangeable("the consignment was cancelled", data={"ccrn": number, "status": row.status})
    going = direction or _direction_of([rows[number] for number in numbers])
    now = utcnow()
    binding = RoadBinding(
        ubr=_new_number(session),
        org_id=actor.org_id,
        made_by=actor.user_id,
        driver=(driver or _person(session, actor)).strip(),
        channel=channel.value,
        vehicle=mark,
        control_point=control_point.value,
        direction=going.value,
        bound_at=now,
        earliest_crossing_at=earliest_crossing(now),
    )
    items = [RoadBindingItem(ubr=binding.ubr, ccrn=number, live_ccrn=number) for number in numbers]
    try:
        with session.begin_nested():
            session.add(binding)
            session.flush()
            session.add_all(items)
            session.flush()
    except IntegrityError as exc:
        raise AlreadyBound("a consignment was bound by another binding just now", data={"ccrns": numbers}) from exc
    for number in numbers:
        rows[number].status = ConsignmentStatus.BOUND.value
    _publish(session, binding, numbers, code=BOUND_CODE, at=now)
    return Bound(binding, items)


def _direction_of(consignments: list[RoadConsignment]) -> Direction:
    directions = {row.direction for row in consignments}
    if len(directions) != 1:
        raise MixedDirections(
            "the consignments do not all go the same way: bind imports and exports separately",
            data={"ccrns": {row.ccrn: row.direction for row in consignments}},
        )
    return Direction(directions.pop())


def _person(session: Session, actor: Actor) -> str:
    if actor.user_id is None:
        return ""
    return identity.get_user(session, actor, user_id=actor.user_id).display_name


def get_binding(session: Session, actor: Actor, *, ubr: str) -> Bound:
    """One binding, for its maker, customs and the submitters of its consignments."""
    binding = repository.binding(session, actor, ubr_of(ubr))
    if binding is None:
        raise BindingNotFound("no such binding", data={"ubr": ubr})
    return Bound(binding, repository.items(session, [binding.ubr]))


def list_bindings(session: Session, actor: Actor, *, ccrn: str | None = None, limit: int = 50) -> list[Bound]:
    """Bindings the actor sees, newest first; with ``ccrn``, those the consignment is or was in."""
    number = ccrn_of(ccrn) if ccrn is not None else None
    found = repository.bindings(session, actor, ccrn=number, limit=limit)
    items = repository.items(session, [b.ubr for b in found])
    return [Bound(b, [item for item in items if item.ubr == b.ubr]) for b in found]


def earliest_crossing_of(session: Session, actor: Actor, *, ccrn: str) -> datetime | None:
    """When the truck carrying a consignment may cross at the earliest (its live binding's), or None if unbound."""
    for bound in list_bindings(session, actor, ccrn=ccrn):
        if ccrn_of(ccrn) in bound.ccrns:
            return bound.binding.earliest_crossing_at
    return None


def do_cancel_binding(session: Session, actor: Actor, *, ubr: str, ccrns: list[str] | None = None) -> Bound:
    """Cancels a binding in full (no CCRNs) or in part; the rest stay bound under the same UBR."""
    check_write(actor)
    bound = get_binding(session, actor, ubr=ubr)
    if bound.binding.org_id != actor.org_id:
        raise BindingNotFound("no such binding", data={"ubr": ubr})
    live = {item.ccrn: item for item in bound.items if item.cancelled_at is None}
    wanted = list(live) if ccrns is None else [ccrn_of(raw, field=f"ccrns.{i}") for i, raw in enumerate(ccrns)]
    for number in wanted:
        if number not in live:
            raise ConsignmentNotFound(
                "the consignment is not bound by this UBR", data={"ccrn": number, "ubr": bound.binding.ubr}
            )
    now = utcnow()
    consignments = repository.consignments_by_number(session, wanted)
    for number in wanted:
        item = live[number]
        item.cancelled_at, item.cancelled_by, item.live_ccrn = now, actor.user_id, None
        consignments[number].status = ConsignmentStatus.LODGED.value
    if len(wanted) == len(live):
        bound.binding.cancelled_at = now
    session.flush()
    _publish(session, bound.binding, wanted, code=CANCELLED_CODE, at=now)
    return bound


def _publish(session: Session, binding: RoadBinding, ccrns: list[str], *, code: str, at: datetime) -> None:
    """The binding (or its cancel) as an event of the binding company, told to every consumer of stored events."""
    bound = code == BOUND_CODE
    draft = events.EventDraft(
        source_key=f"road:{binding.ubr}:{code}:{new_id()}",
        event_type=events.EventType.CUSTOMS if bound else events.EventType.SHIPMENT,
        event_code=code,
        classifier=events.Classifier.ACT,
        event_time=at,
        facility=binding.control_point,
        mode_of_transport="TRUCK",
        references=[events.Reference("UBR", binding.ubr), *(events.Reference("CCRN", c) for c in ccrns)],
        details={
            "road": "bound" if bound else "unbound",
            "ubr": binding.ubr,
            "vehicle": binding.vehicle,
            "control_point": binding.control_point,
            "direction": binding.direction,
            "earliest_crossing_at": binding.earliest_crossing_at.isoformat(),
            "ccrns": ccrns,
        },
    )
    message_id = new_id()
    events.append_events(session, owner_org_id=binding.org_id, message_id=message_id, drafts=[draft])
    events.publish_stored(session, message_id=message_id, owner_org_id=binding.org_id, received_at=at)


def describe_binding(bound: Bound) -> BindingRead:
    binding = bound.binding
    point = ControlPoint(binding.control_point)
    return BindingRead(
        ubr=binding.ubr,
        bound_at=binding.bound_at,
        earliest_crossing_at=binding.earliest_crossing_at,
        vehicle=binding.vehicle,
        driver=binding.driver,
        control_point=point,
        control_point_name=CONTROL_POINT_NAMES[point],
        direction=Direction(binding.direction),
        channel=Channel(binding.channel),
        ccrns=bound.ccrns,
        cancelled_ccrns=[item.ccrn for item in bound.items if item.cancelled_at is not None],
        cancelled_at=binding.cancelled_at,
        decision=Decision(binding.decision) if binding.decision else None,
        decided_at=binding.decided_at,
        crossed_at=binding.crossed_at,
    )
