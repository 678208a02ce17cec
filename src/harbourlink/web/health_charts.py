"""The small charts of the operator's health view, drawn on the server as inline SVG: no script, no library.

Two shapes: bars per hour over the last day (traffic with its failures, entries logged), and
one horizontal bar split into parts (a queue's waiting, leased, retrying and dead items; a
message's items read; a company's failures against the most any company had). Each chart's
figures are also written out beside it, so the picture adds to the text and never replaces it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

WIDTH, HEIGHT = 360, 72
BOTTOM = 16
"""Room under the bars for the names of the chart's ends."""


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    part: str
    """The CSS class: which figure the bar draws."""
    title: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    anchor: str


@dataclass(frozen=True)
class HourlyChart:
    bars: list[Bar]
    ticks: list[Tick]
    peak: int
    """The highest bar's figure: the scale, written at the top of the chart."""
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = HEIGHT - BOTTOM


def hourly(
    starts: Sequence[datetime],
    series: Sequence[tuple[str, Sequence[int]]],
    ends: tuple[str, str],
    title: Callable[[datetime, Sequence[int]], str],
) -> HourlyChart:
    """Bars per hour, each series drawn over the one before (so a part, like failures, sits inside its whole).

    ``ends`` names the chart's left and right ends; ``title`` words one hour's figures (all series) for the
    bars' tooltips.
    """
    peak = max((value for _, values in series for value in values), default=0)
    slot = WIDTH / max(len(starts), 1)
    room = HEIGHT - BOTTOM - 2
    bars = []
    for index, start in enumerate(starts):
        figures = [values[index] for _, values in series]
        for part, values in series:
            height = round(room * values[index] / peak, 1) if peak else 0.0
            bars.append(
                Bar(
                    round(index * slot + 1, 1),
                    round(HEIGHT - BOTTOM - height, 1),
                    round(slot - 2, 1),
                    height,
                    part,
                    title(start, figures),
                )
            )
    ticks = [Tick(3, ends[0], "start"), Tick(WIDTH - 3, ends[1], "end")]
    return HourlyChart(bars, ticks, peak)


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    part: str


def split(parts: Sequence[tuple[str, int]], whole: int | None = None) -> list[Segment]:
    """One bar 100 wide split in proportion to ``parts``; against ``whole`` when given (the rest stays empty)."""
    total = whole if whole is not None else sum(value for _, value in parts)
    segments, x = [], 0.0
    for part, value in parts:
        width = round(100 * value / total, 2) if total else 0.0
        if width > 0:
            segments.append(Segment(round(x, 2), width, part))
            x += width
    return segments
