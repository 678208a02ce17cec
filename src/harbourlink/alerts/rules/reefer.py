"""Reefer temperature away from its set point for too long, and power-off gaps."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar

from harbourlink.alerts.domain import AlertType, Fact, Finding, Verdict, minutes
from harbourlink.alerts.registry import register

PROFILES: dict[str, dict[str, float]] = {
    "general": {"tolerance_c": 2.0, "duration_minutes": 30},
    "bananas": {"tolerance_c": 1.0, "duration_minutes": 30},
    "chilled_meat": {"tolerance_c": 1.0, "duration_minutes": 20},
    "frozen": {"tolerance_c": 3.0, "duration_minutes": 60},
    "pharma": {"tolerance_c": 0.5, "duration_minutes": 10},
}
"""Tolerances by commodity; a subscription's own ``tolerance_c``/``duration_minutes`` win."""


def _readings(history: list[Fact]) -> list[Fact]:
    return [f for f in history if f.event_type == "REEFER"]


def _profile(history: list[Fact], thresholds: dict[str, Any]) -> tuple[float, float, str]:
    commodity = str(
        thresholds.get("commodity")
        or next((f.details["commodity"] for f in reversed(history) if f.details.get("commodity")), "general")
    )
    profile = PROFILES.get(commodity, PROFILES["general"])
    tolerance = float(thresholds.get("tolerance_c") or profile["tolerance_c"])
    duration = float(thresholds.get("duration_minutes") or profile["duration_minutes"])
    return tolerance, duration, commodity


@register
class ReeferDeviation(AlertType):
    """Temperature beyond the tolerance of the set point, uninterrupted for at least the duration.

    The excursion starts at the first reading out of tolerance after the last one within it; a
    reading back within tolerance (recovery) ends it and closes the alert.
    """

    name: ClassVar[str] = "reefer_deviation"
    subject_kinds: ClassVar[tuple[str, ...]] = ("CONTAINER",)
    event_types: ClassVar[frozenset[str]] = frozenset({"REEFER"})
    defaults: ClassVar[dict[str, Any]] = {"tolerance_c": None, "duration_minutes": None, "commodity": None}

    def evaluate(self, subject: str, history: list[Fact], thresholds: dict[str, Any], now: datetime) -> Verdict:
        del subject
        tolerance, duration, commodity = _profile(history, thresholds)
        start: Fact | None = None
        last: Fact | None = None
        setpoint: float | None = None
        for fact in _readings(history):
            setpoint = fact.details.get("setpoint", setpoint)
            temperature = fact.details.get("temperature")
            if fact.event_code != "MEAS" or temperature is None or setpoint is None:
                continue
            if abs(float(temperature) - float(setpoint)) > tolerance:
                start, last = start or fact, fact
            else:
                start = last = None
        if start is None or last is None or setpoint is None:
            return Verdict()
        due = start.event_time + timedelta(minutes=duration)
        if now < due:
            return Verdict(recheck_at=due)
        temperature = float(last.details["temperature"])
        return Verdict(
            Finding(
                "temperature",
                {
                    "setpoint": setpoint,
                    "temperature": temperature,
                    "deviation": round(temperature - float(setpoint), 2),
                    "tolerance": tolerance,
                    "commodity": commodity,
                    "since": start.event_time.isoformat(),
                    "minutes": minutes(max(now, last.event_time) - start.event_time),
                },
            )
        )


@register
class ReeferPowerOff(AlertType):
    """The unit reported power off and no reading with power on came for ``gap_minutes``."""

    name: ClassVar[str] = "reefer_power_off"
    subject_kinds: ClassVar[tuple[str, ...]] = ("CONTAINER",)
    event_types: ClassVar[frozenset[str]] = frozenset({"REEFER"})
    defaults: ClassVar[dict[str, Any]] = {"gap_minutes": 15}

    def evaluate(self, subject: str, history: list[Fact], thresholds: dict[str, Any], now: datetime) -> Verdict:
        del subject
        off_since: Fact | None = None
        for fact in _readings(history):
            powered = fact.event_code != "POWR" and fact.details.get("power") != "OFF"
            off_since = None if powered else (off_since or fact)
        if off_since is None:
            return Verdict()
        due = off_since.event_time + timedelta(minutes=float(thresholds["gap_minutes"]))
        if now < due:
            return Verdict(recheck_at=due)
        return Verdict(
            Finding(
                "power",
                {"power_off_since": off_since.event_time.isoformat(), "minutes": minutes(now - off_since.event_time)},
            )
        )
