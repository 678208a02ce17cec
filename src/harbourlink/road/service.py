"""Use cases of advance cargo information: consignments lodged (directly, from a template), amended and
cancelled with every version kept; templates; batches.

A consignment may change only before it is bound; each change is a new version, and the old ones
stay readable. The company must have opted in to advance cargo information (seed 003: every
account may, without approval).
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from harbourlink import identity
from harbourlink.identity import KeyScope, Service
from harbourlink.kernel import Actor, Forbidden, ValidationFailed, utcnow
from harbourlink.road import repository
from harbourlink.road.domain import (
    MAX_BATCH,
    CargoData,
    ConsignmentStatus,
    ControlPoint,
    Direction,
    Problem,
    change_refusal,
    data_problems,
    new_ccrn,
    parse_ccrn,
    window_problem,
)
from harbourlink.road.errors import (
    PLANNED_CROSSING_INCOMPLETE,
    ConsignmentNotFound,
    InvalidNumber,
    NotChangeable,
    ServiceNotActive,
)
from harbourlink.road.models import RoadBatch, RoadConsignment, RoadConsignmentVersion, RoadTemplate


def check_write(actor: Actor) -> None:
    if not actor.has_scope(KeyScope.CARGO_WRITE):
        raise Forbidden(
            "this API key lacks the cargo:write scope", code="missing_scope", data={"scope": KeyScope.CARGO_WRITE.value}
        )


def check_service(session: Session, actor: Actor, service: Service) -> None:
    """The company opted in to the road service it uses, and the opt-in is active."""
    if not identity.has_service(session, org_id=actor.org_id, service=service):
        raise ServiceNotActive(
            f"the company has not opted in to {service.value} (or its opt-in awaits approval)",
            data={"service": service.value},
        )


def ccrn_of(raw: str, *, field: str = "ccrn") -> str:
    """The CCRN a text spells; a wrong form or check digit is refused as the typing slip it most likely is."""
    ccrn = parse_ccrn(raw)
    if ccrn is None:
        raise InvalidNumber(
            f"{field}: {raw[:30]!r} is not a CCRN (11 digits, the last a check digit): check the number",
            data={"field": field, "value": raw[:30]},
        )
    return ccrn


def data_to_json(data: CargoData) -> dict[str, Any]:
    stored = asdict(data)
    stored["direction"] = data.direction.value
    stored["expected_at"] = data.expected_at.isoformat()
    return stored


def data_from_json(stored: dict[str, Any]) -> CargoData:
    return CargoData(
        **{
            **stored,
            "direction": Direction(stored["direction"]),
            "expected_at": datetime.fromisoformat(stored["expected_at"]),
        }
    )


def problems_of(data: CargoData, *, now: datetime) -> list[Problem]:
    """Everything wrong with a data set about to be lodged or amended, the lodging window included."""
    problems = data_problems(data)
    if data.expected_at.tzinfo is not None:
        late_or_early = window_problem(data.expected_at, now=now)
        problems += [late_or_early] if late_or_early else []
    return problems


def _refuse(problems: list[Problem]) -> None:
    if problems:
        first = problems[0]
        raise ValidationFailed(
            first.message,
            code=first.code,
            data={
                "field": first.field,
                "errors": [{"field": p.field, "code": p.code, "detail": p.message} for p in problems],
            },
        )


def _new_number(session: Session) -> str:
    while True:
        ccrn = new_ccrn("".join(secrets.choice("0123456789") for _ in range(10)))
        if session.get(RoadConsignment, ccrn) is None:
            return ccrn


def lodge(session: Session, actor: Actor, data: CargoData, *, now: datetime) -> RoadConsignment:
    """Stores checked data as a new consignment with its first version (no opt-in check: callers make it)."""
    row = RoadConsignment(
        ccrn=_new_number(session),
        org_id=actor.org_id,
        created_by=actor.user_id,
        status=ConsignmentStatus.LODGED.value,
        version=1,
        direction=data.direction.value,
        expected_at=data.expected_at,
        submitter_reference=data.submitter_reference.strip(),
        data=data_to_json(data),
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.add(
        RoadConsignmentVersion(
            ccrn=row.ccrn, version=1, action="lodged", data=row.data, made_at=now, made_by=actor.user_id
        )
    )
    return row


def do_lodge(
    session: Session,
    actor: Actor,
    *,
    data: CargoData,
    planned_vehicle: str | None = None,
    planned_control_point: ControlPoint | None = None,
) -> RoadConsignment:
    """Lodges advance cargo information: the legal data set within its window gets a CCRN; with the crossing
    planned (vehicle and control point), the truck's driver is reminded to bind in time."""
    check_write(actor)
    check_service(session, actor, Service.ADVANCE_CARGO_INFO)
    now = utcnow()
    _refuse(problems_of(data, now=now))
    if bool(planned_vehicle) != (planned_control_point is not None):
        raise ValidationFailed(
            PLANNED_CROSSING_INCOMPLETE(),
            code="planned_crossing_incomplete",
            data={"field": "planned_control_point" if planned_vehicle else "planned_vehicle"},
        )
    row = lodge(session, actor, data, now=now)
    if planned_vehicle and planned_control_point is not None:
        row.planned_vehicle = identity.normalise_vehicle_registration(planned_vehicle).replace(" ", "")
        row.planned_control_point = planned_control_point.value
    session.flush()
    return row


