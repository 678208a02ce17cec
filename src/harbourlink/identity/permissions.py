"""Who may administer a company: its principal and administrators, a key scoped for it, the operator."""

from __future__ import annotations

from harbourlink.identity.domain import ADMIN_ROLES, KeyScope, OrgType
from harbourlink.identity.errors import MissingScope, NotAdministrator, NotOperator
from harbourlink.kernel import Actor, NotFound

SYSTEM_ACTOR = Actor(org_id="", roles=frozenset({"principal"}), org_types=frozenset({OrgType.OPERATOR.value}))
"""The platform acting for itself (CLI, seeding): holds operator rights, belongs to no company."""


def is_admin(actor: Actor) -> bool:
    if actor.is_machine:
        return actor.has_scope(KeyScope.ORG_MANAGE)
    return bool(actor.roles & ADMIN_ROLES)


def check_operator(actor: Actor) -> None:
    if not (actor.is_operator and is_admin(actor)):
        raise NotOperator("only the platform operator's administrators may do this")


def check_admin_of(actor: Actor, org_id: str) -> None:
    """Administrators of ``org_id`` and the operator pass; another company learns nothing."""
    if actor.is_operator and is_admin(actor):
        return
    if actor.org_id != org_id:
        raise NotFound("no such company", data={"org_id": org_id})
    if actor.is_machine and not actor.has_scope(KeyScope.ORG_MANAGE):
        raise MissingScope("this API key lacks the org:manage scope", data={"scope": KeyScope.ORG_MANAGE.value})
    if not is_admin(actor):
        raise NotAdministrator("only the company's principal or administrators may do this")
