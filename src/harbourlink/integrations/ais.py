"""AIS as NMEA 0183: ``!AIVDM`` / ``!AIVDO`` sentences, one per line, each with its receive time.

Format name ``ais-nmea``. The body is text, one sentence per line (``\\n`` or ``\\r\\n``), any
talker (``!AIVDM``, ``!AIVDO``, ``!BSVDM``, ``!ABVDM``, …), each line optionally preceded by one
or more IEC 61162-450 tag blocks::

    \\s:HK-KWAI-TSING,c:1763712000*5B\\!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*24

Bits are decoded by ``pyais``; everything around them (lines, checksums, fragments, time,
plausibility) is checked here so that every refusal names its line.

**Time.** Every AIS message must carry its receive time, the tag block's ``c:`` field (UNIX
seconds; a value above 10^11 is read as milliseconds). A port system stamps AIS when it hears
it — HarbourLink's listener (``harbourlink ais listen``) writes ``\\c:<unix time>*hh\\`` in front of
every line it receives before archiving it — so an archived message always replays to the same
positions. Most receivers emit plain ``!AIVDM`` lines, so the API does the same for a message
sent to it: each AIS sentence with no ``c:`` gets the arrival stamp
``\\c:<unix time>,t:arrival*hh\\`` in front (``stamp_arrival``) before the message is archived,
and its positions say so (``time_source`` ``arrival`` rather than ``receiver``). A line that
still has no ``c:`` here (a file given to ``harbourlink ingest``) is refused (``no receive
time``) rather than given "now": the same file must give the same track today and next year.
The fragments of a multi-sentence message share the first receiver's ``c:`` found on any of
them (an arrival stamp only when none has one). When a line carries several tag blocks (the
listener's in front of the feed's own), the feed's ``c:`` wins: it is nearer the radio.

A position's time is the receive time refined by the report's own UTC second (the
"time stamp" field, 0–59): the latest moment at or before the receive time (5 s of clock skew
allowed) whose second is that value. Two receivers hearing the same transmission therefore give
the same time, and the second copy counts as a duplicate. When the field says "not available"
(60–63) the receive time, to the second, is used.

**ETA** (type 5) has month, day, hour and minute but no year: the year is the one giving the next
occurrence after the receive time — except that an ETA up to 30 days before the receive time
stays in the past (a crew that has not updated a passed ETA; the ship is not due next year).
An ETA with any part "not available" (month 0, day 0, hour 24, minute 60) or an impossible date
is left empty.

**Errors and skips.** An *error* (``ItemError``, located ``line N``) is a sentence HarbourLink
could not trust: not ASCII, not NMEA, bad checksum, truncated, bad fields, fragments that do not
assemble, a payload too short for its type, an MMSI that is not 9 digits, a latitude or longitude
out of range, no receive time. The rest of the message is still taken.

A *skip* is normal AIS traffic that HarbourLink has no use for: message types other than
1/2/3/5/18/19/24 (base stations, binary messages, safety text, …), other NMEA sentences in the
stream (``$GPGGA``, ``!AIALR``, …), position reports saying "position not available" (91/181),
IMO numbers failing their check digit (the rest of the static data is kept), 9-digit MMSIs that
are no station's (no valid MID: test and unconfigured transponders, e.g. 123456789), and identical
static reports repeated within one message. Skips do not make a message partial or rejected —
a live feed is full of them — but they are counted by reason in ``AisParsed.skipped`` and logged
with the message's totals.
"""

from __future__ import annotations

import functools
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from pyais.bit_vector import bit_vector
from pyais.exceptions import AISBaseException
from pyais.messages import MSG_CLASS

from harbourlink.integrations.parsing import LINE, ItemError, Parsed
from harbourlink.kernel import ValidationFailed
from harbourlink.kernel.phrases import N_, Phrase, Wording
from harbourlink.references import imo_check_digit, parse_mmsi
from harbourlink.vessels import ARRIVAL_TIME, RECEIVER_TIME, PositionReport, VesselStatic

log = logging.getLogger(__name__)

