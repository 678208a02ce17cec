"""The rough AIS ETA (vessels.eta): distance, speed, and when it declines to guess."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from harbourlink.vessels import PositionReport
from harbourlink.vessels.eta import estimate_arrival, great_circle_nm, port_position, recent_speed

T = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
KWAI_TSING = (22.33, 114.12)


def _fix(minutes: float, lat: float, lon: float, speed: float | None) -> PositionReport:
    return PositionReport(
        mmsi="477123400", at=T + timedelta(minutes=minutes), latitude=lat, longitude=lon, speed_knots=speed
    )


def test_great_circle_distance() -> None:
    assert great_circle_nm(0, 0, 1, 0) == pytest.approx(60.04, abs=0.01)  # one degree of latitude
    assert great_circle_nm(22.205, 114.08, *KWAI_TSING) == pytest.approx(7.8, abs=0.1)


def test_inbound_ship_from_the_west_lamma_channel() -> None:
    track = [_fix(0, 22.205, 114.08, 12.0), _fix(1, 22.208, 114.081, 11.0), _fix(2, 22.211, 114.082, 10.0)]
    estimate = estimate_arrival(track, KWAI_TSING)
    assert estimate is not None and estimate.based_on == 3 and estimate.speed_knots == pytest.approx(11.0)
    assert estimate.arrival == track[-1].at + timedelta(hours=estimate.distance_nm / 11.0)
    assert timedelta(minutes=35) < estimate.arrival - T < timedelta(minutes=45)


def test_no_guess_for_a_ship_that_is_not_moving_and_arrival_when_there() -> None:
    anchored = [_fix(0, 22.25, 114.09, 0.1), _fix(5, 22.25, 114.09, 0.0)]
    assert estimate_arrival(anchored, KWAI_TSING) is None
    assert estimate_arrival([_fix(0, 22.25, 114.09, None)], KWAI_TSING) is None
    assert estimate_arrival([], KWAI_TSING) is None
    berthed = estimate_arrival([_fix(0, 22.331, 114.121, 0.0)], KWAI_TSING)
    assert berthed is not None and berthed.arrival == T


def test_old_speeds_fall_out_of_the_window() -> None:
    track = [_fix(0, 22.2, 114.08, 20.0), _fix(60, 22.21, 114.08, 8.0)]
    assert recent_speed(track) == (8.0, 1)


def test_port_positions_from_destinations() -> None:
    assert port_position("HK HKG CT9") == (22.33, 114.12)
    assert port_position("hkhkg") == (22.33, 114.12)
    assert port_position("SOMEWHERE") is None and port_position(None) is None
