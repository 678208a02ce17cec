"""A customs query on a road consignment waits for the submitter's answer.

Each message of a query's thread is a ``SHIPMENT`` event about the CCRN (``road``): customs' are
``REQS`` (information requested), the submitter's ``SUBM``; each is shared with the other side. The
thread's newest message decides: customs' last word opens the alert, the submitter's reply resolves
it, so both sides hear of each turn on their channels.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from harbourlink.alerts.domain import AlertType, Fact, Finding, Verdict
from harbourlink.alerts.registry import register


@register
class RoadQuery(AlertType):
    """Customs asked about a consignment and the submitter has not answered yet."""

    name: ClassVar[str] = "road_query"
    subject_kinds: ClassVar[tuple[str, ...]] = ("CCRN",)
    event_types: ClassVar[frozenset[str]] = frozenset({"SHIPMENT"})

    def evaluate(self, subject: str, history: list[Fact], thresholds: dict[str, Any], now: datetime) -> Verdict:
        del subject, thresholds, now
        thread = [fact for fact in history if "road_query" in fact.details]
        if not thread or thread[-1].details.get("side") != "customs":
            return Verdict()
        latest = thread[-1]
        return Verdict(
            Finding("road_query", {"question": latest.details.get("text"), "asked_at": latest.event_time.isoformat()})
        )
