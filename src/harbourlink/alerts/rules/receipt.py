"""A warehouse's receipt found fewer packages than expected, or damage.

The receipt is a ``GTIN`` equipment event of the warehouse whose details carry the count, the
expected count and the condition (``receiving``); the newest receipt decides, so a later receipt
that finds everything in order closes the alert.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from harbourlink.alerts.domain import AlertType, Fact, Finding, Verdict
from harbourlink.alerts.registry import register


@register
class ReceiptDiscrepancy(AlertType):
    """The consignment arrived at the warehouse short of packages or damaged."""

    name: ClassVar[str] = "receipt_discrepancy"
    subject_kinds: ClassVar[tuple[str, ...]] = ("CONTAINER", "MBL", "HBL", "BOOKING", "AWB")
    event_types: ClassVar[frozenset[str]] = frozenset({"EQUIPMENT"})

    def evaluate(self, subject: str, history: list[Fact], thresholds: dict[str, Any], now: datetime) -> Verdict:
        del subject, thresholds, now
        receipts = [f for f in history if f.event_code == "GTIN" and "receipt_id" in f.details]
        if not receipts:
            return Verdict()
        latest = receipts[-1].details
        short, damaged = int(latest.get("packages_short") or 0), latest.get("condition") == "damaged"
        if not short and not damaged:
            return Verdict()
        return Verdict(
            Finding(
                "receipt",
                {
                    "packages": latest.get("packages"),
                    "packages_expected": latest.get("packages_expected"),
                    "packages_short": short,
                    "condition": latest.get("condition"),
                    "note": latest.get("note") or None,
                    "received_at": receipts[-1].event_time.isoformat(),
                },
            )
        )
