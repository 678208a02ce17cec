"""Outgoing webhooks, shared by DCSA callbacks (tracking) and alert webhooks (alerts).

Small things both need, with no database and no HTTP client of their own:

* ``CallbackPolicy`` / ``check_callback_url``: where a callback may go (no private, loopback or
  link-local addresses unless the installation allows them; no credentials in the URL);
* Standard Webhooks signing (https://www.standardwebhooks.com/): ``new_secret``, ``signature``
  and ``signed_headers`` — ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature``
  (``v1,`` + base64 HMAC-SHA256 over ``id.timestamp.body``; several secrets during a rotation).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from harbourlink.kernel import ValidationFailed

SECRET_PREFIX = "whsec_"  # noqa: S105 - the Standard Webhooks prefix, not a secret
SECRET_BYTES = 32


@dataclass(frozen=True)
class CallbackPolicy:
    """Where callbacks may go. Private, loopback and link-local addresses are refused unless allowed
    (a test rig, or an installation whose subscribers sit on its own network)."""

    allow_private_networks: bool = False
    timeout_seconds: float = 10.0


def _address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return ip.is_global and not ip.is_multicast


def _addresses(host: str, port: int | None, *, resolve: bool) -> list[str]:
    """The addresses a host stands for; names are resolved only when asked (at send time)."""
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return ["127.0.0.1"]
    if not resolve:
        return []
    try:
        return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, port)})
    except OSError as exc:
        raise ValidationFailed(
            f"callbackUrl: cannot resolve {host}: {exc}", code="callback_unreachable", data={"field": "callbackUrl"}
        ) from None


def check_callback_url(url: str, policy: CallbackPolicy, *, resolve: bool = False) -> None:
    """Refuses a callback URL that is not http(s), carries credentials, or points inside (unless allowed)."""
    parts = urlsplit(url)
    problem = None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problem = "use an http or https URL with a host"
    elif parts.username or parts.password:
        problem = "credentials in the URL are not allowed; identify yourself with query parameters"
    elif not policy.allow_private_networks:
        addresses = _addresses(parts.hostname, parts.port, resolve=resolve)
        if any(not _address_allowed(address) for address in addresses):
            problem = "the address is private, loopback or link-local"
    if problem is not None:
        raise ValidationFailed(
            f"callbackUrl: {problem}", code="callback_url_not_allowed", data={"field": "callbackUrl", "value": url}
        )


def new_secret() -> str:
    """A fresh ``whsec_…`` secret, shown once to the endpoint's owner."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """One ``v1,<base64>`` Standard Webhooks signature."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(_key(secret), signed, hashlib.sha256).digest()).decode()


def signed_headers(secrets_in_force: list[str], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The request headers of one delivery, signed with every secret in force (newest first).

    ``message_id`` must be the same on every retry of one message: receivers deduplicate on it.
    """
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(s, message_id, timestamp, body) for s in secrets_in_force),
    }
