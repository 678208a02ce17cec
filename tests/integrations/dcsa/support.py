"""Shared by the DCSA tests: samples, the 2.2 response schema, sending messages, a real callback receiver."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from jsonschema import Draft4Validator  # type: ignore[import-untyped]

from harbourlink.integrations.dcsa.schema import FORMATS, v22_components
from tests.conftest import Company

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "dcsa"
SHARED_SPEC = Path(__file__).resolve().parents[4] / "shared" / "standards" / "dcsa" / "tnt_v2.2.0.yaml"
V22_SAMPLE = SAMPLES / "hkg_tnt22_import_export.json"
V3_SAMPLE = SAMPLES / "hkg_tnt3_reefer.json"


def sample(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text())  # type: ignore[no-any-return]


def events_response_validator() -> Any:
    """The 200 body of 2.2 ``GET /v2/events`` (and of a callback): an array of anyOf the three events,
    with the one enum relaxed to the codes as shared/standards/dcsa/README.md says."""
    root = {
        "type": "array",
        "items": {
            "anyOf": [
                {"$ref": f"#/components/schemas/{name}"}
                for name in ("transportEvent", "shipmentEvent", "equipmentEvent")
            ]
        },
        "components": {"schemas": v22_components()},
    }
    return Draft4Validator(root, format_checker=FORMATS)


def schema_validator(name: str) -> Any:
    root = {"$ref": f"#/components/schemas/{name}", "components": {"schemas": v22_components()}}
    return Draft4Validator(root, format_checker=FORMATS)


def assert_valid_events(body: object) -> None:
    validator = events_response_validator()
    errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(body)]
    if errors and isinstance(body, list):  # name the event and field, not just "not valid under anyOf"
        from harbourlink.integrations.dcsa.v22 import check_v22_event

        errors += [
            f"{where}: {message}" for i, item in enumerate(body) for where, message in check_v22_event(item, f"$[{i}]")
        ]
    assert not errors, errors


def send(
    client: TestClient, company: Company, body: bytes | str | list[Any] | dict[str, Any], fmt: str = "dcsa-tnt-2.2"
) -> dict[str, Any]:
    raw = body if isinstance(body, bytes) else (body if isinstance(body, str) else json.dumps(body)).encode()
    response = client.post("/api/v1/messages", params={"format": fmt}, headers=company.auth, content=raw)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class CallbackServer:
    """A real HTTP server on loopback; answers each POST with the next scripted status (then 204)."""

    statuses: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    url: str = ""
    arrived: threading.Event = field(default_factory=threading.Event)


@contextmanager
def callback_server(statuses: list[int] | None = None) -> Iterator[CallbackServer]:
    state = CallbackServer(statuses=list(statuses or []))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            state.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            status = state.statuses.pop(0) if state.statuses else 204
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()
            state.arrived.set()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: ARG002 - http.server signature
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/dcsa/callback?subscriber=alpha"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
