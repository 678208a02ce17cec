"""Pure rules of road cargo: the CCRN and UBR numbers, the control points, the legal data set, the lodging
window and the binding's times.

No I/O here: the clock's reading and the random digits come in from the caller.

Numbers (docs/formats.md): both are eleven digits, so a driver can key them on a telephone's keypad;
the last is a Damm check digit over the first ten, which catches every single mistyped digit and
every swap of two neighbouring digits. A CCRN starts with 1 to 8, a UBR with 9, so one typed into
the other's field is refused as well.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from stdnum import damm

NUMBER_LENGTH = 11
UBR_LEAD = "9"
CROSSING_AFTER_BINDING = timedelta(minutes=30)
"""R-ROAD-4: a binding must be made at least 30 minutes before the truck crosses."""
LODGE_AT_MOST = timedelta(days=14)
LODGE_AT_LEAST = timedelta(minutes=30)
"""R-ROAD-1: advance cargo information is lodged between 14 days and 30 minutes before crossing."""

MAX_PACKAGES = 999_999
TEXT_LIMITS: dict[str, int] = {
    "package_description": 100,
    "goods_description": 500,
    "consignor_name": 140,
    "consignor_address": 350,
    "consignee_name": 140,
    "consignee_address": 350,
    "submitter_reference": 35,
}
MAX_BATCH = 100
MAX_QUERY_TEXT = 2000
MAX_ATTACHMENTS = 3
MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024
"""Three files of this size, in base64 in a JSON reply, stay under the platform's request limit (10 MiB)."""
ATTACHMENT_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
"""What a reply may carry, told by the first bytes (never by the file's name): a document or a photo of one."""
MAX_FILENAME = 120


class Direction(StrEnum):
    """Into Hong Kong from the mainland or Macao, or out of it."""

    IMPORT = "import"
    EXPORT = "export"


class ControlPoint(StrEnum):
    """The seven land boundary control points, by stable code; ``keypad`` is the phone channel's digit."""

    SHA_TAU_KOK = "STK"
    MAN_KAM_TO = "MKT"
    LOK_MA_CHAU = "LMC"
    SHENZHEN_BAY = "SZB"
    HZMB_MAINLAND = "HZM"
    HZMB_MACAO = "HZO"
    HEUNG_YUEN_WAI = "HYW"

    @property
    def keypad(self) -> int:
        return list(ControlPoint).index(self) + 1

    @property
    def english(self) -> str:
        return CONTROL_POINT_NAMES[self]


CONTROL_POINT_NAMES: dict[ControlPoint, str] = {
    ControlPoint.SHA_TAU_KOK: "Sha Tau Kok",
    ControlPoint.MAN_KAM_TO: "Man Kam To",
    ControlPoint.LOK_MA_CHAU: "Lok Ma Chau",
    ControlPoint.SHENZHEN_BAY: "Shenzhen Bay",
    ControlPoint.HZMB_MAINLAND: "HZMB Hong Kong Port (to/from the mainland)",
    ControlPoint.HZMB_MACAO: "HZMB Hong Kong Port (to/from Macao)",
    ControlPoint.HEUNG_YUEN_WAI: "Heung Yuen Wai",
}


def control_point_by_keypad(digit: int) -> ControlPoint | None:
    """The control point a phone caller chose with digits 1 to 7."""
    points = list(ControlPoint)
    return points[digit - 1] if 1 <= digit <= len(points) else None


class ConsignmentStatus(StrEnum):
    LODGED = "lodged"
    BOUND = "bound"
    CANCELLED = "cancelled"


class Channel(StrEnum):
    """How a binding was made: the web page, a company's system, or the phone (IVRS)."""

    WEB = "web"
    API = "api"
    PHONE = "phone"


def _digits(raw: str) -> str:
    return "".join(raw.split()).replace("-", "")


def _number(body: str) -> str:
    return body + str(damm.calc_check_digit(body))


def new_ccrn(random_digits: str) -> str:
    """A CCRN from ten random digits: a lead digit 1 to 8 made of the first, the check digit last."""
    lead = str(int(random_digits[0]) % 8 + 1)
    return _number(lead + random_digits[1:10])


def new_ubr(random_digits: str) -> str:
    """A UBR from nine random digits: 9, the digits, the check digit."""
    return _number(UBR_LEAD + random_digits[:9])


def _checked(raw: str, *, ubr: bool) -> str | None:
    number = _digits(raw)
    if len(number) != NUMBER_LENGTH or not number.isascii() or not number.isdigit():
        return None
    if (number[0] == UBR_LEAD) != ubr or number[0] == "0" or not damm.is_valid(number):
        return None
    return number


def parse_ccrn(raw: str) -> str | None:
    """The CCRN a typed text spells (spaces and dashes ignored), or None when its form or check digit is wrong."""
    return _checked(raw, ubr=False)


def parse_ubr(raw: str) -> str | None:
    """The UBR a typed text spells, or None when its form or check digit is wrong."""
    return _checked(raw, ubr=True)


@dataclass(frozen=True, slots=True)
class CargoData:
    """The legal minimum data set of a consignment (8 items) with its direction and the submitter's own
    reference."""

    direction: Direction
    packages: int
    package_description: str
    goods_description: str
    consignor_name: str
    consignor_address: str
    consignee_name: str
    consignee_address: str
    expected_at: datetime
    """The expected date and time of arrival (import) or departure (export) at the boundary."""
    submitter_reference: str = ""


