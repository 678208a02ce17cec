"""Vessel arrival later than planned, and a change of discharge terminal."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from harbourlink.alerts.domain import AlertType, Fact, Finding, Verdict, minutes
from harbourlink.alerts.registry import register

ARRIVAL_KINDS = ("VESSEL", "MBL", "HBL", "CONTAINER")


def _latest(facts: list[Fact], classifier: str) -> Fact | None:
    """The newest statement of one classifier: a revised plan or estimate replaces the older one,
    whatever order the messages arrived in."""
    chosen = [f for f in facts if f.classifier == classifier]
    return max(chosen, key=lambda f: (f.issued_at, f.received_at)) if chosen else None


def _arrivals(history: list[Fact]) -> dict[tuple[str, str], list[Fact]]:
    by_call: dict[tuple[str, str], list[Fact]] = {}
    for fact in history:
        if fact.event_type == "TRANSPORT" and fact.event_code == "ARRI":
            key = (fact.voyage or fact.vessel_imo or "", fact.location or "")
            by_call.setdefault(key, []).append(fact)
    return by_call


@register
class VesselDelay(AlertType):
    """The estimated arrival is later than planned by at least ``delay_minutes``; told again when the
    delay moves by ``material_change_minutes``; closed by the actual arrival or a recovered estimate."""

    name: ClassVar[str] = "vessel_delay"
    subject_kinds: ClassVar[tuple[str, ...]] = ARRIVAL_KINDS
    event_types: ClassVar[frozenset[str]] = frozenset({"TRANSPORT"})
    defaults: ClassVar[dict[str, Any]] = {"delay_minutes": 120, "material_change_minutes": 60}

    def evaluate(self, subject: str, history: list[Fact], thresholds: dict[str, Any], now: datetime) -> Verdict:
        del subject, now
        worst: Finding | None = None
        for (voyage, location), facts in sorted(_arrivals(history).items()):
            planned, estimated = _latest(facts, "PLN"), _latest(facts, "EST")
            if planned is None or estimated is None or _latest(facts, "ACT") is not None:
                continue
            delay = minutes(estimated.event_time - planned.event_time)
            if delay < float(thresholds["delay_minutes"]):
                continue
            finding = Finding(
                f"arrival:{voyage}:{location}",
                {
                    "vessel_imo": estimated.vessel_imo or planned.vessel_imo,
                    "voyage": voyage or None,
                    "location": location or None,
                    "planned_arrival": planned.event_time.isoformat(),
                    "estimated_arrival": estimated.event_time.isoformat(),
                    "delay_minutes": delay,
                },
            )
            if worst is None or delay > worst.figures["delay_minutes"]:
                worst = finding
        return Verdict(worst)

    def is_material(self, before: dict[str, Any], after: dict[str, Any], thresholds: dict[str, Any]) -> bool:
        change = abs(int(after.get("delay_minutes", 0)) - int(before.get("delay_minutes", 0)))
        return change >= float(thresholds["material_change_minutes"])


@register
class TerminalChange(AlertType):
    """The discharge terminal of a call differs from the one first announced."""

    name: ClassVar[str] = "terminal_change"
    subject_kinds: ClassVar[tuple[str, ...]] = ARRIVAL_KINDS
    event_types: ClassVar[frozenset[str]] = frozenset({"TRANSPORT", "EQUIPMENT"})

    def evaluate(self, subject: str, history: list[Fact], thresholds: dict[str, Any], now: datetime) -> Verdict:
        del subject, thresholds, now
        calls = [
            f
            for f in history
            if f.facility
            and f.classifier in ("PLN", "EST")
            and (f.event_code == "ARRI" or (f.event_type == "EQUIPMENT" and f.event_code == "DISC"))
        ]
        if not calls:
            return Verdict()
        by_issue = sorted(calls, key=lambda f: (f.issued_at, f.received_at))
        first, last = by_issue[0], by_issue[-1]
        if first.facility == last.facility:
            return Verdict()
        return Verdict(
            Finding(
                f"terminal:{last.facility}",
                {
                    "previous_terminal": first.facility,
                    "terminal": last.facility,
                    "location": last.location,
                    "announced_at": last.issued_at.isoformat(),
                },
            )
        )
