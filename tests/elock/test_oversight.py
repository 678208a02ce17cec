"""An alert's account of itself, from the figures its kind stored."""

from __future__ import annotations

from datetime import timedelta

from harbourlink.elock.oversight import Disposition, explain, needs_note
from tests.elock.support import START


def test_a_deviation_says_how_far_how_long_and_where() -> None:
    told = explain(
        details={"max_outside_m": 412.6, "lat": 22.4, "lon": 114.0},
        started_at=START,
        ended_at=START + timedelta(seconds=185),
        now=START + timedelta(hours=1),
    )
    assert (told.off_route_m, told.duration_s, told.ongoing, told.lat, told.lon) == (413, 185, False, 22.4, 114.0)


def test_an_ongoing_alert_lasts_until_now_and_a_tamper_without_a_fix_has_no_place() -> None:
    ongoing = explain(details={"max_outside_m": 250}, started_at=START, ended_at=None, now=START + timedelta(minutes=2))
    assert (ongoing.duration_s, ongoing.ongoing) == (120, True)
    tamper = explain(
        details={"event": "Event-Door", "lat": None, "lon": None}, started_at=START, ended_at=START, now=START
    )
    assert (tamper.off_route_m, tamper.duration_s, tamper.lat, tamper.lon) == (None, 0, None, None)


def test_only_other_needs_a_note() -> None:
    assert [d for d in Disposition if needs_note(d)] == [Disposition.OTHER]
