"""Mainland customs clearance status (R-TRK-5): where it comes from, and the format it arrives in.

China Customs publishes no API a port community system can call; a declarant learns the status
of its declaration from the China International Trade Single Window or its broker's system.
HarbourLink therefore reads clearance status through an interface, ``CustomsStatusSource``::

    CustomsStatusSource.statuses(declarations, since=...) -> [CustomsStatusReport]
    ├── SimulatedMainlandCustoms   deterministic by declaration number (demo, tests, benchmarks)
    └── (a Single Window or broker connector, when one is contracted)

Whatever the source, its answer enters HarbourLink like every other message: as a
``customs-status-json`` document sent by the customs company through the inbound path, kept raw
and replayable::

    {"source": "CN-SW",
     "reports": [{"declaration": "571020261000012345", "status": "ACPT",
                  "at": "2026-11-23T10:02:00+08:00", "port": "CNZSN", "direction": "IMPORT",
                  "bill_of_lading": "OOLU2611004213", "containers": ["TRIU8000016"],
                  "remark": "declaration accepted"}]}

Each report becomes one CUSTOMS event (``SUBM`` submitted, ``ACPT`` accepted, ``CUSS`` selected
for scan, ``CUSI`` selected for inspection, ``HOLD`` held, ``CUSR`` released, ``REJE``
rejected) naming the DECLARATION and, when given, the Master B/L and containers it covers, so a
search by any of them finds it. Times need an offset. Every error names its JSON path.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar, Protocol

from harbourlink.events import Classifier, EventDraft, EventType, Reference, content_key
from harbourlink.integrations.json_fields import NO_DOCUMENT, FieldError, load_document, text_field
from harbourlink.integrations.json_input import unreadable_part
from harbourlink.integrations.parsing import (
    MUST_BE_OBJECT,
    MUST_BE_STRING,
    NOT_ISO_TIME,
    NOT_ONE_OF,
    ItemError,
    Parsed,
    json_place,
)
from harbourlink.kernel import ValidationFailed
from harbourlink.kernel.phrases import N_, Phrase
from harbourlink.references import ReferenceType, parse_unlocode, validate_reference

FORMAT_NAME = "customs-status-json"
MAX_REPORTS = 100_000
DIRECTIONS = frozenset({"IMPORT", "EXPORT"})

NOT_UTF8 = Phrase("document_not_utf8", N_("the document is not UTF-8 text"))
NOT_A_DOCUMENT = Phrase("customs_not_a_document", N_('must be an object: {"source": ..., "reports": [...]}'))
NOT_A_SOURCE = Phrase("customs_source", N_("must be a string naming the status source"))
NO_REPORTS_ARRAY = Phrase("customs_reports_required", N_("is required: an array of status reports"))
NO_REPORTS = Phrase("customs_no_reports", N_("holds no status reports"))
TOO_MANY = Phrase("customs_too_many_reports", N_("more than %(limit)s reports; split the document"))
NO_OFFSET = Phrase(
    "customs_time_without_offset", N_("%(value)s has no offset; customs times are given with one (+08:00)")
)
CONTAINERS = Phrase("customs_containers", N_("must be an array of container numbers"))
NOT_A_DIRECTION = Phrase("customs_direction", N_("%(value)s is not IMPORT or EXPORT"))
TIME_EXAMPLE = "2026-11-23T10:02:00+08:00"


class CustomsStatus(StrEnum):
    """Clearance steps, by the codes HarbourLink's CUSTOMS events use (DCSA 3 where it has one)."""

    SUBM = "SUBM"
    ACPT = "ACPT"
    CUSS = "CUSS"
    CUSI = "CUSI"
    HOLD = "HOLD"
    CUSR = "CUSR"
    REJE = "REJE"


@dataclass(frozen=True, slots=True)
class CustomsStatusReport:
    """One status of one declaration, as a source reports it."""

    declaration: str
    status: CustomsStatus
    at: datetime
    port: str | None = None
    direction: str | None = None
    bill_of_lading: str | None = None
    containers: tuple[str, ...] = ()
    remark: str | None = None


class CustomsStatusSource(Protocol):
    """Somewhere clearance status can be asked for, by declaration number."""

    def statuses(self, declarations: list[str], *, since: datetime | None) -> list[CustomsStatusReport]:
        """The statuses of these declarations reached after ``since`` (all of them if None), oldest first."""
        ...


