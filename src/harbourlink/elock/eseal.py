"""The eSeal text protocol of e-locks (the family Traccar decodes as ``eseal``), pure: no I/O.

One sentence per report, ASCII, framed by ``##S,`` and ``E##`` (a line end usually follows)::

    ##S,eSeal,<device id>,<customer id>,<firmware>,<type>,<index>,<yyyy-mm-dd>,<hh:mm:ss>,<interval>,
        <A|V>,<lat><N|S> <lon><E|W>,<course>,<speed km/h>,<Open|Close>,<acceleration>,<nfc>,<battery V>,<rssi>,E##

Each positioned type is answered with ``<the sentence up to its type><type> ACK,<index>,E##``; a
``Startup`` also gets the configuration the lock should take (``Startup ACK,<index>,<config>,E##``).
Short forms (``Startup OK``, ``RC-NFC DEL ACK`` …: the device acknowledging a command) carry no
position and get no answer. ``V`` means the lock has no GPS fix: the sentence still tells the lock's
state and its event, its position is dropped. Date and time are the lock's clock, in UTC.

``Framer`` cuts a byte stream into sentences whatever the chunks a socket delivers: a sentence split
across reads is joined, bytes outside any sentence come out as ``Garbage`` (kept, never dropped
silently), and a sentence cut off by the start of another is garbage too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from harbourlink.trucking.domain import Fix  # the position value object trucks use; its pure module, not the package

START, END = b"##S,", b"E##"
MAX_SENTENCE_BYTES = 512
"""Well above the longest real sentence (about 150 bytes): anything longer is garbage, not a sentence."""
DEFAULT_CONFIG = "0"
"""What a ``Startup ACK`` tells the lock when its registry entry gives nothing else."""


class SentenceType(StrEnum):
    STARTUP = "Startup"
    NORMAL = "Normal"
    BUTTON_NORMAL = "Button-Normal"
    TERMINATION = "Termination"
    DOOR = "Event-Door"
    SHOCK = "Event-Shock"
    DROP = "Event-Drop"
    LOCK = "Event-Lock"
    RC_UNLOCK = "Event-RC-Unlock"


TAMPER_TYPES = frozenset({SentenceType.DOOR, SentenceType.SHOCK, SentenceType.DROP})
"""The lock says it was opened, hit or dropped: tampering when it happens sealed, away from a control point."""


class EsealError(ValueError):
    """A sentence that cannot be read, naming the field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class Sentence:
    """One decoded positioned sentence. ``fix`` is None when the lock had no GPS fix (``V``)."""

    device_id: str
    customer_id: str
    firmware: str
    type: SentenceType
    index: int
    at: datetime
    interval_s: int
    fix: Fix | None
    door_open: bool
    acceleration: float
    nfc: str
    battery_v: float
    rssi: int
    prefix: str
    """The sentence up to its type (``##S,eSeal,<id>,<customer>,<firmware>,``): the ACK repeats it."""


@dataclass(frozen=True, slots=True)
class Reply:
    """A short form: the lock acknowledging a command (``Startup OK``, ``RC-NFC DEL ACK``); no position."""

    device_id: str
    text: str


_FIELDS = (
    "start",
    "family",
    "device_id",
    "customer_id",
    "firmware",
    "type",
    "index",
    "date",
    "time",
    "interval",
    "validity",
    "position",
    "course",
    "speed",
    "door",
    "acceleration",
    "nfc",
    "battery",
    "rssi",
    "end",
)
_COORDINATE = re.compile(r"(\d{1,2}\.\d+)([NS]) (\d{1,3}\.\d+)([EW])")
_DEVICE = re.compile(r"[0-9A-Za-z]{1,32}")


def _number(field: str, text: str, kind: type[int] | type[float]) -> float:
    try:
        return kind(text)
    except ValueError:
        raise EsealError(field, f"{text!r} is not a number") from None


