"""Road cargo (``road``): a customs query raised and replied to, a truck's crossing, a reminder to bind.

Road publishes each as an event about the consignment's CCRN, shared with whoever is concerned: a
query's messages with customs and the submitter (``SHIPMENT`` ``REQS`` asked, ``SUBM`` answered, their
details naming ``road_query`` and the message's ``position``), the crossing with the consignments'
submitters (``EQUIPMENT`` ``CROS``), the reminder with the trucking company whose driver is nearing the
control point (``TRANSPORT`` ``ARRI`` estimated, ``road: bind_reminder``). Each subscriber who sees the
event is told, on every channel of its subscription.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from harbourlink.alerts.domain import AlertType, Fact, Finding, Verdict
from harbourlink.alerts.registry import register

CCRN = ("CCRN",)


def _messages(history: list[Fact]) -> list[Fact]:
    return [f for f in history if "road_query" in f.details and "position" in f.details]


@register
class RoadQueryRaised(AlertType):
    """Customs raised a query on the consignment (the newest query is the alert's; it stays until dismissed)."""

    name: ClassVar[str] = "road_query_raised"
    subject_kinds: ClassVar[tuple[str, ...]] = CCRN
    event_types: ClassVar[frozenset[str]] = frozenset({"SHIPMENT"})

    def evaluate(self, subject: str, history: list[Fact], thresholds: dict[str, Any], now: datetime) -> Verdict:
        del subject, thresholds, now
        raised = [f for f in _messages(history) if f.details["position"] == 1]
        if not raised:
            return Verdict()
        latest = raised[-1]
        return Verdict(
            Finding(
                f"query:{latest.details['road_query']}",
                {"text": latest.details.get("text"), "raised_at": latest.event_time.isoformat()},
            )
        )


@register
class RoadQueryReplied(AlertType):
    """A reply in the newest thread with replies; every further reply tells the recipients again."""

    name: ClassVar[str] = "road_query_replied"
    subject_kinds: ClassVar[tuple[str, ...]] = CCRN
    event_types: ClassVar[frozenset[str]] = frozenset({"SHIPMENT"})

    def evaluate(self, subject: str, history: list[Fact], thresholds: dict[str, Any], now: datetime) -> Verdict:
        del subject, thresholds, now
        replies = [f for f in _messages(history) if f.details["position"] > 1]
        if not replies:
            return Verdict()
        latest = replies[-1]
        query = latest.details["road_query"]
        return Verdict(
            Finding(
                f"replied:{query}",
                {
                    "replies": sum(1 for f in replies if f.details["road_query"] == query),
                    "side": latest.details.get("side"),
                    "text": latest.details.get("text"),
                    "attachments": latest.details.get("attachments") or None,
                    "replied_at": latest.event_time.isoformat(),
                },
            )
        )

    def is_material(self, before: dict[str, Any], after: dict[str, Any], thresholds: dict[str, Any]) -> bool:
        del thresholds
        return bool(before.get("replies") != after.get("replies"))


@register
class RoadCrossed(AlertType):
    """Customs recorded the truck carrying the consignment crossing the boundary."""

    name: ClassVar[str] = "road_crossed"
    subject_kinds: ClassVar[tuple[str, ...]] = CCRN
    event_types: ClassVar[frozenset[str]] = frozenset({"EQUIPMENT"})

    def evaluate(self, subject: str, history: list[Fact], thresholds: dict[str, Any], now: datetime) -> Verdict:
        del subject, thresholds, now
        crossed = [f for f in history if f.event_code == "CROS" and f.details.get("road") == "crossed"]
        if not crossed:
            return Verdict()
        latest = crossed[-1]
        return Verdict(
            Finding(
                f"crossed:{latest.details.get('ubr')}",
                {
                    "ubr": latest.details.get("ubr"),
                    "vehicle": latest.details.get("vehicle"),
                    "control_point": latest.details.get("control_point"),
                    "decision": latest.details.get("decision"),
                    "crossed_at": latest.event_time.isoformat(),
                },
            )
        )


@register
class RoadBindReminder(AlertType):
    """The truck planned to carry the consignment is under 45 minutes from its control point and the
    consignment is not bound; binding it (seen by the company that bound) resolves the alert."""

    name: ClassVar[str] = "road_bind_reminder"
    subject_kinds: ClassVar[tuple[str, ...]] = CCRN
    event_types: ClassVar[frozenset[str]] = frozenset({"TRANSPORT", "CUSTOMS"})

    def evaluate(self, subject: str, history: list[Fact], thresholds: dict[str, Any], now: datetime) -> Verdict:
        del subject, thresholds, now
        reminders = [f for f in history if f.details.get("road") == "bind_reminder"]
        if not reminders:
            return Verdict()
        latest = reminders[-1]
        if any(f.details.get("road") == "bound" for f in history[history.index(latest) + 1 :]):
            return Verdict()
        return Verdict(
            Finding(
                f"bind:{latest.details.get('trip_id')}",
                {
                    "vehicle": latest.details.get("vehicle"),
                    "control_point": latest.details.get("control_point"),
                    "eta": latest.details.get("eta"),
                },
            )
        )
