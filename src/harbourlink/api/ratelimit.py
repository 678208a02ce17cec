"""Rate limits at the edge, answered with 429, ``Retry-After`` and the usual error body.

::

    AddressLimits  logins, second-factor codes, applications to join and failed API keys, per
                   client address: counted in the database (one upsert per attempt), so every
                   API process counts against the same limit
    RequestBudget  requests per API key (or logged-in person): a token bucket in this process

The request budget stays in memory because it is spent on every authenticated request, the
tracking lookups among them: a database write there would cost more than the lookup's own
queries. With ``serve --workers N`` a key may therefore make up to N times its budget.
"""

from __future__ import annotations

import math
import threading
import time
from enum import StrEnum

from harbourlink import identity
from harbourlink.kernel import Database, RateLimited, utcnow
from harbourlink.settings import Settings

REMEMBERED_REFUSALS = 10_000


class Limit(StrEnum):
    LOGIN = "login"
    TOTP = "totp"
    REGISTRATION = "registration"
    BAD_API_KEY = "bad_api_key"


def refusal(retry_after: int) -> RateLimited:
    return RateLimited(f"too many requests; try again in {retry_after} s", data={"retry_after": retry_after})


class AddressLimits:
    """Attempts per client address and window, counted in the database.

    A refusal is remembered in this process until its window ends, so an address past its
    limit costs no more database work here.
    """

    def __init__(self, settings: Settings, db: Database):
        self._db = db
        self._window = settings.rate_limit_window_seconds
        self._allowed = {
            Limit.LOGIN: settings.rate_limit_login,
            Limit.TOTP: settings.rate_limit_totp,
            Limit.REGISTRATION: settings.rate_limit_registration,
            Limit.BAD_API_KEY: settings.rate_limit_bad_api_keys,
        }
        self._refused: dict[str, float] = {}
        self._lock = threading.Lock()

    def check(self, limit: Limit, address: str | None) -> None:
        """Counts one attempt from ``address``; raises ``RateLimited`` past the limit."""
        allowed = self._allowed[limit]
        if allowed <= 0:
            return
        bucket = f"{limit.value}:{address or '-'}"
        now = time.monotonic()
        with self._lock:
            until = self._refused.get(bucket, 0.0)
        if until > now:
            raise refusal(math.ceil(until - now))
        # A transaction of its own, committed before the request goes on: a request that fails
        # later (and rolls back) must still have counted.
        with self._db.transaction() as session:
            verdict = identity.count_request(
                session, bucket=bucket, limit=allowed, window_seconds=self._window, now=utcnow()
            )
        if not verdict.allowed:
            self._remember(bucket, now + verdict.retry_after, now)
            raise refusal(verdict.retry_after)

    def _remember(self, bucket: str, until: float, now: float) -> None:
        with self._lock:
            if len(self._refused) >= REMEMBERED_REFUSALS:
                self._refused = {b: t for b, t in self._refused.items() if t > now}
            self._refused[bucket] = until


class RequestBudget:
    """``per_window`` requests per caller and window, refilled evenly (a token bucket), in this process."""

    def __init__(self, per_window: int, window_seconds: int):
        self._capacity = float(per_window)
        self._rate = per_window / window_seconds if window_seconds > 0 else 0.0
        self._tokens: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def spend(self, caller: str) -> None:
        """Takes one request from the caller's budget; raises ``RateLimited`` when it is spent."""
        if self._capacity <= 0 or self._rate <= 0:
            return
        now = time.monotonic()
        with self._lock:
            tokens, at = self._tokens.get(caller, (self._capacity, now))
            tokens = min(self._capacity, tokens + (now - at) * self._rate)
            if tokens >= 1:
                self._tokens[caller] = (tokens - 1, now)
                return
            self._tokens[caller] = (tokens, now)
        raise refusal(max(1, math.ceil((1 - tokens) / self._rate)))
