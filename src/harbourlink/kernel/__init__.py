"""Plumbing shared by every domain: database, errors, clock, ids, the acting principal.

Nothing here knows about cargo; domains build on it, never the other way round.
"""

from harbourlink.kernel import plugins
from harbourlink.kernel import workqueue as work
from harbourlink.kernel.actor import Actor
from harbourlink.kernel.clock import Clock, SystemClock, utcnow
from harbourlink.kernel.db import Base, Database, PoolLimits, create_database
from harbourlink.kernel.errors import (
    Conflict,
    Forbidden,
    HarbourLinkError,
    NotFound,
    RateLimited,
    Unauthenticated,
    ValidationFailed,
)
from harbourlink.kernel.ids import new_id

__all__ = [
    "Actor",
    "Base",
    "Clock",
    "Conflict",
    "Database",
    "Forbidden",
    "HarbourLinkError",
    "NotFound",
    "PoolLimits",
    "RateLimited",
    "SystemClock",
    "Unauthenticated",
    "ValidationFailed",
    "create_database",
    "new_id",
    "plugins",
    "utcnow",
    "work",
]
