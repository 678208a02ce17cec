"""Companies, people, API keys and the security log over HTTP."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import BaseModel

from harbourlink import identity
from harbourlink.api.context import CurrentActor, DbSession, client_ip, rate_limit
from harbourlink.api.errors import ERROR_RESPONSES, error_answer
from harbourlink.api.ratelimit import Limit
from harbourlink.api.scopes import public, require_scope
from harbourlink.identity.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    AuditEventRead,
    MeRead,
    OrganisationRead,
    OrgDecisionIn,
    RegistrationIn,
    RegistrationRead,
    ServiceOptInRead,
    UserCreate,
    UserCreated,
    UserRead,
    UserUpdate,
)
from harbourlink.kernel import ValidationFailed, plugins

router = APIRouter(
    prefix="/api/v1", responses=ERROR_RESPONSES, dependencies=[require_scope(identity.KeyScope.ORG_MANAGE)]
)


class DirectoryEntry(BaseModel):
    """Active companies are listed by name and type so owners can pick whom to share with."""

    id: str
    name: str
    name_local: str | None
    types: list[str]


class ApplicationRoute(APIRoute):
    """An application refused for its shape is checked against the rules of applications too, so that one
    answer names every field's problem (``data.errors``: ``location``, ``message`` and, for a rule, ``code``)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                raise await _with_rules(request, exc) from None

        return route


async def _with_rules(request: Request, exc: RequestValidationError) -> ValidationFailed:
    _status, answer, _headers = error_answer(exc)
    shape: list[dict[str, Any]] = answer["data"]["errors"]
    try:
        body = await request.json()
    except ValueError:
        body = None
    rules = identity.application_problems(identity.draft_from_body(body)) if isinstance(body, dict) else []
    taken = {error["location"] for error in shape}
    every = shape + [
        {"location": f"body.{problem.data['field']}", "message": problem.message, "code": problem.code}
        for problem in rules
        if f"body.{problem.data['field']}" not in taken
    ]
    detail = "; ".join(f"{error['location']}: {error['message']}" for error in every[:5])
    return ValidationFailed(detail, code="validation_failed", data={"errors": every})


def register(body: RegistrationIn, request: Request, session: DbSession) -> RegistrationRead:
    return identity.register_organisation(session, application=body, ip=client_ip(request))


router.add_api_route(
    "/registrations",
    register,
    methods=["POST"],
    response_model=RegistrationRead,
    status_code=status.HTTP_201_CREATED,
    tags=["organisations"],
    summary="Apply to join (company or truck driver)",
    description="Every problem of an application is answered at once (422, `data.errors`: each with its "
    "`location` and `message`, and the `code` of the rule it breaks): its shape, and the rules of "
    "applications (documents for the account kind, a strong password, company types a company may "
    "apply for — customs, banks and the operator are set up by the platform operator — …). "
    "`error` is the first problem's code.",
    dependencies=[public(), Depends(rate_limit(Limit.REGISTRATION))],
    route_class_override=ApplicationRoute,
)


@router.get(
    "/me",
    response_model=MeRead,
    tags=["organisations"],
    summary="Who the caller is",
    dependencies=[require_scope(None)],
)
def me(actor: CurrentActor, session: DbSession) -> MeRead:
    org = identity.get_organisation(session, actor, org_id=actor.org_id)
    user = identity.user_by_id(session, actor.user_id) if actor.user_id else None
    scopes = sorted(actor.scopes) if actor.is_machine else [scope.value for scope in identity.KeyScope]
    return MeRead(
        user=UserRead.model_validate(user) if user else None,
        organisation=identity.describe(session, org),
        scopes=scopes,
    )


@router.get(
    "/directory",
    response_model=list[DirectoryEntry],
    tags=["organisations"],
    summary="Active companies, to choose whom to share with",
    dependencies=[require_scope(identity.KeyScope.ACCESS_MANAGE)],
)
def directory(_caller: CurrentActor, session: DbSession, q: str = "") -> list[DirectoryEntry]:
    orgs = identity.list_organisations(session, identity.SYSTEM_ACTOR, status=identity.OrgStatus.ACTIVE)
    needle = q.strip().lower()
    chosen = [o for o in orgs if not needle or needle in o.name.lower() or needle in (o.name_local or "").lower()]
    types = identity.types_by_org(session, [o.id for o in chosen])
    return [DirectoryEntry(id=o.id, name=o.name, name_local=o.name_local, types=types[o.id]) for o in chosen]


@router.get(
    "/orgs",
    response_model=list[OrganisationRead],
    tags=["organisations"],
    summary="Companies the caller may see (all, for the operator)",
)
def list_orgs(
    actor: CurrentActor, session: DbSession, status_filter: identity.OrgStatus | None = None
) -> list[OrganisationRead]:
    return [
        identity.describe(session, org) for org in identity.list_organisations(session, actor, status=status_filter)
    ]


@router.get("/orgs/{org_id}", response_model=OrganisationRead, tags=["organisations"])
def get_org(org_id: str, actor: CurrentActor, session: DbSession) -> OrganisationRead:
    return identity.describe(session, identity.get_organisation(session, actor, org_id=org_id))


