"""Legs: nominations along the chain of a consignment, and the trucking company's pickup jobs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from harbourlink import legs
from harbourlink.api.context import CurrentActor, DbSession
from harbourlink.api.errors import ERROR_RESPONSES
from harbourlink.api.scopes import require_scope
from harbourlink.identity import KeyScope

router = APIRouter(
    prefix="/api/v1", tags=["legs"], responses=ERROR_RESPONSES, dependencies=[require_scope(KeyScope.CARGO_READ)]
)
WRITE = [require_scope(KeyScope.CARGO_WRITE)]


@router.post(
    "/legs",
    response_model=legs.LegRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=[*WRITE, require_scope(KeyScope.ACCESS_MANAGE)],
    summary="Nominate a company for a leg of cargo the company holds (consignee → forwarder → trucking company)",
    description="The company holds the cargo when something about it is shared with it, or it accepted a "
    "nomination for it (the new leg then joins that chain); otherwise 404 `cargo_not_held`. The nominee must "
    "be of the type the leg needs (a TRUCK leg: a trucking company; 422 `wrong_nominee`). The nominee is named a "
    "party on the company's own data about the cargo (so its standing rule for named parties shares that data, "
    "and nothing else), until the leg is declined or withdrawn. A TRUCK leg becomes the trucking company's "
    "pickup job.",
)
def nominate(body: legs.LegCreate, actor: CurrentActor, session: DbSession) -> legs.LegRead:
    [read] = legs.describe(session, [legs.nominate(session, actor, body=body)])
    return read


@router.get(
    "/legs",
    response_model=list[legs.LegRead],
    summary="The legs of every chain the company is on, newest first",
    description="A company sees the legs it nominated or was nominated for, and every leg of a chain on which it "
    "holds a live (nominated or accepted) leg.",
)
def list_legs(
    actor: CurrentActor,
    session: DbSession,
    reference: Annotated[str | None, Query(max_length=60, description="only this consignment's legs")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[legs.LegRead]:
    return legs.describe(session, legs.list_legs(session, actor, reference=reference, limit=limit))


@router.get("/legs/{leg_id}", response_model=legs.LegRead, summary="One leg of a chain the company is on")
def get_leg(leg_id: str, actor: CurrentActor, session: DbSession) -> legs.LegRead:
    [read] = legs.describe(session, [legs.get_leg(session, actor, leg_id=leg_id)])
    return read


@router.post(
    "/legs/{leg_id}/accept",
    response_model=legs.LegRead,
    dependencies=WRITE,
    summary="The nominee accepts the leg (again: no change)",
)
def accept(leg_id: str, actor: CurrentActor, session: DbSession) -> legs.LegRead:
    [read] = legs.describe(session, [legs.accept(session, actor, leg_id=leg_id)])
    return read


@router.post(
    "/legs/{leg_id}/decline",
    response_model=legs.LegRead,
    dependencies=WRITE,
    summary="The nominee declines the leg (again: no change)",
)
def decline(leg_id: str, actor: CurrentActor, session: DbSession) -> legs.LegRead:
    [read] = legs.describe(session, [legs.decline(session, actor, leg_id=leg_id)])
    return read


@router.post(
    "/legs/{leg_id}/withdraw",
    response_model=legs.LegRead,
    dependencies=WRITE,
    summary="The nominator takes the leg back, with the legs passed on below it (not once the truck collected)",
)
def withdraw(leg_id: str, actor: CurrentActor, session: DbSession) -> legs.LegRead:
    [read] = legs.describe(session, [legs.withdraw(session, actor, leg_id=leg_id)])
    return read


@router.post(
    "/legs/{leg_id}/trip",
    response_model=legs.LegRead,
    dependencies=WRITE,
    summary="The trucking company assigns a truck and driver to a TRUCK leg it accepted: a trip is planned",
    description="The trip (`GET /api/v1/trips/{trip_id}`) carries the leg's cargo to its destination; the "
    "driver starts it at pickup. Assigning again before pickup replaces the planned trip.",
)
def assign_trip(leg_id: str, body: legs.TripAssignment, actor: CurrentActor, session: DbSession) -> legs.LegRead:
    [read] = legs.describe(session, [legs.assign_trip(session, actor, leg_id=leg_id, assignment=body)])
    return read


@router.get(
    "/pickup-jobs",
    response_model=list[legs.PickupJob],
    summary="A trucking company's pickup jobs: truck legs not yet collected, soonest window first",
    description="Each job says what the company itself sees of the box when it presents the number: terminal, "
    "release and holds, free time, the vessel's arrival, and the pickup window (the nominator's, or planned "
    "against the vessel's arrival: from arrival plus 8 hours, or release if later, to the end of free time).",
)
def pickup_jobs(actor: CurrentActor, session: DbSession) -> list[legs.PickupJob]:
    return legs.pickup_jobs(session, actor)