MAX_LINES = 200_000
POSITION_TYPES = frozenset({1, 2, 3, 18, 19})
STATIC_TYPES = frozenset({5, 19, 24})
SUPPORTED_TYPES = POSITION_TYPES | STATIC_TYPES
# Bits a message must have for the fields read here (type 5: 424 on air, 418/420 from some units).
MIN_BITS = {1: 168, 2: 168, 3: 168, 5: 418, 18: 168, 19: 312, 24: 160}
PAYLOAD_CHARACTERS = frozenset("0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVW`abcdefghijklmnopqrstuvw")
CHANNELS = frozenset({"", "A", "B", "1", "2"})
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
CLOCK_SKEW = timedelta(seconds=5)
STALE_ETA = timedelta(days=30)
SIX_BIT = {c: (ord(c) - 48) if ord(c) < 88 else (ord(c) - 56) for c in PAYLOAD_CHARACTERS}


BAD_TIME = Phrase("tag_time_not_unix", N_("tag block time c:%(value)s is not a UNIX time"))
TIME_OUT_OF_RANGE = Phrase("tag_time_out_of_range", N_("tag block time c:%(value)s is out of range"))
TIME_NOT_THIS_CENTURY = Phrase(
    "tag_time_century", N_("tag block time c:%(value)s (%(date)s) is not between 2000 and 2100")
)
TAG_NO_CHECKSUM = Phrase("tag_without_checksum", N_("tag block has no checksum (*hh) before its closing backslash"))
TAG_CHECKSUM_NOT_HEX = Phrase("tag_checksum_not_hex", N_("tag block checksum %(checksum)s is not hexadecimal"))
TAG_CHECKSUM = Phrase(
    "tag_checksum_mismatch", N_("tag block checksum mismatch: it says %(says)s, its content gives %(gives)s")
)
TAG_FIELD = Phrase("tag_field", N_("tag block field %(field)s is not of the form code:value"))
TAG_NOT_CLOSED = Phrase("tag_not_closed", N_("tag block is not closed (no second backslash)"))
NO_CHECKSUM = Phrase("sentence_without_checksum", N_("truncated sentence: no checksum (*hh) at its end"))
SHORT_CHECKSUM = Phrase(
    "sentence_short_checksum", N_("truncated sentence: checksum %(checksum)s is not two hexadecimal digits")
)
CHECKSUM_NOT_HEX = Phrase("checksum_not_hex", N_("checksum %(checksum)s is not hexadecimal"))
CHECKSUM = Phrase("checksum_mismatch", N_("checksum mismatch: the sentence says %(says)s, its content gives %(gives)s"))
NOT_A_SMALL_NUMBER = Phrase("ais_field_not_number", N_("%(field)s %(value)s is not a number"))
NOT_BETWEEN = Phrase("ais_field_range", N_("%(field)s %(value)s is not between %(low)s and %(high)s"))
FIELDS = {
    "fragment count": Phrase("fragment_count", N_("fragment count")),
    "fragment number": Phrase("fragment_number", N_("fragment number")),
    "fill bits": Phrase("fill_bits", N_("fill bits")),
}
NOT_NMEA = Phrase("not_nmea", N_("not an NMEA sentence (it should start with '!' or '$'): %(start)s"))
BAD_ADDRESS = Phrase(
    "nmea_address", N_("sentence address %(address)s is not a talker and a sentence type such as AIVDM")
)
FIELD_COUNT = Phrase("nmea_field_count", N_("truncated sentence: %(count)s fields where !%(address)s has 7"))
SEQUENCE = Phrase("nmea_sequence", N_("sequential message id %(value)s is not a digit 0-9"))
CHANNEL = Phrase("nmea_channel", N_("radio channel %(value)s is not A, B, 1 or 2"))
EMPTY_PAYLOAD = Phrase("empty_payload", N_("empty payload"))
ARMOURING = Phrase(
    "payload_armouring", N_("payload holds characters outside the AIS six-bit armouring: %(characters)s")
)
NO_POSITION = Phrase("payload_without_position", N_("payload ends before the position"))
LATITUDE = Phrase("latitude_range", N_("latitude %(value)s is out of range -90..90 (91 means not available)"))
LONGITUDE = Phrase("longitude_range", N_("longitude %(value)s is out of range -180..180 (181 means not available)"))
SHORT_PAYLOAD = Phrase("payload_too_short", N_("message type %(type)s needs %(needed)s bits, the payload has %(bits)s"))
NO_RECEIVE_TIME = Phrase(
    "no_receive_time",
    N_("no receive time: put a tag block with c:<UNIX time> before the sentence, e.g. \\c:1763712000*hh\\"),
)
PART_NUMBER = Phrase("type24_part", N_("message type 24 part number %(part)s is neither A (0) nor B (1)"))
UNDECODABLE = Phrase("undecodable", N_("message type %(type)s could not be decoded"))
MMSI_DIGITS = Phrase("mmsi_digits", N_("MMSI %(mmsi)s has %(digits)s digits; a ship's MMSI has 9"))
NOT_ASCII = Phrase("line_not_ascii", N_("byte 0x%(byte)s at column %(column)s is not ASCII; NMEA 0183 is ASCII text"))
ON_LINES = Phrase("message_on_lines", N_("%(problem)s (message on lines %(lines)s)"))
NEW_MESSAGE = Phrase("new_message_started", N_("a new message started on line %(line)s"))
ENDS_FIRST = Phrase("message_ends_first", N_("the message ends first"))
ORPHAN = Phrase("fragment_without_first", N_("fragment %(number)s of %(count)s without fragment 1"))
OTHER_COUNT = Phrase(
    "fragment_count_differs",
    N_("fragment %(number)s of %(count)s, but its fragment 1 on line %(line)s announced %(announced)s fragments"),
)
GAP = Phrase(
    "fragment_missing",
    N_(
        "fragment %(number)s of %(count)s follows fragment %(previous)s (line %(line)s); "
        "fragment %(expected)s is missing"
    ),
)
UNFINISHED = Phrase("fragments_unfinished", N_("fragment %(have)s of %(count)s without fragment %(next)s (%(why)s)"))
TOO_MANY_LINES = Phrase("too_many_lines", N_("more than %(limit)s lines; split the message"))
NO_SENTENCE = Phrase("tag_without_sentence", N_("tag block without a sentence after it"))


