"""The syntax of an EDIFACT file: service characters, interchanges and segments.

A file holds one interchange or several sent back to back, each of which may open with its
own UNA service string advice. pydifact's parser reads one UNA at most and, when a later
interchange repeats it, fails or takes that UNA for the whole file (pydifact issues #56, #73).
So this module frames the file itself, interchange by interchange, with each one's own
characters, and numbers the segments; pydifact's tokenizer then splits every segment into
data elements and components, release characters undone.

Segment numbers count every segment of an interchange from its first, UNA included, so in a
file written one segment per line the number is the line within that interchange.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydifact.control.characters import Characters
from pydifact.exceptions import EDISyntaxError
from pydifact.parser import Parser
from pydifact.tokenizer import Tokenizer

from harbourlink.kernel.phrases import N_, Phrase, Wording

Element = str | list[str]

# The character repertoires (UNB S001/0001) and how their bytes are decoded. UNOA and UNOB are
# ASCII subsets, yet senders often put accented names in them: such bytes are read as UTF-8,
# else as Latin-1, rather than refusing a gate move over a consignee's name.
CODECS = {
    "UNOA": "ascii",
    "UNOB": "ascii",
    "UNOC": "latin-1",
    "UNOD": "iso8859-2",
    "UNOE": "iso8859-5",
    "UNOF": "iso8859-7",
    "UNOG": "iso8859-3",
    "UNOH": "iso8859-4",
    "UNOI": "iso8859-6",
    "UNOJ": "iso8859-8",
    "UNOK": "iso8859-9",
    "UNOW": "utf-8",
    "UNOY": "utf-8",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TAG = re.compile(r"^[A-Z][A-Z0-9]{2}$")
_BETWEEN_SEGMENTS = " \t\r\n"
_BOM = "\xef\xbb\xbf"  # a UTF-8 byte order mark, as read byte for byte
DEFAULT_CHARACTERS = ":+.? '"  # ISO 9735's defaults when no UNA is sent

EMPTY_FILE = Phrase("edifact_empty", N_("the file holds no EDIFACT interchange (it is empty)"))
CUT_SHORT = Phrase(
    "edifact_cut_short",
    N_("the file ends inside this segment, before its terminator %(terminator)s: the file looks cut short"),
)
ADVICE_SHORT = Phrase(
    "una_short", N_("the service string advice %(advice)s is cut short: UNA is followed by exactly six characters")
)
ADVICE_ROLE = Phrase(
    "una_role",
    N_(
        "the service string advice %(advice)s makes %(character)s the %(role)s; "
        "letters, digits and line breaks cannot be separators"
    ),
)
ADVICE_TWICE = Phrase(
    "una_twice",
    N_(
        "the service string advice %(advice)s uses one character for two roles; the "
        "component and data element separators, release character and segment "
        "terminator must all differ"
    ),
)
ADVICE_DECIMAL = Phrase(
    "una_decimal", N_("the service string advice %(advice)s makes %(character)s the decimal mark; it is '.' or ','")
)
ROLES = {
    "component separator": Phrase("component_separator", N_("component separator")),
    "data element separator": Phrase("data_element_separator", N_("data element separator")),
    "release character": Phrase("release_character", N_("release character")),
    "segment terminator": Phrase("segment_terminator", N_("segment terminator")),
}
NOT_A_TEXT_FILE = Phrase(
    "edifact_binary", N_("byte 0x%(byte)s at offset %(offset)s is not text: this is not an EDIFACT file")
)
NOT_EDIFACT = Phrase("not_edifact", N_("an EDIFACT interchange begins with UNA or UNB, not %(start)s"))
NOT_TEXT = Phrase("segment_not_text", N_("byte 0x%(byte)s at offset %(offset)s is not text"))
NOT_CHARSET = Phrase(
    "segment_not_charset", N_("byte 0x%(byte)s at offset %(offset)s is not %(charset)s text, as the UNB declares")
)
UNSPLITTABLE = Phrase("segment_unsplittable", N_("cannot be split into data elements (%(reason)s)"))
# What pydifact's tokenizer says of a segment it cannot split, each with a phrase of its own.
SPLIT_REASONS = {
    "Newlines after escape characters are not allowed.": Phrase(
        "release_before_line_break", N_("a line break follows a release character")
    ),
    "Unexpected end of EDI messages.": Phrase("release_at_end", N_("the segment ends with a release character")),
}
UNSPLITTABLE_SEGMENT = Phrase("segment_unsplittable_plain", N_("cannot be split into data elements"))
NOT_A_TAG = Phrase("not_a_segment_tag", N_("%(tag)s is not a segment tag (three capital letters or digits)"))


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong at a place in the file; ``number`` is None when no segment can be named."""

    number: int | None
    tag: str
    problem: Wording
    interchange: int = 1
    message_ref: str | None = None


