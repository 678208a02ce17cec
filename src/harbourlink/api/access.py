"""Grants, named parties, the sharing policy and the access log over HTTP."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, status

from harbourlink import access
from harbourlink.access.schemas import (
    AccessLogRead,
    GrantCreate,
    GrantRead,
    PartyCreate,
    PartyRead,
    SharingPolicyRead,
    SharingPolicyUpdate,
)
from harbourlink.api.context import CurrentActor, DbSession
from harbourlink.api.errors import ERROR_RESPONSES
from harbourlink.api.scopes import require_scope
from harbourlink.identity import KeyScope

router = APIRouter(
    prefix="/api/v1", tags=["access"], responses=ERROR_RESPONSES, dependencies=[require_scope(KeyScope.ACCESS_MANAGE)]
)


@router.post(
    "/grants",
    response_model=GrantRead,
    status_code=status.HTTP_201_CREATED,
    summary="Share the caller's data about a reference, or set a standing rule",
)
def create_grant(body: GrantCreate, actor: CurrentActor, session: DbSession) -> GrantRead:
    grant = access.do_grant(
        session,
        actor,
        reference_type=body.reference_type,
        reference=body.reference,
        grantee_org_id=body.grantee_org_id,
        anyone_with_reference=body.anyone_with_reference,
        rule=body.rule,
        expires_at=body.expires_at,
    )
    return GrantRead.model_validate(grant)


@router.get("/grants", response_model=list[GrantRead], summary="Grants given (default) or received")
def list_grants(
    actor: CurrentActor,
    session: DbSession,
    direction: Literal["given", "received"] = "given",
    include_ended: bool = False,
) -> list[GrantRead]:
    return [
        GrantRead.model_validate(g)
        for g in access.list_grants(session, actor, direction=direction, include_ended=include_ended)
    ]


@router.delete("/grants/{grant_id}", response_model=GrantRead, summary="Revoke a grant")
def revoke_grant(grant_id: str, actor: CurrentActor, session: DbSession) -> GrantRead:
    return GrantRead.model_validate(access.revoke_grant(session, actor, grant_id=grant_id))


@router.post(
    "/parties",
    response_model=PartyRead,
    status_code=status.HTTP_201_CREATED,
    summary="Name a company as a party on one of the caller's references",
)
def name_party(body: PartyCreate, actor: CurrentActor, session: DbSession) -> PartyRead:
    return PartyRead.model_validate(
        access.name_party(
            session,
            actor,
            reference_type=body.reference_type,
            reference=body.reference,
            party_org_id=body.party_org_id,
            party_role=body.party_role,
        )
    )


@router.get("/parties", response_model=list[PartyRead])
def list_parties(actor: CurrentActor, session: DbSession) -> list[PartyRead]:
    return [PartyRead.model_validate(p) for p in access.list_parties(session, actor)]


@router.delete("/parties/{party_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_party(party_id: str, actor: CurrentActor, session: DbSession) -> None:
    access.remove_party(session, actor, party_id=party_id)


@router.get(
    "/sharing-policy",
    response_model=SharingPolicyRead,
    summary="The caller's company's standing sharing choices",
    description="`share_vessel_calls`: whether the times and position of the vessel calls the company "
    "published follow the cargo on them (the default) or are withheld.",
)
def sharing_policy(actor: CurrentActor, session: DbSession) -> SharingPolicyRead:
    return access.get_sharing_policy(session, actor)


@router.put(
    "/sharing-policy",
    response_model=SharingPolicyRead,
    summary="Show the company's vessel calls to companies with cargo on them, or withhold them",
    description="A vessel call's ETD/ETA and AIS position are seen by every company whose cargo (a B/L, "
    "container or booking it may see, or a House B/L linked to a Master B/L on the call) is on "
    "the call, unless the company that published those times sets `share_vessel_calls` to "
    "false. Cargo-level events stay under the owner's grants either way.",
)
def update_sharing_policy(body: SharingPolicyUpdate, actor: CurrentActor, session: DbSession) -> SharingPolicyRead:
    return access.set_sharing_policy(session, actor, share_vessel_calls=body.share_vessel_calls)


@router.get("/access-log", response_model=list[AccessLogRead], summary="Who viewed the caller's data")
def access_log(actor: CurrentActor, session: DbSession, limit: int = 200) -> list[AccessLogRead]:
    return [
        AccessLogRead.model_validate(e) for e in access.list_access_log(session, actor, limit=min(max(limit, 1), 1000))
    ]