@dataclass(frozen=True, slots=True)
class LodgedDeclaration:
    """A declaration the simulated customs knows: when it was lodged and what it covers."""

    number: str
    lodged_at: datetime
    port: str
    direction: str
    bill_of_lading: str | None = None
    containers: tuple[str, ...] = ()


# (status, minutes after lodging: lowest, spread) per clearance path. Most declarations clear
# within hours; some are scanned or inspected first; a few are held and stay held in a day.
_PATHS: tuple[tuple[tuple[CustomsStatus, int, int], ...], ...] = (
    ((CustomsStatus.SUBM, 0, 0), (CustomsStatus.ACPT, 15, 30), (CustomsStatus.CUSR, 60, 120)),
    (
        (CustomsStatus.SUBM, 0, 0),
        (CustomsStatus.ACPT, 15, 30),
        (CustomsStatus.CUSS, 60, 60),
        (CustomsStatus.CUSR, 180, 60),
    ),
    (
        (CustomsStatus.SUBM, 0, 0),
        (CustomsStatus.ACPT, 15, 30),
        (CustomsStatus.CUSI, 60, 60),
        (CustomsStatus.CUSR, 300, 120),
    ),
    ((CustomsStatus.SUBM, 0, 0), (CustomsStatus.ACPT, 15, 30), (CustomsStatus.HOLD, 90, 60)),
)
_PATH_BY_BUCKET = (0, 0, 0, 0, 0, 1, 1, 1, 2, 3)
_REMARKS = {
    CustomsStatus.SUBM: "declaration submitted",
    CustomsStatus.ACPT: "declaration accepted",
    CustomsStatus.CUSS: "selected for non-intrusive scan",
    CustomsStatus.CUSI: "selected for physical inspection",
    CustomsStatus.HOLD: "held: documents requested",
    CustomsStatus.CUSR: "released",
    CustomsStatus.REJE: "rejected",
}


def clearance_path(declaration: str) -> list[tuple[CustomsStatus, timedelta]]:
    """The statuses a declaration goes through in the simulation and when, after lodging.

    Chosen from a digest of the number alone, so a declaration clears the same way in every run.
    """
    digest = hashlib.sha256(declaration.encode()).digest()
    steps = _PATHS[_PATH_BY_BUCKET[digest[0] % len(_PATH_BY_BUCKET)]]
    path = []
    for index, (status, lowest, spread) in enumerate(steps):
        minutes = lowest + (digest[index + 1] % (spread + 1) if spread else 0)
        path.append((status, timedelta(minutes=minutes)))
    return path


class SimulatedMainlandCustoms:
    """A ``CustomsStatusSource`` for the demo and tests: each declaration follows ``clearance_path``.

    ``now`` is the source's clock (the simulator's); nothing after it is reported.
    """

    def __init__(self, declarations: Iterable[LodgedDeclaration], *, now: Callable[[], datetime]):
        self._declarations = {d.number: d for d in declarations}
        self._now = now

    def statuses(self, declarations: list[str], *, since: datetime | None) -> list[CustomsStatusReport]:
        """Statuses reached in (since, now] for the known declarations asked for; unknown ones say nothing."""
        until = self._now()
        reports = []
        for number in declarations:
            lodged = self._declarations.get(number)
            if lodged is None:
                continue
            for status, offset in clearance_path(number):
                at = lodged.lodged_at + offset
                if at <= until and (since is None or at > since):
                    reports.append(
                        CustomsStatusReport(
                            declaration=number,
                            status=status,
                            at=at,
                            port=lodged.port,
                            direction=lodged.direction,
                            bill_of_lading=lodged.bill_of_lading,
                            containers=lodged.containers,
                            remark=_REMARKS[status],
                        )
                    )
        return sorted(reports, key=lambda r: (r.at, r.declaration))


def render_reports(reports: Iterable[CustomsStatusReport], *, source: str) -> bytes:
    """A ``customs-status-json`` document holding the reports (times as given, with their offset)."""
    items = []
    for report in reports:
        item: dict[str, Any] = {
            "declaration": report.declaration,
            "status": report.status.value,
            "at": report.at.isoformat(),
        }
        optional = {
            "port": report.port,
            "direction": report.direction,
            "bill_of_lading": report.bill_of_lading,
            "containers": list(report.containers) or None,
            "remark": report.remark,
        }
        item.update({key: value for key, value in optional.items() if value is not None})
        items.append(item)
    return json.dumps({"source": source, "reports": items}, ensure_ascii=False).encode()


