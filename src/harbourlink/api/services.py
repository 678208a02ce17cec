"""Value-added services: which are installed, the caller's opt-ins, the monthly statement of a charged one; and
``opted_in``, the dependency a plug-in's routes take so that only companies that opted in reach them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from harbourlink import identity, metering
from harbourlink.api.context import CurrentActor, DbSession
from harbourlink.api.errors import ERROR_RESPONSES
from harbourlink.api.scopes import require_scope
from harbourlink.kernel import Actor, plugins

router = APIRouter(prefix="/api/v1", tags=["services"], responses=ERROR_RESPONSES, dependencies=[require_scope(None)])

ServiceName = Annotated[str, Path(pattern=plugins.NAME_PATTERN, description="an installed value-added service")]


class OptInState(BaseModel):
    status: str = Field(description="pending (waiting for the operator), active or rejected")
    requested_at: datetime
    decided_at: datetime | None


class InstalledService(BaseModel):
    name: str = Field(description="what a company opts in to: POST /api/v1/orgs/{org_id}/services/{name}")
    title: str
    summary: str
    version: str
    charged: bool
    charge_per_use: Decimal | None = Field(description=f"{metering.CURRENCY} per {{unit}}; null when free")
    currency: str = metering.CURRENCY
    unit: str
    needs_approval: bool
    permissions: dict[str, list[str]] = Field(description="the roles each action needs; a company's system may all")
    opt_in: OptInState | None = Field(description="the caller's company's opt-in, if it made one")
    used_this_month: int


class ServicesRead(BaseModel):
    services: list[InstalledService] = Field(description="the installed value-added services")
    opt_ins: dict[str, OptInState] = Field(description="every opt-in of the caller's company, core services included")


def _installed(plugin: plugins.Plugin, opt_in: OptInState | None, used: int) -> InstalledService:
    return InstalledService(
        name=plugin.name,
        title=plugin.title,
        summary=plugin.summary,
        version=plugin.version,
        charged=plugin.charged,
        charge_per_use=plugin.charge_per_use,
        unit=plugin.unit,
        needs_approval=plugin.needs_approval,
        permissions={action: sorted(roles) for action, roles in plugin.permissions.items()},
        opt_in=opt_in,
        used_this_month=used,
    )


@router.get("/services", response_model=ServicesRead, summary="Installed value-added services and your opt-ins")
def list_services(actor: CurrentActor, session: DbSession) -> ServicesRead:
    opt_ins = {
        row.service: OptInState(status=row.status, requested_at=row.requested_at, decided_at=row.decided_at)
        for row in identity.own_services(session, actor)
    }
    return ServicesRead(
        services=[
            _installed(plugin, opt_ins.get(name), metering.uses_this_month(session, actor, service=name))
            for name, plugin in plugins.installed().items()
        ],
        opt_ins=opt_ins,
    )


@router.get(
    "/services/{service}/statement",
    response_class=Response,
    summary="The month's statement of a charged service (CSV), for the company's administrators",
    description="One line per use (a key is counted once), then the total line. `month` is YYYY-MM in UTC, this "
    "month by default. A free or unknown service answers 404.",
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def statement(
    service: ServiceName,
    actor: CurrentActor,
    session: DbSession,
    month: Annotated[str | None, Query(pattern=metering.MONTH_PATTERN, description="YYYY-MM")] = None,
) -> Response:
    found = metering.statement(session, actor, service=service, month=month)
    return Response(
        metering.statement_csv(found),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{service}-{found.month}.csv"'},
    )


def opted_in(service: str) -> Any:
    """The dependency of a plug-in's routes: the caller's company has an active opt-in to ``service``."""

    def check(actor: CurrentActor, session: DbSession) -> Actor:
        identity.check_opted_in(session, actor, service=service)
        return actor

    return Depends(check)
