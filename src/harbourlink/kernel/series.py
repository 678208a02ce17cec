"""Figures per hour, counted in SQL the same way on SQLite and PostgreSQL.

A row's hour is a CASE over the hours' starts (bound parameters, newest first, so a row stops at
its own hour), so no dialect's date functions are needed; the caller groups by it and reads only
the rows of the window, through an index on the time column: one statement for a whole chart.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, SQLColumnExpression, case

HOUR = timedelta(hours=1)


def hour_starts(now: datetime, hours: int) -> list[datetime]:
    """The starts of the last ``hours`` hours, the current (unfinished) hour last."""
    current = now.replace(minute=0, second=0, microsecond=0)
    return [current - HOUR * (hours - 1 - index) for index in range(hours)]


def hour_of(moment: SQLColumnExpression[datetime], starts: list[datetime]) -> ColumnElement[int]:
    """The index in ``starts`` of the hour ``moment`` falls in; filter the rows before ``starts[0]`` out."""
    return case(*((moment >= start, index) for index, start in reversed(list(enumerate(starts)))), else_=-1)
