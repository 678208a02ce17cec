"""Recently authenticated API keys of one process, so that a polling system costs one small read per call.

Checking a presented key in full takes a lookup by its prefix, a digest comparison, the
company and the company's types (and now and then a note of the key's last use). A company's
system that polls tracking every few seconds paid that on every call. ``ApiKeyCache`` keeps,
for ``ttl`` seconds and keyed by the SHA-256 digest of the presented key (never the key
itself), who the key is: its company, scopes, the company's types and the key's expiry.

What is not cached is whether the key may still be used. Each hit runs one primary-key read
(``still_usable``): the key is not revoked nor expired, and its company still active. That read goes
to the database every process shares, so revoking a key (or suspending its company) refuses
it on the very next request in every process, with no message between processes to lose. The
read also returns the key's last use, which is noted as on a full check, so the key list still
shows when a key was last used. What a hit can hold for up to ``ttl`` seconds is only what does
not change while a key lives (its scopes), or changes by an operator's hand and is not a
revocation (the company's types).
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from harbourlink.identity.crypto import digest
from harbourlink.identity.service.apikeys import authenticate_api_key, still_usable
from harbourlink.kernel import Actor


@dataclass(frozen=True)
class _Entry:
    actor: Actor
    cached_at: float


class ApiKeyCache:
    """Who recently presented keys are, for ``ttl`` seconds; revocation still takes effect at once."""

    def __init__(
        self, *, ttl: float, max_entries: int = 10_000, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._monotonic = monotonic
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def authenticate(self, session: Session, presented: str, *, now: datetime, ip: str | None) -> Actor | None:
        """The company behind a presented key, as ``identity.authenticate_api_key`` decides."""
        if self.ttl <= 0:
            return authenticate_api_key(session, presented, now=now, ip=ip)
        token = digest(presented)
        entry = self._fresh(token)
        if entry is not None:
            return self._confirm(session, token, entry, now=now, ip=ip)
        actor = authenticate_api_key(session, presented, now=now, ip=ip)
        if actor is not None:
            self._store(token, _Entry(dataclasses.replace(actor, ip=None), self._monotonic()))
        return actor

    def _confirm(self, session: Session, token: str, entry: _Entry, *, now: datetime, ip: str | None) -> Actor | None:
        key_id = entry.actor.api_key_id
        if key_id is None or not still_usable(session, key_id, now=now):
            self._forget(token)
            return None
        return dataclasses.replace(entry.actor, ip=ip)

    def _fresh(self, token: str) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(token)
            if entry is None:
                return None
            if self._monotonic() - entry.cached_at >= self.ttl:
                del self._entries[token]
                return None
            return entry

    def _store(self, token: str, entry: _Entry) -> None:
        with self._lock:
            self._entries[token] = entry
            self._entries.move_to_end(token)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def _forget(self, token: str) -> None:
        with self._lock:
            self._entries.pop(token, None)
