"""Time, injectable so rules about expiry and lockout can be tested without sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Protocol
from zoneinfo import ZoneInfo

PORT_TIME = ZoneInfo("Asia/Hong_Kong")
"""The port's clock: a day, and every time shown, is Hong Kong's."""


def utcnow() -> datetime:
    return datetime.now(UTC)


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return utcnow()


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC, so say so."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def start_of_port_day(now: datetime) -> datetime:
    """Midnight in Hong Kong before ``now``: a driver's day, whatever the server's clock zone."""
    return datetime.combine(now.astimezone(PORT_TIME).date(), time(), tzinfo=PORT_TIME)
