"""The envelope of an interchange: UNB and UNZ around messages, each from UNH to UNT.

The envelope's control counts are checked: a UNT must count its message's segments (UNH
and UNT included) and repeat the UNH reference, a UNZ must count the interchange's messages
(or functional groups, when UNG/UNE are used) and repeat the UNB reference. A message whose
trailer disagrees is refused alone; a wrong UNZ is reported, but the messages that proved
themselves whole through their own UNT are still read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from harbourlink.integrations.edifact.syntax import Frame, Problem, Segment
from harbourlink.kernel.phrases import N_, Phrase, Wording

MESSAGE_ENDS = frozenset({"UNT", "UNH", "UNZ", "UNG", "UNE"})

THIS = Phrase("this_segment", N_("this"))
NO = Phrase("no_count", N_("no"))
ADVICE_ALONE = Phrase("una_alone", N_("the service string advice is not followed by a UNB interchange header"))
NOT_UNB = Phrase("not_unb", N_("an interchange begins with a UNB interchange header, not %(tag)s"))
NO_SENDER = Phrase("unb_no_sender", N_("the UNB has no sender identification (0004)"))
NO_CONTROL = Phrase("unb_no_reference", N_("the UNB has no interchange control reference (0020)"))
NO_MESSAGE_REFERENCE = Phrase("unh_no_reference", N_("the UNH has no message reference number (0062)"))
NO_UNT = Phrase(
    "no_unt", N_("the message has no UNT trailer: it runs to segment %(number)s (%(tag)s) and the message is refused")
)
UNT_COUNT = Phrase(
    "unt_count",
    N_(
        "UNT counts %(declared)s segments but the message has %(count)s (UNH to UNT); "
        "the message is refused as incomplete or altered"
    ),
)
UNT_REFERENCE = Phrase(
    "unt_reference", N_("UNT repeats message reference %(trailer)s, not the UNH's %(header)s; the message is refused")
)
OUTSIDE = Phrase(
    "outside_messages",
    N_("a message begins with a UNH message header, not %(tag)s: %(extent)s outside any message and are not read"),
)
OUTSIDE_HEADLESS = Phrase(
    "outside_messages_headless",
    N_(
        "a message begins with a UNH message header, not %(tag)s: %(extent)s outside any message and are not read; "
        "the message there has no UNH"
    ),
)
SEGMENTS_ARE = Phrase("segments_are", N_("segments %(first)s to %(last)s are"))
IT_IS = Phrase("it_is", N_("it is"))
NO_UNZ = Phrase(
    "no_unz",
    N_("the interchange has no UNZ trailer after this segment; the messages before it that are whole were read"),
)
UNZ_MESSAGES = Phrase(
    "unz_messages",
    N_("UNZ counts %(declared)s messages but the interchange has %(counted)s; a message may have been lost on the way"),
)
UNZ_GROUPS = Phrase(
    "unz_groups",
    N_(
        "UNZ counts %(declared)s functional groups but the interchange has "
        "%(counted)s; a message may have been lost on the way"
    ),
)
UNZ_REFERENCE = Phrase("unz_reference", N_("UNZ repeats interchange reference %(trailer)s, not the UNB's %(header)s"))


@dataclass
class Message:
    """One message, UNH to UNT; ``reference`` is UNH data element 0062."""

    reference: str
    type: str
    version: str
    segments: list[Segment]

    @property
    def body(self) -> list[Segment]:
        return self.segments[1:-1]

    @property
    def header(self) -> Segment:
        return self.segments[0]

    @property
    def trailer(self) -> Segment:
        return self.segments[-1]


@dataclass
class Interchange:
    """One interchange, UNB to UNZ, with the messages that passed the envelope's checks."""

    number: int
    sender: str
    recipient: str
    control_ref: str
    messages: list[Message] = field(default_factory=list)


@dataclass
class _Walk:
    frame: Frame
    segments: list[Segment]
    problems: list[Problem] = field(default_factory=list)
    messages_seen: int = 0
    groups_seen: int = 0

    def problem(self, segment: Segment, problem: Wording, message_ref: str | None = None) -> None:
        self.problems.append(Problem(segment.number, segment.tag, problem, self.frame.number, message_ref))


