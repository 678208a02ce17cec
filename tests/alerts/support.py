"""Shared by the alert tests: feeds, subscriptions, delivery rounds, a real loopback HTTP receiver and
a receiver's verification of Standard Webhooks signatures."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
from fastapi.testclient import TestClient

from harbourlink import alerts
from harbourlink.integrations.webhooks import CallbackPolicy
from harbourlink.kernel import Database, utcnow
from tests.conftest import Company

CONTAINER = "MSCU1234566"
LOOPBACK = CallbackPolicy(allow_private_networks=True, timeout_seconds=5)


def readings_feed(*readings: tuple[datetime, float | None, str], container: str = CONTAINER) -> bytes:
    """A terminal JSON feed of reefer readings (at, temperature, power)."""
    items = [
        {
            "container": container,
            "at": at.isoformat(),
            "setpoint": 5.0,
            "power": power,
            **({"supply_air": temperature} if temperature is not None else {}),
        }
        for at, temperature, power in readings
    ]
    return json.dumps({"terminal": "HITHK", "location": "HKHKG", "reefer_readings": items}).encode()


def send_feed(client: TestClient, company: Company, raw: bytes, fmt: str = "terminal-json") -> dict[str, Any]:
    response = client.post("/api/v1/messages", params={"format": fmt}, headers=company.auth, content=raw)
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "accepted", response.text
    return response.json()  # type: ignore[no-any-return]


def subscribe(client: TestClient, company: Company, **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/subscriptions", headers=company.auth, json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def add_endpoint(client: TestClient, company: Company, url: str, *types: str) -> dict[str, Any]:
    response = client.post(
        "/api/v1/webhook-endpoints", headers=company.auth, json={"url": url, "event_types": list(types)}
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def channels(client: TestClient, **kwargs: Any) -> alerts.Channels:
    sealer = client.app.state.runtime.sealer  # type: ignore[attr-defined]
    return alerts.Channels(base_url="https://harbourlink.example.hk", sealer=sealer, policy=LOOPBACK, **kwargs)


def deliver(db: Database, ch: alerts.Channels, *, later: timedelta = timedelta(0)) -> alerts.RoundReport:
    with httpx.Client() as http:
        return alerts.deliver_notifications(db, http, ch, now=utcnow() + later)


def verify_standard_webhook(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """What a receiver does (written from the Standard Webhooks spec, not from HarbourLink's code)."""
    key = base64.b64decode(secret.split("_", 1)[1])
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(part.split(",", 1)[1] == expected for part in headers["webhook-signature"].split(" "))


@dataclass
class Request:
    """One request the receiver got: headers in lower case, the body, and when it arrived."""

    path: str
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Receiver:
    """A real HTTP server on loopback. Answers each POST with the next scripted status (then 204);
    ``before_answer`` runs after the request is recorded and before the answer is written."""

    url: str = ""
    statuses: list[int] = field(default_factory=list)
    received: list[Request] = field(default_factory=list)
    before_answer: Callable[[Request], None] | None = None
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Request]:
        """Blocks until ``count`` requests arrived (or the timeout passed); returns them all."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.received) >= count, timeout)
            return list(self.received)


def _handler(state: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            request = Request(self.path, {k.lower(): v for k, v in self.headers.items()}, body, time.monotonic())
            with state.arrived:
                state.received.append(request)
                status = state.statuses.pop(0) if state.statuses else 204
                state.arrived.notify_all()
            if state.before_answer is not None:
                state.before_answer(request)
            try:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:  # the sender died waiting (the crash tests kill it on purpose)
                pass

        def log_message(self, format: str, *args: Any) -> None:  # noqa: ARG002 - http.server signature
            return

    return Handler


@contextmanager
def receiver(
    statuses: list[int] | None = None, before_answer: Callable[[Request], None] | None = None
) -> Iterator[Receiver]:
    """A loopback receiver for webhooks or an SMS provider, stopped on leaving the block."""
    state = Receiver(statuses=list(statuses or []), before_answer=before_answer)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/alerts"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
