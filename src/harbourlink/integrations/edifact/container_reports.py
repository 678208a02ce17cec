"""CODECO and COARRI, after the SMDG message implementation guides: one event per container group.

Both report container moves at a terminal, one EQD group per container::

    UNH  BGM  DTM  [TDT+20 vessel, voyage  LOC port/terminal]  NAD …     header
    EQD+CN  RFF+BN/BM  DTM+7|203  LOC+165|147  MEA  SEL  TDT (truck) …   one group per container
    CNT+16  UNT

* CODECO (gate-in/gate-out report): BGM 34 gate-in → EQUIPMENT ``GTIN``, 36 gate-out →
  ``GTOT``; the time is DTM+7 (actual date/time), the place LOC+165 with the terminal beside
  the UN/LOCODE; a TDT with mode 3 (road) carries the truck's licence plate.
* COARRI (discharge/loading report): BGM 98 (SMDG D.00B guides) or 44 (D.95B guides)
  discharge → ``DISC``; 270 (D.00B), 46 (D.95B) or 122 loading → ``LOAD``; the time is
  DTM+203 (execution), the stowage cell LOC+147, the vessel the header TDT+20 (IMO number in
  C222 with code list 146 or Lloyd's agency 11, else the call sign, code 103).

A group that cannot be read refuses that container only; a header that cannot be read
refuses the message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from harbourlink.events import Classifier, EventDraft, EventType, Reference
from harbourlink.integrations.edifact.common import NO_BGM, Context, MessageResult, check_all, split_groups
from harbourlink.integrations.edifact.envelope import NO
from harbourlink.integrations.edifact.fields import (
    NONE_GIVEN,
    Equipment,
    Place,
    Transport,
    read_equipment,
    read_measure,
    read_place,
    read_reference,
    read_seal,
    read_time,
    read_transport,
)
from harbourlink.integrations.edifact.syntax import Problem, Segment, SegmentError
from harbourlink.kernel.phrases import N_, Phrase
from harbourlink.references import ReferenceType, find_terminal

CODECO_EVENTS = {"34": "GTIN", "36": "GTOT"}
COARRI_EVENTS = {"98": "DISC", "44": "DISC", "270": "LOAD", "46": "LOAD", "122": "LOAD"}
_TIME_NAMES = {
    "7": Phrase("actual_time", N_("actual date/time")),
    "203": Phrase("execution_time", N_("execution date/time")),
}
_WEIGHTS = {"VGM": "verified_gross_mass", "AAE": "verified_gross_mass", "G": "gross_mass", "AAB": "gross_mass"}


@dataclass(frozen=True)
class _Report:
    kind: str
    codes: dict[str, str]
    code_names: Phrase
    time_qualifiers: tuple[str, ...]


CODECO = _Report(
    "CODECO", CODECO_EVENTS, Phrase("codeco_names", N_("34 (gate-in report) or 36 (gate-out report)")), ("7", "203")
)
COARRI = _Report(
    "COARRI",
    COARRI_EVENTS,
    Phrase("coarri_names", N_("98 or 44 (discharge report), 270, 46 or 122 (loading report)")),
    ("203", "7"),
)
NO_CONTAINER = Phrase("report_without_container", N_("the %(kind)s reports no container: it has no EQD+CN group"))
DOCUMENT_NAME = Phrase(
    "document_name", N_("document name code %(code)s is not a %(kind)s HarbourLink reads; expected %(expected)s")
)
CANCELLATION = Phrase(
    "cancellation",
    N_(
        "message function 1 (cancellation) cannot be applied: stored events are "
        "kept, not deleted; send the corrected moves instead"
    ),
)
NO_TIME = Phrase(
    "container_without_time", N_("container %(container)s has no DTM+%(qualifier)s (%(name)s) in its group")
)
CNT_COUNT = Phrase("cnt_count", N_("CNT+16 counts %(declared)s containers but the message has %(groups)s EQD groups"))


@dataclass(frozen=True)
class _Header:
    event_code: str
    vessel: Transport | None
    places: dict[str, Place]
    function: str


def read_codeco(ctx: Context) -> MessageResult:
    """A CODECO's gate moves; SegmentError when its header cannot be read."""
    return _read(ctx, CODECO)


def read_coarri(ctx: Context) -> MessageResult:
    """A COARRI's vessel moves; SegmentError when its header cannot be read."""
    return _read(ctx, COARRI)


def _read(ctx: Context, report: _Report) -> MessageResult:
    head, groups, tail = split_groups(ctx.message.body, "EQD", frozenset({"CNT"}))
    header = _header(ctx, head, report)
    if not groups:
        raise SegmentError(ctx.message.trailer, NO_CONTAINER(kind=report.kind))
    result = MessageResult()
    for index, group in enumerate(groups, start=1):
        try:
            result.events.append(_container_event(ctx, report, header, group, index))
        except SegmentError as error:
            result.problems.append(ctx.problem(error))
    result.problems.extend(_check_count(ctx, tail, len(groups)))
    return result


def _header(ctx: Context, head: list[Segment], report: _Report) -> _Header:
    check_all(head)
    if not head or head[0].tag != "BGM":
        raise SegmentError(head[0] if head else ctx.message.header, NO_BGM())
    bgm = head[0]
    name = bgm.value(0, 0)
    if name not in report.codes:
        raise SegmentError(
            bgm, DOCUMENT_NAME(code=name or NONE_GIVEN(), kind=report.kind, expected=report.code_names())
        )
    function = bgm.value(2)
    if function == "1":
        raise SegmentError(bgm, CANCELLATION())
    vessel = next((read_transport(s) for s in head if s.tag == "TDT" and s.value(0) in ("20", "")), None)
    places: dict[str, Place] = {}
    for segment in head:
        if segment.tag == "LOC":
            place = read_place(segment)
            places.setdefault(place.qualifier, place)
    return _Header(report.codes[name], vessel, places, function)


