"""The deviation detector and the custody rules on a simple straight route, and on generated traces."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from harbourlink.elock import Detector, Deviation, Geofence, Route, Thresholds, TripState, seed_route, trace
from harbourlink.elock.domain import LocalFrame, step_lock_event, step_position

T0 = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
FRAME = LocalFrame(114.0, 22.4)


def straight(*, denied: list[list[tuple[float, float]]] | None = None) -> Route:
    """A 10 km road due east with a 100 m corridor either side."""
    return Route(
        line=[FRAME.lonlat(0, 0), FRAME.lonlat(10_000, 0)],
        half_width_m=100.0,
        gnss_denied=denied or [],
        origin=Geofence("origin", *FRAME.lonlat(0, 0), 300),
        hk_exit=Geofence("exit", *FRAME.lonlat(5_000, 0), 300),
        mainland_entry=Geofence("entry", *FRAME.lonlat(6_000, 0), 300),
        destination=Geofence("destination", *FRAME.lonlat(10_000, 0), 300),
    )


def feed(detector: Detector, offsets: list[float], *, accuracy: float | None = 5.0, start_x: float = 1000.0) -> None:
    for n, y in enumerate(offsets):
        lon, lat = FRAME.lonlat(start_x + 100 * n, y)
        detector.add(at=T0 + timedelta(seconds=10 * n), lon=lon, lat=lat, accuracy_m=accuracy)


def test_fixes_well_outside_for_30_s_open_a_deviation_and_three_inside_close_it() -> None:
    detector = Detector(straight())
    feed(detector, [0, 0, 400, 420, 430, 410, 0, 0, 0, 0])
    [episode] = detector.episodes
    assert episode.started_at == T0 + timedelta(seconds=20)
    assert episode.confirmed_at == T0 + timedelta(seconds=50)
    assert episode.ended_at == T0 + timedelta(seconds=60)
    short = Detector(straight())
    feed(short, [0, 0, 400, 420, 430, 0, 0, 0])
    assert short.episodes == []
    assert round(episode.max_outside_m) == 330


def test_a_multipath_jump_of_two_fixes_raises_nothing() -> None:
    detector = Detector(straight())
    feed(detector, [0, 0, 900, 700, 0, 0, 800, 0])
    assert detector.episodes == []


def test_jumps_that_scatter_are_not_a_track() -> None:
    """Out fixes farther apart than a truck drives in 10 s, one side then the other, open nothing."""
    detector = Detector(straight())
    feed(detector, [0, 700, -700, 700, -700, 700, 0])
    assert detector.episodes == []


def test_a_truck_along_the_corridor_edge_does_not_flap() -> None:
    """In and out across the edge, and in the band between the two thresholds, opens or closes nothing."""
    detector = Detector(straight())
    feed(detector, [0, 350, 360, 370, 365, 150, 380, 170, 390, 160, 0, 0, 0])
    [episode] = detector.episodes
    assert episode.ended_at == T0 + timedelta(seconds=100)


def test_a_fix_whose_accuracy_covers_the_corridor_is_not_out() -> None:
    detector = Detector(straight())
    feed(detector, [300, 300, 300, 300], accuracy=120.0)
    assert detector.episodes == []
    assumed = Detector(straight())
    feed(assumed, [300] * 5, accuracy=None)  # no accuracy given (eSeal gives none): the default is assumed
    assert len(assumed.episodes) == 1
    blind = Detector(straight(), Thresholds(default_accuracy_m=200.0))
    feed(blind, [400] * 5, accuracy=None)
    assert blind.episodes == []


def test_silent_inside_a_gnss_denied_stretch() -> None:
    tunnel = [FRAME.lonlat(900, -2000), FRAME.lonlat(2000, -2000), FRAME.lonlat(2000, 2000), FRAME.lonlat(900, 2000)]
    detector = Detector(straight(denied=[tunnel]))
    feed(detector, [800, 900, 1000, 900, 800, 700, 0, 0])
    assert detector.episodes == []


def test_late_and_out_of_order_fixes_give_the_same_answer() -> None:
    route = seed_route()
    fixes = trace(route, seed=11, start=T0, deviation=Deviation(start_s=700, duration_s=120, offset_m=300))
    in_time = sorted(fixes, key=lambda f: f.at)
    shuffled = list(fixes)
    random.Random(5).shuffle(shuffled)
    answers = []
    for order in (in_time, fixes, shuffled):
        detector = Detector(route)
        for fix in order:
            detector.add(at=fix.at, lon=fix.lon, lat=fix.lat, accuracy_m=fix.accuracy_m)
        answers.append([(e.started_at, e.ended_at, round(e.max_outside_m)) for e in detector.episodes])
    assert answers[0] == answers[1] == answers[2]
    assert len(answers[0]) == 1


def test_a_late_fix_that_moves_a_deviations_start_keeps_its_name() -> None:
    detector = Detector(straight())
    feed(detector, [0, 0, 0, 400, 400, 400, 400, 400])
    [before] = detector.episodes
    lon, lat = FRAME.lonlat(1200, 400)
    detector.add(at=T0 + timedelta(seconds=25), lon=lon, lat=lat, accuracy_m=5.0)
    [after] = detector.episodes
    assert after.started_at < before.started_at and after.key == before.key


@pytest.mark.parametrize("seed", range(20))
def test_clean_generated_trips_raise_nothing(seed: int) -> None:
    route = seed_route()
    detector = Detector(route)
    for fix in trace(route, seed=seed, start=T0):
        detector.add(at=fix.at, lon=fix.lon, lat=fix.lat, accuracy_m=fix.accuracy_m)
    assert detector.episodes == []


def test_custody_follows_the_plan_and_ignores_events_out_of_place() -> None:
    route = straight()
    x = FRAME.lonlat
    assert step_position(route, TripState.APPROVED, at=T0, lon=x(100, 0)[0], lat=x(100, 0)[1]) is None
    left = step_position(route, TripState.APPROVED, at=T0, lon=x(400, 0)[0], lat=x(400, 0)[1])
    assert left is not None and left.after is TripState.HK_TRANSIT and left.trigger.value == "left_origin"
    assert step_position(route, TripState.HK_TRANSIT, at=T0, lon=x(3000, 0)[0], lat=x(3000, 0)[1]) is None
    # a remote unlock on the road is not custody: it stays locked (and the door rule sees tampering)
    road = x(3000, 0)
    assert step_lock_event(route, TripState.HK_TRANSIT, locked=False, at=T0, lon=road[0], lat=road[1]) is None
    at_exit = x(5000, 100)
    unlocked = step_lock_event(route, TripState.HK_TRANSIT, locked=False, at=T0, lon=at_exit[0], lat=at_exit[1])
    assert unlocked is not None and unlocked.after is TripState.AT_HK_EXIT and unlocked.trigger.value == "unlock_event"
    assert step_lock_event(route, TripState.HK_TRANSIT, locked=True, at=T0, lon=None, lat=None) is None
    assert step_position(route, TripState.ARRIVED, at=T0, lon=road[0], lat=road[1]) is None
