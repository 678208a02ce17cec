"""Stored positions told to their consumers through the one work queue, as stored events are.

The transaction that stores a report's positions on a trip calls ``publish_positions``: one work item
per consumer of positions (queues named ``positions.*``, declared under the entry-point group
``harbourlink.consumers``), keyed by the report, so trucking imports none of them and a report
replayed or sent twice owes each consumer one item. An item names the trip and the report, not the
positions: a consumer reads the trip's newest positions itself (``trucking.trip_fixes``), so a phone
sending every few seconds costs each consumer one small read per report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from harbourlink.kernel import work

PREFIX = "positions."


@dataclass(frozen=True)
class PositionsStored:
    """What a consumer of positions is told: which trip has new positions, from which report."""

    trip_id: str
    report_id: str

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> PositionsStored:
        return cls(str(payload["trip_id"]), str(payload["report_id"]))


def positions_queue(consumer: str) -> str:
    return PREFIX + consumer


def publish_positions(session: Session, *, trip_id: str, report_id: str) -> int:
    """Tells every consumer of positions that this report stored positions on this trip; returns how many."""
    queues = sorted(queue for queue in work.consumers() if queue.startswith(PREFIX))
    for queue in queues:
        work.enqueue(session, queue, {"trip_id": trip_id, "report_id": report_id}, key=f"{queue}:{report_id}")
    return len(queues)
