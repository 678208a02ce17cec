"""Ways an alert reaches someone: webhooks (Standard Webhooks), e-mail over SMTP, SMS through a provider.

The in-app inbox needs no channel here: the alert row is the inbox entry, and the page's live
updates read it. Each channel's ``send`` returns ``Sent`` (an HTTP or SMTP status and an error,
None when it went through); the outbox decides about retries.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sent:
    """How one attempt ended: a status code when the other side answered, an error when it failed."""

    status: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None
