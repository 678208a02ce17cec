"""Errors of the phone channel, with stable codes."""

from __future__ import annotations

from harbourlink.kernel.errors import Conflict, Forbidden, NotFound, ValidationFailed


class NotADriver(ValidationFailed):
    code = "not_a_driver"


class PhoneAccountExists(Conflict):
    code = "phone_account_exists"


class PhoneAccountNotFound(NotFound):
    code = "phone_account_not_found"


class CallNotFound(NotFound):
    code = "call_not_found"


class PhoneLineClosed(Forbidden):
    """The provider's auth token is not configured, so no request can be believed to come from it."""

    code = "phone_line_closed"


class VoiceUnavailable(RuntimeError):
    """espeak-ng is not installed: the prompts cannot be spoken (``apt-get install espeak-ng``)."""