def decode(text: str) -> Sentence | Reply:
    """One sentence, ``##S,`` to ``E##`` (surrounding whitespace ignored)."""
    text = text.strip()
    if not text.startswith(START.decode()) or not text.endswith(END.decode()):
        raise EsealError("sentence", "a sentence starts with '##S,' and ends with 'E##'")
    parts = text.split(",")
    if len(parts) < 4:
        raise EsealError("sentence", "too few fields: expected the device family and id")
    if parts[1] != "eSeal":
        raise EsealError("family", f"{parts[1]!r} is not eSeal")
    if not _DEVICE.fullmatch(parts[2]):
        raise EsealError("device_id", f"{parts[2]!r} is not a device id (letters and digits, at most 32)")
    if len(parts) != len(_FIELDS):
        if len(parts) <= 7 and parts[-2] not in SentenceType.__members__.values():
            return Reply(parts[2], ",".join(parts[5:-1]) or ",".join(parts[3:-1]))
        raise EsealError("sentence", f"{len(parts)} fields; a positioned sentence has {len(_FIELDS)}")
    field = dict(zip(_FIELDS, parts, strict=True))
    try:
        kind = SentenceType(field["type"])
    except ValueError:
        raise EsealError("type", f"{field['type']!r} is not a sentence type") from None
    try:
        at = datetime.strptime(f"{field['date']} {field['time']}", "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        raise EsealError("date", f"{field['date']} {field['time']} is not yyyy-mm-dd hh:mm:ss") from None
    if field["validity"] not in ("A", "V"):
        raise EsealError("validity", f"{field['validity']!r} is neither A (fix) nor V (no fix)")
    if field["door"] not in ("Open", "Close"):
        raise EsealError("door", f"{field['door']!r} is neither Open nor Close")
    fix = _fix(field, at) if field["validity"] == "A" else None
    return Sentence(
        device_id=field["device_id"],
        customer_id=field["customer_id"],
        firmware=field["firmware"],
        type=kind,
        index=int(_number("index", field["index"], int)),
        at=at,
        interval_s=int(_number("interval", field["interval"], int)),
        fix=fix,
        door_open=field["door"] == "Open",
        acceleration=_number("acceleration", field["acceleration"], float),
        nfc=field["nfc"],
        battery_v=_number("battery", field["battery"], float),
        rssi=int(_number("rssi", field["rssi"], int)),
        prefix=",".join(parts[:5]) + ",",
    )


def _fix(field: dict[str, str], at: datetime) -> Fix:
    speed = _number("speed", field["speed"], float)
    course = _number("course", field["course"], float)
    found = _COORDINATE.fullmatch(field["position"])
    if found is None:
        raise EsealError("position", f"{field['position']!r} is not '<lat><N|S> <lon><E|W>'")
    lat = float(found[1]) * (1 if found[2] == "N" else -1)
    lon = float(found[3]) * (1 if found[4] == "E" else -1)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise EsealError("position", f"{lat}, {lon} is off the globe")
    return Fix(at=at, latitude=lat, longitude=lon, speed_kmh=speed, heading=course % 360)


def ack(sentence: Sentence, *, config: str = DEFAULT_CONFIG) -> bytes:
    """The answer the lock waits for before it sends the next sentence (it repeats a sentence until then)."""
    payload = f"{sentence.index},{config}" if sentence.type is SentenceType.STARTUP else str(sentence.index)
    return f"{sentence.prefix}{sentence.type.value} ACK,{payload},E##\r\n".encode("ascii")


def unlock_command(sentence: Sentence) -> bytes:
    """The server's remote unlock, addressed to the lock that sent ``sentence``."""
    return f"##S,eSeal,{sentence.device_id},256,{sentence.firmware},RC-Unlock,E##\r\n".encode("ascii")


@dataclass(frozen=True, slots=True)
class Frame:
    """A complete sentence's bytes (``garbage`` False) or bytes that belong to no sentence (``garbage`` True)."""

    data: bytes
    garbage: bool = False


class Framer:
    """Cuts a stream into frames; ``feed`` what a read gave, ``close`` at the end of the stream.

    Every byte fed comes out in exactly one frame, in order (blank space between sentences excepted),
    so what the lock sent can always be archived as it was; the frames do not depend on where the reads
    cut the stream (as long as no run of garbage is longer than ``max_bytes``).
    """

    def __init__(self, max_bytes: int = MAX_SENTENCE_BYTES) -> None:
        self._buffer = bytearray()
        self._max = max_bytes

    def feed(self, data: bytes) -> list[Frame]:
        self._buffer += data
        frames: list[Frame] = []
        while self._buffer:
            start = self._buffer.find(START)
            if start == -1:
                # garbage is held until the next sentence starts, so its pieces do not depend on how reads cut it
                if len(self._buffer) > self._max:
                    self._emit_garbage(frames, len(self._buffer) - _marker_tail(self._buffer))
                break
            if start:
                self._emit_garbage(frames, start)
                continue
            end = self._buffer.find(END, len(START))
            following = self._buffer.find(START, len(START))
            if following != -1 and (end == -1 or following < end):
                self._emit_garbage(frames, following)  # a sentence cut off by the next one
                continue
            if end == -1:
                if len(self._buffer) > self._max:
                    self._emit_garbage(frames, len(self._buffer) - _marker_tail(self._buffer))
                break
            stop = end + len(END)
            frames.append(Frame(bytes(self._buffer[:stop])))
            del self._buffer[:stop]
        return frames

    def close(self) -> list[Frame]:
        frames: list[Frame] = []
        self._emit_garbage(frames, len(self._buffer))
        return frames

    def _emit_garbage(self, frames: list[Frame], length: int) -> None:
        chunk = bytes(self._buffer[:length])
        del self._buffer[:length]
        if chunk.strip():
            frames.append(Frame(chunk, garbage=True))


def _marker_tail(buffer: bytearray) -> int:
    """How many bytes at the end of ``buffer`` could begin a start marker."""
    for size in range(len(START) - 1, 0, -1):
        if buffer.endswith(START[:size]):
            return size
    return 0
