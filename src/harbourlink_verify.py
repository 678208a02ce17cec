"""``harbourlink-verify``: checks a HarbourLink proof bundle offline, trusting nobody but a public key.

A bank, insurer or customs office runs this one file (it needs only the ``cryptography``
package) on a bundle downloaded from HarbourLink::

    harbourlink-verify bundle.json --key 'harbourlink.example.org/ledger/v1+1a2b3c4d+AQ...'
    python harbourlink_verify.py bundle.json --key ... --witness 'witness.example.net+...'

It accepts the bundle only if every byte of it is accounted for:

- the checkpoint (a C2SP signed note) carries a valid Ed25519 signature by ``--key``, and every
  cosignature line in it verifies (``--witness`` keys are required to have cosigned);
- each ledger entry is included in that checkpoint's tree (RFC 9162 inclusion proof);
- each disclosed field, with its salt, hashes to the commitment the entry holds;
- the file is exactly the canonical serialisation of what it says (no byte can change unseen).

It prints what was proven, e.g. ``event_code = "RELS"``. It imports only the standard library
and ``cryptography``; HarbourLink itself reuses these functions, so there is one implementation.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import hmac
import json
import struct
import sys
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

BUNDLE_FORMAT = "harbourlink-proof-bundle/v1"
ENTRY_HEADER = b"harbourlink-ledger/v1\n"
FIELD_DOMAIN = b"harbourlink-field/v1\n"
SIG_ED25519 = 0x01
SIG_COSIGNATURE = 0x04
EMPTY_ROOT = hashlib.sha256(b"").digest()
SIGNATURE_DASH = "\u2014 "


class VerificationError(Exception):
    """The bundle, note or proof does not verify; the message says what failed."""


def leaf_hash(data: bytes) -> bytes:
    """RFC 9162 leaf hash: SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 interior node hash: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def inclusion_proof_length(index: int, size: int) -> int:
    """How many hashes an inclusion proof of ``index`` in a tree of ``size`` has (transparency-dev)."""
    inner = (index ^ (size - 1)).bit_length()
    return inner + bin(index >> inner).count("1")


def consistency_proof_length(size1: int, size2: int) -> int:
    """How many hashes a consistency proof from ``size1`` to ``size2`` has (0 < size1 < size2)."""
    shift = (size1 & -size1).bit_length() - 1
    inner = ((size1 - 1) ^ (size2 - 1)).bit_length() - shift
    border = bin((size1 - 1) >> (inner + shift)).count("1")
    seeded = 0 if size1 == 1 << shift else 1
    return seeded + inner + border


def _climb(fn: int, sn: int, seed: tuple[bytes, bytes], proof: list[bytes]) -> tuple[bytes, bytes, int]:
    """Walks a proof up the tree (RFC 9162 §2.1.3.2/§2.1.4.2); returns both roots and what is left of sn."""
    first, second = seed
    for p in proof:
        if sn == 0:
            raise VerificationError("proof is longer than the tree is high")
        if fn & 1 or fn == sn:  # p is a left sibling
            first, second = node_hash(p, first), node_hash(p, second)
            if not fn & 1:  # right edge: skip the levels where the node has no sibling
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:  # p is a right sibling: only the newer tree grows to the right
            second = node_hash(second, p)
        fn >>= 1
        sn >>= 1
    return first, second, sn


def verify_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes], root: bytes) -> None:
    """Raises VerificationError unless ``proof`` shows leaf ``index`` is in the tree of ``size`` with ``root``."""
    if not 0 <= index < size:
        raise VerificationError(f"leaf index {index} is outside a tree of size {size}")
    want = inclusion_proof_length(index, size)
    if len(proof) != want:
        raise VerificationError(f"inclusion proof has {len(proof)} hashes, a proof of {index} in {size} has {want}")
    _, computed, sn = _climb(index, size - 1, (leaf, leaf), proof)
    if sn != 0 or not hmac.compare_digest(computed, root):
        raise VerificationError(f"inclusion proof of leaf {index} does not lead to the root of size {size}")


