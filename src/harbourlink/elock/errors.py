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


class AlertDisposed(Conflict):
    """An alert's disposition is recorded once; a second answer would rewrite what an officer decided."""

    code = "elock_alert_disposed"


class InspectedOnce(Conflict):
    """A trip's cargo is inspected once (R-LOCK-4): the other authority answers the inspection recorded."""

    code = "elock_inspected_once"


class FollowUpRefused(Conflict):
    """Only the other authority answers an inspection, and once."""

    code = "elock_follow_up_refused"
