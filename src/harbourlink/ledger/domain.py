"""Pure Merkle-log rules (RFC 9162) and the ledger's entry format; no I/O.

Nodes are addressed ``(level, index)``: node ``(l, i)`` covers leaves ``[i·2^l, (i+1)·2^l)``.
A node is *perfect* once its whole range is in the log, and never changes after that. Every
hash a proof needs is either a perfect node or a *right-edge* range ``[a, n)``, which is the
right fold of the perfect nodes of its binary decomposition. So a store that keeps perfect
nodes can answer any proof with one lookup per node (see ``path_ranges``, ``consistency_ranges``).

Hashing and verification come from ``harbourlink_verify`` (the standalone verifier banks run),
so the code that proves and the code that checks cannot drift apart.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from harbourlink_verify import EMPTY_ROOT, ENTRY_HEADER, field_digest, leaf_hash, node_hash

Address = tuple[int, int]  # (level, index)
Range = tuple[int, int]  # [start, end) in leaves

__all__ = [
    "EMPTY_ROOT",
    "Address",
    "CompactRange",
    "Range",
    "canonical_json",
    "compact_addresses",
    "consistency_ranges",
    "decompose",
    "entry_bytes",
    "field_digest",
    "field_salt",
    "fold",
    "identity_hash",
    "leaf_hash",
    "node_hash",
    "path_ranges",
]


def _split(n: int) -> int:
    """The largest power of two strictly below ``n`` (n > 1): where RFC 9162 splits a tree."""
    return 1 << ((n - 1).bit_length() - 1)


def path_ranges(index: int, size: int) -> list[Range]:
    """The subtree ranges whose hashes make the inclusion proof of ``index`` (RFC 9162 PATH), leaf to root."""
    ranges: list[Range] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
    return ranges[::-1]


def consistency_ranges(size1: int, size2: int) -> list[Range]:
    """The subtree ranges of the consistency proof from ``size1`` to ``size2`` (RFC 9162 SUBPROOF)."""
    if size1 == 0 or size1 >= size2:
        return []
    ranges: list[Range] = []
    lo, hi, m, complete = 0, size2, size1, True
    while m != hi - lo:
        k = _split(hi - lo)
        if m <= k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo, m, complete = lo + k, m - k, False
    if not complete:
        ranges.append((lo, hi))
    return ranges[::-1]


def decompose(start: int, end: int) -> list[Address]:
    """The perfect nodes covering ``[start, end)``, left to right, largest first."""
    nodes: list[Address] = []
    while start < end:
        level = (start & -start).bit_length() - 1 if start else 63
        while (1 << level) > end - start:
            level -= 1
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def fold(hashes: Sequence[bytes]) -> bytes:
    """The root of a range from its decomposition's hashes (right to left, as RFC 9162 splits)."""
    if not hashes:
        return EMPTY_ROOT
    root = hashes[-1]
    for h in reversed(hashes[:-1]):
        root = node_hash(h, root)
    return root


def compact_addresses(size: int) -> list[Address]:
    """The perfect nodes whose fold is the root of a tree of ``size`` (its compact range)."""
    return decompose(0, size)


@dataclass
class CompactRange:
    """The O(log n) perfect-subtree roots covering ``[0, size)``; appending yields the nodes it completes."""

    size: int = 0
    hashes: list[bytes] = field(default_factory=list)

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Adds a leaf hash; returns the interior nodes ``(level, index, hash)`` it made perfect."""
        made: list[tuple[int, int, bytes]] = []
        self.hashes.append(leaf)
        s, level, index = self.size, 0, self.size
        while s & 1:  # each trailing one of the old size is a left sibling waiting for this node
            right = self.hashes.pop()
            left = self.hashes.pop()
            merged = node_hash(left, right)
            self.hashes.append(merged)
            s, level, index = s >> 1, level + 1, index >> 1
            made.append((level, index, merged))
        self.size += 1
        return made

    def root(self) -> bytes:
        """The tree's root hash."""
        return fold(self.hashes)


# One encoder for every call: ``json.dumps`` with options builds a new encoder each time, which
# was most of the cost of committing to an event's fields.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical_json(value: Any) -> str:
    """RFC 8785-style canonical JSON for our values (strings, integers, booleans, null, lists, objects).

    Keys are ASCII, so sorting by code point equals RFC 8785's UTF-16 order; floats use Python's
    shortest round-trip form, which equals ECMAScript's in the range sensor readings take.
    """
    return _CANONICAL.encode(value)


def field_salt(master: bytes, name: str) -> bytes:
    """The salt of one field, derived so that revealing it reveals no other field's salt."""
    return hmac.digest(master, b"field\n" + name.encode(), "sha256")


def identity_hash(event_ids: Iterable[str]) -> bytes:
    """De-duplication key of an entry (Trillian's LeafIdentityHash): its events, in any order."""
    return hashlib.sha256(b"harbourlink-identity/v1\n" + "\n".join(sorted(event_ids)).encode()).digest()


def entry_bytes(*, kind: str, owner_org: str, received_at: str, items: Sequence[tuple[str, dict[str, bytes]]]) -> bytes:
    """A ledger entry: the format line, then canonical JSON with only salted commitments to the data."""
    body = {
        "kind": kind,
        "owner_org": owner_org,
        "received_at": received_at,
        "items": [
            {"event_id": event_id, "fields": {n: d.hex() for n, d in sorted(digests.items())}}
            for event_id, digests in items
        ],
    }
    return ENTRY_HEADER + canonical_json(body).encode()
