"""The simulated day without a database: the same seed gives the same bytes, and every message reads cleanly."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from harbourlink import inbound
from harbourlink.references import (
    ReferenceType,
    parse_container_number,
    parse_imo_number,
    parse_master_bl,
    parse_mmsi,
    validate_reference,
)
from harbourlink.sim import Link, Send, build_plan, build_scenario, references_to_try
from harbourlink.sim.geo import BERTHS, distance_nm
from harbourlink.sim.nmea import fixes

START = datetime(2026, 11, 20, 22, 0, tzinfo=UTC)


def _sends(seed: int, start: datetime = START) -> list[Send]:
    return [s for s in build_plan(build_scenario(seed=seed, start=start)) if isinstance(s, Send)]


def test_same_seed_same_messages_byte_for_byte() -> None:
    first, second = _sends(2611), _sends(2611)
    assert [(s.due, s.sender, s.format_name, s.raw) for s in first] == [
        (s.due, s.sender, s.format_name, s.raw) for s in second
    ]
    assert [s.raw for s in _sends(2612)] != [s.raw for s in first]


def test_every_message_of_the_day_reads_without_error() -> None:
    counts: Counter[str] = Counter()
    for send in _sends(2611):
        parsed = inbound.adapter_for(send.format_name).parse(send.raw)
        assert parsed.errors == [], (send.label, parsed.errors[:3])
        assert parsed.item_count, send.label
        counts[send.format_name] += 1
    assert set(counts) == {
        "dcsa-tnt-2.2",
        "edifact",
        "ais-nmea",
        "terminal-json",
        "cargo-imp",
        "cargo-xml",
        "one-record",
    }


@pytest.mark.parametrize("seed", [1, 2611, 99])
def test_identifiers_pass_the_strict_checks(seed: int) -> None:
    scenario = build_scenario(seed=seed, start=START)
    assert 6 <= len(scenario.calls) <= 8  # 4 to 6 ships and 2 barges
    for call in scenario.calls:
        parse_imo_number(call.vessel.imo)
        assert parse_mmsi(call.vessel.mmsi).country in {"HK", "CN", "SG"}
        assert call.terminal in BERTHS
    for consignment in scenario.consignments:
        assert parse_master_bl(consignment.mbl).carrier_prefix is not None
        for house in consignment.hbls:
            validate_reference(ReferenceType.HBL, house)
        for box in consignment.boxes:
            parse_container_number(box.number)
            assert (box.setpoint is not None) == box.iso_code.startswith("45R")
        if consignment.declaration:
            assert len(consignment.declaration.number) == 18
    hero = scenario.hero
    assert hero.consignee == "sme" and hero.declaration is not None and hero.boxes[0].setpoint == -18.0
    assert [h.number for h in references_to_try(scenario)][:2] == [hero.hbls[0], hero.boxes[0].number]


def test_ships_move_along_their_route_and_stop_at_the_berth() -> None:
    scenario = build_scenario(seed=2611, start=START)
    first = scenario.calls[0]
    reports = fixes(first, START, first.arrival + timedelta(hours=1))
    underway = [r for r in reports if r.at < first.arrival]
    assert len(underway) > 10 and all(r.speed_knots > 0 for r in underway)
    steps = [distance_nm(a.point, b.point) for a, b in itertools.pairwise(underway)]
    assert all(0 < step < 1.0 for step in steps)  # two minutes at 11–14 knots
    berth = BERTHS[first.terminal]
    assert distance_nm(underway[0].point, berth) > distance_nm(underway[-1].point, berth)
    moored = [r for r in reports if r.at >= first.arrival]
    assert moored and all(r.point == berth and r.status == 5 for r in moored)


def test_the_demo_sees_its_first_ship_arrive_within_two_hours() -> None:
    scenario = build_scenario(seed=2611, start=START)
    arrivals = sorted(c.arrival for c in scenario.calls)
    assert timedelta(hours=1) < arrivals[0] - START < timedelta(hours=2)


def test_air_cargo_through_hong_kong_in_the_airlines_three_forms() -> None:
    scenario = build_scenario(seed=2611, start=START)
    steps = build_plan(scenario)
    air = [s for s in steps if isinstance(s, Send) and s.sender == "airline"]
    assert {s.format_name for s in air} == {"cargo-imp", "cargo-xml", "one-record"}
    export, imported = scenario.air
    assert "HKG" in (export.origin, export.destination) and "HKG" in (imported.origin, imported.destination)
    for step in air:
        parsed = inbound.adapter_for(step.format_name).parse(step.raw)
        assert parsed.errors == [] and parsed.events, step.label
    [link] = [s for s in steps if isinstance(s, Link) and s.kind == "AWB"]
    assert (link.master_bl, link.house_bl) == (export.awb, export.house)
    first = min(s.due for s in air if export.display in s.label)
    assert link.due == first and steps.index(link) > steps.index(next(s for s in air if s.due == first))
    assert [h.number for h in references_to_try(scenario)][-2:] == [export.house, export.display]