def do_lodge_from_template(
    session: Session,
    actor: Actor,
    *,
    template_id: str,
    expected_at: datetime,
    packages: int | None,
    submitter_reference: str,
) -> RoadConsignment:
    """Lodges a consignment from the person's saved template, with this crossing's time (and count)."""
    saved = get_template(session, actor, template_id=template_id)
    base = _template_data(saved.data)
    data = replace(
        base,
        expected_at=expected_at,
        packages=packages if packages is not None else base.packages,
        submitter_reference=submitter_reference or base.submitter_reference,
    )
    return do_lodge(session, actor, data=data)


def get_consignment(session: Session, actor: Actor, *, ccrn: str) -> RoadConsignment:
    """One consignment: its submitter's company and customs see it; anyone else gets not found."""
    row = repository.consignment(session, actor, ccrn_of(ccrn))
    if row is None:
        raise ConsignmentNotFound("no such consignment", data={"ccrn": ccrn})
    return row


def list_consignments(session: Session, actor: Actor, *, limit: int = 50, offset: int = 0) -> list[RoadConsignment]:
    """The company's own consignments, newest first."""
    return repository.consignments_of(session, actor, limit=limit, offset=offset)


def list_versions(session: Session, actor: Actor, *, ccrn: str) -> list[RoadConsignmentVersion]:
    return repository.versions(session, get_consignment(session, actor, ccrn=ccrn).ccrn)


def _changeable(session: Session, actor: Actor, ccrn: str) -> RoadConsignment:
    check_write(actor)
    row = get_consignment(session, actor, ccrn=ccrn)
    if row.org_id != actor.org_id:
        raise ConsignmentNotFound("no such consignment", data={"ccrn": ccrn})
    reason = change_refusal(ConsignmentStatus(row.status))
    if reason is not None:
        raise NotChangeable(reason, data={"ccrn": row.ccrn, "status": row.status, "reason": reason})
    return row


def _new_version(session: Session, actor: Actor, row: RoadConsignment, action: str, now: datetime) -> None:
    row.version += 1
    row.updated_at = now
    session.add(
        RoadConsignmentVersion(
            ccrn=row.ccrn, version=row.version, action=action, data=dict(row.data), made_at=now, made_by=actor.user_id
        )
    )


def do_amend(session: Session, actor: Actor, *, ccrn: str, changes: dict[str, Any]) -> RoadConsignment:
    """Amends a consignment before it is bound: a new version; the earlier ones are kept."""
    row = _changeable(session, actor, ccrn)
    data = replace(data_from_json(row.data), **changes)
    now = utcnow()
    _refuse(problems_of(data, now=now))
    row.data = data_to_json(data)
    row.direction, row.expected_at = data.direction.value, data.expected_at
    row.submitter_reference = data.submitter_reference.strip()
    _new_version(session, actor, row, "amended", now)
    session.flush()
    return row


def do_cancel(session: Session, actor: Actor, *, ccrn: str) -> RoadConsignment:
    """Cancels a consignment before it is bound; it stays readable with every version."""
    row = _changeable(session, actor, ccrn)
    row.status = ConsignmentStatus.CANCELLED.value
    _new_version(session, actor, row, "cancelled", utcnow())
    session.flush()
    return row


def _template_data(stored: dict[str, Any]) -> CargoData:
    return data_from_json({**stored, "expected_at": stored.get("expected_at") or utcnow().isoformat()})


def do_save_template(session: Session, actor: Actor, *, name: str, data: CargoData) -> RoadTemplate:
    """Saves cargo information for reuse, private to the person saving it (a message signer, in TSW terms)."""
    check_write(actor)
    if actor.user_id is None:
        raise Forbidden("a template belongs to a person: save it when logged in", code="person_only")
    _refuse([p for p in data_problems(data) if p.field != "expected_at"])
    stored = data_to_json(data)
    stored["expected_at"] = None
    row = RoadTemplate(org_id=actor.org_id, user_id=actor.user_id, name=name.strip(), data=stored)
    session.add(row)
    session.flush()
    return row


def get_template(session: Session, actor: Actor, *, template_id: str) -> RoadTemplate:
    row = repository.template(session, actor, template_id)
    if row is None:
        raise ConsignmentNotFound("no such template", code="template_not_found", data={"template_id": template_id})
    return row


def list_templates(session: Session, actor: Actor) -> list[RoadTemplate]:
    """The acting person's own templates."""
    return repository.templates(session, actor)


def do_batch(session: Session, actor: Actor, *, ccrns: list[str]) -> RoadBatch:
    """Consolidates the company's own live consignments into a batch for enquiry and binding."""
    check_write(actor)
    numbers = list(dict.fromkeys(ccrn_of(raw, field=f"ccrns.{i}") for i, raw in enumerate(ccrns)))
    if not 1 <= len(numbers) <= MAX_BATCH:
        raise ValidationFailed(f"ccrns: give 1 to {MAX_BATCH} CCRNs", data={"field": "ccrns"})
    for number in numbers:
        row = repository.consignment(session, actor, number)
        if row is None or row.org_id != actor.org_id:
            raise ConsignmentNotFound("no such consignment", data={"ccrn": number})
        if row.status == ConsignmentStatus.CANCELLED.value:
            raise NotChangeable("the consignment was cancelled", data={"ccrn": number, "status": row.status})
    row_batch = RoadBatch(org_id=actor.org_id, created_by=actor.user_id, ccrns=numbers, created_at=utcnow())
    session.add(row_batch)
    session.flush()
    return row_batch
