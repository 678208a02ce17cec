"""The platform's health for its operator, and replaying dead letters; the same figures as ``/operator/health``.

Only the platform operator's administrators (or an operator's API key with ``org:manage``) are
answered; anyone else gets 403 ``not_operator`` whatever the path's ids, so the refusal says
nothing about them.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request

from harbourlink import operations
from harbourlink.api.context import CurrentActor, DbSession, runtime
from harbourlink.api.errors import ERROR_RESPONSES
from harbourlink.api.ledger import configured
from harbourlink.api.scopes import require_scope
from harbourlink.identity import KeyScope
from harbourlink.kernel import utcnow

router = APIRouter(
    prefix="/api/v1/operator",
    tags=["operator"],
    responses=ERROR_RESPONSES,
    dependencies=[require_scope(KeyScope.ORG_MANAGE)],
)


def silent_after(request: Request) -> timedelta:
    """A worker silent for longer than a work lease has lost its items to others: it is shown as silent."""
    return timedelta(seconds=runtime(request).settings.work_lease_seconds)


@router.get(
    "/health",
    response_model=operations.PlatformHealthRead,
    summary="Operator: inbound backlog, queues, dead letters, ledger lag, witnesses and workers",
)
def health(request: Request, actor: CurrentActor, session: DbSession) -> operations.PlatformHealthRead:
    return operations.PlatformHealthRead.of(
        operations.platform_health(
            session, actor, configured(request), now=utcnow(), silent_after=silent_after(request)
        )
    )


@router.post(
    "/dead-letters/{letter_id}/replay",
    response_model=operations.DeadLetterRead,
    summary="Operator: put a dead letter back in its queue, due at once",
)
def replay(letter_id: str, actor: CurrentActor, session: DbSession) -> operations.DeadLetterRead:
    return operations.DeadLetterRead.of(operations.replay_dead_letter(session, actor, letter_id=letter_id))
