"""At the boundary (R-ROAD-8): customs' console of the bindings at a control point with the trucks
approaching, the GO / INSPECT decision, and the crossing.

The rules suggest (``domain.suggest``: an unanswered customs query or the random sample → INSPECT),
an officer decides; both decision and crossing are kept on the binding with who and when, and told
through the event seam (``CUSR`` released / ``CUSI`` selected for inspection, then ``CROS``), shared
with the submitters of the consignments and the binding's maker, whose alerts take it from there
(``road_crossed`` tells the submitters of a crossing); the binding maker's app is told live
(``reminders.live_subject``). Only a customs company (``customs_hk``) reads the console or decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from harbourlink import access, events, trucking
from harbourlink.kernel import Actor, Conflict, live, new_id, utcnow
from harbourlink.road import repository
from harbourlink.road.binding import Bound, describe_binding, get_binding
from harbourlink.road.domain import CONTROL_POINT_POSITIONS, ControlPoint, Decision, Suggestion, suggest
from harbourlink.road.errors import NotCustoms
from harbourlink.road.models import RoadBinding
from harbourlink.road.reminders import live_subject
from harbourlink.road.schemas import ApproachRead, PositionSeen
from harbourlink.road.service import check_write

CONSOLE_LIMIT = 200
DECISION_CODES = {Decision.GO: "CUSR", Decision.INSPECT: "CUSI"}
"""DCSA customs codes: released, selected for inspection."""
CROSSED_CODE = "CROS"
UBR_KIND = "UBR"
CCRN_KIND = "CCRN"


@dataclass(frozen=True)
class Approach:
    bound: Bound
    suggestion: Suggestion
    open_queries: int
    fixes: list[trucking.Fix]


def _check_customs(actor: Actor) -> None:
    if not repository.is_customs(actor):
        raise NotCustoms("only customs sees the boundary console and decides GO or INSPECT")


def boundary(session: Session, actor: Actor, *, control_point: ControlPoint, sample_percent: float) -> list[Approach]:
    """The live bindings at a control point, soonest allowed crossing first, each with the rules' suggestion
    and the truck's shared positions."""
    _check_customs(actor)
    found = repository.live_at(session, control_point.value, limit=CONSOLE_LIMIT)
    items = repository.items(session, [b.ubr for b in found])
    bounds = [Bound(b, [item for item in items if item.ubr == b.ubr]) for b in found]
    waiting = repository.unanswered(session, [c for bound in bounds for c in bound.ccrns])
    approaches = []
    for bound in bounds:
        open_queries = sum(waiting.get(c, 0) for c in bound.ccrns)
        rule = suggest(ubr=bound.binding.ubr, open_queries=open_queries, sample_percent=sample_percent)
        fixes = trucking.shared_fixes(session, vehicle=bound.binding.vehicle, limit=50)
        approaches.append(Approach(bound, rule, open_queries, fixes))
    return approaches


def _customs_binding(session: Session, actor: Actor, ubr: str) -> Bound:
    """The binding customs acts on; a company that cannot see it hears "not found", one that can (its maker,
    the submitters) "not customs"."""
    check_write(actor)
    bound = get_binding(session, actor, ubr=ubr)
    _check_customs(actor)
    return bound


def do_decide(session: Session, actor: Actor, *, ubr: str, decision: Decision, note: str = "") -> Bound:
    """The officer's GO or INSPECT for a live binding; it may be changed until the truck has crossed."""
    bound = _customs_binding(session, actor, ubr)
    binding = bound.binding
    if binding.cancelled_at is not None or binding.crossed_at is not None:
        reason = "cancelled" if binding.cancelled_at is not None else "crossed"
        raise Conflict(f"the binding was {reason}", code="binding_not_live", data={"ubr": binding.ubr})
    now = utcnow()
    binding.decision, binding.decided_by, binding.decided_at = decision.value, actor.user_id, now
    binding.decision_note = note.strip()
    session.flush()
    _publish(
        session,
        actor,
        bound,
        event_type=events.EventType.CUSTOMS,
        code=DECISION_CODES[decision],
        details={"road": "decided", "decision": decision.value},
    )
    return bound


def do_cross(session: Session, actor: Actor, *, ubr: str) -> Bound:
    """Customs records the truck crossing; it needs a decision first (an inspected truck crosses after it)."""
    bound = _customs_binding(session, actor, ubr)
    binding = bound.binding
    if binding.decision is None or binding.cancelled_at is not None or binding.crossed_at is not None:
        raise Conflict(
            "only a live binding with customs' decision crosses", code="binding_not_crossable", data={"ubr": ubr}
        )
    binding.crossed_at, binding.crossed_by = utcnow(), actor.user_id
    session.flush()
    _publish(
        session,
        actor,
        bound,
        event_type=events.EventType.EQUIPMENT,
        code=CROSSED_CODE,
        details={"road": "crossed", "decision": binding.decision},
    )
    return bound


def _publish(
    session: Session,
    actor: Actor,
    bound: Bound,
    *,
    event_type: events.EventType,
    code: str,
    details: dict[str, str],
) -> None:
    """Customs' act as its event, shared with the binding's maker (by UBR) and the submitters (by CCRN)."""
    binding: RoadBinding = bound.binding
    at = utcnow()
    draft = events.EventDraft(
        source_key=f"road-boundary:{binding.ubr}:{code}:{new_id()}",
        event_type=event_type,
        event_code=code,
        classifier=events.Classifier.ACT,
        event_time=at,
        facility=binding.control_point,
        mode_of_transport="TRUCK",
        references=[events.Reference(UBR_KIND, binding.ubr), *(events.Reference(CCRN_KIND, c) for c in bound.ccrns)],
        details={**details, "ubr": binding.ubr, "vehicle": binding.vehicle, "control_point": binding.control_point},
    )
    message_id = new_id()
    events.append_events(session, owner_org_id=actor.org_id, message_id=message_id, drafts=[draft])
    access.share_with(
        session,
        owner_org_id=actor.org_id,
        reference_type=UBR_KIND,
        reference=binding.ubr,
        grantee_org_ids={binding.org_id} - {actor.org_id},
        created_by=actor.user_id,
    )
    submitters = repository.consignments_by_number(session, bound.ccrns)
    for ccrn, row in submitters.items():
        access.share_with(
            session,
            owner_org_id=actor.org_id,
            reference_type=CCRN_KIND,
            reference=ccrn,
            grantee_org_ids={row.org_id} - {actor.org_id},
            created_by=actor.user_id,
        )
    events.publish_stored(session, message_id=message_id, owner_org_id=actor.org_id, received_at=at)
    live.announce(session, live_subject(binding.org_id))  # the driver's app shows it without a reload


def describe_approach(approach: Approach) -> ApproachRead:
    binding = approach.bound.binding
    point = CONTROL_POINT_POSITIONS[ControlPoint(binding.control_point)]
    position = None
    if approach.fixes:
        latest = approach.fixes[-1]
        arrival = trucking.estimate_arrival(approach.fixes, point)
        position = PositionSeen(
            at=latest.at,
            lat=latest.latitude,
            lon=latest.longitude,
            distance_km=round(trucking.distance_km((latest.latitude, latest.longitude), point), 2),
            eta=arrival.arrival if arrival is not None else None,
        )
    return ApproachRead(
        binding=describe_binding(approach.bound),
        suggestion=approach.suggestion.decision,
        suggestion_reason=approach.suggestion.reason,
        open_queries=approach.open_queries,
        decision_note=binding.decision_note,
        position=position,
    )
