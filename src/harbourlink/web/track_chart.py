"""The reefer chart: temperature readings over time against the set point, as an inline SVG.

Drawn on the server so it needs no script and no charting library. Readings taken with the
unit's power off carry no temperature: the line breaks there and a shaded band runs from the
power-off reading to the next reading with power (or to the chart's end), so a gap in the cold
chain is visible at a glance rather than bridged by a straight line.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol


class ReeferReading(Protocol):
    """One reading as the tracking view gives it (``tracking.TrackingView``'s containers)."""

    @property
    def at(self) -> datetime: ...
    @property
    def temperature(self) -> float | None: ...
    @property
    def setpoint(self) -> float | None: ...
    @property
    def power(self) -> str: ...


WIDTH, HEIGHT = 360, 200
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 10, 28
"""Room for the temperature scale on the left and the times below."""
MIN_TAIL = timedelta(minutes=5)


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    at: datetime
    temperature: float


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class ReeferChart:
    """What the chart template draws."""

    lines: list[str]
    """Temperature polylines, one per stretch with power."""
    setpoint: str
    """The set point as a step line (it may be changed during the stay)."""
    dots: list[Dot]
    off: list[tuple[float, float]]
    """Power-off bands: x and width."""
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM


def _nice_step(span: float) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about four ticks."""
    raw = span / 4
    power = 10.0 ** math.floor(math.log10(raw))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= raw)


def draw(
    readings: Sequence[ReeferReading], setpoint: float | None, time_label: Callable[[datetime], str]
) -> ReeferChart | None:
    """The chart of a container's readings, oldest first; None when there is nothing to draw."""
    if not readings:
        return None
    start = readings[0].at
    end = max(readings[-1].at, start + MIN_TAIL)
    end += max((end - start) / 20, MIN_TAIL) if readings[-1].power == "OFF" else timedelta(0)
    values = [r.temperature for r in readings if r.temperature is not None]
    values += [r.setpoint for r in readings if r.setpoint is not None]
    if setpoint is not None:
        values.append(setpoint)
    if not values:
        values = [0.0]
    step = _nice_step(max(max(values) - min(values), 2.0))
    low, high = math.floor(min(values) / step - 0.5) * step, math.ceil(max(values) / step + 0.5) * step
    seconds = (end - start).total_seconds() or 1.0

    def x(moment: datetime) -> float:
        return round(LEFT + (WIDTH - LEFT - RIGHT) * (moment - start).total_seconds() / seconds, 1)

    def y(value: float) -> float:
        return round(TOP + (HEIGHT - TOP - BOTTOM) * (high - value) / (high - low), 1)

    lines: list[str] = []
    stretch: list[str] = []
    dots: list[Dot] = []
    off: list[tuple[float, float]] = []
    off_since: datetime | None = None
    for reading in readings:
        if reading.power == "OFF" or reading.temperature is None:
            if stretch:
                lines.append(" ".join(stretch))
                stretch = []
            if reading.power == "OFF" and off_since is None:
                off_since = reading.at
            continue
        if off_since is not None:
            off.append((x(off_since), round(x(reading.at) - x(off_since), 1)))
            off_since = None
        stretch.append(f"{x(reading.at)},{y(reading.temperature)}")
        dots.append(Dot(x(reading.at), y(reading.temperature), reading.at, reading.temperature))
    if stretch:
        lines.append(" ".join(stretch))
    if off_since is not None:
        off.append((x(off_since), round(x(end) - x(off_since), 1)))
    return ReeferChart(
        lines=lines,
        setpoint=_setpoint_line(readings, setpoint, x, y, end),
        dots=dots,
        off=off,
        y_ticks=[Tick(y(value), f"{value:g}") for value in _range(low, high, step)],
        # The first and last reading's times; the last only where the two labels do not overlap.
        x_ticks=[
            Tick(x(moment), time_label(moment))
            for index, moment in enumerate((start, readings[-1].at))
            if index == 0 or x(moment) - x(start) > 120
        ],
    )


def _range(low: float, high: float, step: float) -> list[float]:
    count = round((high - low) / step)
    return [round(low + index * step, 6) for index in range(count + 1)]


def _setpoint_line(
    readings: Sequence[ReeferReading],
    setpoint: float | None,
    x: Callable[[datetime], float],
    y: Callable[[float], float],
    end: datetime,
) -> str:
    """The set point each reading reported, held until the next one; the container's own when none did."""
    points: list[str] = []
    current: float | None = None
    for reading in readings:
        value = reading.setpoint
        if value is None or value == current:
            continue
        if current is not None:
            points.append(f"{x(reading.at)},{y(current)}")
        points.append(f"{x(reading.at)},{y(value)}")
        current = value
    if current is None:
        if setpoint is None:
            return ""
        current = setpoint
        points.append(f"{x(readings[0].at)},{y(current)}")
    points.append(f"{x(end)},{y(current)}")
    return " ".join(points)
