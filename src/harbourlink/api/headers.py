"""Headers every response carries: HSTS over HTTPS, and no caching or sniffing of API answers.

HTTPS is the connection's own scheme, or ``X-Forwarded-Proto: https`` from a reverse proxy
whose address is in ``trusted_proxies`` (anyone else could send that header over plain HTTP).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HSTS = "max-age=31536000; includeSubDomains"
API_PREFIXES = ("/api/v1/", "/v2/")
"""Answers under these carry cargo data: no cache (browser or shared) may keep them."""

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(addresses: Iterable[str]) -> list[Network]:
    """Addresses or networks (``10.0.0.5``, ``10.0.0.0/24``) as networks."""
    return [ipaddress.ip_network(address.strip(), strict=False) for address in addresses if address.strip()]


def peer_in(scope: Scope, allowed: list[Network]) -> bool:
    client = scope.get("client")
    if not client or not allowed:
        return False
    try:
        peer = ipaddress.ip_address(client[0])
    except ValueError:
        return False
    return any(peer in network for network in allowed)


def came_over_https(scope: Scope, trusted_proxies: list[Network]) -> bool:
    if scope.get("scheme") in {"https", "wss"}:
        return True
    if not peer_in(scope, trusted_proxies):
        return False
    forwarded = Headers(scope=scope).get("x-forwarded-proto", "")
    return forwarded.split(",")[0].strip().lower() == "https"  # the hop nearest the client comes first


class SecurityHeaders:
    """ASGI middleware adding the headers above to every HTTP answer (a handler's own values win)."""

    def __init__(self, app: ASGIApp, *, trusted_proxies: Iterable[str] = ()) -> None:
        self.app = app
        self.trusted_proxies = networks(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = came_over_https(scope, self.trusted_proxies)
        api = str(scope.get("path", "")).startswith(API_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                if https:
                    headers.setdefault("Strict-Transport-Security", HSTS)
                if api:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)
