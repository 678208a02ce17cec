"""Errors of legs, with stable codes."""

from __future__ import annotations

from harbourlink.kernel.errors import Conflict, NotFound, ValidationFailed


class CargoNotHeld(NotFound):
    code = "cargo_not_held"


class WrongNominee(ValidationFailed):
    code = "wrong_nominee"


class LegClosed(Conflict):
    code = "leg_closed"
