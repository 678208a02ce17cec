"""Errors of e-locks, with stable codes."""

from __future__ import annotations

from harbourlink.kernel.errors import Conflict, Forbidden, ValidationFailed


class NotCustoms(Forbidden):
    code = "not_customs"


class DeviceExists(Conflict):
    code = "elock_device_exists"


class DeviceBusy(Conflict):
    """The lock is on a trip that has not arrived: one lock seals one journey at a time."""

    code = "elock_device_busy"


class InvalidTrip(ValidationFailed):
    code = "invalid_elock_trip"
