"""The deviation detector: has the truck left its approved corridor? Pure: no I/O, no clock.

A fix counts **out** when even the near edge of its accuracy circle is more than ``out_m`` beyond the
corridor's edge, **in** when it is within ``back_in_m`` of the edge (the gap between the two is the
hysteresis: a truck driving along the edge does not flap), and **unknown** when it cannot be trusted:
inside a known GNSS-denied stretch, or with an accuracy worse than ``max_accuracy_m``.

A deviation opens when ``min_fixes`` out fixes in a row span at least ``min_duration_s`` and each could
have been driven to from the one before (a multipath jump of a fix or two opens nothing, nor do
jumps that scatter) and closes when ``min_fixes`` in fixes in a row follow. Unknown fixes
neither extend nor break a run; a gap longer than ``max_gap_s`` breaks it (the truck may have driven
anywhere meanwhile, and the signal-lost rule is the one to say so).

Fixes are judged in the order of their time, whatever order they arrive in: a late fix is slotted in
and the episodes are worked out again from the fixes, so the answer never depends on the network.
An episode is named by the time of its first out fix when it is first found; a late fix that moves
its start, or joins it to another, does not rename it, so an alarm raised for it is raised once.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from harbourlink.elock.domain import Route


@dataclass(frozen=True)
class Thresholds:
    out_m: float = 100.0
    back_in_m: float = 30.0
    min_fixes: int = 3
    min_duration_s: float = 30.0
    max_gap_s: float = 120.0
    max_accuracy_m: float = 150.0
    max_speed_kmh: float = 130.0
    """Out fixes farther apart than a truck can drive between them are not one track: multipath jumps
    scatter, a truck off its route does not."""
    default_accuracy_m: float = 10.0
    """Assumed for a fix that gives none (the eSeal protocol does not)."""


class Verdict(Enum):
    OUT = "out"
    IN = "in"
    BETWEEN = "between"
    UNKNOWN = "unknown"


@dataclass(frozen=True, order=True)
class Judged:
    at: datetime
    verdict: Verdict = field(compare=False)
    outside_m: float = field(compare=False)
    lon: float = field(compare=False)
    lat: float = field(compare=False)
    x: float = field(compare=False, default=0.0)
    y: float = field(compare=False, default=0.0)
    accuracy_m: float = field(compare=False, default=0.0)

    def reachable_from(self, other: Judged, max_speed_kmh: float) -> bool:
        drive = abs((self.at - other.at).total_seconds()) * max_speed_kmh / 3.6
        return math.hypot(self.x - other.x, self.y - other.y) <= drive + self.accuracy_m + other.accuracy_m + 50.0


@dataclass
class Episode:
    """One time the truck was off its route: from the first out fix of the run that opened it."""

    started_at: datetime
    confirmed_at: datetime
    """The time of the fix that made the run long enough: the earliest an alarm could have been raised."""
    ended_at: datetime | None = None
    max_outside_m: float = 0.0
    lon: float = 0.0
    lat: float = 0.0
    """Where it was farthest off."""
    fixes: int = 0
    key: str = ""
    """Stays what it was when the episode was first found, even when a late fix moves its start earlier."""

    def __post_init__(self) -> None:
        self.key = self.key or self.started_at.isoformat()

    def overlaps(self, other: Episode) -> bool:
        return (other.ended_at is None or self.started_at <= other.ended_at) and (
            self.ended_at is None or other.started_at <= self.ended_at
        )


def judge(
    route: Route, *, at: datetime, lon: float, lat: float, accuracy_m: float | None, thresholds: Thresholds
) -> Judged:
    accuracy = thresholds.default_accuracy_m if accuracy_m is None else accuracy_m
    outside = route.outside_m(lon, lat)
    if accuracy > thresholds.max_accuracy_m or route.denied(lon, lat):
        verdict = Verdict.UNKNOWN
    elif outside - accuracy > thresholds.out_m:
        verdict = Verdict.OUT
    elif outside <= thresholds.back_in_m:
        verdict = Verdict.IN
    else:
        verdict = Verdict.BETWEEN
    x, y = route.frame.xy(lon, lat)
    return Judged(at, verdict, outside, lon, lat, x, y, accuracy)


@dataclass
class _Scan:
    """The state of one pass over judged fixes in time order."""

    thresholds: Thresholds
    episodes: list[Episode] = field(default_factory=list)
    open: Episode | None = None
    run: list[Judged] = field(default_factory=list)
    last: datetime | None = None

    def feed(self, fix: Judged) -> None:
        limits = self.thresholds
        if fix.verdict is Verdict.UNKNOWN:
            return
        if self.last is not None and (fix.at - self.last).total_seconds() > limits.max_gap_s:
            self.run = []
        self.last = fix.at
        if self.open is None:
            self._watch_for_start(fix)
        else:
            self._watch_for_end(fix)

    def _watch_for_start(self, fix: Judged) -> None:
        limits = self.thresholds
        if fix.verdict is not Verdict.OUT:
            self.run = []
            return
        if self.run and not fix.reachable_from(self.run[-1], limits.max_speed_kmh):
            self.run = []
        self.run.append(fix)
        span = (self.run[-1].at - self.run[0].at).total_seconds()
        if len(self.run) >= limits.min_fixes and span >= limits.min_duration_s:
            self.open = Episode(started_at=self.run[0].at, confirmed_at=fix.at)
            for each in self.run:
                self._extend(each)
            self.episodes.append(self.open)
            self.run = []

    def _watch_for_end(self, fix: Judged) -> None:
        episode = self.open
        assert episode is not None  # noqa: S101 - only called with an open episode
        if fix.verdict is Verdict.IN:
            self.run.append(fix)
            if len(self.run) >= self.thresholds.min_fixes:
                episode.ended_at = self.run[0].at
                self.open, self.run = None, []
            return
        self.run = []
        self._extend(fix)

    def _extend(self, fix: Judged) -> None:
        episode = self.open
        assert episode is not None  # noqa: S101 - only called with an open episode
        episode.fixes += 1
        if fix.outside_m > episode.max_outside_m:
            episode.max_outside_m, episode.lon, episode.lat = fix.outside_m, fix.lon, fix.lat


def episodes_of(fixes: list[Judged], thresholds: Thresholds) -> list[Episode]:
    """The deviations in fixes sorted by time."""
    scan = _Scan(thresholds)
    for fix in fixes:
        scan.feed(fix)
    return scan.episodes


class Detector:
    """One trip's detector, fed fixes as they arrive (in any order); ``episodes`` is always the answer for the
    fixes seen so far, judged in time order. A fix in order costs one step; a late one a new pass."""

    def __init__(self, route: Route, thresholds: Thresholds | None = None) -> None:
        self.route = route
        self.thresholds = thresholds or Thresholds()
        self._fixes: list[Judged] = []
        self._scan = _Scan(self.thresholds)

    @property
    def episodes(self) -> list[Episode]:
        return self._scan.episodes

    def add(self, *, at: datetime, lon: float, lat: float, accuracy_m: float | None = None) -> list[Episode]:
        fix = judge(self.route, at=at, lon=lon, lat=lat, accuracy_m=accuracy_m, thresholds=self.thresholds)
        if not self._fixes or fix.at > self._fixes[-1].at:
            self._fixes.append(fix)
            self._scan.feed(fix)
        else:
            place = bisect.bisect_left(self._fixes, fix)
            if place < len(self._fixes) and self._fixes[place].at == fix.at:
                return self.episodes  # the same moment again: a repeated sentence
            self._fixes.insert(place, fix)
            known = self._scan.episodes
            self._scan = _Scan(self.thresholds)
            for each in self._fixes:
                self._scan.feed(each)
            taken: set[str] = set()
            for episode in self._scan.episodes:
                earlier = [old for old in known if old.overlaps(episode) and old.key not in taken]
                if earlier:
                    taken.add(earlier[0].key)
                    episode.key = earlier[0].key
                    episode.confirmed_at = min(old.confirmed_at for old in earlier)
        return self.episodes