def _reference(kind: ReferenceType, raw: str, path: str) -> Reference:
    try:
        return Reference(kind.value, validate_reference(kind, raw, field=None))
    except ValidationFailed as exc:
        raise FieldError(path, exc.wording) from None


def _time(raw: str, path: str) -> datetime:
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise FieldError(path, NOT_ISO_TIME(value=repr(raw), example=TIME_EXAMPLE)) from None
    if moment.tzinfo is None:
        raise FieldError(path, NO_OFFSET(value=repr(raw)))
    return moment


def _references(item: dict[str, Any], path: str) -> list[Reference]:
    declaration = text_field(item, "declaration", path, required=True) or ""
    references = [_reference(ReferenceType.DECLARATION, declaration, f"{path}.declaration")]
    bill = text_field(item, "bill_of_lading", path, required=False)
    if bill is not None:
        references.append(_reference(ReferenceType.MBL, bill, f"{path}.bill_of_lading"))
    containers = item.get("containers", [])
    if not isinstance(containers, list):
        raise FieldError(f"{path}.containers", CONTAINERS())
    for index, number in enumerate(containers):
        where = f"{path}.containers[{index}]"
        if not isinstance(number, str):
            raise FieldError(where, MUST_BE_STRING())
        references.append(_reference(ReferenceType.CONTAINER, number, where))
    return list(dict.fromkeys(references))


def _draft(item: dict[str, Any], path: str, source: str) -> EventDraft:
    references = _references(item, path)
    status = (text_field(item, "status", path, required=True) or "").upper()
    if status not in CustomsStatus.__members__:
        raise FieldError(f"{path}.status", NOT_ONE_OF(value=repr(status), choices=", ".join(CustomsStatus)))
    at = _time(text_field(item, "at", path, required=True) or "", f"{path}.at")
    port = text_field(item, "port", path, required=False)
    if port is not None:
        try:
            port = parse_unlocode(port).value
        except ValidationFailed as exc:
            raise FieldError(f"{path}.port", exc.wording) from None
    direction = text_field(item, "direction", path, required=False)
    if direction is not None and direction.upper() not in DIRECTIONS:
        raise FieldError(f"{path}.direction", NOT_A_DIRECTION(value=repr(direction)))
    remark = text_field(item, "remark", path, required=False)
    details = {
        key: value
        for key, value in (("direction", direction and direction.upper()), ("remark", remark), ("source", source))
        if value
    }
    declaration = references[0].value
    return EventDraft(
        source_key=f"customs:{declaration}:" + content_key(status, at),
        event_type=EventType.CUSTOMS,
        event_code=status,
        classifier=Classifier.ACT,
        event_time=at,
        references=references,
        location=port,
        details=details,
        origin=json_place(path),
        key_from_content=True,
    )


class CustomsStatusJsonAdapter:
    name: ClassVar[str] = FORMAT_NAME
    title: ClassVar[str] = "Customs clearance status reports (JSON; mainland declarations)"
    media_type: ClassVar[str] = "application/json"

    def parse(self, raw: bytes) -> Parsed:
        parsed = Parsed()
        document = load_document(raw, parsed, decode=lambda body: body.decode("utf-8-sig"), not_text=NOT_UTF8)
        if document is NO_DOCUMENT:
            return parsed
        if not isinstance(document, dict):
            parsed.errors.append(ItemError(json_place("$"), NOT_A_DOCUMENT()))
            return parsed
        source = document.get("source")
        if source is not None and not isinstance(source, str):
            parsed.errors.append(ItemError(json_place("$.source"), NOT_A_SOURCE()))
            return parsed
        reports = document.get("reports")
        if not isinstance(reports, list):
            parsed.errors.append(ItemError(json_place("$.reports"), NO_REPORTS_ARRAY()))
            return parsed
        if not reports:
            parsed.errors.append(ItemError(json_place("$.reports"), NO_REPORTS()))
        if len(reports) > MAX_REPORTS:
            parsed.errors.append(ItemError(json_place("$.reports"), TOO_MANY(limit=MAX_REPORTS)))
            return parsed
        for index, item in enumerate(reports):
            path = f"$.reports[{index}]"
            try:
                if not isinstance(item, dict):
                    raise FieldError(path, MUST_BE_OBJECT())
                unreadable = unreadable_part(item, path, depth=2)
                if unreadable is not None:
                    raise FieldError(*unreadable)
                parsed.events.append(_draft(item, path, source or ""))
            except FieldError as error:
                parsed.errors.append(ItemError(json_place(error.path), error.problem))
        return parsed