class LineError(Exception):
    def __init__(self, problem: Wording, line: int | None = None):
        super().__init__(str(problem))
        self.problem = problem
        self.line = line


@dataclass
class AisParsed(Parsed):
    """``Parsed`` plus what was skipped on purpose, counted by reason (see the module note)."""

    skipped: Counter[str] = field(default_factory=Counter)
    sentences: int = 0


ARRIVAL_TEXT = "arrival"
"""The ``t:`` (text) of HarbourLink's arrival stamp: its ``c:`` is when the message arrived, not a receiver's."""


@dataclass(frozen=True, slots=True)
class TagBlock:
    time: datetime | None
    source: str | None
    arrival: bool = False
    """``time`` is HarbourLink's arrival stamp, not a receiver's."""


@dataclass
class Sentence:
    line: int
    talker: str
    fragments: int
    number: int
    sequence: str
    channel: str
    payload: str
    fill_bits: int
    tag: TagBlock


@dataclass
class Pending:
    first: Sentence
    parts: list[Sentence]


# --- lines --------------------------------------------------------------------------------------


def nmea_checksum(text: str) -> int:
    value = 0
    for char in text.encode("ascii"):
        value ^= char
    return value


def _unix_time(raw: str) -> datetime:
    try:
        number = int(raw)
    except ValueError:
        try:
            number = int(float(raw))
        except ValueError:
            raise LineError(BAD_TIME(value=raw)) from None
    if number > 10**11:
        number //= 1000
    try:
        moment = datetime.fromtimestamp(number, UTC)
    except (OverflowError, OSError, ValueError):
        raise LineError(TIME_OUT_OF_RANGE(value=raw)) from None
    if not EARLIEST <= moment < LATEST:
        raise LineError(TIME_NOT_THIS_CENTURY(value=raw, date=f"{moment:%Y-%m-%d}"))
    return moment


