"""A lock's token: what a lock reporting by OsmAnd or the JSON API sends to prove it is itself.

As for trucks' trackers (decision 0003): a long random number, shown once when the lock is registered,
kept only as its SHA-256 (its 80 bits of chance make a slow hash pointless), compared as a digest.
Digits only, since many trackers take no other identifier.
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_DIGITS = 24


def new_token() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(TOKEN_DIGITS))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
