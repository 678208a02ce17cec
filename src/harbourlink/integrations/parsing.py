"""What an adapter is: a pure function from a message's bytes to events and located errors.

An adapter never touches the database. It returns every item it could read and, for every item
it could not, an ``ItemError`` whose location a person can find in the file: an EDIFACT segment
number and tag, an NMEA line, a CSV row and column, a JSON path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from harbourlink.events.domain import EventDraft
from harbourlink.vessels.domain import PositionReport, VesselStatic


@dataclass(frozen=True, slots=True)
class ItemError:
    location: str
    message: str


@dataclass
class Parsed:
    """What one message held."""

    events: list[EventDraft] = field(default_factory=list)
    positions: list[PositionReport] = field(default_factory=list)
    vessels: list[VesselStatic] = field(default_factory=list)
    errors: list[ItemError] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return len(self.events) + len(self.positions) + len(self.vessels)


class Adapter(Protocol):
    """One inbound format. ``name`` is the ``format`` parameter of the API and CLI."""

    name: ClassVar[str]
    title: ClassVar[str]
    media_type: ClassVar[str]

    def parse(self, raw: bytes) -> Parsed: ...
