"""Air cargo: a flight that leaves or lands late against its plan, pieces offloaded, a discrepancy.

Each rule reads the air waybill's ``AIR`` statuses (IATA codes, whatever form they came in: FSU,
XFSU or ONE Record) with the flight, pieces and times in their details. Flights are pieced
together from every status that names them; a later statement of a time replaces an earlier one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar

from harbourlink.alerts.domain import AlertType, Fact, Finding, Verdict, minutes
from harbourlink.alerts.registry import register

AIR = frozenset({"AIR"})
DELIVERED = ("DLV", "DDL")


@dataclass
class _Flight:
    number: str
    departs: str | None = None
    arrives: str | None = None
    times: dict[str, datetime] = field(default_factory=dict)
    booked: int | None = None
    departed: int | None = None
    departed_at: datetime | None = None
    arrived_at: datetime | None = None


def _moment(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _flights(history: list[Fact]) -> dict[str, _Flight]:
    flights: dict[str, _Flight] = {}
    for fact in sorted(history, key=lambda f: (f.issued_at, f.received_at)):
        number = fact.details.get("flight")
        if fact.event_type != "AIR" or not number:
            continue
        flight = flights.setdefault(str(number), _Flight(str(number)))
        flight.departs = fact.details.get("departs") or flight.departs
        flight.arrives = fact.details.get("arrives") or flight.arrives
        for name in (
            "planned_departure",
            "estimated_departure",
            "planned_arrival",
            "estimated_arrival",
            "actual_departure",
            "actual_arrival",
        ):
            moment = _moment(fact.details.get(name))
            if moment is not None:
                flight.times[name] = moment
        if fact.event_code == "BKD" and fact.details.get("pieces") is not None:
            flight.booked = int(fact.details["pieces"])
        if fact.event_code == "DEP":
            flight.departed = fact.details.get("pieces", flight.departed)
            flight.departed_at = flight.times.get("actual_departure") or fact.event_time
        if fact.event_code in ("ARR", "RCF"):
            flight.arrived_at = flight.times.get("actual_arrival") or fact.event_time
    return flights


def _delivered(history: list[Fact]) -> bool:
    return any(f.event_type == "AIR" and f.event_code in DELIVERED for f in history)


def _worst(findings: list[Finding]) -> Finding | None:
    return max(findings, key=lambda f: f.figures.get("delay_minutes", 0), default=None)


def _late(
    flight: _Flight, side: str, actual: datetime | None, threshold: float, now: datetime
) -> tuple[Finding | None, datetime | None]:
    """Whether one side of a flight is late against its plan: done late, expected late, or not done in time."""
    planned = flight.times.get(f"planned_{side}")
    if planned is None:
        return None, None
    estimated = flight.times.get(f"estimated_{side}")
    if actual is not None:
        moment, kind = actual, "actual"
    elif estimated is not None and minutes(estimated - planned) >= threshold:
        moment, kind = estimated, "estimated"
    elif now >= planned + timedelta(minutes=threshold):
        moment, kind = now, "overdue"
    else:
        return None, planned + timedelta(minutes=threshold)
    delay = minutes(moment - planned)
    if delay < threshold:
        return None, None
    figures: dict[str, Any] = {
        "flight": flight.number,
        "airport": flight.departs if side == "departure" else flight.arrives,
        f"planned_{side}": planned.isoformat(),
        "delay_minutes": delay,
        "kind": kind,
    }
    if kind != "overdue":
        figures[f"{kind}_{side}"] = moment.isoformat()
    return Finding(f"{side}:{flight.number}", figures), None


def _late_flights(history: list[Fact], side: str, thresholds: dict[str, Any], now: datetime) -> Verdict:
    """The latest flight on one side (the worst delay), and when to look again at one not yet done."""
    findings, rechecks = [], []
    for flight in _flights(history).values():
        if side == "departure" and flight.arrived_at is not None:
            continue  # a flight that has landed: its departure is history
        done = flight.departed_at if side == "departure" else flight.arrived_at
        finding, recheck = _late(flight, side, done, float(thresholds["late_minutes"]), now)
        findings += [finding] if finding else []
        rechecks += [recheck] if recheck and done is None else []
    return Verdict(_worst(findings), min(rechecks, default=None))


@register
class AirLateDeparture(AlertType):
    """A flight of the air waybill leaves ``late_minutes`` or more after its planned departure (or is
    expected to, or has not left by then); closed once the flight has arrived."""

    name: ClassVar[str] = "air_late_departure"
    subject_kinds: ClassVar[tuple[str, ...]] = ("AWB",)
    event_types: ClassVar[frozenset[str]] = AIR
    defaults: ClassVar[dict[str, Any]] = {"late_minutes": 60}

    def evaluate(self, subject: str, history: list[Fact], thresholds: dict[str, Any], now: datetime) -> Verdict:
        del subject
        return _late_flights(history, "departure", thresholds, now)


@register
class AirLateArrival(AlertType):
    """A flight of the air waybill lands ``late_minutes`` or more after its planned arrival (or is
    expected to, or has not landed by then); closed when the cargo is delivered."""

    name: ClassVar[str] = "air_late_arrival"
    subject_kinds: ClassVar[tuple[str, ...]] = ("AWB",)
    event_types: ClassVar[frozenset[str]] = AIR
    defaults: ClassVar[dict[str, Any]] = {"late_minutes": 60}

    def evaluate(self, subject: str, history: list[Fact], thresholds: dict[str, Any], now: datetime) -> Verdict:
        del subject
        return Verdict() if _delivered(history) else _late_flights(history, "arrival", thresholds, now)


@register
class AirOffload(AlertType):
    """Pieces were offloaded from a flight: an ``OFLD`` discrepancy, or fewer pieces departed than
    were booked on it; closed when later flights from that airport carry the missing pieces."""

    name: ClassVar[str] = "air_offload"
    subject_kinds: ClassVar[tuple[str, ...]] = ("AWB",)
    event_types: ClassVar[frozenset[str]] = AIR

    def evaluate(self, subject: str, history: list[Fact], thresholds: dict[str, Any], now: datetime) -> Verdict:
        del subject, thresholds, now
        if _delivered(history):
            return Verdict()
        offloads: dict[tuple[str, str], dict[str, Any]] = {}
        for fact in history:
            if fact.event_type == "AIR" and fact.event_code == "DIS" and fact.details.get("discrepancy") == "OFLD":
                key = (str(fact.details.get("airport")), str(fact.details.get("flight") or ""))
                offloads[key] = {"pieces": fact.details.get("pieces"), "since": fact.event_time}
        for flight in _flights(history).values():
            if flight.booked is not None and flight.departed is not None and flight.departed < flight.booked:
                key = (str(flight.departs), flight.number)
                missing = flight.booked - flight.departed
                since = flight.departed_at or offloads.get(key, {}).get("since")
                offloads[key] = {
                    "pieces": max(missing, offloads.get(key, {}).get("pieces") or 0),
                    "since": since,
                    "booked_pieces": flight.booked,
                    "departed_pieces": flight.departed,
                }
        findings = []
        for (airport, number), found in sorted(offloads.items()):
            since = found["since"]
            later = sum(
                int(f.details.get("pieces") or 0)
                for f in history
                if f.event_code == "DEP"
                and f.details.get("airport") == airport
                and f.details.get("flight") != number
                and since is not None
                and f.event_time > since
            )
            if found["pieces"] is not None and later >= int(found["pieces"]):
                continue
            findings.append(
                Finding(
                    f"offload:{airport}:{number}",
                    {
                        "flight": number or None,
                        "airport": airport,
                        "pieces": found["pieces"],
                        "booked_pieces": found.get("booked_pieces"),
                        "departed_pieces": found.get("departed_pieces"),
                        "since": since.isoformat() if since else None,
                    },
                )
            )
        return Verdict(findings[0] if findings else None)


@register
class AirDiscrepancy(AlertType):
    """A discrepancy other than an offload (missing or found cargo or documents, overcarried,
    shortshipped); closed by a later status counting every piece, the missing thing found, or delivery."""

    name: ClassVar[str] = "air_discrepancy"
    subject_kinds: ClassVar[tuple[str, ...]] = ("AWB",)
    event_types: ClassVar[frozenset[str]] = AIR

    def evaluate(self, subject: str, history: list[Fact], thresholds: dict[str, Any], now: datetime) -> Verdict:
        del subject, thresholds, now
        if _delivered(history):
            return Verdict()
        open_: dict[str, Fact] = {}
        for fact in history:
            if fact.event_type != "AIR":
                continue
            code = fact.details.get("discrepancy")
            if fact.event_code == "DIS" and code and code not in ("OFLD", "DFLD"):
                if str(code).startswith("FD"):
                    open_.pop(f"MS{str(code)[2:]}", None)  # found what was missing
                open_[str(code)] = fact
            elif fact.event_code != "DIS" and _complete(fact):
                open_.clear()
        if not open_:
            return Verdict()
        code, fact = max(open_.items(), key=lambda item: item[1].event_time)
        return Verdict(
            Finding(
                f"discrepancy:{code}",
                {
                    "discrepancy": code,
                    "airport": fact.details.get("airport"),
                    "flight": fact.details.get("flight"),
                    "pieces": fact.details.get("pieces"),
                    "since": fact.event_time.isoformat(),
                },
            )
        )


def _complete(fact: Fact) -> bool:
    """A status that accounts for every piece of the consignment."""
    total, pieces = fact.details.get("total_pieces"), fact.details.get("pieces")
    return total is not None and pieces is not None and int(pieces) >= int(total)