@dataclass
class _Group:
    """What one container group says, segment by segment."""

    equipment: Equipment
    references: list[Reference] = field(default_factory=list)
    times: dict[str, datetime] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    seals: list[dict[str, str]] = field(default_factory=list)
    weights: dict[str, dict[str, object]] = field(default_factory=dict)
    inland: Transport | None = None

    @classmethod
    def read(cls, segments: list[Segment], zone: tzinfo) -> _Group:
        equipment = read_equipment(segments[0])
        group = cls(equipment, [Reference(ReferenceType.CONTAINER.value, equipment.number)])
        for segment in segments[1:]:
            group.take(segment.check(), zone)
        return group

    def take(self, segment: Segment, zone: tzinfo) -> None:
        if segment.tag == "RFF":
            reference = read_reference(segment)[2]
            if reference is not None and reference not in self.references:
                self.references.append(reference)
        elif segment.tag == "DTM":
            qualifier, moment = read_time(segment, zone)
            self.times.setdefault(qualifier, moment)
        elif segment.tag == "LOC":
            place = read_place(segment)
            self.places.setdefault(place.qualifier, place)
        elif segment.tag == "SEL":
            self.seals.append(read_seal(segment))
        elif segment.tag == "MEA":
            attribute, measure = read_measure(segment)
            if attribute in _WEIGHTS:
                self.weights.setdefault(_WEIGHTS[attribute], measure)
        elif segment.tag == "TDT" and self.inland is None:
            self.inland = read_transport(segment)


def _container_event(ctx: Context, report: _Report, header: _Header, segments: list[Segment], index: int) -> EventDraft:
    group = _Group.read(segments, ctx.zone)
    moment = next((group.times[q] for q in report.time_qualifiers if q in group.times), None)
    if moment is None:
        wanted = report.time_qualifiers[0]
        raise SegmentError(
            segments[0], NO_TIME(container=group.equipment.number, qualifier=wanted, name=_TIME_NAMES[wanted]())
        )
    details = _details(report, header, group)
    activity = _activity_place(report, header, group.places)
    location = activity.locode if activity else None
    facility = activity.facility() if activity else None
    if activity and activity.terminal and facility is None:
        details["terminal"] = activity.terminal
    if facility is None and location is not None and find_terminal(location, ctx.sender):
        facility = ctx.sender.upper()  # the terminal sent the report itself
    vessel = header.vessel
    if report is CODECO:
        mode = group.inland.mode if group.inland else None
    else:
        mode = (vessel.mode if vessel else None) or "VESSEL"
    return EventDraft(
        source_key=ctx.source_key(str(index)),
        event_type=EventType.EQUIPMENT,
        event_code=header.event_code,
        classifier=Classifier.ACT,
        event_time=moment,
        references=group.references,
        location=location,
        facility=facility,
        vessel_imo=vessel.imo if vessel else None,
        vessel_name=vessel.name if vessel else None,
        voyage=vessel.voyage if vessel else None,
        mode_of_transport=mode,
        details={k: v for k, v in details.items() if v not in (None, [], {})},
        origin=ctx.origin(segments[0]),
    )


def _activity_place(report: _Report, header: _Header, places: dict[str, Place]) -> Place | None:
    """Where the move happened: LOC+165, else (COARRI) the call's port of discharge or loading."""
    candidates = [places.get("165"), header.places.get("165")]
    if report is COARRI:  # a group's LOC+9/11 are the container's own ports of loading and discharge
        candidates.append(header.places.get("11" if header.event_code == "DISC" else "9"))
    return next((found for found in candidates if found is not None and found.locode is not None), None)


def _details(report: _Report, header: _Header, group: _Group) -> dict[str, Any]:
    details: dict[str, Any] = {
        "iso_equipment_code": group.equipment.iso_code,
        "empty_indicator": group.equipment.empty_indicator,
        "seals": group.seals,
        **group.weights,
    }
    if header.function and header.function != "9":
        details["message_function"] = header.function
    if report is COARRI and "147" in group.places:
        details["stowage_location"] = group.places["147"].code
    for qualifier, name in (("9", "port_of_loading"), ("11", "port_of_discharge")):
        if qualifier in group.places and group.places[qualifier].locode:
            details[name] = group.places[qualifier].locode
    if header.vessel and header.vessel.call_sign:
        details["vessel_call_sign"] = header.vessel.call_sign
    inland = group.inland
    plate = (inland.identifier or inland.call_sign) if inland and report is CODECO else None
    if plate and inland and inland.mode == "TRUCK":
        details["truck_licence_plate"] = plate
    elif plate:
        details["inland_transport_id"] = plate
    return details


def _check_count(ctx: Context, tail: list[Segment], groups: int) -> list[Problem]:
    """CNT+16 (total number of equipment) must agree with the groups read."""
    for segment in tail:
        if segment.tag == "CNT" and segment.problem is None and segment.value(0, 0) == "16":
            declared = segment.value(0, 1)
            if not declared.isdigit() or int(declared) != groups:
                return [ctx.problem(SegmentError(segment, CNT_COUNT(declared=declared or NO(), groups=groups)))]
    return []
