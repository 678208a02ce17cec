"""What an adapter is: a pure function from a message's bytes to events and located errors.

An adapter never touches the database. It returns every item it could read and, for every item
it could not, an ``ItemError``: where a person finds it in the file (an EDIFACT segment number
and tag, an NMEA line, a CSV row and column, a JSON path, an XML element's path) and what is wrong, both as wordings
(``kernel.phrases``), so the API gives their codes and parameters and a page says them in its
reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from harbourlink.events.domain import EventDraft
from harbourlink.kernel.phrases import N_, PLAIN, Phrase, Wording, plain, wording_of
from harbourlink.vessels.domain import PositionReport, VesselStatic

# Places in a message. A JSON path or an XML element's path reads the same in every language, so it is not marked.
JSON_PATH = Phrase("json_path", "%(path)s")
XML_PATH = Phrase("xml_path", "%(path)s")
ROW = Phrase("row", N_("row %(row)s"))
ROW_COLUMN = Phrase("row_column", N_("row %(row)s, column %(column)s"))
HEADER_ROW = Phrase("header_row", N_("row 1 (headers)"))
LINE = Phrase("line", N_("line %(line)s"))
LINE_COLUMN = Phrase("line_column", N_("line %(line)s, column %(column)s"))
BYTE = Phrase("byte", N_("byte %(byte)s"))

# What several formats say.
IS_REQUIRED = Phrase("required", N_("is required"))
MUST_BE_OBJECT = Phrase("must_be_object", N_("must be an object"))
MUST_BE_ARRAY = Phrase("must_be_array", N_("must be an array"))
MUST_BE_STRING = Phrase("must_be_string", N_("must be a string"))
NOT_A_STRING = Phrase("not_a_string", N_("is not a string"))
NOT_A_NUMBER = Phrase("not_a_number", N_("%(value)s is not a number"))
NOT_ONE_OF = Phrase("not_one_of", N_("%(value)s is not one of %(choices)s"))
NOT_ISO_TIME = Phrase("not_iso_time", N_("%(value)s is not an ISO 8601 time such as %(example)s"))
LONGER_THAN = Phrase("longer_than", N_("longer than %(length)s characters"))
NOT_JSON = Phrase("not_json", N_("not JSON: %(reason)s"))


def json_place(path: str) -> Wording:
    """A JSON path as a place (``$.releases[2].status``)."""
    return JSON_PATH(path=path)


def xml_place(path: str) -> Wording:
    """An XML element's path as a place (``/StatusMessage/MasterConsignment/ReportedStatus[2]``)."""
    return XML_PATH(path=path)


@dataclass(frozen=True, slots=True)
class ItemError:
    """Where an item is in its message (``place``) and what is wrong with it (``problem``)."""

    place: Wording
    problem: Wording

    @property
    def location(self) -> str:
        """The place in English."""
        return str(self.place)

    @property
    def message(self) -> str:
        """The problem in English."""
        return str(self.problem)

    def as_data(self) -> dict[str, Any]:
        """How a message's errors are stored and the API gives them: the English, the problem's ``code`` and
        ``params``, and the ``place`` as a code and parameters too (an error recorded before errors had codes
        has only ``location`` and ``message``)."""
        if self.problem.phrase is PLAIN:
            return {"location": self.location, "message": self.message}
        return {
            "location": self.location,
            "message": self.message,
            **self.problem.as_data(),
            "place": self.place.as_data(),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ItemError | None:
        """The error ``as_data`` stored; None for one without codes, or with a code this version does not know."""
        problem = wording_of(data)
        place = wording_of(data.get("place"))
        if problem is None or place is None:
            return None
        return cls(place, problem)

    @classmethod
    def as_stored(cls, data: dict[str, Any]) -> ItemError:
        """The stored error with its codes, or else its English as it was written."""
        return cls.from_data(data) or cls(plain(str(data.get("location", ""))), plain(str(data.get("message", ""))))


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
