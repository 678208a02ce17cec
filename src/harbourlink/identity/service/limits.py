"""Rate limits shared by every API process: hits per caller and time window, counted in the database.

Fixed windows: a caller may make ``limit`` attempts per window; past that it waits for the
next window. Each hit is one atomic upsert, so parallel requests from several processes cannot
slip past the limit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from harbourlink.identity import repository


@dataclass(frozen=True)
class RateVerdict:
    allowed: bool
    retry_after: int
    """Whole seconds until the window ends (at least 1)."""


def count_request(session: Session, *, bucket: str, limit: int, window_seconds: int, now: datetime) -> RateVerdict:
    """Counts one attempt in ``bucket``'s current window; refused past ``limit``. The edge commits it at once."""
    moment = now.timestamp()
    window_start = int(moment // window_seconds) * window_seconds
    hits = repository.count_hit(session, bucket=bucket, window_start=window_start)
    return RateVerdict(allowed=hits <= limit, retry_after=max(1, math.ceil(window_start + window_seconds - moment)))
