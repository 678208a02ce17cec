"""Each alert type from event sequences, in order, late and out of order (pure rules, no database)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from harbourlink.alerts import Fact, Verdict, all_types
from harbourlink.alerts.channels.texts import CHANGES, LANGUAGES, TYPE_NAMES
from harbourlink.alerts.domain import in_quiet_hours, sorted_history

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
_ids = itertools.count()


def fact(
    event_type: str,
    code: str,
    at: datetime,
    *,
    classifier: str = "ACT",
    issued: datetime | None = None,
    facility: str | None = None,
    **details: Any,
) -> Fact:
    """An event; ``issued`` is when its source said it (arrival order is what differs in tests)."""
    n = next(_ids)
    return Fact(
        event_id=f"e{n}",
        event_type=event_type,
        event_code=code,
        classifier=classifier,
        event_time=at,
        received_at=T0 + timedelta(seconds=n),
        issued_at=issued or at,
        details=details,
        location="HKHKG",
        facility=facility,
        voyage="123E",
        vessel_imo="9321483",
    )


def verdict(name: str, facts: list[Fact], now: datetime, **thresholds: Any) -> Verdict:
    kind = all_types()[name]
    return kind.evaluate("SUBJECT", sorted_history(facts), kind.settings(thresholds), now)


def test_every_type_is_registered_with_words_in_every_language() -> None:
    assert set(all_types()) >= {
        "vessel_delay",
        "terminal_change",
        "reefer_deviation",
        "reefer_power_off",
        "not_picked_up",
        "customs_hold",
        "bl_removed",
    }
    for name in all_types():
        assert set(TYPE_NAMES[name]) == set(LANGUAGES), name
    assert all(set(words) == set(LANGUAGES) for words in CHANGES.values())


# ---------------------------------------------------------------- vessel delay

PLANNED = fact("TRANSPORT", "ARRI", T0 + timedelta(days=2), classifier="PLN", issued=T0)


def _estimate(hours_late: float, issued_hours: float) -> Fact:
    return fact(
        "TRANSPORT",
        "ARRI",
        PLANNED.event_time + timedelta(hours=hours_late),
        classifier="EST",
        issued=T0 + timedelta(hours=issued_hours),
    )


def test_vessel_delay_opens_at_the_threshold_with_its_figures() -> None:
    assert verdict("vessel_delay", [PLANNED, _estimate(1, 1)], T0).finding is None
    found = verdict("vessel_delay", [PLANNED, _estimate(3, 1)], T0).finding
    assert found is not None
    assert found.figures["delay_minutes"] == 180
    assert found.figures["planned_arrival"] == PLANNED.event_time.isoformat()
    assert verdict("vessel_delay", [PLANNED, _estimate(1.5, 1)], T0, delay_minutes=60).finding is not None


def test_a_late_older_estimate_does_not_override_the_newer_one() -> None:
    newer, older = _estimate(0.5, 5), _estimate(6, 1)
    for order in ([PLANNED, newer, older], [older, PLANNED, newer]):
        assert verdict("vessel_delay", order, T0).finding is None


def test_delay_change_is_material_only_beyond_its_threshold() -> None:
    kind = all_types()["vessel_delay"]
    settings = kind.settings({})
    assert not kind.is_material({"delay_minutes": 180}, {"delay_minutes": 200}, settings)
    assert kind.is_material({"delay_minutes": 180}, {"delay_minutes": 300}, settings)


def test_actual_arrival_closes_the_delay() -> None:
    arrived = fact("TRANSPORT", "ARRI", PLANNED.event_time + timedelta(hours=4))
    assert verdict("vessel_delay", [PLANNED, _estimate(4, 1), arrived], T0).finding is None


# ---------------------------------------------------------------- reefer


def reading(minutes: int, temperature: float | None, setpoint: float = 5.0, power: str = "ON") -> Fact:
    return fact(
        "REEFER",
        "MEAS" if power == "ON" else "POWR",
        T0 + timedelta(minutes=minutes),
        temperature=temperature,
        setpoint=setpoint,
        power=power,
    )


def test_reefer_deviation_needs_the_duration_and_recovery_closes() -> None:
    readings = [reading(0, 5.2), reading(15, 8.5), reading(30, 9.0)]
    early = verdict("reefer_deviation", readings, T0 + timedelta(minutes=30))
    assert early.finding is None and early.recheck_at == T0 + timedelta(minutes=45)
    late = verdict("reefer_deviation", readings, T0 + timedelta(minutes=50)).finding
    assert (
        late is not None
        and late.figures["deviation"] == 4.0
        and late.figures["since"] == readings[1].event_time.isoformat()
    )
    recovered = [*readings, reading(55, 5.5)]
    assert verdict("reefer_deviation", recovered, T0 + timedelta(minutes=60)).finding is None


def test_reefer_deviation_is_the_same_whatever_order_readings_arrive() -> None:
    readings = [reading(0, 5.0), reading(10, 9.0), reading(20, 9.5), reading(45, 9.1)]
    now = T0 + timedelta(minutes=50)
    answers = {repr(verdict("reefer_deviation", list(order), now)) for order in itertools.permutations(readings)}
    assert len(answers) == 1


def test_commodity_profile_tightens_the_tolerance() -> None:
    readings = [reading(0, 6.2), reading(40, 6.3)]
    now = T0 + timedelta(minutes=45)
    assert verdict("reefer_deviation", readings, now).finding is None
    assert verdict("reefer_deviation", readings, now, commodity="pharma").finding is not None


def test_power_off_gap_opens_after_the_gap_and_power_on_closes() -> None:
    off = [reading(0, 5.0), reading(10, None, power="OFF")]
    assert verdict("reefer_power_off", off, T0 + timedelta(minutes=20)).recheck_at == T0 + timedelta(minutes=25)
    found = verdict("reefer_power_off", off, T0 + timedelta(minutes=40)).finding
    assert found is not None and found.figures["minutes"] == 30
    late_on = [*off, reading(30, 5.1)]  # the power-on reading arrives after the alert would have opened
    assert verdict("reefer_power_off", late_on, T0 + timedelta(minutes=40)).finding is None


# ---------------------------------------------------------------- pick-up, customs, manifest, terminal

FREE_ENDS = T0 + timedelta(days=3)


def available() -> Fact:
    return fact("RELEASE", "RELS", T0, free_time_ends=FREE_ENDS.isoformat(), facility="HITHK")


def test_not_picked_up_warns_before_free_time_ends_with_storage_exposure() -> None:
    early = verdict("not_picked_up", [available()], T0 + timedelta(days=1))
    assert early.finding is None and early.recheck_at == FREE_ENDS - timedelta(hours=24)
    found = verdict("not_picked_up", [available()], FREE_ENDS + timedelta(hours=30)).finding
    assert found is not None
    assert found.figures["storage_charges_so_far"] == 700 and found.figures["storage_per_day"] == 350
    gate_out = fact("EQUIPMENT", "GTOT", T0 + timedelta(days=2, hours=23))
    assert verdict("not_picked_up", [gate_out, available()], FREE_ENDS).finding is None  # gate-out came first


def test_customs_hold_opens_and_release_closes_in_event_time_order() -> None:
    hold = fact("CUSTOMS", "CUSI", T0)
    release = fact("CUSTOMS", "CUSR", T0 + timedelta(hours=5))
    assert verdict("customs_hold", [hold], T0).finding is not None
    assert verdict("customs_hold", [release, hold], T0).finding is None  # the release arrived before the hold


def test_bl_removed_from_manifest() -> None:
    issued = fact("SHIPMENT", "ISSU", T0)
    voided = fact("SHIPMENT", "VOID", T0 + timedelta(hours=1))
    found = verdict("bl_removed", [voided, issued], T0).finding
    assert found is not None and found.figures["status"] == "VOID"
    assert verdict("bl_removed", [issued], T0).finding is None


def test_terminal_change_compares_the_latest_announcement_with_the_first() -> None:
    first = fact("TRANSPORT", "ARRI", T0 + timedelta(days=2), classifier="PLN", facility="HKHITT4", issued=T0)
    moved = fact(
        "TRANSPORT",
        "ARRI",
        T0 + timedelta(days=2),
        classifier="EST",
        facility="HKMTLT8",
        issued=T0 + timedelta(hours=3),
    )
    found = verdict("terminal_change", [moved, first], T0).finding
    assert found is not None and found.figures == {
        "previous_terminal": "HKHITT4",
        "terminal": "HKMTLT8",
        "location": "HKHKG",
        "announced_at": moved.issued_at.isoformat(),
    }


@pytest.mark.parametrize(("at", "quiet"), [("22:30", True), ("06:59", True), ("07:00", False), ("12:00", False)])
def test_quiet_hours_span_midnight(at: str, quiet: bool) -> None:
    hour, minute = map(int, at.split(":"))
    assert in_quiet_hours(T0.replace(hour=hour, minute=minute), "22:00", "07:00") is quiet


# ---------------------------------------------------------------- road cargo


def _said(query: str, position: int, side: str, at: datetime) -> Fact:
    code = "REQS" if side == "customs" else "SUBM"
    return fact("SHIPMENT", code, at, road_query=query, position=position, side=side, text=f"{side} {position}")


def test_a_road_query_is_raised_and_each_reply_tells_again() -> None:
    asked = _said("q1", 1, "customs", T0)
    assert verdict("road_query_replied", [asked], T0).finding is None
    raised = verdict("road_query_raised", [asked], T0).finding
    assert raised is not None and (raised.condition, raised.figures["text"]) == ("query:q1", "customs 1")
    first = verdict("road_query_replied", [asked, _said("q1", 2, "submitter", T0 + timedelta(hours=1))], T0).finding
    later = [
        asked,
        _said("q1", 2, "submitter", T0 + timedelta(hours=1)),
        _said("q1", 3, "customs", T0 + timedelta(hours=2)),
    ]
    second = verdict("road_query_replied", list(reversed(later)), T0).finding  # arrival order does not matter
    assert first is not None and second is not None and first.condition == second.condition == "replied:q1"
    assert (second.figures["replies"], second.figures["side"]) == (2, "customs")
    kind = all_types()["road_query_replied"]
    assert kind.is_material(first.figures, second.figures, {})
    assert not kind.is_material(second.figures, second.figures, {})


def test_a_road_crossing_and_a_reminder_resolved_by_binding() -> None:
    crossed = fact("EQUIPMENT", "CROS", T0, road="crossed", ubr="90000000017", decision="go", control_point="LMC")
    found = verdict("road_crossed", [crossed], T0).finding
    assert found is not None and (found.condition, found.figures["decision"]) == ("crossed:90000000017", "go")
    assert verdict("road_crossed", [fact("EQUIPMENT", "CROS", T0)], T0).finding is None  # not road's
    remind = fact("TRANSPORT", "ARRI", T0, classifier="EST", road="bind_reminder", trip_id="t1", control_point="LMC")
    reminded = verdict("road_bind_reminder", [remind], T0).finding
    assert reminded is not None and reminded.condition == "bind:t1"
    bound = fact("CUSTOMS", "SUBM", T0 + timedelta(minutes=5), road="bound")
    assert verdict("road_bind_reminder", [remind, bound], T0).finding is None
    earlier_binding = fact("CUSTOMS", "SUBM", T0 - timedelta(hours=2), road="bound")
    assert verdict("road_bind_reminder", [earlier_binding, remind], T0).finding is not None