def verify_consistency(size1: int, size2: int, root1: bytes, root2: bytes, proof: list[bytes]) -> None:
    """Raises VerificationError unless ``proof`` shows the tree of ``size2`` extends that of ``size1``."""
    if size1 > size2:
        raise VerificationError(f"size {size1} is larger than size {size2}")
    if size1 == size2:
        if proof or root1 != root2:
            raise VerificationError("equal sizes need equal roots and an empty proof")
        return
    if size1 == 0:  # the empty tree is a prefix of every tree, and proves it with nothing
        if proof:
            raise VerificationError("a proof from size 0 must be empty")
        return
    want = consistency_proof_length(size1, size2)
    if len(proof) != want:
        raise VerificationError(f"consistency proof has {len(proof)} hashes, from {size1} to {size2} it has {want}")
    if size1 & (size1 - 1) == 0:  # the old root is itself a node of the new tree
        proof = [root1, *proof]
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:  # climb to where the old tree is a left child
        fn >>= 1
        sn >>= 1
    first, second, sn = _climb(fn, sn, (proof[0], proof[0]), proof[1:])
    if sn != 0 or not hmac.compare_digest(first, root1) or not hmac.compare_digest(second, root2):
        raise VerificationError(f"consistency proof from {size1} to {size2} does not match the roots")


