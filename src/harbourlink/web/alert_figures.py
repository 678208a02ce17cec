"""An alert's figures in words and units: '3 小時 20 分鐘', '9.8 °C', 'HK$1,600.00', moments in port time.

Durations, amounts and numbers are written by Babel in the page's locale (its units, its
currency format); only the figures' names and the "ended … ago" frame are in the catalogues.

Rules put raw figures in an alert (minutes, degrees, ISO moments, amounts with a ``currency``
figure beside them); the API and webhooks carry them as they are. People read them here, in
the page's language, in the order below; a figure with no entry is not shown on the page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from babel.lists import format_list
from babel.numbers import format_currency, format_decimal
from babel.units import format_unit

from harbourlink.references import find_airport
from harbourlink.web.i18n import Catalogue
from harbourlink.web.labels import N_
from harbourlink.web.track_words import EVENTS, FAMILIES

ENDED_AGO = N_("ended %(duration)s ago")
DEFAULT_CURRENCY = "HKD"

FIGURES: dict[str, tuple[str, str]] = {
    "delay_minutes": (N_("Delay"), "duration"),
    "planned_arrival": (N_("Planned arrival"), "moment"),
    "estimated_arrival": (N_("Estimated arrival"), "moment"),
    "previous_terminal": (N_("Previous terminal"), "text"),
    "terminal": (N_("Terminal"), "text"),
    "temperature": (N_("Temperature"), "celsius"),
    "setpoint": (N_("Set point"), "celsius"),
    "deviation": (N_("Deviation"), "signed_celsius"),
    "power_off_since": (N_("Power off since"), "moment"),
    "minutes": (N_("For"), "duration"),
    "free_time_ends": (N_("Free time ends"), "moment"),
    "hours_left": (N_("Free time left"), "hours"),
    "storage_per_day": (N_("Storage per day"), "money"),
    "storage_charges_so_far": (N_("Storage charges so far"), "money"),
    "status": (N_("Status"), "status"),
    "declaration": (N_("Declaration"), "text"),
    "removed_at": (N_("Removed from the manifest"), "moment"),
    "since": (N_("Since"), "moment"),
    "location": (N_("Place"), "text"),
    "flight": (N_("Flight"), "text"),
    "airport": (N_("Airport"), "airport"),
    "planned_departure": (N_("Planned departure"), "moment"),
    "estimated_departure": (N_("Estimated departure"), "moment"),
    "actual_departure": (N_("Departed"), "moment"),
    "actual_arrival": (N_("Arrived"), "moment"),
    "discrepancy": (N_("Discrepancy"), "discrepancy"),
    "pieces": (N_("Pieces"), "text"),
    "booked_pieces": (N_("Pieces booked"), "text"),
    "departed_pieces": (N_("Pieces departed"), "text"),
    "packages": (N_("Packages counted"), "text"),
    "packages_expected": (N_("Packages expected"), "text"),
    "packages_short": (N_("Packages missing"), "text"),
    "condition": (N_("Condition"), "condition"),
    "note": (N_("Note"), "text"),
    "received_at": (N_("Received"), "moment"),
    "limit_minutes": (N_("Allowed"), "duration"),
    "last_heard_at": (N_("Last heard"), "moment"),
    "expected_at": (N_("Expected"), "moment"),
    "battery_v": (N_("Battery"), "volts"),
}


def duration(catalogue: Catalogue, minutes: float) -> str:
    """'3 hours, 20 minutes', '2 日 5 小時', '24 分鐘' in the catalogue's language: whole minutes, the two
    largest units (a zero second one left out)."""
    total = max(0, round(minutes))
    days, rest = divmod(total, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        parts = [(days, "duration-day"), (hours, "duration-hour")]
    elif hours:
        parts = [(hours, "duration-hour"), (mins, "duration-minute")]
    else:
        parts = [(mins, "duration-minute")]
    locale = catalogue.language.locale
    words = [
        format_unit(value, unit, length="long", locale=locale)
        for value, unit in parts[:1] + [part for part in parts[1:] if part[0]]
    ]
    return format_list(words, style="unit", locale=locale)


def _number(catalogue: Catalogue, value: float, pattern: str) -> str:
    return format_decimal(value, format=pattern, locale=catalogue.language.locale)


def _status(catalogue: Catalogue, alert_type: str, value: str) -> str:
    """A customs state ('held'), or a manifest event code ('VOID'), named."""
    family = (
        FAMILIES["customs"]
        if alert_type == "customs_hold"
        else {
            code.removeprefix("SHIPMENT:"): message for code, message in EVENTS.items() if code.startswith("SHIPMENT:")
        }
    )
    message = family.get(value)
    return catalogue.gettext(message) if message else value


def _airport(catalogue: Catalogue, code: str) -> str:
    """'香港國際機場 (HKG)': the airport's name in the page's language, with its code."""
    airport = find_airport(code)
    return f"{airport.name(catalogue.language.code)} ({code})" if airport else code


def _family(catalogue: Catalogue, family: str, code: str) -> str:
    """A code of one family ('OFLD', 'damaged') named in the page's language; an unknown one as it came."""
    message = FAMILIES[family].get(code)
    return catalogue.gettext(message) if message else code


def _word(catalogue: Catalogue, kind: str, value: Any, figures: dict[str, Any], alert_type: str) -> str:
    writers: dict[str, Callable[[], str]] = {
        "duration": lambda: duration(catalogue, float(value)),
        "hours": lambda: (
            duration(catalogue, float(value) * 60)
            if float(value) >= 0
            else catalogue.gettext(ENDED_AGO, duration=duration(catalogue, -float(value) * 60))
        ),
        "celsius": lambda: f"{_number(catalogue, float(value), '0.0')} °C",
        "signed_celsius": lambda: f"{_number(catalogue, float(value), '+0.0;-0.0')} °C",
        "volts": lambda: f"{_number(catalogue, float(value), '0.00')} V",
        "money": lambda: format_currency(
            float(value), str(figures.get("currency") or DEFAULT_CURRENCY), locale=catalogue.language.locale
        ),
        "moment": lambda: catalogue.format_datetime(datetime.fromisoformat(str(value)), "short"),
        "status": lambda: _status(catalogue, alert_type, str(value)),
        "airport": lambda: _airport(catalogue, str(value)),
        "discrepancy": lambda: _family(catalogue, "discrepancy", str(value)),
        "condition": lambda: _family(catalogue, "condition", str(value)),
    }
    try:
        return writers[kind]() if kind in writers else str(value)
    except (TypeError, ValueError):  # a figure of an older rule version in another shape: shown as stored
        return str(value)


def describe(catalogue: Catalogue, alert_type: str, figures: dict[str, Any]) -> list[tuple[str, str]]:
    """The alert's figures as (label, words) in the catalogue's language, in a fixed order."""
    return [
        (catalogue.gettext(label), _word(catalogue, kind, figures[code], figures, alert_type))
        for code, (label, kind) in FIGURES.items()
        if figures.get(code) is not None
    ]
