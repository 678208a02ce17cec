"""Writing events as an IFTSTA interchange, for downloads and for partners who want EDI.

The input is ``StatusEvent``, the part of a stored event an IFTSTA status can carry; make one
from an ``EventDraft`` (``from_draft``), a stored event and its references (``from_stored``) or
a plain mapping with the same keys (``from_mapping``). Each event becomes one consignment group
with one status, which this package's own reader turns back into the same event::

    CNI+n  STS+1+CODE  RFF+BM:…  DTM+334:CCYYMMDDHHMM+0000:205  LOC+175+HKHKG:139:6+HITHK:72:306
           TDT+20+VOYAGE+1+++++IMO:146::NAME  EQD+CN+NUMBER++++5

Times are written in UTC to the minute (format 205), in UTF-8 (UNOW, syntax version 4).
An event that IFTSTA cannot say (a code without an STS code, a planned time, a terminal
without its UN/LOCODE) raises ``Unrenderable`` rather than being left out unseen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from pydifact.control.characters import Characters
from pydifact.segments import Segment
from pydifact.serializer import Serializer

from harbourlink.events import Classifier, EventDraft, EventType
from harbourlink.integrations.edifact.fields import FULL_EMPTY, MODES, REFERENCE_QUALIFIERS
from harbourlink.integrations.edifact.statuses import status_code_for
from harbourlink.references import ReferenceType

CHARACTERS = ":+.? '"
_QUALIFIER_OF = {kind.value: qualifier for qualifier, kind in REFERENCE_QUALIFIERS.items()}
_MODE_CODE = {mode: code for code, mode in MODES.items()}
_FULL_EMPTY_CODE = {indicator: code for code, indicator in FULL_EMPTY.items()}
_CONTAINER = ReferenceType.CONTAINER.value


class Unrenderable(ValueError):
    """An event IFTSTA cannot carry as it is."""


class StoredEventLike(Protocol):
    """The attributes of a stored event (``harbourlink.events.Event``) that rendering reads."""

    event_type: str
    event_code: str
    classifier: str
    event_time: datetime
    location: str | None
    facility: str | None
    vessel_imo: str | None
    vessel_name: str | None
    voyage: str | None
    mode_of_transport: str | None
    details: dict[str, Any]


@dataclass(frozen=True)
class StatusEvent:
    """One event as an IFTSTA status carries it; references are (kind, value) pairs, kept sorted."""

    event_type: EventType
    event_code: str
    classifier: Classifier
    event_time: datetime
    references: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    location: str | None = None
    facility: str | None = None
    vessel_imo: str | None = None
    vessel_name: str | None = None
    voyage: str | None = None
    mode_of_transport: str | None = None
    empty_indicator: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "event_type", EventType(self.event_type))
        object.__setattr__(self, "classifier", Classifier(self.classifier))
        object.__setattr__(self, "references", tuple(sorted({(k, v) for k, v in self.references})))
        if self.event_time.tzinfo is None:
            raise Unrenderable("event time has no time zone")
        object.__setattr__(self, "event_time", self.event_time.astimezone(UTC))

    @classmethod
    def from_draft(cls, draft: EventDraft) -> StatusEvent:
        return cls(
            draft.event_type,
            draft.event_code,
            draft.classifier,
            draft.event_time,
            tuple((r.kind, r.value) for r in draft.references),
            draft.location,
            draft.facility,
            draft.vessel_imo,
            draft.vessel_name,
            draft.voyage,
            draft.mode_of_transport,
            draft.details.get("empty_indicator"),
        )

    @classmethod
    def from_stored(cls, event: StoredEventLike, references: Iterable[tuple[str, str]]) -> StatusEvent:
        return cls(
            EventType(event.event_type),
            event.event_code,
            Classifier(event.classifier),
            event.event_time,
            tuple(references),
            event.location,
            event.facility,
            event.vessel_imo,
            event.vessel_name,
            event.voyage,
            event.mode_of_transport,
            (event.details or {}).get("empty_indicator"),
        )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> StatusEvent:
        """From a dict with this class's field names; ``references`` as pairs or {"kind", "value"} dicts."""
        references = tuple(
            (r["kind"], r["value"]) if isinstance(r, Mapping) else (r[0], r[1]) for r in data.get("references", ())
        )
        names = ("location", "facility", "vessel_imo", "vessel_name", "voyage", "mode_of_transport", "empty_indicator")
        return cls(
            EventType(data["event_type"]),
            data["event_code"],
            Classifier(data.get("classifier", "ACT")),
            data["event_time"],
            references,
            **{name: data.get(name) for name in names},
        )


