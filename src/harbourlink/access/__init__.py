"""Access: the data owner decides who sees what.

Every owned record carries its owner company. Others see it only through a grant from the
owner — for one reference, to one company or to anyone who presents the reference — or
through the standing rule "companies I named as parties". A vessel call's times and position
follow the trade instead (``vessel_call_template``): whoever may see cargo on the call sees them,
unless their publisher withholds them (``set_sharing_policy``). ``scope_for`` makes the
``AccessScope`` every owned-data query takes, and ``visibility_clause`` turns it into SQL
(``visibility_template`` is the same rule for a statement built once, its caller bound through
``scope_parameters``). Owners can see who viewed their data.
"""

from harbourlink.access.domain import (
    NAMED_PARTIES_RULE,
    VIEW_LOG_WINDOW,
    AccessScope,
    PartyRole,
    is_visible,
    sees_vessel_call,
)
from harbourlink.access.repository import (
    already_logged,
    bound_now,
    bound_viewer,
    scope_parameters,
    shared_by_name,
    vessel_call_template,
    visibility_clause,
    visibility_template,
)
from harbourlink.access.schemas import SharingPolicyRead, SharingPolicyUpdate
from harbourlink.access.service import (
    companies_given,
    do_grant,
    forget_nominee,
    get_sharing_policy,
    list_access_log,
    list_grants,
    list_parties,
    name_nominee,
    name_party,
    record_views,
    remove_party,
    revoke_grant,
    scope_for,
    set_sharing_policy,
    share_with,
)

__all__ = [
    "NAMED_PARTIES_RULE",
    "VIEW_LOG_WINDOW",
    "AccessScope",
    "PartyRole",
    "SharingPolicyRead",
    "SharingPolicyUpdate",
    "already_logged",
    "bound_now",
    "bound_viewer",
    "companies_given",
    "do_grant",
    "forget_nominee",
    "get_sharing_policy",
    "is_visible",
    "list_access_log",
    "list_grants",
    "list_parties",
    "name_nominee",
    "name_party",
    "record_views",
    "remove_party",
    "revoke_grant",
    "scope_for",
    "scope_parameters",
    "sees_vessel_call",
    "set_sharing_policy",
    "share_with",
    "shared_by_name",
    "vessel_call_template",
    "visibility_clause",
    "visibility_template",
]
