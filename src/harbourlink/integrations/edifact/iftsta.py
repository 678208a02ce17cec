"""IFTSTA, the international multimodal status report: one event per STS status.

As carriers send it (D.99B)::

    UNH  BGM+23  DTM+137  NAD …  RFF+BM/BN (whole message)
    CNI+1+DOCUMENT                                           one group per consignment
      STS+1+VD::22  RFF  DTM+334  LOC+175+HKHKG:139:6+HITHK:TER:ZZZ
        TDT+20+VOYAGE+1++CARRIER+++9321483:146:11:NAME  LOC  DTM   (the leg)
        EQD+CN+MSCU1234566+45G1:102:5+++5                      (the equipment)
      STS …
    UNT

The status time is the DTM directly under STS (334 status change, 7 effective, 178/186
actual arrival/departure, 203 execution: actual; 132/133 estimated arrival/departure:
estimated); DTMs under TDT are the leg's schedule, not the status. References are the
message's and the status's RFF (BM B/L, BH house B/L, BN booking, AAE declaration) and every
EQD container. A status that cannot be read, or whose code is not mapped (see
``statuses``), refuses that status only.
"""

from __future__ import annotations

from typing import Any

from harbourlink.events import Classifier, EventDraft, Reference
from harbourlink.integrations.edifact.common import NO_BGM, Context, MessageResult, check_all, split_groups
from harbourlink.integrations.edifact.fields import (
    Equipment,
    Place,
    Transport,
    read_equipment,
    read_place,
    read_reference,
    read_time,
    read_transport,
)
from harbourlink.integrations.edifact.statuses import STATUS_CODES
from harbourlink.integrations.edifact.syntax import Segment, SegmentError
from harbourlink.kernel.phrases import N_, Phrase
from harbourlink.references import ReferenceType

ACTUAL_TIMES = ("334", "7", "178", "186", "203")
ESTIMATED_TIMES = ("132", "133")
ACTIVITY_PLACES = ("175", "165")
NO_STATUS = Phrase("iftsta_without_status", N_("the IFTSTA reports no status: it has no STS segment"))
NO_STATUS_CODE = Phrase("sts_without_code", N_("STS has no status code (C555, data element 4405)"))
UNMAPPED = Phrase("sts_unmapped", N_("status code %(code)s is not mapped to a DCSA event; HarbourLink reads %(codes)s"))
STATUS_WITHOUT_TIME = Phrase(
    "sts_without_time", N_("status %(code)s has no DTM+334 (status date/time) directly under its STS")
)


def read_iftsta(ctx: Context) -> MessageResult:
    """An IFTSTA's statuses; SegmentError when its header cannot be read."""
    body = ctx.message.body
    head, consignments, _ = split_groups(body, "CNI")
    loose = next((i for i, s in enumerate(head) if s.tag == "STS"), len(head))
    head, loose_statuses = head[:loose], head[loose:]  # statuses sent without a CNI
    check_all(head)
    if not head or head[0].tag != "BGM":
        raise SegmentError(head[0] if head else ctx.message.header, NO_BGM())
    shared = [ref for s in head if s.tag == "RFF" for ref in [read_reference(s)[2]] if ref is not None]
    statuses: list[tuple[str, list[Segment]]] = []
    for document, segments in [("", loose_statuses)] + [(c[0].check().value(1, 0), c[1:]) for c in consignments]:
        _, groups, _ = split_groups(segments, "STS")
        statuses.extend((document, group) for group in groups)
    if not statuses:
        raise SegmentError(ctx.message.trailer, NO_STATUS())
    result = MessageResult()
    for index, (document, group) in enumerate(statuses, start=1):
        try:
            result.events.append(_status_event(ctx, shared, document, group, index))
        except SegmentError as error:
            result.problems.append(ctx.problem(error))
    return result


def _status_event(ctx: Context, shared: list[Reference], document: str, group: list[Segment], index: int) -> EventDraft:
    sts = group[0].check()
    code = sts.value(1, 0)
    if not code:
        raise SegmentError(sts, NO_STATUS_CODE())
    meaning = STATUS_CODES.get(code)
    if meaning is None:
        raise SegmentError(sts, UNMAPPED(code=repr(code), codes=", ".join(STATUS_CODES)))
    references = list(shared)
    timed: tuple[str, Any] | None = None
    place: Place | None = None
    transport: Transport | None = None
    equipment: list[Equipment] = []
    level = "status"
    for segment in group[1:]:
        segment.check()
        if segment.tag == "TDT":
            transport = transport or read_transport(segment)
            level = "transport"
        elif segment.tag == "EQD":
            equipment.append(read_equipment(segment))
            level = "equipment"
        elif segment.tag == "RFF":
            reference = read_reference(segment)[2]
            if reference is not None:
                references.append(reference)
        elif segment.tag == "DTM" and level == "status":
            qualifier, moment = read_time(segment, ctx.zone)
            if timed is None and qualifier in ACTUAL_TIMES + ESTIMATED_TIMES:
                timed = (qualifier, moment)
        elif segment.tag == "LOC" and level == "status" and segment.value(0) in ACTIVITY_PLACES:
            place = place or read_place(segment)
    if timed is None:
        raise SegmentError(sts, STATUS_WITHOUT_TIME(code=code))
    references.extend(Reference(ReferenceType.CONTAINER.value, item.number) for item in equipment)
    empty = meaning.empty_indicator or next((e.empty_indicator for e in equipment if e.empty_indicator), None)
    details = {
        "status_code": code,
        "empty_indicator": empty,
        "consignment": document or None,
        "iso_equipment_code": next((e.iso_code for e in equipment if e.iso_code), None),
        "vessel_call_sign": transport.call_sign if transport else None,
    }
    facility = place.facility() if place else None
    if place and place.terminal and facility is None:
        details["terminal"] = place.terminal
    return EventDraft(
        source_key=ctx.source_key(str(index)),
        event_type=meaning.event_type,
        event_code=meaning.event_code,
        classifier=Classifier.EST if timed[0] in ESTIMATED_TIMES else Classifier.ACT,
        event_time=timed[1],
        references=list(dict.fromkeys(references)),
        location=place.locode if place else None,
        facility=facility,
        vessel_imo=transport.imo if transport else None,
        vessel_name=transport.name if transport else None,
        voyage=transport.voyage if transport else None,
        mode_of_transport=(transport.mode if transport and transport.mode else meaning.mode),
        details={k: v for k, v in details.items() if v is not None},
        origin=ctx.origin(sts),
    )