@functools.lru_cache(maxsize=4096)  # a feed repeats the same block on every line heard in the same second
def parse_tag_block(body: str) -> TagBlock:
    """The fields of one tag block (the text between the backslashes), checksum verified."""
    content, star, check = body.rpartition("*")
    if not star or len(check) != 2:
        raise LineError(TAG_NO_CHECKSUM())
    try:
        expected = int(check, 16)
    except ValueError:
        raise LineError(TAG_CHECKSUM_NOT_HEX(checksum=repr(check))) from None
    actual = nmea_checksum(content)
    if actual != expected:
        raise LineError(TAG_CHECKSUM(says=f"{expected:02X}", gives=f"{actual:02X}"))
    time = source = None
    arrival = False
    for item in content.split(","):
        key, colon, value = item.partition(":")
        if not colon:
            raise LineError(TAG_FIELD(field=repr(item)))
        if key == "c":
            time = _unix_time(value)
        elif key == "s":
            source = value
        elif key == "t":
            arrival = value == ARRIVAL_TEXT
    return TagBlock(time, source, arrival and time is not None)


def split_tag_blocks(text: str) -> tuple[TagBlock, str]:
    """Leading tag blocks merged (the innermost ``c:`` and ``s:`` win), and the sentence after them."""
    merged = TagBlock(None, None)
    while text.startswith("\\"):
        end = text.find("\\", 1)
        if end < 0:
            raise LineError(TAG_NOT_CLOSED())
        block = parse_tag_block(text[1:end])
        timed = block if block.time is not None else merged
        merged = TagBlock(timed.time, block.source or merged.source, timed.arrival)
        text = text[end + 1 :]
    return merged, text


def arrival_stamp(received: datetime) -> bytes:
    """HarbourLink's arrival stamp: a tag block with the arrival time and ``t:arrival``."""
    body = f"c:{int(received.timestamp())},t:{ARRIVAL_TEXT}"
    return f"\\{body}*{nmea_checksum(body):02X}\\".encode("ascii")


def _lacks_receive_time(text: bytes) -> bool:
    """An AIS sentence (``!``) whose tag blocks, if any, give no ``c:``; lines the adapter refuses are left alone."""
    if not text.startswith((b"!", b"\\")) or not text.isascii():
        return False
    try:
        tag, sentence = split_tag_blocks(text.decode("ascii"))
    except LineError:
        return False
    return tag.time is None and sentence.startswith("!")


def stamp_arrival(raw: bytes, received: datetime) -> bytes:
    """``raw`` with the arrival stamp in front of each AIS sentence that has no receive time of its own.

    Every other byte stays as sent: other lines, line ends, the sentences themselves.
    """
    stamp = arrival_stamp(received)
    lines = raw.split(b"\n")
    for index, line in enumerate(lines):
        text = line.lstrip()
        if _lacks_receive_time(text.rstrip()):
            lines[index] = line[: len(line) - len(text)] + stamp + text
    return b"\n".join(lines)


def _checked_body(text: str) -> str:
    """The sentence between its delimiter and ``*``, after verifying the checksum."""
    body, star, check = text[1:].rpartition("*")
    if not star:
        raise LineError(NO_CHECKSUM())
    if len(check) != 2:
        raise LineError(SHORT_CHECKSUM(checksum=repr(check)))
    try:
        expected = int(check, 16)
    except ValueError:
        raise LineError(CHECKSUM_NOT_HEX(checksum=repr(check))) from None
    actual = nmea_checksum(body)
    if actual != expected:
        raise LineError(CHECKSUM(says=f"{expected:02X}", gives=f"{actual:02X}"))
    return body


def _small_number(raw: str, what: str, low: int, high: int) -> int:
    if not raw.isdigit():
        raise LineError(NOT_A_SMALL_NUMBER(field=FIELDS[what](), value=repr(raw)))
    value = int(raw)
    if not low <= value <= high:
        raise LineError(NOT_BETWEEN(field=FIELDS[what](), value=value, low=low, high=high))
    return value


