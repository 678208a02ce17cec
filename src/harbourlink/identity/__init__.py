"""Identity: who is this user, and which company do they act for.

Companies (and individual truck drivers) apply with their documents' details, are verified and
approved by the platform operator, then opt in to services. People log in with a password and
a TOTP second factor, or through an OpenID Connect provider; companies' systems use scoped API
keys. Every security event lands in the audit log.
"""

from harbourlink.identity.audit import AuditKind, list_audit_events, record
from harbourlink.identity.crypto import Sealer
from harbourlink.identity.domain import (
    ADMIN_ROLES,
    AccountKind,
    DocumentKind,
    KeyScope,
    OperationMode,
    OrgStatus,
    OrgType,
    Role,
    Service,
)
from harbourlink.identity.models import ApiKey, Organisation, User
from harbourlink.identity.permissions import SYSTEM_ACTOR, check_admin_of, check_operator, is_admin
from harbourlink.identity.repository import display_names, org_types, types_by_org, user_by_id
from harbourlink.identity.service.apikeys import (
    authenticate_api_key,
    create_api_key,
    list_api_keys,
    revoke_api_key,
)
from harbourlink.identity.service.login import (
    LoginOutcome,
    authenticate_password,
    begin_totp_enrolment,
    close_web_session,
    complete_login,
    login_with_oidc,
    needs_second_factor,
    open_web_session,
    resume_web_session,
    totp_seed,
    verify_totp,
)
from harbourlink.identity.service.organisations import (
    create_organisation,
    decide_organisation,
    decide_service,
    describe,
    get_organisation,
    list_organisations,
    list_pending_services,
    list_services,
    register_organisation,
    request_service,
)
from harbourlink.identity.service.users import (
    change_password,
    create_user,
    get_user,
    list_users,
    set_password,
    unlock_user,
    update_user,
)

__all__ = [
    "ADMIN_ROLES",
    "SYSTEM_ACTOR",
    "AccountKind",
    "ApiKey",
    "AuditKind",
    "DocumentKind",
    "KeyScope",
    "LoginOutcome",
    "OperationMode",
    "OrgStatus",
    "OrgType",
    "Organisation",
    "Role",
    "Sealer",
    "Service",
    "User",
    "authenticate_api_key",
    "authenticate_password",
    "begin_totp_enrolment",
    "change_password",
    "check_admin_of",
    "check_operator",
    "close_web_session",
    "complete_login",
    "create_api_key",
    "create_organisation",
    "create_user",
    "decide_organisation",
    "decide_service",
    "describe",
    "display_names",
    "get_organisation",
    "get_user",
    "is_admin",
    "list_api_keys",
    "list_audit_events",
    "list_organisations",
    "list_pending_services",
    "list_services",
    "list_users",
    "login_with_oidc",
    "needs_second_factor",
    "open_web_session",
    "org_types",
    "record",
    "register_organisation",
    "request_service",
    "resume_web_session",
    "revoke_api_key",
    "set_password",
    "totp_seed",
    "types_by_org",
    "unlock_user",
    "update_user",
    "user_by_id",
    "verify_totp",
]
