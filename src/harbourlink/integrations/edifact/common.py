"""What every message reader shares: its context, its result, and where a place is in the file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo

from harbourlink.events import EventDraft
from harbourlink.integrations.edifact.envelope import Message
from harbourlink.integrations.edifact.syntax import Problem, Segment, SegmentError
from harbourlink.kernel.phrases import N_, Phrase, Wording

SEGMENT = Phrase("segment", N_("segment %(number)s (%(tag)s)"))
UNTAGGED_SEGMENT = Phrase("untagged_segment", N_("segment %(number)s"))
FILE = Phrase("file", N_("file"))
IN_INTERCHANGE = Phrase("in_interchange", N_("%(place)s, interchange %(interchange)s"))
IN_MESSAGE = Phrase("in_message", N_("%(place)s, message %(reference)s"))
NO_BGM = Phrase("no_bgm", N_("a message begins with a BGM segment after its UNH, naming what it reports"))


def describe_place(
    number: int | None,
    tag: str,
    *,
    interchange: int = 1,
    message_ref: str | None = None,
    show_interchange: bool = False,
) -> Wording:
    """``segment 14 (DTM), message 000123``: what a person looks for in the file."""
    place = FILE() if number is None else SEGMENT(number=number, tag=tag) if tag else UNTAGGED_SEGMENT(number=number)
    if show_interchange:
        place = IN_INTERCHANGE(place=place, interchange=interchange)
    if message_ref:
        place = IN_MESSAGE(place=place, reference=message_ref)
    return place


@dataclass(frozen=True)
class Context:
    """The message being read and the interchange around it."""

    sender: str
    control_ref: str
    interchange: int
    message: Message
    zone: tzinfo
    show_interchange: bool = False

    def source_key(self, index: str) -> str:
        """Sender, interchange and message reference, item index: a re-sent interchange repeats it."""
        return f"edifact:{self.sender}:{self.control_ref}:{self.message.reference}:{index}"

    def origin(self, segment: Segment) -> Wording:
        return describe_place(
            segment.number,
            segment.tag,
            interchange=self.interchange,
            message_ref=self.message.reference,
            show_interchange=self.show_interchange,
        )

    def problem(self, error: SegmentError) -> Problem:
        return Problem(error.segment.number, error.segment.tag, error.problem, self.interchange, self.message.reference)


@dataclass
class MessageResult:
    """The events one message held and the problems of the items that could not be read."""

    events: list[EventDraft] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def split_groups(
    segments: list[Segment], start: str, end: frozenset[str] = frozenset()
) -> tuple[list[Segment], list[list[Segment]], list[Segment]]:
    """The segments before the first ``start``, the groups each ``start`` opens, and those from an ``end`` on."""
    head: list[Segment] = []
    groups: list[list[Segment]] = []
    tail: list[Segment] = []
    for segment in segments:
        if tail or (groups and segment.tag in end):
            tail.append(segment)
        elif segment.tag == start:
            groups.append([segment])
        elif groups:
            groups[-1].append(segment)
        else:
            head.append(segment)
    return head, groups, tail


def check_all(segments: list[Segment]) -> None:
    """SegmentError for the first segment whose bytes could not be read."""
    for segment in segments:
        segment.check()