@dataclass(frozen=True)
class Vkey:
    """A signed-note verifier key: ``<name>+<hex key id>+<base64(type || public key)>``."""

    name: str
    key_id: bytes
    sig_type: int
    public_key: bytes

    @classmethod
    def parse(cls, text: str) -> Vkey:
        """Parses a verifier key and checks that its key id matches its name and key."""
        name, _, rest = text.strip().partition("+")
        parts = [name, *rest.partition("+")[::2]]  # base64 may itself hold "+", so split twice only
        if not parts[0] or not parts[2] or any(c.isspace() for c in parts[0]):
            raise VerificationError(f"not a verifier key: {text!r}")
        try:
            material = base64.b64decode(parts[2], validate=True)
            key_id = bytes.fromhex(parts[1])
        except (binascii.Error, ValueError) as exc:
            raise VerificationError(f"not a verifier key: {text!r}") from exc
        if len(material) != 33 or material[0] not in (SIG_ED25519, SIG_COSIGNATURE) or len(key_id) != 4:
            raise VerificationError(f"not an Ed25519 verifier key: {text!r}")
        vkey = cls(parts[0], key_id, material[0], material[1:])
        if compute_key_id(vkey.name, vkey.sig_type, vkey.public_key) != key_id:
            raise VerificationError(f"key id of {vkey.name} does not match its key")
        if str(vkey) != text.strip():  # one spelling per key (lower-case hex, canonical base64)
            raise VerificationError(f"verifier key of {vkey.name} is not in its canonical form")
        return vkey

    def __str__(self) -> str:
        encoded = base64.b64encode(bytes([self.sig_type]) + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{encoded}"


def compute_key_id(name: str, sig_type: int, public_key: bytes) -> bytes:
    """signed-note key id: SHA-256(name || 0x0A || type || public key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([sig_type]) + public_key).digest()[:4]


def split_note(note: str) -> tuple[str, list[tuple[str, bytes]]]:
    """Splits a signed note into its text (with final newline) and its (key name, signature blob) lines."""
    cut = note.find("\n\n")
    if cut < 0 or not note.endswith("\n"):
        raise VerificationError("not a signed note: no blank line before the signatures, or no final newline")
    text, block = note[: cut + 1], note[cut + 2 :]
    signatures = []
    for line in block.splitlines():
        if not line.startswith(SIGNATURE_DASH):
            raise VerificationError(f"malformed signature line {line!r}")
        name, _, encoded = line[len(SIGNATURE_DASH) :].partition(" ")
        try:
            blob = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:  # ValueError: not even ASCII
            raise VerificationError(f"signature of {name} is not base64") from exc
        if len(blob) < 5 or base64.b64encode(blob).decode() != encoded:
            raise VerificationError(f"signature of {name} is not canonical base64")
        signatures.append((name, blob))
    if not signatures:
        raise VerificationError("the note carries no signature")
    return text, signatures


def _ed25519_ok(public_key: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except InvalidSignature:
        return False
    return True


def note_signature_valid(vkey: Vkey, text: str, name: str, blob: bytes) -> bool | None:
    """True/False for a note signature by ``vkey``; None when the line is not by this key."""
    if vkey.sig_type != SIG_ED25519 or name != vkey.name or blob[:4] != vkey.key_id:
        return None
    return len(blob) == 68 and _ed25519_ok(vkey.public_key, blob[4:], text.encode())


def cosignature_time(vkey: Vkey, text: str, name: str, blob: bytes) -> int | None:
    """The time a tlog-cosignature/v1 line by ``vkey`` vouches for; None when not by this key."""
    if vkey.sig_type != SIG_COSIGNATURE or name != vkey.name or blob[:4] != vkey.key_id:
        return None
    if len(blob) != 76:
        raise VerificationError(f"cosignature of {name} has the wrong length")
    (timestamp,) = struct.unpack(">Q", blob[4:12])
    message = f"cosignature/v1\ntime {timestamp}\n{text}".encode()
    if not _ed25519_ok(vkey.public_key, blob[12:], message):
        raise VerificationError(f"cosignature of {name} does not verify")
    return int(timestamp)


def verify_note(note: str, vkey: Vkey) -> str:
    """Returns the note's text if ``vkey`` signed it; signatures by other keys are ignored (signed-note)."""
    text, signatures = split_note(note)
    results = [note_signature_valid(vkey, text, name, blob) for name, blob in signatures]
    if False in results:
        raise VerificationError(f"the signature of {vkey.name} does not verify")
    if True not in results:
        raise VerificationError(f"the note is not signed by {vkey.name}")
    return text


def parse_checkpoint(text: str) -> tuple[str, int, bytes]:
    """The origin, tree size and root hash of a tlog-checkpoint body."""
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "" or not lines[0]:
        raise VerificationError("a checkpoint has an origin, a size and a root hash, one per line")
    origin, size_text, root_text = lines[0], lines[1], lines[2]
    if not (size_text.isascii() and size_text.isdigit()) or (size_text != "0" and size_text.startswith("0")):
        raise VerificationError(f"checkpoint size {size_text!r} is not a decimal without leading zeros")
    root = _b64(root_text, "checkpoint root hash")
    if len(root) != 32:
        raise VerificationError("checkpoint root hash is not 32 bytes")
    return origin, int(size_text), root


def field_digest(salt: bytes, name: str, value_json: str) -> bytes:
    """The commitment to one field: SHA-256(domain || salt || name || 0x0A || canonical JSON value)."""
    return hashlib.sha256(FIELD_DOMAIN + salt + name.encode() + b"\n" + value_json.encode()).digest()


def canonical_bundle(bundle: dict[str, Any]) -> bytes:
    """The one serialisation of a bundle that the verifier accepts."""
    return (json.dumps(bundle, sort_keys=True, indent=2, ensure_ascii=True, allow_nan=False) + "\n").encode()


def _b64(text: Any, what: str) -> bytes:
    if not isinstance(text, str):
        raise VerificationError(f"{what} is not a string")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:  # ValueError: not even ASCII
        raise VerificationError(f"{what} is not base64") from exc
    if base64.b64encode(raw).decode() != text:
        raise VerificationError(f"{what} is not canonical base64")
    return raw


def _expect(value: Any, kind: type, keys: set[str] | None, what: str) -> Any:
    if type(value) is not kind:
        raise VerificationError(f"{what} is not a {kind.__name__}")
    if keys is not None and isinstance(value, dict) and set(value) != keys:
        raise VerificationError(f"{what} must have exactly the keys {sorted(keys)}")
    return value


@dataclass
class Verified:
    """What a bundle proves: the checkpoint and each disclosed field."""

    origin: str
    size: int
    root: bytes
    cosigned: list[tuple[str, int]]
    claims: list[tuple[str, int, str, str]]  # (event id, leaf index, field, value JSON)


def _check_cosignatures(
    text: str, signatures: list[tuple[str, bytes]], log: Vkey, witnesses: list[Vkey]
) -> list[tuple[str, int]]:
    cosigned = []
    for name, blob in signatures:
        if note_signature_valid(log, text, name, blob):
            continue
        times = [t for w in witnesses if (t := cosignature_time(w, text, name, blob)) is not None]
        if not times:
            raise VerificationError(f"signature line of {name} is neither the log's nor a listed witness's")
        cosigned.append((name, times[0]))
    return cosigned


def _entry_fields(entry: bytes) -> dict[str, dict[str, str]]:
    if not entry.startswith(ENTRY_HEADER):
        raise VerificationError("the entry is not a harbourlink-ledger/v1 entry")
    try:
        body = json.loads(entry[len(ENTRY_HEADER) :].decode())
        return {item["event_id"]: item["fields"] for item in body["items"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise VerificationError("the entry is not well-formed") from exc


def _check_entry(raw: Any, size: int, root: bytes, position: int) -> list[tuple[str, int, str, str]]:
    what = f"entries[{position}]"
    item = _expect(raw, dict, {"leaf_index", "entry", "inclusion_proof", "disclosed"}, what)
    index = _expect(item["leaf_index"], int, None, f"{what}.leaf_index")
    entry = _b64(item["entry"], f"{what}.entry")
    proof = [_b64(h, f"{what}.inclusion_proof") for h in _expect(item["inclusion_proof"], list, None, what)]
    verify_inclusion(index, size, leaf_hash(entry), proof, root)
    fields = _entry_fields(entry)
    claims = []
    for disclosed in _expect(item["disclosed"], list, None, f"{what}.disclosed"):
        d = _expect(disclosed, dict, {"event_id", "field", "value", "salt"}, f"{what}.disclosed[]")
        event_id, name, value = (_expect(d[k], str, None, f"{what}.{k}") for k in ("event_id", "field", "value"))
        salt = _b64(d["salt"], f"{what}.salt")
        committed = fields.get(event_id, {}).get(name)
        if len(salt) != 32 or committed is None or committed != field_digest(salt, name, value).hex():
            raise VerificationError(f"disclosed {name} of event {event_id} does not match the entry's commitment")
        claims.append((event_id, index, name, value))
    return claims


def verify_bundle(data: bytes, log_key: str, witness_keys: list[str] | None = None) -> Verified:
    """Verifies a proof bundle's bytes against the log's verifier key; raises VerificationError."""
    log = Vkey.parse(log_key)
    try:
        bundle = json.loads(data.decode())
    except (UnicodeDecodeError, ValueError) as exc:
        raise VerificationError("the bundle is not JSON") from exc
    _expect(bundle, dict, {"format", "checkpoint", "witnesses", "entries"}, "bundle")
    if bundle["format"] != BUNDLE_FORMAT:
        raise VerificationError(f"unknown bundle format {bundle['format']!r}")
    if canonical_bundle(bundle) != data:
        raise VerificationError("the bundle is not in its canonical form: it was edited")
    listed = [Vkey.parse(_expect(k, str, None, "witness key")) for k in _expect(bundle["witnesses"], list, None, "w")]
    required = [Vkey.parse(k) for k in witness_keys or []]
    note = _expect(bundle["checkpoint"], str, None, "checkpoint")
    text = verify_note(note, log)
    origin, size, root = parse_checkpoint(text)
    if origin != log.name:
        raise VerificationError(f"checkpoint origin {origin!r} is not the key's log {log.name!r}")
    cosigned = _check_cosignatures(text, split_note(note)[1], log, listed + required)
    missing = [w.name for w in required if w.name not in {name for name, _ in cosigned}]
    if missing:
        raise VerificationError(f"not cosigned by required witness(es) {', '.join(missing)}")
    entries = _expect(bundle["entries"], list, None, "entries")
    if not entries:
        raise VerificationError("the bundle holds no entry")
    claims = [claim for position, raw in enumerate(entries) for claim in _check_entry(raw, size, root, position)]
    return Verified(origin, size, root, cosigned, claims)


def _report(result: Verified) -> str:
    lines = [f"OK: checkpoint of {result.origin} at size {result.size}, root {result.root.hex()}"]
    lines += [f"  cosigned by {name} at unix time {when}" for name, when in result.cosigned]
    current = None
    for event_id, index, name, value in result.claims:
        if event_id != current:
            lines.append(f"event {event_id} (log entry {index}):")
            current = event_id
        lines.append(f"  {name} = {value}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: exit 0 and print the proven facts, or exit 1 and say what failed."""
    parser = argparse.ArgumentParser(prog="harbourlink-verify", description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", help="proof bundle file (JSON) downloaded from HarbourLink")
    parser.add_argument("--key", required=True, help="the ledger's verifier key (name+keyid+base64)")
    parser.add_argument("--witness", action="append", default=[], help="a witness key that must have cosigned")
    args = parser.parse_args(argv)
    try:
        with open(args.bundle, "rb") as handle:
            data = handle.read()
        result = verify_bundle(data, args.key, args.witness)
    except (OSError, VerificationError) as exc:
        print(f"REJECTED: {exc}", file=sys.stderr)
        return 1
    print(_report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
