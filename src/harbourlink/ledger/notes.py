"""C2SP signed notes, checkpoints and cosignatures with Ed25519 keys.

A checkpoint is the note text ``<origin>\\n<size>\\n<base64 root>\\n``; a signature line is
``— <key name> <base64(key id || signature)>``. A witness's cosignature (type 0x04) signs
``cosignature/v1\\ntime <t>\\n`` followed by the checkpoint text, and carries the time.
"""

from __future__ import annotations

import base64
import struct
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from harbourlink_verify import SIG_COSIGNATURE, SIG_ED25519, SIGNATURE_DASH, Vkey, compute_key_id


def checkpoint_text(origin: str, size: int, root: bytes) -> str:
    """The body of a tlog-checkpoint: origin, decimal size, base64 root, each ending in a newline."""
    return f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"


@dataclass(frozen=True)
class NoteSigner:
    """An Ed25519 key that signs notes (type 0x01, a log) or cosigns checkpoints (type 0x04, a witness)."""

    name: str
    private_key: Ed25519PrivateKey
    sig_type: int = SIG_ED25519

    @classmethod
    def from_seed(cls, name: str, seed: bytes, *, sig_type: int = SIG_ED25519) -> NoteSigner:
        """A signer from a 32-byte seed (what settings and key files hold)."""
        return cls(name, Ed25519PrivateKey.from_private_bytes(seed), sig_type)

    @property
    def public_key(self) -> bytes:
        return self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def key_id(self) -> bytes:
        return compute_key_id(self.name, self.sig_type, self.public_key)

    @property
    def vkey(self) -> Vkey:
        """The verifier key others pin to check this signer."""
        return Vkey(self.name, self.key_id, self.sig_type, self.public_key)

    def _line(self, blob: bytes) -> str:
        return f"{SIGNATURE_DASH}{self.name} {base64.b64encode(self.key_id + blob).decode()}\n"

    def sign_note(self, text: str) -> str:
        """The signed note: text, a blank line, this key's signature line."""
        assert self.sig_type == SIG_ED25519  # noqa: S101 - a cosigning key never signs notes itself
        return f"{text}\n{self._line(self.private_key.sign(text.encode()))}"

    def cosign(self, text: str, timestamp: int) -> str:
        """A tlog-cosignature/v1 line vouching that ``text`` is the newest consistent checkpoint at ``timestamp``."""
        assert self.sig_type == SIG_COSIGNATURE  # noqa: S101 - only witness keys cosign
        message = f"cosignature/v1\ntime {timestamp}\n{text}".encode()
        return self._line(struct.pack(">Q", timestamp) + self.private_key.sign(message))