def open_interchange(frame: Frame, segments: list[Segment]) -> tuple[Interchange | None, list[Problem]]:
    """The interchange's sender, reference and well-formed messages, with what is wrong in its envelope."""
    walk = _Walk(frame, segments)
    first = 1 if segments and segments[0].tag == "UNA" else 0
    if first >= len(segments):
        walk.problem(segments[0], ADVICE_ALONE())
        return None, walk.problems
    header = segments[first]
    interchange = _interchange(walk, header)
    if interchange is None:
        return None, walk.problems
    position = first + 1
    trailer: Segment | None = None
    while position < len(segments):
        segment = segments[position]
        if segment.tag == "UNZ":
            trailer = segment
            break
        if segment.tag == "UNH":
            position = _message(walk, position, interchange)
        elif segment.tag in ("UNG", "UNE"):
            walk.groups_seen += segment.tag == "UNG"
            position += 1
        else:
            position = _stray(walk, position)
    _check_trailer(walk, interchange, trailer)
    return interchange, walk.problems


def _interchange(walk: _Walk, header: Segment) -> Interchange | None:
    if header.tag != "UNB":
        walk.problem(header, NOT_UNB(tag=header.tag or THIS()))
        return None
    if header.problem:
        walk.problem(header, header.problem)
        return None
    sender, control_ref = header.value(1), header.value(4)
    if not sender or not control_ref:
        walk.problem(header, NO_SENDER() if not sender else NO_CONTROL())
        return None
    return Interchange(walk.frame.number, sender, header.value(2), control_ref)


def _message(walk: _Walk, start: int, interchange: Interchange) -> int:
    """Reads the message whose UNH is at ``start``; returns the position after it."""
    walk.messages_seen += 1
    segments = walk.segments
    end = start + 1
    while end < len(segments) and segments[end].tag not in MESSAGE_ENDS:
        end += 1
    header = segments[start]
    reference = header.value(0)
    if header.problem or not reference:
        walk.problem(header, header.problem or NO_MESSAGE_REFERENCE())
        return end + 1 if end < len(segments) and segments[end].tag == "UNT" else end
    if end >= len(segments) and walk.frame.truncated:
        return end  # the file was cut short inside this message, and that is reported already
    if end >= len(segments) or segments[end].tag != "UNT":
        last = segments[end - 1]
        walk.problem(header, NO_UNT(number=last.number, tag=last.tag), reference)
        return end
    message_segments = segments[start : end + 1]
    trailer = segments[end]
    if _trailer_agrees(walk, trailer, reference, len(message_segments)):
        interchange.messages.append(
            Message(reference, header.value(1, 0), ":".join(header.components(1)[1:4]), message_segments)
        )
    return end + 1


def _trailer_agrees(walk: _Walk, trailer: Segment, reference: str, count: int) -> bool:
    if trailer.problem:
        walk.problem(trailer, trailer.problem, reference)
        return False
    declared, trailer_ref = trailer.value(0), trailer.value(1)
    if not declared.isdigit() or int(declared) != count:
        walk.problem(trailer, UNT_COUNT(declared=declared or NO(), count=count), reference)
        return False
    if trailer_ref != reference:
        walk.problem(trailer, UNT_REFERENCE(trailer=repr(trailer_ref), header=repr(reference)), reference)
        return False
    return True


def _stray(walk: _Walk, start: int) -> int:
    """Reports segments outside any message (a missing UNH); returns the position after them."""
    segments = walk.segments
    end = start
    while end < len(segments) and segments[end].tag not in ("UNH", "UNZ", "UNG", "UNE"):
        end += 1
    run = segments[start:end]
    headless = sum(1 for s in run if s.tag == "UNT")
    walk.messages_seen += headless
    first, last = run[0], run[-1]
    extent = SEGMENTS_ARE(first=first.number, last=last.number) if len(run) > 1 else IT_IS()
    walk.problem(first, (OUTSIDE_HEADLESS if headless else OUTSIDE)(tag=first.tag or THIS(), extent=extent))
    return end


def _check_trailer(walk: _Walk, interchange: Interchange, trailer: Segment | None) -> None:
    if trailer is None:
        if not walk.frame.truncated:
            last = walk.segments[-1]
            walk.problem(last, NO_UNZ())
        return
    if trailer.problem:
        walk.problem(trailer, trailer.problem)
        return
    declared, reference = trailer.value(0), trailer.value(1)
    counted = walk.groups_seen or walk.messages_seen
    if not declared.isdigit() or int(declared) != counted:
        walk.problem(
            trailer, (UNZ_GROUPS if walk.groups_seen else UNZ_MESSAGES)(declared=declared or NO(), counted=counted)
        )
    if reference != interchange.control_ref:
        walk.problem(trailer, UNZ_REFERENCE(trailer=repr(reference), header=repr(interchange.control_ref)))
