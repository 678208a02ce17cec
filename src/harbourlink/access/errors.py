"""Errors of the access domain."""

from __future__ import annotations

from harbourlink.kernel.errors import ValidationFailed


class InvalidGrant(ValidationFailed):
    code = "invalid_grant"
