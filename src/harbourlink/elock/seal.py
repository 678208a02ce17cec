"""A seal session's log, chained by MAC under the session's own key. Pure: no I/O.

Entry ``n`` carries ``HMAC-SHA256(key, "harbourlink-elock-session/v1\\n" ‖ n ‖ "\\n" ‖ MAC of entry n-1 ‖ "\\n" ‖
canonical JSON of its body)``. Whoever holds the key (the session's authority, which may fetch it) checks the
whole log offline; without it no entry can be added, changed, dropped or reordered unseen, not even by
the other authority, which never sees this key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Sequence
from typing import Any

FORMAT = b"harbourlink-elock-session/v1\n"


def new_key() -> str:
    """A session key, 256 bits, as hex."""
    return secrets.token_hex(32)


def canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def mac_of(key: str, *, n: int, previous: str, body: dict[str, Any]) -> str:
    message = FORMAT + f"{n}\n{previous}\n".encode() + canonical(body)
    return hmac.new(bytes.fromhex(key), message, hashlib.sha256).hexdigest()


def first_broken(key: str, entries: Sequence[tuple[int, dict[str, Any], str | None]]) -> int | None:
    """The number of the first entry whose MAC does not hold (or that is missing or out of order), or None when the
    whole log verifies. ``entries``: (n, body, mac) in order, a mac of None meaning not yet sealed."""
    previous = ""
    for expected, (n, body, mac) in enumerate(entries):
        if n != expected or mac is None or not hmac.compare_digest(mac, mac_of(key, n=n, previous=previous, body=body)):
            return expected
        previous = mac
    return None
