"""Sending one alert webhook, signed as Standard Webhooks (``integrations.webhooks`` signs).

Headers ``webhook-id`` (the notification's idempotency id, the same on every retry, so a receiver
can drop duplicates), ``webhook-timestamp`` (Unix seconds) and ``webhook-signature``: ``v1,`` +
base64 HMAC-SHA256 over ``id.timestamp.body`` under the secret's bytes; during a key rotation
the previous secret signs too, space-separated, so receivers can switch over at their pace.
"""

from __future__ import annotations

import httpx

from harbourlink.alerts.channels import Sent
from harbourlink.integrations.webhooks import CallbackPolicy, check_callback_url
from harbourlink.kernel import ValidationFailed


def send(client: httpx.Client, url: str, signed_headers: dict[str, str], body: bytes, policy: CallbackPolicy) -> Sent:
    """POSTs one delivery; any 2xx is success. The URL is checked again (DNS may have changed)."""
    try:
        check_callback_url(url, policy, resolve=True)
    except ValidationFailed as exc:
        return Sent(None, exc.message)
    try:
        response = client.post(url, content=body, headers=signed_headers, timeout=policy.timeout_seconds)
    except httpx.HTTPError as exc:
        return Sent(None, f"{type(exc).__name__}: {exc}"[:500])
    if 200 <= response.status_code < 300:
        return Sent(response.status_code)
    return Sent(response.status_code, f"the endpoint answered HTTP {response.status_code}")
