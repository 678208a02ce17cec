"""An e-lock's alarms on a sealed trip (``elock``): tampering and leaving the approved route.

The e-lock domain publishes each alarm as an equipment event of the customs authority whose segment
it happened in (``TAMP``: door opened, shock or drop while locked away from a control point;
``DEVI``: a deviation found, then again when the truck is back on its route), so only that
authority's officers see it and are told.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from harbourlink.alerts.domain import AlertType, Fact, Finding, Verdict
from harbourlink.alerts.registry import register

CARGO = ("AWB", "HAWB", "MBL", "HBL", "CONTAINER", "BOOKING", "DECLARATION")


@register
class ElockTamper(AlertType):
    """The lock was opened, hit or dropped while sealed on the road; it stays open until an officer resolves it."""

    name: ClassVar[str] = "elock_tamper"
    subject_kinds: ClassVar[tuple[str, ...]] = CARGO
    event_types: ClassVar[frozenset[str]] = frozenset({"EQUIPMENT"})

    def evaluate(self, subject: str, history: list[Fact], thresholds: dict[str, Any], now: datetime) -> Verdict:
        del subject, thresholds, now
        tampers = [f for f in history if f.event_code == "TAMP" and "elock_trip_id" in f.details]
        if not tampers:
            return Verdict()
        latest = tampers[-1]
        return Verdict(
            Finding(
                f"tamper:{latest.details['elock_trip_id']}",
                {
                    "event": latest.details.get("event"),
                    "vehicle": latest.details.get("vehicle"),
                    "lat": latest.details.get("lat"),
                    "lon": latest.details.get("lon"),
                    "tampered_at": latest.event_time.isoformat(),
                    "times": len(tampers),
                },
            )
        )


@register
class ElockDeviation(AlertType):
    """The truck is off its approved route; the alert resolves when it is back."""

    name: ClassVar[str] = "elock_deviation"
    subject_kinds: ClassVar[tuple[str, ...]] = CARGO
    event_types: ClassVar[frozenset[str]] = frozenset({"EQUIPMENT"})

    def evaluate(self, subject: str, history: list[Fact], thresholds: dict[str, Any], now: datetime) -> Verdict:
        del subject, thresholds, now
        latest: dict[str, Fact] = {}
        for fact in history:
            if fact.event_code == "DEVI" and "elock_alert_id" in fact.details:
                latest[fact.details["elock_alert_id"]] = fact
        still_off = [f for f in latest.values() if not f.details.get("ended")]
        if not still_off:
            return Verdict()
        worst = max(still_off, key=lambda f: f.details.get("max_outside_m") or 0)
        return Verdict(
            Finding(
                f"deviation:{worst.details['elock_trip_id']}",
                {
                    "outside_m": worst.details.get("max_outside_m"),
                    "vehicle": worst.details.get("vehicle"),
                    "lat": worst.details.get("lat"),
                    "lon": worst.details.get("lon"),
                    "since": worst.details.get("started_at"),
                },
            )
        )