def parse_sentence(text: str, line: int, tag: TagBlock) -> Sentence | str:
    """An AIS sentence, or the name of another NMEA sentence (to skip), or ``LineError``."""
    if text[:1] not in ("!", "$"):
        shown = text[:20] + ("…" if len(text) > 20 else "")
        raise LineError(NOT_NMEA(start=repr(shown)))
    body = _checked_body(text)
    fields = body.split(",")
    address = fields[0]
    if not (address.isalnum() and address.isupper() and 2 <= len(address) <= 10):
        raise LineError(BAD_ADDRESS(address=repr(address)))
    if text[0] == "$" or len(address) != 5 or address[2:] not in ("VDM", "VDO"):
        kind = address if address.startswith("P") or len(address) != 5 else address[2:]  # proprietary: $PGHP…
        return f"other NMEA sentence ({text[0]}{kind})"
    if len(fields) != 7:
        raise LineError(FIELD_COUNT(count=len(fields), address=address))
    _, count_raw, number_raw, sequence, channel, payload, fill_raw = fields
    count = _small_number(count_raw, "fragment count", 1, 9)
    number = _small_number(number_raw, "fragment number", 1, count)
    if sequence and not (sequence.isdigit() and len(sequence) == 1):
        raise LineError(SEQUENCE(value=repr(sequence)))
    if channel not in CHANNELS:
        raise LineError(CHANNEL(value=repr(channel)))
    if not payload:
        raise LineError(EMPTY_PAYLOAD())
    if not PAYLOAD_CHARACTERS.issuperset(payload):
        bad = sorted({c for c in payload if c not in PAYLOAD_CHARACTERS})
        raise LineError(ARMOURING(characters=" ".join(repr(c) for c in bad)))
    fill_bits = _small_number(fill_raw, "fill bits", 0, 5)
    return Sentence(line, address, count, number, sequence, channel, payload, fill_bits, tag)


# --- decoding -----------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    cleaned = value.replace("@", " ").strip()
    return cleaned or None


def _dimension(a: Any, b: Any) -> int | None:
    total = (a or 0) + (b or 0)
    return total or None


def valid_imo(number: int) -> bool:
    digits = str(number)
    return len(digits) == 7 and imo_check_digit(digits[:6]) == digits[6]


