"""A C2SP tlog-witness: cosigns a log's checkpoint only if it extends the last one it cosigned.

``POST /add-checkpoint`` takes ``old <size>``, up to 63 base64 consistency-proof lines, a blank
line and the signed checkpoint. Answers, as the spec defines them: 404 unknown origin, 403 no
valid signature by the log's key, 400 malformed or ``old`` above the checkpoint's size, 409
``old`` is not the size this witness holds (body: that size, ``text/x.tlog.size``) or the same
size with another root, 422 the consistency proof fails; 200 with the cosignature line.

State is one row per origin in the witness's own SQLite file, read and replaced inside one
``BEGIN IMMEDIATE`` transaction, so two concurrent requests cannot both advance from the same
old size (the rollback race the spec warns of).
"""

from __future__ import annotations

import base64
import binascii
import logging
import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from harbourlink.ledger.notes import NoteSigner
from harbourlink_verify import (
    EMPTY_ROOT,
    VerificationError,
    Vkey,
    parse_checkpoint,
    verify_consistency,
    verify_note,
)

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024
MAX_PROOF_LINES = 63


@dataclass(frozen=True)
class Reply:
    status: int
    body: str
    content_type: str = "text/plain; charset=utf-8"


class WitnessError(Exception):
    """A refusal with its tlog-witness status."""

    def __init__(self, status: int, message: str, content_type: str = "text/plain; charset=utf-8"):
        super().__init__(message)
        self.reply = Reply(status, message if message.endswith("\n") else message + "\n", content_type)


def _parse_request(body: bytes) -> tuple[int, list[bytes], str]:
    try:
        text = body.decode()
        head, note = text.split("\n\n", 1)
        lines = head.split("\n")
        if not lines[0].startswith("old ") or not lines[0][4:].isdigit() or len(lines) - 1 > MAX_PROOF_LINES:
            raise ValueError("bad old line")
        proof = [base64.b64decode(line, validate=True) for line in lines[1:]]
    except (UnicodeDecodeError, ValueError, binascii.Error) as exc:
        raise WitnessError(400, "malformed add-checkpoint request") from exc
    return int(lines[0][4:]), proof, note


@dataclass(frozen=True)
class CheckpointWitness:
    """The witness: its cosigning key, the logs it follows (origin → verifier key), its state file."""

    signer: NoteSigner
    logs: Mapping[str, Vkey]
    state: Path

    def __post_init__(self) -> None:
        with sqlite3.connect(self.state) as connection:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS checkpoints (origin TEXT PRIMARY KEY, "
                "size INTEGER NOT NULL, root BLOB NOT NULL)"
            )

    def add_checkpoint(self, body: bytes) -> Reply:
        """Handles one add-checkpoint request; never raises for a bad request, it answers."""
        try:
            return Reply(200, self._add(body))
        except WitnessError as exc:
            return exc.reply

    def _add(self, body: bytes) -> str:
        old, proof, note = _parse_request(body)
        try:
            origin = parse_checkpoint(note.split("\n\n", 1)[0] + "\n")[0]
        except VerificationError as exc:
            raise WitnessError(403, f"not a checkpoint: {exc}") from exc
        if origin not in self.logs:
            raise WitnessError(404, f"unknown log {origin}")
        try:
            text = verify_note(note, self.logs[origin])
            _, size, root = parse_checkpoint(text)
        except VerificationError as exc:
            raise WitnessError(403, str(exc)) from exc
        if old > size:
            raise WitnessError(400, f"old size {old} is above the checkpoint size {size}")
        self._advance(origin, old, size, root, proof)
        return self.signer.cosign(text, int(time.time()))

    def _advance(self, origin: str, old: int, size: int, root: bytes, proof: list[bytes]) -> None:
        connection = sqlite3.connect(self.state, isolation_level=None, timeout=10)
        try:
            connection.execute("BEGIN IMMEDIATE")
            row = connection.execute("SELECT size, root FROM checkpoints WHERE origin = ?", (origin,)).fetchone()
            held_size, held_root = (row[0], bytes(row[1])) if row else (0, EMPTY_ROOT)
            if old != held_size:
                raise WitnessError(409, f"{held_size}", "text/x.tlog.size")
            if size == held_size and root != held_root:
                raise WitnessError(409, f"{held_size}", "text/x.tlog.size")
            try:
                verify_consistency(old, size, held_root, root, proof)
            except VerificationError as exc:
                raise WitnessError(422, f"inconsistent: {exc}") from exc
            connection.execute(
                "INSERT INTO checkpoints (origin, size, root) VALUES (?, ?, ?) ON CONFLICT (origin) "
                "DO UPDATE SET size = excluded.size, root = excluded.root",
                (origin, size, root),
            )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        finally:
            connection.close()


def serve(witness: CheckpointWitness, host: str, port: int) -> ThreadingHTTPServer:
    """An HTTP server answering ``POST /add-checkpoint`` (call ``serve_forever`` on it)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if self.path.rstrip("/") != "/add-checkpoint":
                reply = Reply(404, "not found\n")
            elif length > MAX_BODY:
                reply = Reply(400, "request too large\n")
            else:
                reply = witness.add_checkpoint(self.rfile.read(length))
            data = reply.body.encode()
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            log.info("%s %s", self.address_string(), format % args)

    return ThreadingHTTPServer((host, port), Handler)
