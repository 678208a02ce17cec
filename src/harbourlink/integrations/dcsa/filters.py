"""The filters of DCSA Track & Trace 2.2: ``GET /v2/events`` query parameters and subscriptions' bodies.

Between filters the logic is AND; within a comma-separated list, OR. A filter on a family's code
(``shipmentEventTypeCode`` …) or on ``documentTypeCode`` keeps only that family, as the spec
says of combining ``shipmentEventTypeCode=DRFT`` with ``equipmentEventTypeCode=GTIN`` (no
event can match both). ``matches`` decides on an event in its 2.2 form; the store narrows by the
same filters in SQL first (``tracking.subscriptions``), so both ways agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from harbourlink.integrations.dcsa.render import V22_CODES, V22_DOCUMENT_TYPES, V22_TYPES
from harbourlink.integrations.dcsa.schema import parse_date_time
from harbourlink.kernel import ValidationFailed

OPERATORS = ("gte", "gt", "lte", "lt", "eq")
LIMITS = {
    "carrierBookingReference": 35,
    "transportDocumentReference": 20,
    "transportCallID": 100,
    "vesselIMONumber": 7,
    "carrierVoyageNumber": 50,
    "exportVoyageNumber": 50,
    "carrierServiceCode": 5,
    "UNLocationCode": 5,
    "equipmentReference": 15,
}
LISTS = {
    "eventType": frozenset(V22_TYPES),
    "shipmentEventTypeCode": V22_CODES["SHIPMENT"],
    "documentTypeCode": V22_DOCUMENT_TYPES,
    "transportEventTypeCode": V22_CODES["TRANSPORT"],
    "equipmentEventTypeCode": V22_CODES["EQUIPMENT"],
}
DEPRECATED_ALIASES = {"bookingReference": "carrierBookingReference"}
UNSUPPORTED = {
    "transportDocumentID": "use transportDocumentReference",
    "scheduleID": "deprecated by DCSA",
    "transportDocumentTypeCode": "deprecated by DCSA",
}
FAMILY_OF_LIST = {
    "shipmentEventTypeCode": "SHIPMENT",
    "documentTypeCode": "SHIPMENT",
    "transportEventTypeCode": "TRANSPORT",
    "equipmentEventTypeCode": "EQUIPMENT",
}


def _invalid(name: str, message: str, value: object = None) -> ValidationFailed:
    return ValidationFailed(f"{name}: {message}", code="invalid_filter", data={"field": name, "value": value})


@dataclass(frozen=True)
class TntFilters:
    """One set of 2.2 filters; empty means everything."""

    eventType: frozenset[str] = frozenset()  # noqa: N815 - DCSA's own names
    shipmentEventTypeCode: frozenset[str] = frozenset()  # noqa: N815
    documentTypeCode: frozenset[str] = frozenset()  # noqa: N815
    transportEventTypeCode: frozenset[str] = frozenset()  # noqa: N815
    equipmentEventTypeCode: frozenset[str] = frozenset()  # noqa: N815
    carrierBookingReference: str | None = None  # noqa: N815
    transportDocumentReference: str | None = None  # noqa: N815
    transportCallID: str | None = None  # noqa: N815
    vesselIMONumber: str | None = None  # noqa: N815
    carrierVoyageNumber: str | None = None  # noqa: N815
    exportVoyageNumber: str | None = None  # noqa: N815
    carrierServiceCode: str | None = None  # noqa: N815
    UNLocationCode: str | None = None
    equipmentReference: str | None = None  # noqa: N815
    eventCreatedDateTime: tuple[tuple[str, datetime], ...] = field(default=())  # noqa: N815

    def families(self) -> frozenset[str]:
        """The event types these filters can match at all."""
        allowed = set(self.eventType or V22_TYPES)
        for name, family in FAMILY_OF_LIST.items():
            if getattr(self, name):
                allowed &= {family}
        return frozenset(allowed)

    def as_json(self) -> dict[str, Any]:
        """The filters as 2.2 names them (lists as sorted lists), for cursors and subscriptions."""
        out: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "eventCreatedDateTime":
                if value:
                    out[item.name] = [[op, moment.isoformat()] for op, moment in value]
            elif isinstance(value, frozenset):
                if value:
                    out[item.name] = sorted(value)
            elif value is not None:
                out[item.name] = value
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TntFilters:
        """The inverse of ``as_json`` (trusted input: a signed cursor or a stored subscription)."""
        values: dict[str, Any] = {}
        for item in fields(cls):
            if item.name not in data:
                continue
            raw = data[item.name]
            if item.name == "eventCreatedDateTime":
                values[item.name] = tuple((op, datetime.fromisoformat(moment)) for op, moment in raw)
            elif item.name in LISTS:
                values[item.name] = frozenset(raw)
            else:
                values[item.name] = raw
        return cls(**values)


def _list(name: str, raw: Iterable[str]) -> frozenset[str]:
    codes = frozenset(code.strip() for code in raw if code.strip())
    unknown = sorted(codes - LISTS[name])
    if unknown:
        raise _invalid(
            name, f"unknown value(s) {', '.join(unknown)}; allowed: {', '.join(sorted(LISTS[name]))}", unknown
        )
    return codes


def _single(name: str, raw: object) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise _invalid(name, "give one non-empty value", raw)
    value = raw.strip()
    if len(value) > LIMITS[name]:
        raise _invalid(name, f"at most {LIMITS[name]} characters", raw)
    return value


def _moment(name: str, raw: str) -> datetime:
    text = raw.strip().replace(" ", "+")  # an unencoded '+' in a URL arrives as a space
    try:
        return parse_date_time(text)
    except ValueError:
        raise _invalid(name, f"{raw!r} is not a date-time with offset, e.g. 2021-04-01T14:12:56+01:00", raw) from None


def filters_from_query(items: Iterable[tuple[str, str]]) -> TntFilters:
    """``GET /v2/events`` parameters (other than limit, cursor, sort) as filters; unknown names are refused."""
    values: dict[str, Any] = {}
    created: list[tuple[str, datetime]] = []
    for raw_name, raw in items:
        name = DEPRECATED_ALIASES.get(raw_name, raw_name)
        base, _, operator = name.partition(":")
        if base == "eventCreatedDateTime":
            if operator and operator not in OPERATORS:
                raise _invalid(raw_name, f"unknown operator; use one of {', '.join(':' + o for o in OPERATORS)}")
            created.append((operator or "eq", _moment(raw_name, raw)))
        elif name in UNSUPPORTED:
            raise _invalid(name, f"not supported: {UNSUPPORTED[name]}")
        elif name in LISTS:
            values[name] = values.get(name, frozenset()) | _list(name, raw.split(","))
        elif name in LIMITS:
            if name in values:
                raise _invalid(name, "give it once")
            values[name] = _single(name, raw)
        else:
            raise _invalid(raw_name, "unknown query parameter")
    return TntFilters(eventCreatedDateTime=tuple(created), **values)


def filters_from_subscription(body: dict[str, Any]) -> TntFilters:
    """The filters of a (schema-valid) 2.2 subscription body; callbackUrl, secret and id are not filters."""
    values: dict[str, Any] = {}
    for raw_name, raw in body.items():
        name = DEPRECATED_ALIASES.get(raw_name, raw_name)
        if name in ("callbackUrl", "secret", "subscriptionID"):
            continue
        if name in UNSUPPORTED:
            raise _invalid(name, f"not supported: {UNSUPPORTED[name]}")
        if name in LISTS:
            if not isinstance(raw, list):
                raise _invalid(name, "is a list", raw)
            values[name] = _list(name, raw)
        elif name in LIMITS:
            values[name] = _single(name, raw)
        else:
            raise _invalid(name, "unknown subscription field")
    return TntFilters(**values)


def _transport_call(event: dict[str, Any]) -> dict[str, Any]:
    call = event.get("transportCall")
    return call if isinstance(call, dict) else {}


def matches(filters: TntFilters, event: dict[str, Any]) -> bool:
    """Whether a 2.2 event meets the filters the store cannot test in SQL (codes, transport call, voyage, service)."""
    if filters.documentTypeCode and event.get("documentTypeCode") not in filters.documentTypeCode:
        return False
    call = _transport_call(event)
    if filters.transportCallID is not None and filters.transportCallID not in (
        call.get("transportCallID"),
        event.get("transportCallID"),
    ):
        return False
    voyages = (call.get("exportVoyageNumber"), call.get("carrierVoyageNumber"))  # the same voyage, old and new name
    for wanted in (filters.carrierVoyageNumber, filters.exportVoyageNumber):
        if wanted is not None and wanted not in voyages:
            return False
    return filters.carrierServiceCode is None or call.get("carrierServiceCode") == filters.carrierServiceCode
