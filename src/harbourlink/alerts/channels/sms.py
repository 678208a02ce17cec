"""SMS through an HTTP provider, in the common form-post protocol (Twilio's ``Messages`` shape).

``POST {url}`` with form fields ``To``, ``From``, ``Body`` and HTTP basic authentication
(account and token); a 2xx answer means the provider accepted the message. Another provider
is another function of this shape, chosen by settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from harbourlink.alerts.channels import Sent
from harbourlink.alerts.channels.texts import subject_line

MAX_LENGTH = 320


@dataclass(frozen=True)
class SmsConfig:
    url: str
    account: str
    token: str
    sender: str
    timeout_seconds: float = 10.0


def text(data: dict[str, Any], language: str) -> str:
    """One short message: the subject line and the timeline link."""
    return f"{subject_line(data, language)} {data['timeline_url']}"[:MAX_LENGTH]


def send(client: httpx.Client, config: SmsConfig, *, to: str, body: str, message_id: str) -> Sent:
    """Asks the provider to send; the idempotency id travels as a header providers may honour."""
    try:
        response = client.post(
            config.url,
            data={"To": to, "From": config.sender, "Body": body},
            auth=(config.account, config.token),
            headers={"Idempotency-Key": message_id},
            timeout=config.timeout_seconds,
        )
    except httpx.HTTPError as exc:
        return Sent(None, f"{type(exc).__name__}: {exc}"[:500])
    if 200 <= response.status_code < 300:
        return Sent(response.status_code)
    return Sent(response.status_code, f"the SMS provider answered HTTP {response.status_code}")
