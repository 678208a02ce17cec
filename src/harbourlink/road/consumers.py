"""Road cargo's consumer of stored positions: reminders to bind in time (``reminders``)."""

from __future__ import annotations

from harbourlink import trucking
from harbourlink.kernel import work
from harbourlink.road.reminders import remind

CONSUMERS = [work.Consumer(trucking.positions_queue("road-reminders"), remind)]
