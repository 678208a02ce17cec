"""Secrets at rest: password hashes (argon2id), sealed TOTP seeds, API key and session digests.

API keys and session tokens are long random strings, so a fast digest (SHA-256) suffices and
keeps per-request checks cheap; passwords are low-entropy and get argon2id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from cryptography.fernet import Fernet, InvalidToken

_hasher = PasswordHasher()

API_KEY_PREFIX = "hlk"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@cache
def _decoy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def verify_decoy(password: str) -> None:
    """Does the work of checking a password where there is none to check (unknown or locked account).

    Answering at once would tell which logins exist, or are locked, by the time the answer takes.
    """
    verify_password(_decoy_hash(), password)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class NewApiKey:
    prefix: str
    secret: str

    @property
    def full(self) -> str:
        return f"{API_KEY_PREFIX}_{self.prefix}_{self.secret}"


def new_api_key() -> NewApiKey:
    return NewApiKey(prefix=secrets.token_hex(8), secret=secrets.token_urlsafe(32))


def split_api_key(presented: str) -> tuple[str, str] | None:
    """``hlk_<prefix>_<secret>`` into its prefix and secret, or None if it has another shape."""
    parts = presented.split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def same_digest(expected_hex: str, token: str) -> bool:
    return hmac.compare_digest(expected_hex, digest(token))


class Sealer:
    """Encrypts small secrets (TOTP seeds) with a key derived from the installation secret."""

    def __init__(self, installation_secret: str):
        key = hashlib.sha256(b"harbourlink-seal:" + installation_secret.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def unseal(self, sealed: str) -> str | None:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            return None