def render_iftsta(
    events: Iterable[StatusEvent], *, sender: str, recipient: str, control_ref: str, prepared: datetime | None = None
) -> str:
    """An interchange with one IFTSTA message holding one status per event (none: an empty interchange)."""
    moment = (prepared or datetime.now(UTC)).astimezone(UTC)
    interchange = [
        Segment("UNB", ["UNOW", "4"], sender, recipient, [f"{moment:%Y%m%d}", f"{moment:%H%M}"], control_ref)
    ]
    events = list(events)
    if events:
        message = [
            Segment("UNH", "1", ["IFTSTA", "D", "99B", "UN"]),
            Segment("BGM", "23", control_ref, "9"),
            Segment("DTM", ["137", _time(moment), "205"]),
        ]
        for number, event in enumerate(events, start=1):
            message.extend(_status(number, event))
        message.append(Segment("UNT", str(len(message) + 1), "1"))
        interchange.extend(message)
    interchange.append(Segment("UNZ", "1" if events else "0", control_ref))
    return Serializer(Characters.from_str(CHARACTERS)).serialize(interchange, with_una_header=True, break_lines=True)


def _status(number: int, event: StatusEvent) -> list[Segment]:
    code = status_code_for(event.event_type, event.event_code, event.mode_of_transport)
    if code is None:
        raise Unrenderable(f"event {number}: {event.event_type.value} {event.event_code} has no IFTSTA status code")
    if event.classifier is Classifier.PLN:
        raise Unrenderable(f"event {number}: IFTSTA carries actual and estimated times, not planned ones")
    if event.facility and not event.location:
        raise Unrenderable(f"event {number}: terminal {event.facility} is given without its UN/LOCODE")
    containers = [value for kind, value in event.references if kind == _CONTAINER]
    if event.empty_indicator and not containers:
        raise Unrenderable(f"event {number}: full/empty is said of a container, and the event names none")
    segments = [Segment("CNI", str(number)), Segment("STS", "1", code)]
    for kind, value in event.references:
        if kind != _CONTAINER:
            if kind not in _QUALIFIER_OF:
                raise Unrenderable(f"event {number}: IFTSTA has no reference qualifier for {kind}")
            segments.append(Segment("RFF", [_QUALIFIER_OF[kind], value]))
    qualifier = "334" if event.classifier is Classifier.ACT else "132" if event.event_code == "ARRI" else "133"
    segments.append(Segment("DTM", [qualifier, _time(event.event_time), "205"]))
    if event.location:
        place: list[Any] = ["175", [event.location, "139", "6"]]
        if event.facility:
            place.append([event.facility, "72", "306"])
        segments.append(Segment("LOC", *place))
    if event.mode_of_transport or event.voyage or event.vessel_imo or event.vessel_name:
        segments.append(_transport(number, event))
    segments.extend(
        Segment("EQD", *_trimmed(["CN", container, "", "", "", _FULL_EMPTY_CODE.get(event.empty_indicator or "", "")]))
        for container in containers
    )
    return segments


def _transport(number: int, event: StatusEvent) -> Segment:
    mode = event.mode_of_transport
    if mode is not None and mode not in _MODE_CODE:
        raise Unrenderable(f"event {number}: mode of transport {mode} has no EDIFACT code")
    if event.vessel_imo and mode not in (None, "VESSEL", "BARGE"):
        raise Unrenderable(f"event {number}: an IMO number names a vessel, not a {str(mode).lower()} move")
    identity = [event.vessel_imo or "", "146" if event.vessel_imo else "", "", event.vessel_name or ""]
    elements: list[Any] = ["20", event.voyage or "", _MODE_CODE.get(mode or "", ""), "", "", "", ""]
    elements.append(identity if any(identity) else "")
    return Segment("TDT", *_trimmed(elements))


def _trimmed(elements: Sequence[Any]) -> list[Any]:
    """The elements without empty ones at the end, which EDIFACT leaves out."""
    kept = list(elements)
    while kept and kept[-1] in ("", None):
        kept.pop()
    return kept


def _time(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y%m%d%H%M}+0000"
