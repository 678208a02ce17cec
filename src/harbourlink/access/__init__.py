"""Access: the data owner decides who sees what.

Every owned record carries its owner company. Others see it only through a grant from the
owner — for one reference, to one company or to anyone who presents the reference — or
through the standing rule "companies I named as parties". ``scope_for`` makes the
``AccessScope`` every owned-data query takes, and ``visibility_clause`` turns it into SQL
(``visibility_template`` is the same rule for a statement built once, its caller bound through
``scope_parameters``). Owners can see who viewed their data.
"""

from harbourlink.access.domain import NAMED_PARTIES_RULE, VIEW_LOG_WINDOW, AccessScope, PartyRole, is_visible
from harbourlink.access.repository import (
    already_logged,
    bound_viewer,
    scope_parameters,
    visibility_clause,
    visibility_template,
)
from harbourlink.access.service import (
    do_grant,
    list_access_log,
    list_grants,
    list_parties,
    name_party,
    record_views,
    remove_party,
    revoke_grant,
    scope_for,
)

__all__ = [
    "NAMED_PARTIES_RULE",
    "VIEW_LOG_WINDOW",
    "AccessScope",
    "PartyRole",
    "already_logged",
    "bound_viewer",
    "do_grant",
    "is_visible",
    "list_access_log",
    "list_grants",
    "list_parties",
    "name_party",
    "record_views",
    "remove_party",
    "revoke_grant",
    "scope_for",
    "scope_parameters",
    "visibility_clause",
    "visibility_template",
]
