"""Pure alert rules: facts in, a verdict out; no database, no clock of their own.

A rule sees the whole history of one subject (a container, a B/L, a vessel) as its recipient
may see it, sorted by event time, and says whether the condition holds *now*. Because it looks
at the history rather than at the one new event, late and out-of-order events are handled by
construction: re-evaluating after any arrival gives the same answer as if the events had come
in order. A rule that depends on the passing of time says when to look again (``recheck_at``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar


class AlertStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class Change(StrEnum):
    """Why recipients are told about an alert again."""

    OPENED = "opened"
    CHANGED = "changed"
    RESOLVED = "resolved"
    ESCALATED = "escalated"


@dataclass(frozen=True, slots=True)
class Fact:
    """One visible event as a rule needs it."""

    event_id: str
    event_type: str
    event_code: str
    classifier: str
    event_time: datetime
    received_at: datetime
    issued_at: datetime
    """When the source made the statement (created time, else arrival): later statements win."""
    details: dict[str, Any] = field(default_factory=dict)
    location: str | None = None
    facility: str | None = None
    vessel_imo: str | None = None
    voyage: str | None = None
    references: tuple[tuple[str, str], ...] = ()

    def reference(self, kind: str) -> str | None:
        return next((value for k, value in self.references if k == kind), None)


@dataclass(frozen=True, slots=True)
class Finding:
    """The condition holds: ``condition`` names it (one open alert per condition), ``figures`` explain it."""

    condition: str
    figures: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Verdict:
    """A rule's answer: the finding (None: the condition does not hold) and when to look again."""

    finding: Finding | None = None
    recheck_at: datetime | None = None


class AlertType:
    """One kind of alert. Subclass, set the class attributes, implement ``evaluate``, decorate with
    ``@register`` (see docs/alerts.md); the core needs no change.

    ``subject_kinds``: the reference kinds a condition is about (``CONTAINER``, ``MBL``, ``VESSEL``);
    ``event_types``: the event types that can change the verdict (others are not shown to the rule);
    ``defaults``: the thresholds a subscription may override.
    """

    name: ClassVar[str]
    subject_kinds: ClassVar[tuple[str, ...]]
    event_types: ClassVar[frozenset[str]]
    defaults: ClassVar[dict[str, Any]] = {}

    def evaluate(self, subject: str, history: list[Fact], thresholds: dict[str, Any], now: datetime) -> Verdict:
        """Whether the condition holds for ``subject`` given its visible ``history`` (sorted by event time)."""
        raise NotImplementedError

    def is_material(self, before: dict[str, Any], after: dict[str, Any], thresholds: dict[str, Any]) -> bool:
        """Whether an open alert's figures changed enough to tell the recipients again (default: never)."""
        del before, after, thresholds
        return False

    def settings(self, overrides: dict[str, Any]) -> dict[str, Any]:
        """The thresholds in force: the defaults, overridden by a subscription's own (unknown names ignored)."""
        merged = dict(self.defaults)
        merged.update({k: v for k, v in overrides.items() if k in self.defaults})
        return merged


def sorted_history(facts: list[Fact]) -> list[Fact]:
    """Event time first, then arrival: the order the world saw, not the order messages came."""
    return sorted(facts, key=lambda f: (f.event_time, f.received_at, f.event_id))


def minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def transition(status: AlertStatus, to: AlertStatus) -> bool:
    """Allowed lifecycle moves: open → acknowledged → resolved, and open → resolved."""
    allowed = {
        AlertStatus.OPEN: {AlertStatus.ACKNOWLEDGED, AlertStatus.RESOLVED},
        AlertStatus.ACKNOWLEDGED: {AlertStatus.RESOLVED},
        AlertStatus.RESOLVED: set(),
    }
    return to in allowed[status]


def in_quiet_hours(local: datetime, start: str | None, end: str | None) -> bool:
    """Whether a local time falls in quiet hours given as ``HH:MM`` (they may span midnight)."""
    if not start or not end:
        return False
    at = local.strftime("%H:%M")
    return start <= at < end if start <= end else (at >= start or at < end)


def quiet_hours_end(local: datetime, end: str) -> datetime:
    """The next local moment quiet hours end."""
    hour, minute = (int(part) for part in end.split(":"))
    candidate = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return candidate if candidate > local else candidate + timedelta(days=1)