class SegmentError(Exception):
    """A segment that cannot be read or breaks a rule; the reader of its message decides what it rejects."""

    def __init__(self, segment: Segment, problem: Wording):
        super().__init__(str(problem))
        self.segment = segment
        self.problem = problem


@dataclass(slots=True)
class Segment:
    """One segment: its number in the interchange, tag, data elements, and why it is unreadable if it is."""

    number: int
    tag: str
    elements: list[Element]
    offset: int
    problem: Wording | None = None

    def components(self, index: int) -> list[str]:
        """The components of data element ``index`` (0 is the first after the tag); [] when absent."""
        if index >= len(self.elements):
            return []
        value = self.elements[index]
        return [value] if isinstance(value, str) else list(value)

    def value(self, index: int, component: int = 0) -> str:
        """One component of one data element, stripped; "" when absent."""
        parts = self.components(index)
        return parts[component].strip() if component < len(parts) else ""

    def check(self) -> Segment:
        """The segment itself, or SegmentError when its bytes could not be read."""
        if self.problem is not None:
            raise SegmentError(self, self.problem)
        return self


@dataclass
class Frame:
    """One interchange as framed: its service characters and its segments' raw text."""

    number: int
    characters: Characters
    raw: list[tuple[int, str, int]] = field(default_factory=list)  # (number, text, byte offset)
    has_una: bool = False
    truncated: bool = False


def frame_file(raw: bytes) -> tuple[list[Frame], list[Problem]]:
    """Splits a file into interchanges, each with its own UNA characters, and their segments' text."""
    text = raw.decode("latin-1")  # one character per byte, so offsets are byte offsets
    position = len(_BOM) if text.startswith(_BOM) else 0
    frames: list[Frame] = []
    problems: list[Problem] = []
    while True:
        position = _skip_blanks(text, position)
        if position >= len(text):
            break
        frame = Frame(number=len(frames) + 1, characters=Characters.from_str(DEFAULT_CHARACTERS))
        position, stop = _frame_interchange(text, position, frame, problems)
        if frame.raw:
            frames.append(frame)
        if stop:
            break
    if not frames and not problems:
        problems.append(Problem(None, "", EMPTY_FILE()))
    return frames, problems


def _skip_blanks(text: str, position: int) -> int:
    while position < len(text) and text[position] in _BETWEEN_SEGMENTS:
        position += 1
    return position


def _frame_interchange(text: str, position: int, frame: Frame, problems: list[Problem]) -> tuple[int, bool]:
    """Frames one interchange from ``position``; returns where the next one starts and whether to stop."""
    start = text[position : position + 3]
    if start not in ("UNA", "UNB"):
        problems.append(Problem(1, "", _not_an_interchange(text, position), frame.number))
        return len(text), True
    if start == "UNA":
        advice = text[position + 3 : position + 9]
        trouble = _check_service_advice(advice)
        if trouble:
            problems.append(Problem(1, "UNA", trouble, frame.number))
            return len(text), True
        frame.characters = Characters.from_str("UNA" + advice)
        frame.has_una = True
        frame.raw.append((1, "UNA" + advice, position))
        position += 9
    ending = _segment_end(frame.characters)
    while True:
        position = _skip_blanks(text, position)
        if position >= len(text):
            return position, False
        if text.startswith("UNA", position):
            return position, False  # the next interchange begins; the envelope reports the missing UNZ
        number = len(frame.raw) + 1
        found = ending.match(text, position)
        if found is None:
            frame.truncated = True
            tag = _tag_of(text[position:], frame.characters)
            problems.append(
                Problem(number, tag, CUT_SHORT(terminator=repr(frame.characters.segment_terminator)), frame.number)
            )
            return len(text), True
        segment_text = text[position : found.end() - 1]
        frame.raw.append((number, segment_text, position))
        position = found.end()
        if _tag_of(segment_text, frame.characters) == "UNZ":
            return position, False


def _segment_end(characters: Characters) -> re.Pattern[str]:
    """Everything up to and including the next segment terminator that is not released."""
    release, terminator = re.escape(characters.escape_character), re.escape(characters.segment_terminator)
    return re.compile(f"(?s)(?:{release}.|[^{release}{terminator}])*{terminator}")


