"""An e-lock's alarms on a sealed trip (``elock``): tampering, leaving the approved route, an unplanned stop,
the signal lost, a low battery, a late arrival.

The e-lock domain publishes each alarm as an equipment event of the customs authority whose segment
it happened in (``TAMP``: door opened, shock or drop while locked away from a control point;
``DEVI``: a deviation found, then again when the truck is back on its route; likewise ``STOP``,
``NSIG``, ``LBAT`` and ``LATE`` when each begins and ends), so only that authority's officers see it
and are told.
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


class _Episodic(AlertType):
    """An alarm the e-lock domain tells when it begins and again when it ends (``ended``); the alert is open while
    any of the subject's is, showing the foremost (``rank``), and resolves when none is left."""

    code: ClassVar[str]
    kind: ClassVar[str]
    shown: ClassVar[dict[str, str]]
    """The figures the alert shows besides the vehicle and the start, each from a detail of the event."""
    rank: ClassVar[str] = "started_at"
    subject_kinds: ClassVar[tuple[str, ...]] = CARGO
    event_types: ClassVar[frozenset[str]] = frozenset({"EQUIPMENT"})

    def evaluate(self, subject: str, history: list[Fact], thresholds: dict[str, Any], now: datetime) -> Verdict:
        del subject, thresholds, now
        latest: dict[str, Fact] = {}
        for fact in history:
            if fact.event_code == self.code and "elock_alert_id" in fact.details:
                latest[fact.details["elock_alert_id"]] = fact
        still_open = [f for f in latest.values() if not f.details.get("ended")]
        if not still_open:
            return Verdict()
        foremost = max(still_open, key=lambda f: f.details.get(self.rank) or 0)
        figures = {figure: foremost.details.get(detail) for figure, detail in self.shown.items()}
        return Verdict(
            Finding(
                f"{self.kind}:{foremost.details['elock_trip_id']}",
                {"vehicle": foremost.details.get("vehicle"), "since": foremost.details.get("started_at"), **figures},
            )
        )


@register
class ElockDeviation(_Episodic):
    """The truck is off its approved route; the alert resolves when it is back."""

    name: ClassVar[str] = "elock_deviation"
    code: ClassVar[str] = "DEVI"
    kind: ClassVar[str] = "deviation"
    shown: ClassVar[dict[str, str]] = {"outside_m": "max_outside_m", "lat": "lat", "lon": "lon"}
    rank: ClassVar[str] = "max_outside_m"


@register
class ElockStop(_Episodic):
    """The sealed truck stood still, outside every control point and tunnel, for longer than allowed; the alert
    resolves when it moves on."""

    name: ClassVar[str] = "elock_stop"
    code: ClassVar[str] = "STOP"
    kind: ClassVar[str] = "stop"
    shown: ClassVar[dict[str, str]] = {
        "lat": "lat",
        "lon": "lon",
        "minutes": "minutes",
        "limit_minutes": "limit_minutes",
    }


@register
class ElockSignalLost(_Episodic):
    """Nothing heard from the lock for longer than allowed, away from the known tunnels; resolves when it is heard."""

    name: ClassVar[str] = "elock_signal_lost"
    code: ClassVar[str] = "NSIG"
    kind: ClassVar[str] = "signal_lost"
    shown: ClassVar[dict[str, str]] = {
        "last_heard_at": "last_heard_at",
        "limit_minutes": "limit_minutes",
        "lat": "lat",
        "lon": "lon",
    }


@register
class ElockLowBattery(_Episodic):
    """The lock's battery is low on a sealed trip; resolves when it reads well above the threshold again."""

    name: ClassVar[str] = "elock_low_battery"
    code: ClassVar[str] = "LBAT"
    kind: ClassVar[str] = "low_battery"
    shown: ClassVar[dict[str, str]] = {"battery_v": "battery_v", "threshold_v": "threshold_v"}


@register
class ElockLateArrival(_Episodic):
    """The truck had not reached the Hong Kong exit point, or its destination, by the expected time and the
    margin; resolves when it gets there."""

    name: ClassVar[str] = "elock_late_arrival"
    code: ClassVar[str] = "LATE"
    kind: ClassVar[str] = "late"
    shown: ClassVar[dict[str, str]] = {
        "place": "place",
        "expected_at": "expected_at",
        "margin_minutes": "margin_minutes",
        "lat": "lat",
        "lon": "lon",
    }
