"""Domain errors with stable codes.

``HarbourLinkError`` carries a code that never changes once published, a human message and
structured data. The message may be a ``Wording`` (``kernel.phrases``), which a page can say in
its reader's language; ``wording`` is then that, and ``message`` its English. The HTTP layer
alone maps codes to statuses (see ``api.errors``)::

    HarbourLinkError
    ├── ValidationFailed   bad input; data names the field or place
    ├── NotFound           absent, or not visible to the caller (never says which)
    ├── Conflict           would break a uniqueness or state rule
    ├── Forbidden          visible but not allowed for this role or scope
    ├── Unauthenticated    no valid credentials
    └── RateLimited        too many requests from this caller; data says when to retry
"""

from __future__ import annotations

from typing import Any

from harbourlink.kernel.phrases import Wording, plain


class HarbourLinkError(Exception):
    code = "error"

    def __init__(self, message: str | Wording, *, code: str | None = None, data: dict[str, Any] | None = None):
        self.wording = message if isinstance(message, Wording) else plain(message)
        self.message = str(self.wording)
        super().__init__(self.message)
        if code is not None:
            self.code = code
        self.data: dict[str, Any] = data or {}


class ValidationFailed(HarbourLinkError):
    code = "validation_failed"


class NotFound(HarbourLinkError):
    code = "not_found"


class Conflict(HarbourLinkError):
    code = "conflict"


class Forbidden(HarbourLinkError):
    code = "forbidden"


class Unauthenticated(HarbourLinkError):
    code = "unauthenticated"


class RateLimited(HarbourLinkError):
    """``data["retry_after"]``: whole seconds until the caller may try again."""

    code = "rate_limited"