@router.post(
    "/orgs/{org_id}/approve",
    response_model=OrganisationRead,
    tags=["operator"],
    summary="Operator: admit a verified applicant",
)
def approve_org(org_id: str, actor: CurrentActor, session: DbSession) -> OrganisationRead:
    _visible_org(session, actor, org_id)
    return identity.describe(session, identity.decide_organisation(session, actor, org_id=org_id, approve=True))


@router.post(
    "/orgs/{org_id}/reject",
    response_model=OrganisationRead,
    tags=["operator"],
    summary="Operator: refuse an applicant, with a reason",
)
def reject_org(org_id: str, body: OrgDecisionIn, actor: CurrentActor, session: DbSession) -> OrganisationRead:
    _visible_org(session, actor, org_id)
    return identity.describe(
        session, identity.decide_organisation(session, actor, org_id=org_id, approve=False, reason=body.reason)
    )


def _visible_org(session: DbSession, actor: CurrentActor, org_id: str) -> None:
    """Another company's id answers 404 before any permission question is asked."""
    identity.get_organisation(session, actor, org_id=org_id)


@router.get("/orgs/{org_id}/services", response_model=list[ServiceOptInRead], tags=["organisations"])
def list_services(org_id: str, actor: CurrentActor, session: DbSession) -> list[ServiceOptInRead]:
    _visible_org(session, actor, org_id)
    return [ServiceOptInRead.model_validate(o) for o in identity.list_services(session, actor, org_id=org_id)]


@router.post(
    "/orgs/{org_id}/services/{service}",
    response_model=ServiceOptInRead,
    tags=["organisations"],
    summary="Opt in to an online service (those the platform has built)",
)
def opt_in(
    org_id: str,
    service: Annotated[str, Path(pattern=plugins.NAME_PATTERN, description="a core service or an installed plug-in")],
    actor: CurrentActor,
    session: DbSession,
) -> ServiceOptInRead:
    _visible_org(session, actor, org_id)
    return ServiceOptInRead.model_validate(identity.request_service(session, actor, org_id=org_id, service=service))


@router.get("/orgs/{org_id}/users", response_model=list[UserRead], tags=["users"])
def list_users(org_id: str, actor: CurrentActor, session: DbSession) -> list[UserRead]:
    _visible_org(session, actor, org_id)
    return [UserRead.model_validate(u) for u in identity.list_users(session, actor, org_id=org_id)]


@router.post(
    "/orgs/{org_id}/users",
    response_model=UserCreated,
    status_code=status.HTTP_201_CREATED,
    tags=["users"],
    summary="Add a user; without a password a temporary one is returned once",
)
def create_user(org_id: str, body: UserCreate, actor: CurrentActor, session: DbSession) -> UserCreated:
    _visible_org(session, actor, org_id)
    user, temporary = identity.create_user(
        session,
        actor,
        org_id=org_id,
        email=str(body.email),
        display_name=body.display_name,
        role=body.role,
        password=body.password,
    )
    return UserCreated.model_validate({**UserRead.model_validate(user).model_dump(), "temporary_password": temporary})


@router.patch("/users/{user_id}", response_model=UserRead, tags=["users"], summary="Change role or disable")
def update_user(user_id: str, body: UserUpdate, actor: CurrentActor, session: DbSession) -> UserRead:
    return UserRead.model_validate(
        identity.update_user(session, actor, user_id=user_id, role=body.role, status=body.status)
    )


@router.post("/users/{user_id}/unlock", response_model=UserRead, tags=["users"])
def unlock_user(user_id: str, actor: CurrentActor, session: DbSession) -> UserRead:
    return UserRead.model_validate(identity.unlock_user(session, actor, user_id=user_id))


@router.get("/api-keys", response_model=list[ApiKeyRead], tags=["api keys"])
def list_keys(actor: CurrentActor, session: DbSession) -> list[ApiKeyRead]:
    return [ApiKeyRead.model_validate(k) for k in identity.list_api_keys(session, actor, org_id=actor.org_id)]


@router.post(
    "/api-keys",
    response_model=ApiKeyCreated,
    status_code=status.HTTP_201_CREATED,
    tags=["api keys"],
    summary="Issue an API key; the key is in this response only",
)
def create_key(body: ApiKeyCreate, actor: CurrentActor, session: DbSession) -> ApiKeyCreated:
    key, full = identity.create_api_key(
        session, actor, org_id=actor.org_id, name=body.name, scopes=body.scopes, expires_at=body.expires_at
    )
    return ApiKeyCreated.model_validate({**ApiKeyRead.model_validate(key).model_dump(), "key": full})


@router.delete("/api-keys/{key_id}", response_model=ApiKeyRead, tags=["api keys"])
def revoke_key(key_id: str, actor: CurrentActor, session: DbSession) -> ApiKeyRead:
    return ApiKeyRead.model_validate(identity.revoke_api_key(session, actor, key_id=key_id))


@router.get(
    "/audit-events",
    response_model=list[AuditEventRead],
    tags=["security"],
    summary="The company's security events (the whole platform's, for the operator)",
)
def audit_events(actor: CurrentActor, session: DbSession, limit: int = 200) -> list[AuditEventRead]:
    identity.check_admin_of(actor, actor.org_id)
    org_id = None if actor.is_operator else actor.org_id
    return [
        AuditEventRead.model_validate(e)
        for e in identity.list_audit_events(session, org_id=org_id, limit=min(max(limit, 1), 1000))
    ]
