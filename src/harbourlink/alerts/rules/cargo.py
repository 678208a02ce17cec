"""Container not picked up before free time ends, customs holds, and a B/L removed from the manifest."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar

from harbourlink.alerts.domain import AlertType, Fact, Finding, Verdict
from harbourlink.alerts.registry import register

CUSTOMS_HOLDS = {"HOLD": "held", "CUSI": "selected_for_inspection", "CUSS": "selected_for_scan"}
CUSTOMS_CLEARS = {"CUSR", "ACPT"}
MANIFEST_CODES = {"ISSU", "CONF", "APPR", "SURR", "RELS", "VOID", "CANC"}


@register
class NotPickedUp(AlertType):
    """Available for pick-up but not gated out ``hours_before`` hours before free time ends; the figures
    show the storage charges that will run per day (``storage_per_day``, in ``currency``)."""

    name: ClassVar[str] = "not_picked_up"
    subject_kinds: ClassVar[tuple[str, ...]] = ("CONTAINER",)
    event_types: ClassVar[frozenset[str]] = frozenset({"RELEASE", "EQUIPMENT"})
    defaults: ClassVar[dict[str, Any]] = {"hours_before": 24, "storage_per_day": 350, "currency": "HKD"}

    def evaluate(self, subject: str, history: list[Fact], thresholds: dict[str, Any], now: datetime) -> Verdict:
        del subject
        releases = [f for f in history if f.event_type == "RELEASE"]
        if any(f.event_code in ("GTOT", "PICK") and f.classifier == "ACT" for f in history):
            return Verdict()
        latest = max(releases, key=lambda f: (f.event_time, f.issued_at)) if releases else None
        if latest is None or latest.event_code == "HOLD":
            return Verdict()
        free_text = next(
            (f.details["free_time_ends"] for f in reversed(releases) if f.details.get("free_time_ends")), None
        )
        if free_text is None:
            return Verdict()
        free_ends = datetime.fromisoformat(str(free_text))
        due = free_ends - timedelta(hours=float(thresholds["hours_before"]))
        if now < due:
            return Verdict(recheck_at=due)
        overdue_days = max(0, -(-int((now - free_ends).total_seconds()) // 86400))
        rate = float(thresholds["storage_per_day"])
        return Verdict(
            Finding(
                "pickup",
                {
                    "available_since": latest.event_time.isoformat(),
                    "free_time_ends": free_ends.isoformat(),
                    "hours_left": round((free_ends - now).total_seconds() / 3600, 1),
                    "storage_per_day": rate,
                    "currency": thresholds["currency"],
                    "storage_charges_so_far": overdue_days * rate,
                    "facility": latest.facility,
                },
            )
        )


@register
class CustomsHold(AlertType):
    """Customs holds the cargo or selects it for inspection; a release closes the alert."""

    name: ClassVar[str] = "customs_hold"
    subject_kinds: ClassVar[tuple[str, ...]] = ("CONTAINER", "MBL", "HBL")
    event_types: ClassVar[frozenset[str]] = frozenset({"CUSTOMS", "RELEASE", "EQUIPMENT"})

    def evaluate(self, subject: str, history: list[Fact], thresholds: dict[str, Any], now: datetime) -> Verdict:
        del subject, thresholds, now
        status: Fact | None = None
        for fact in history:
            if fact.event_type == "RELEASE":
                held = "CUSTOMS" in fact.details.get("holds", [])
                status = fact if held else (None if status is None or status.event_type == "RELEASE" else status)
            elif fact.event_code in CUSTOMS_HOLDS and fact.event_type in ("CUSTOMS", "EQUIPMENT"):
                status = fact
            elif fact.event_code in CUSTOMS_CLEARS:
                status = None
        if status is None:
            return Verdict()
        kind = "held" if status.event_type == "RELEASE" else CUSTOMS_HOLDS[status.event_code]
        return Verdict(
            Finding(
                "customs",
                {
                    "status": kind,
                    "since": status.event_time.isoformat(),
                    "declaration": status.reference("DECLARATION"),
                },
            )
        )


@register
class BillRemoved(AlertType):
    """The B/L was withdrawn from the manifest (voided or cancelled) and not issued again since."""

    name: ClassVar[str] = "bl_removed"
    subject_kinds: ClassVar[tuple[str, ...]] = ("MBL", "HBL")
    event_types: ClassVar[frozenset[str]] = frozenset({"SHIPMENT"})

    def evaluate(self, subject: str, history: list[Fact], thresholds: dict[str, Any], now: datetime) -> Verdict:
        del thresholds, now
        states = [f for f in history if f.event_type == "SHIPMENT" and f.event_code in MANIFEST_CODES]
        if not states or states[-1].event_code not in ("VOID", "CANC"):
            return Verdict()
        last = states[-1]
        return Verdict(
            Finding(
                "manifest",
                {
                    "bill_of_lading": subject,
                    "status": last.event_code,
                    "removed_at": last.event_time.isoformat(),
                    "location": last.location,
                },
            )
        )