DATA_SET_FIELDS = (
    "packages",
    "package_description",
    "goods_description",
    "consignor_name",
    "consignor_address",
    "consignee_name",
    "consignee_address",
    "expected_at",
)
"""The eight items the law asks for, in the order forms and files list them."""


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong with one item: its field, a stable code and an English sentence."""

    field: str
    code: str
    message: str


def data_problems(data: CargoData) -> list[Problem]:
    """Every item of the data set that is missing or out of bounds (the window is checked apart)."""
    problems: list[Problem] = []
    if not 1 <= data.packages <= MAX_PACKAGES:
        problems.append(
            Problem("packages", "invalid_number", f"packages: {data.packages} is outside 1 to {MAX_PACKAGES}")
        )
    for name, limit in TEXT_LIMITS.items():
        value: str = getattr(data, name)
        if not value.strip() and name != "submitter_reference":
            problems.append(Problem(name, "required", f"{name} is required"))
        elif len(value) > limit:
            problems.append(Problem(name, "string_too_long", f"{name}: longer than {limit} characters"))
        elif "\x00" in value:
            problems.append(Problem(name, "invalid_character", f"{name}: holds a NUL character"))
    if data.expected_at.tzinfo is None:
        problems.append(Problem("expected_at", "naive_time", "expected_at: give the time with its UTC offset"))
    return problems


def window_problem(expected_at: datetime, *, now: datetime) -> Problem | None:
    """Lodged (or amended) between 14 days and 30 minutes before the expected crossing, else why not."""
    # In UTC: two times of the same zone subtract as wall clocks, which is wrong across a daylight-saving change.
    ahead = expected_at.astimezone(UTC) - now.astimezone(UTC)
    if ahead < LODGE_AT_LEAST:
        return Problem(
            "expected_at",
            "too_late_to_lodge",
            "expected_at: cargo information is lodged at least 30 minutes before crossing",
        )
    if ahead > LODGE_AT_MOST:
        return Problem(
            "expected_at",
            "too_early_to_lodge",
            "expected_at: cargo information is lodged at most 14 days before crossing",
        )
    return None


def earliest_crossing(bound_at: datetime) -> datetime:
    """When a bound truck may cross at the earliest: 30 minutes after binding (15:35:16 → 16:05:16)."""
    # Added in UTC and said in the binding's zone: adding to a zone's wall clock goes wrong across a
    # daylight-saving change (a driver's phone set to another zone than Hong Kong's).
    return (bound_at.astimezone(UTC) + CROSSING_AFTER_BINDING).astimezone(bound_at.tzinfo)


def change_refusal(status: ConsignmentStatus) -> str | None:
    """Why a consignment's data cannot be amended or cancelled now, or None while it can."""
    if status is ConsignmentStatus.BOUND:
        return "the consignment is bound to a vehicle: cancel the binding first, then amend or cancel it"
    if status is ConsignmentStatus.CANCELLED:
        return "the consignment was cancelled"
    return None


CONTROL_POINT_POSITIONS: dict[ControlPoint, tuple[float, float]] = {
    ControlPoint.SHA_TAU_KOK: (22.5447, 114.2236),
    ControlPoint.MAN_KAM_TO: (22.5295, 114.1275),
    ControlPoint.LOK_MA_CHAU: (22.5147, 114.0686),
    ControlPoint.SHENZHEN_BAY: (22.5034, 113.9452),
    ControlPoint.HZMB_MAINLAND: (22.3130, 113.9497),
    ControlPoint.HZMB_MACAO: (22.3130, 113.9497),
    ControlPoint.HEUNG_YUEN_WAI: (22.5576, 114.1347),
}
"""Where each control point's vehicle clearance lies (latitude, longitude), read off public maps to about
100 m: good enough for a distance and an arrival estimate, not for navigation. The HZMB port serves both
routes from one place."""


class Decision(StrEnum):
    """Customs' instruction at the kiosk (R-ROAD-8): drive on, or go to inspection."""

    GO = "go"
    INSPECT = "inspect"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """What the rules propose to the officer, and why (a stable code)."""

    decision: Decision
    reason: str


def sample_draw(ubr: str) -> float:
    """The binding's place in [0, 1) for random sampling: drawn from its UBR, so every page and the API
    suggest the same for the same binding, and a driver cannot improve the odds by reloading."""
    digest = hashlib.sha256(ubr.encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def suggest(*, ubr: str, open_queries: int, sample_percent: float) -> Suggestion:
    """INSPECT when customs still waits for an answer on one of the consignments, or when the binding falls
    in the random sample; GO otherwise."""
    if open_queries:
        return Suggestion(Decision.INSPECT, "open_query")
    if sample_draw(ubr) * 100 < sample_percent:
        return Suggestion(Decision.INSPECT, "random_sample")
    return Suggestion(Decision.GO, "no_rule")


def attachment_type(data: bytes) -> str | None:
    """The content type of a PDF, JPEG or PNG file by its first bytes, else None."""
    return next((content_type for magic, content_type in ATTACHMENT_MAGIC if data.startswith(magic)), None)


def clean_filename(raw: str) -> str:
    """The name a file is offered under: its last path part, printable, at most ``MAX_FILENAME`` characters."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>')
    return name.strip()[-MAX_FILENAME:] or "file"


REMIND_WITHIN = timedelta(minutes=45)
"""A driver whose truck is closer than this to the control point, in time, is reminded to bind."""
PLANNED_CROSSING_SLACK = timedelta(hours=12)
"""A consignment is taken as this trip's cargo only if its expected crossing is this close to the truck's arrival:
a vehicle planned for next week's crossing passing the control point today is not reminded."""


def due_to_bind(*, arrival: datetime, position_at: datetime, expected_at: datetime) -> bool:
    """Whether a truck arriving at ``arrival`` (estimated from its position at ``position_at``) should bind now
    a consignment expected at the boundary at ``expected_at``."""
    return arrival - position_at < REMIND_WITHIN and abs(expected_at - arrival) <= PLANNED_CROSSING_SLACK
