"""Secrets at rest: password hashes (argon2id), sealed TOTP seeds, API key and session digests.

API keys and session tokens are long random strings, so a fast digest (SHA-256) suffices and
keeps per-request checks cheap; passwords are low-entropy and get argon2id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass
from functools import cache

from argon2 import Parameters, PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from cryptography.fernet import Fernet, InvalidToken

log = logging.getLogger(__name__)

HASH_PROFILE_VARIABLE = "HARBOURLINK_PASSWORD_PROFILE"
PASSWORD_PROFILES: dict[str, Parameters] = {
    "rfc9106-low-memory": profiles.RFC_9106_LOW_MEMORY,
    "rfc9106-high-memory": profiles.RFC_9106_HIGH_MEMORY,
    "cheapest-for-tests": profiles.CHEAPEST,
}
"""argon2id's cost: RFC 9106's low-memory profile (3 passes over 64 MiB, 4 lanes) unless the environment
names another. The high-memory one takes 2 GiB a hash. The cheapest is for test suites, which hash
thousands of passwords; a hash made with other parameters than the current ones is made again at the
next good login, so raising the cost reaches every account that logs in."""

API_KEY_PREFIX = "hlk"


@cache
def _hasher() -> PasswordHasher:
    name = os.environ.get(HASH_PROFILE_VARIABLE, "rfc9106-low-memory")
    if name not in PASSWORD_PROFILES:
        raise ValueError(f"{HASH_PROFILE_VARIABLE}={name!r} is none of {', '.join(PASSWORD_PROFILES)}")
    if PASSWORD_PROFILES[name] == profiles.CHEAPEST:
        log.warning("%s=%s: passwords hashed for a test suite, not an installation", HASH_PROFILE_VARIABLE, name)
    return PasswordHasher.from_parameters(PASSWORD_PROFILES[name])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than this installation's (see ``PASSWORD_PROFILES``)."""
    try:
        return _hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@cache
def _decoy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


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
