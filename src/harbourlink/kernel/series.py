"""Figures per hour, counted in SQL the same way on SQLite and PostgreSQL.

Each hour is one aggregate over a CASE on the hour's bounds (bound parameters), so no dialect's
date functions are needed and the statement reads only the rows of the window, through an
index on the time column: one statement for a whole chart, whatever the traffic.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, case, func

HOUR = timedelta(hours=1)


def hour_starts(now: datetime, hours: int) -> list[datetime]:
    """The starts of the last ``hours`` hours, the current (unfinished) hour last."""
    current = now.replace(minute=0, second=0, microsecond=0)
    return [current - HOUR * (hours - 1 - index) for index in range(hours)]


def per_hour(
    moment: SQLColumnExpression[datetime],
    starts: list[datetime],
    value: ColumnElement[Any] | int = 1,
    *,
    aggregate: Callable[[ColumnElement[Any]], ColumnElement[Any]] = func.sum,
    where: ColumnElement[bool] | None = None,
) -> list[ColumnElement[Any]]:
    """One column per hour of ``starts``: ``aggregate`` of ``value`` over the rows whose ``moment`` falls in
    it (and that meet ``where``); rows outside every hour count nowhere."""
    columns = []
    for start in starts:
        inside = and_(moment >= start, moment < start + HOUR)
        if where is not None:
            inside = and_(inside, where)
        columns.append(aggregate(case((inside, value))))
    return columns
