"""Errors of the identity domain, with stable codes."""

from __future__ import annotations

from harbourlink.kernel.errors import Conflict, Forbidden, Unauthenticated


class InvalidCredentials(Unauthenticated):
    code = "invalid_credentials"


class AccountLocked(Unauthenticated):
    code = "account_locked"


class AccountNotActive(Unauthenticated):
    code = "account_not_active"


class InvalidTotp(Unauthenticated):
    code = "invalid_totp"


class PasswordReused(Conflict):
    code = "password_reused"


class EmailTaken(Conflict):
    code = "email_taken"


class NotAdministrator(Forbidden):
    code = "not_administrator"


class NotOperator(Forbidden):
    code = "not_operator"


class MissingScope(Forbidden):
    code = "missing_scope"