def _check_service_advice(advice: str) -> Wording | None:
    """Why a UNA's six characters cannot be used, or None."""
    shown = repr("UNA" + advice)
    if len(advice) < 6:
        return ADVICE_SHORT(advice=shown)
    component, data, decimal, release, terminator = advice[0], advice[1], advice[2], advice[3], advice[5]
    for name, char in (
        ("component separator", component),
        ("data element separator", data),
        ("release character", release),
        ("segment terminator", terminator),
    ):
        if char.isalnum() or char in "\r\n":
            return ADVICE_ROLE(advice=shown, character=repr(char), role=ROLES[name]())
    if len({component, data, release, terminator}) < 4:
        return ADVICE_TWICE(advice=shown)
    if decimal not in ".,":
        return ADVICE_DECIMAL(advice=shown, character=repr(decimal))
    return None


def _not_an_interchange(text: str, position: int) -> Wording:
    opening = text[position : position + 12]
    odd = _CONTROL.search(opening)
    if odd is not None or any(ord(c) > 0x7E for c in opening):
        index = odd.start() if odd else next(i for i, c in enumerate(opening) if ord(c) > 0x7E)
        return NOT_A_TEXT_FILE(byte=f"{ord(opening[index]):02X}", offset=position + index)
    return NOT_EDIFACT(start=repr(opening[:3]))


def _tag_of(segment_text: str, characters: Characters) -> str:
    head = segment_text.split(characters.data_separator, 1)[0].split(characters.component_separator, 1)[0]
    return head.strip()[:3]


def syntax_identifier(frame: Frame) -> str:
    """The character repertoire the interchange's UNB declares (``UNOC``), or ""."""
    for _number, text, _offset in frame.raw:
        if _tag_of(text, frame.characters) == "UNB":
            first = text.split(frame.characters.data_separator)
            return first[1].split(frame.characters.component_separator)[0].strip() if len(first) > 1 else ""
    return ""


def read_segments(frame: Frame) -> list[Segment]:
    """The frame's segments, decoded with the UNB's repertoire and split into elements by pydifact."""
    codec = CODECS.get(syntax_identifier(frame), "utf-8")
    parser = Parser(characters=frame.characters)
    segments = []
    for number, text, offset in frame.raw:
        if number == 1 and frame.has_una:
            segments.append(Segment(1, "UNA", [text[3:]], offset))
            continue
        segments.append(_read_segment(parser, frame.characters, codec, (number, text, offset)))
    return segments


def _read_segment(parser: Parser, characters: Characters, codec: str, raw: tuple[int, str, int]) -> Segment:
    number, text, offset = raw
    tag = _tag_of(text, characters)
    odd = _CONTROL.search(text)
    if odd is not None:
        return Segment(number, tag, [], offset, NOT_TEXT(byte=f"{ord(odd.group()):02X}", offset=offset + odd.start()))
    try:
        decoded = _decode(text.encode("latin-1"), codec)
    except UnicodeDecodeError as exc:
        return Segment(
            number,
            tag,
            [],
            offset,
            NOT_CHARSET(byte=f"{exc.object[exc.start]:02X}", offset=offset + exc.start, charset=codec.upper()),
        )
    try:
        elements = _split(parser, characters, decoded)
    except EDISyntaxError as exc:
        reason = SPLIT_REASONS.get(str(exc.args[0]) if exc.args else "")
        return Segment(number, tag, [], offset, UNSPLITTABLE(reason=reason()) if reason else UNSPLITTABLE_SEGMENT())
    name = elements.pop(0) if elements else ""
    if not isinstance(name, str) or not _TAG.match(name):
        return Segment(number, tag, [], offset, NOT_A_TAG(tag=repr(tag)))
    return Segment(number, name, list(elements), offset)


def _split(parser: Parser, characters: Characters, text: str) -> list[Element]:
    """The tag and data elements of one segment's text.

    Without a release character in the text, splitting at the separators is exact, and much
    faster than pydifact's character-by-character tokenizer (about 0.4 ms a segment), which
    reads every segment that has one.
    """
    if characters.escape_character not in text:
        return [
            parts[0] if len(parts) == 1 else parts
            for parts in (
                element.split(characters.component_separator) for element in text.split(characters.data_separator)
            )
        ]
    tokens = Tokenizer().get_tokens(text + characters.segment_terminator, characters)
    return next(iter(parser.convert_tokens_to_raw_segments(tokens)), [])


def _decode(data: bytes, codec: str) -> str:
    if codec != "ascii":
        return data.decode(codec)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")
