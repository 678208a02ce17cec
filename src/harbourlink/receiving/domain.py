"""Pure rules of receiving: the consignment token's signature, what a receipt's count and condition say,
and what a photo is.

No I/O here: the key, the times and the bytes come in from the caller.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

TOKEN_LIFETIME = timedelta(days=14)
"""A label travels with its cargo for days; after this its QR code opens nothing."""
TOKEN_ID_BYTES = 16
SIGNATURE_BYTES = 16
SALT = b"harbourlink.receiving.consignment-token"

MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 3 * 1024 * 1024
"""Three photos of this size and the form stay under the platform's request limit (10 MiB by default)."""
MAX_NOTE = 1000
MAX_PACKAGES = 100_000

# The first bytes of each image format a phone's camera writes.
IMAGE_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"WEBP", 8, "image/webp"),
)


class Condition(StrEnum):
    """How the cargo arrived, as the warehouse's clerk saw it."""

    GOOD = "good"
    DAMAGED = "damaged"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def new_token_id() -> str:
    """The random part a token carries and the server keeps: 128 bits, so it cannot be guessed."""
    return _b64(secrets.token_bytes(TOKEN_ID_BYTES))


def _signature(key: str, token_id: str) -> str:
    digest = hmac.new(hashlib.sha256(SALT + key.encode()).digest(), token_id.encode(), hashlib.sha256).digest()
    return _b64(digest[:SIGNATURE_BYTES])


def sign_token(key: str, token_id: str) -> str:
    """The token a QR code carries: the random id and its signature, never the consignment's number."""
    return f"{token_id}.{_signature(key, token_id)}"


def token_id_of(key: str, token: str) -> str | None:
    """The id a token carries when its signature is the platform's, else None (a forged or mistyped token)."""
    token_id, dot, signature = token.strip().partition(".")
    if not dot or not token_id or len(token_id) > 64:
        return None
    # Bytes: a scanned or typed token may hold any character, and compare_digest takes only ASCII text.
    return token_id if hmac.compare_digest(signature.encode(), _signature(key, token_id).encode()) else None


def token_state(*, expires_at: datetime, revoked_at: datetime | None, now: datetime) -> str | None:
    """Why a stored token opens nothing (``revoked``, ``expired``), or None while it is good."""
    if revoked_at is not None:
        return "revoked"
    if expires_at <= now:
        return "expired"
    return None


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """What a receipt found wrong: fewer packages than expected (``short`` counts them), or damage."""

    short: int
    damaged: bool

    @property
    def any(self) -> bool:
        return self.short > 0 or self.damaged


def discrepancy(*, expected: int | None, counted: int, condition: Condition) -> Discrepancy:
    """Fewer packages than expected (when a count was expected) or damaged cargo; more is not short."""
    short = max(0, expected - counted) if expected is not None else 0
    return Discrepancy(short=short, damaged=condition is Condition.DAMAGED)


def image_type(data: bytes) -> str | None:
    """The content type of a JPEG, PNG or WebP image by its first bytes (not by its name), else None."""
    for magic, offset, content_type in IMAGE_MAGIC:
        if data[offset : offset + len(magic)] == magic and (content_type != "image/webp" or data[:4] == b"RIFF"):
            return content_type
    return None


def consignment_url(base_url: str, token: str) -> str:
    """What a consignment's QR code opens: the page that fits whoever scans it."""
    return f"{base_url.rstrip('/')}/c/{token}"
