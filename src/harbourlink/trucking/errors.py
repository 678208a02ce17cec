"""Errors of trucking, with stable codes."""

from __future__ import annotations

from harbourlink.kernel.errors import Conflict, Forbidden, NotFound, ValidationFailed


class NotATruckingCompany(Forbidden):
    code = "not_trucking"


class NotADriver(ValidationFailed):
    code = "not_a_driver"


class CargoNotVisible(NotFound):
    code = "cargo_not_visible"


class TripFinished(Conflict):
    code = "trip_finished"


class UnknownDevice(NotFound):
    code = "unknown_device"


class InvalidPositions(ValidationFailed):
    code = "invalid_positions"