def resolve_eta(month: int, day: int, hour: int, minute: int, received: datetime) -> datetime | None:
    """The ETA as a UTC time: the next occurrence after ``received`` (a stale one stays in the past)."""
    if not (1 <= month <= 12 and 1 <= day <= 31 and 0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    for year in range(received.year - 1, received.year + 6):
        try:
            candidate = datetime(year, month, day, hour, minute, tzinfo=UTC)
        except ValueError:
            continue  # 29 February in a common year, 31 April, …
        if candidate >= received - STALE_ETA:
            return candidate
    return None


def position_time(received: datetime, second: int | None) -> datetime:
    """The report's time: its UTC second placed at or just before the receive time."""
    base = received.replace(microsecond=0)
    if second is None or not 0 <= second <= 59:
        return base
    candidate = base.replace(second=second)
    if candidate > base + CLOCK_SKEW:
        candidate -= timedelta(minutes=1)
    elif candidate < base - timedelta(minutes=1) + CLOCK_SKEW:
        candidate += timedelta(minutes=1)
    return candidate


def _position(
    decoded: Any, mmsi: str, received: datetime, time_source: str, parsed: AisParsed
) -> PositionReport | None:
    lat, lon = decoded.lat, decoded.lon
    if lat is None or lon is None:
        raise LineError(NO_POSITION())
    if abs(lat - 91.0) < 1e-6 or abs(lon - 181.0) < 1e-6:
        parsed.skipped["position not available (91/181)"] += 1
        return None
    if not -90.0 <= lat <= 90.0:
        raise LineError(LATITUDE(value=f"{lat:.6f}"))
    if not -180.0 <= lon <= 180.0:
        raise LineError(LONGITUDE(value=f"{lon:.6f}"))
    speed = decoded.speed
    course = decoded.course
    heading = decoded.heading
    status = getattr(decoded, "status", None)
    return PositionReport(
        mmsi=mmsi,
        at=position_time(received, decoded.second),
        latitude=lat,
        longitude=lon,
        speed_knots=None if speed is None or speed >= 102.3 - 1e-6 else float(speed),
        course=None if course is None or course >= 360.0 else float(course),
        heading=None if heading is None or heading > 359 else int(heading),
        nav_status=None if status is None or int(status) == 15 else int(status),
        time_source=time_source,
    )


def _imo(decoded: Any, parsed: AisParsed) -> str | None:
    number = decoded.imo or 0
    if not number:
        return None
    if not valid_imo(number):
        parsed.skipped["IMO number failing its check digit (left out)"] += 1
        return None
    return str(number)


def _ship_type(value: Any) -> int | None:
    return (int(value) or None) if value is not None else None


def _static(decoded: Any, msg_type: int, mmsi: str, received: datetime, parsed: AisParsed) -> VesselStatic:
    if msg_type == 5:
        draught = decoded.draught
        return VesselStatic(
            mmsi=mmsi,
            imo=_imo(decoded, parsed),
            name=_text(decoded.shipname),
            call_sign=_text(decoded.callsign),
            ship_type=_ship_type(decoded.ship_type),
            length_m=_dimension(decoded.to_bow, decoded.to_stern),
            beam_m=_dimension(decoded.to_port, decoded.to_starboard),
            draught_m=float(draught) if draught else None,
            destination=_text(decoded.destination),
            eta=resolve_eta(decoded.month, decoded.day, decoded.hour, decoded.minute, received),
        )
    if msg_type == 19:
        return VesselStatic(
            mmsi=mmsi,
            name=_text(decoded.shipname),
            ship_type=_ship_type(decoded.ship_type),
            length_m=_dimension(decoded.to_bow, decoded.to_stern),
            beam_m=_dimension(decoded.to_port, decoded.to_starboard),
        )
    if decoded.partno == 0:
        return VesselStatic(mmsi=mmsi, name=_text(decoded.shipname))
    has_size = hasattr(decoded, "to_bow")  # an auxiliary craft (98…) gives its mother ship's MMSI instead
    return VesselStatic(
        mmsi=mmsi,
        call_sign=_text(decoded.callsign),
        ship_type=_ship_type(decoded.ship_type),
        length_m=_dimension(decoded.to_bow, decoded.to_stern) if has_size else None,
        beam_m=_dimension(decoded.to_port, decoded.to_starboard) if has_size else None,
    )


def decode_message(parts: list[Sentence], parsed: AisParsed) -> None:
    """One complete AIS message (its sentences in order) into positions and static data."""
    payload = "".join(p.payload for p in parts)
    msg_type = SIX_BIT[payload[0]]
    if msg_type not in SUPPORTED_TYPES:
        parsed.skipped[f"message type {msg_type}"] += 1
        return
    bits = len(payload) * 6 - parts[-1].fill_bits
    if bits < MIN_BITS[msg_type]:
        raise LineError(SHORT_PAYLOAD(type=msg_type, needed=MIN_BITS[msg_type], bits=bits))
    # A receiver's time before an arrival stamp: sorted() keeps the fragments' order within each.
    timed = sorted([(p.tag.arrival, time) for p in parts if (time := p.tag.time) is not None], key=lambda t: t[0])
    if not timed:
        raise LineError(NO_RECEIVE_TIME())
    arrival, received = timed[0]
    time_source = ARRIVAL_TIME if arrival else RECEIVER_TIME
    if msg_type == 24 and (part := (SIX_BIT[payload[6]] >> 2) & 3) > 1:
        raise LineError(PART_NUMBER(part=part))
    try:
        decoded = MSG_CLASS[msg_type].from_vector(bit_vector(payload.encode("ascii"), parts[-1].fill_bits))
    except (AISBaseException, ValueError, KeyError):
        raise LineError(UNDECODABLE(type=msg_type)) from None
    mmsi_number = int(decoded.mmsi)
    if not 100_000_000 <= mmsi_number <= 999_999_999:
        raise LineError(MMSI_DIGITS(mmsi=str(mmsi_number), digits=len(str(mmsi_number))))
    mmsi = str(mmsi_number)
    try:
        parse_mmsi(mmsi)
    except ValidationFailed:
        parsed.skipped["MMSI of no station ITU-R M.585 defines (a test or unconfigured transponder)"] += 1
        return
    if msg_type in POSITION_TYPES:
        report = _position(decoded, mmsi, received, time_source, parsed)
        if report is not None:
            parsed.positions.append(report)
    if msg_type in STATIC_TYPES:
        parsed.vessels.append(_static(decoded, msg_type, mmsi, received, parsed))


# --- the adapter --------------------------------------------------------------------------------


def _line_text(number: int, line: bytes) -> str:
    if not line.isascii():
        column = next(i for i, b in enumerate(line) if b > 0x7F)
        raise LineError(NOT_ASCII(byte=f"{line[column]:02X}", column=column + 1), number)
    return line.decode("ascii").strip()


def _line_of(error: ItemError) -> int:
    number = error.place.params.get("line")
    return number if isinstance(number, int) else 0


class Assembler:
    """Puts multi-sentence messages together, fragments of different messages interleaved."""

    def __init__(self, parsed: AisParsed):
        self.parsed = parsed
        self.pending: dict[tuple[str, str, str], Pending] = {}

    def error(self, line: int, problem: Wording) -> None:
        self.parsed.errors.append(ItemError(LINE(line=line), problem))

    def complete(self, parts: list[Sentence]) -> None:
        try:
            decode_message(parts, self.parsed)
        except LineError as exc:
            problem = (
                exc.problem
                if len(parts) == 1
                else ON_LINES(problem=exc.problem, lines=", ".join(str(p.line) for p in parts))
            )
            self.error(parts[0].line, problem)

    def add(self, sentence: Sentence) -> None:
        if sentence.fragments == 1:
            self.complete([sentence])
            return
        # Not keyed by the tag block's source: feeds put ``s:`` on a message's first fragment only.
        key = (sentence.talker, sentence.channel, sentence.sequence)
        group = self.pending.get(key)
        count, number = sentence.fragments, sentence.number
        if number == 1:
            if group is not None:
                self._unfinished(self.pending.pop(key), NEW_MESSAGE(line=sentence.line))
            self.pending[key] = Pending(sentence, [sentence])
            return
        if group is None:
            self.error(sentence.line, ORPHAN(number=number, count=count))
            return
        if group.first.fragments != count:
            del self.pending[key]
            self.error(
                sentence.line,
                OTHER_COUNT(number=number, count=count, line=group.first.line, announced=group.first.fragments),
            )
            return
        expected = len(group.parts) + 1
        if number != expected:
            del self.pending[key]
            self.error(
                sentence.line,
                GAP(number=number, count=count, previous=expected - 1, line=group.parts[-1].line, expected=expected),
            )
            return
        group.parts.append(sentence)
        if number == count:
            del self.pending[key]
            self.complete(group.parts)

    def _unfinished(self, group: Pending, why: Wording) -> None:
        have = len(group.parts)
        self.error(group.first.line, UNFINISHED(have=have, count=group.first.fragments, next=have + 1, why=why))

    def finish(self) -> None:
        for group in sorted(self.pending.values(), key=lambda g: g.first.line):
            self._unfinished(group, ENDS_FIRST())
        self.pending.clear()


class AisNmeaAdapter:
    name: ClassVar[str] = "ais-nmea"
    title: ClassVar[str] = "AIS NMEA 0183 (!AIVDM/!AIVDO), one sentence a line, tag block c: receive time"
    media_type: ClassVar[str] = "text/plain"

    def parse(self, raw: bytes) -> AisParsed:
        parsed = AisParsed()
        assembler = Assembler(parsed)
        lines = raw.split(b"\n")
        for number, line in enumerate(lines, start=1):
            if number > MAX_LINES:
                parsed.errors.append(ItemError(LINE(line=number), TOO_MANY_LINES(limit=MAX_LINES)))
                break
            try:
                text = _line_text(number, line)
                if not text:
                    continue
                tag, sentence_text = split_tag_blocks(text)
                if not sentence_text:
                    raise LineError(NO_SENTENCE())
                sentence = parse_sentence(sentence_text, number, tag)
            except LineError as exc:
                parsed.errors.append(ItemError(LINE(line=number), exc.problem))
                continue
            parsed.sentences += 1
            if isinstance(sentence, str):
                parsed.skipped[sentence] += 1
                continue
            assembler.add(sentence)
        assembler.finish()
        parsed.errors.sort(key=_line_of)
        before = len(parsed.vessels)
        parsed.vessels = list(dict.fromkeys(parsed.vessels))
        if before > len(parsed.vessels):
            parsed.skipped["static data repeated within the message"] += before - len(parsed.vessels)
        if parsed.skipped:
            log.info(
                "ais-nmea: %d sentences, %d positions, %d static reports, %d errors; skipped %s",
                parsed.sentences,
                len(parsed.positions),
                len(parsed.vessels),
                len(parsed.errors),
                dict(parsed.skipped),
            )
        return parsed
