"""Errors of receiving, with stable codes."""

from __future__ import annotations

from harbourlink.kernel.errors import Forbidden, NotFound, ValidationFailed


class NotAWarehouse(Forbidden):
    code = "not_warehouse"


class TokenNotValid(NotFound):
    """Forged, unknown, expired or revoked: one answer, so a guesser learns nothing from it."""

    code = "token_not_valid"


class InvalidPhoto(ValidationFailed):
    code = "invalid_photo"
