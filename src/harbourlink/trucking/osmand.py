"""The OsmAnd position protocol over HTTP, in the two forms Traccar's decoder accepts.

**Query form** (OsmAnd, Traccar Client's older versions, many GPS trackers), GET or POST, the
parameters in the URL or, when the URL has none, form-encoded in the body::

    /osmand?id=DEVICE&lat=22.35&lon=114.12&timestamp=1767225600&speed=12&bearing=90&altitude=8&accuracy=5&batt=80

``deviceid`` may replace ``id``, ``location=lat,lon`` may replace ``lat`` and ``lon``, ``heading``
may replace ``bearing``. ``timestamp`` is Unix seconds, Unix milliseconds (any value past 2^31),
ISO 8601, or ``yyyy-MM-dd HH:mm:ss`` (read as UTC); without it, the time the report arrived.
``speed`` is in **knots** (Traccar's unit); ``batt`` in percent. Empty parameters are ignored.

**JSON form** (the current Traccar Client; ``Content-Type: application/json``)::

    {"location": {"timestamp": ISO 8601, "coords": {"latitude", "longitude", "accuracy", "speed",
     "heading", "altitude"}, "is_moving", "odometer", "battery": {"level": 0–1, "is_charging"},
     "activity": {"type"}, "extras": {}}, "device_id": "…"}

``speed`` is in **metres per second**; a negative speed, heading or battery level means unknown.

Both become one ``Fix`` with its speed in km/h (what HarbourLink stores), or an ``OsmandError``
naming the parameter or JSON path at fault. Pure: no I/O.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from harbourlink.trucking.domain import KNOTS_TO_KMH, MPS_TO_KMH, Fix

MAX_REPORT_BYTES = 16 * 1024
MAX_DEVICE_ID = 100
SECONDS_UNTIL = 2**31
"""Traccar's rule: a Unix timestamp below 2^31 counts seconds, one above it milliseconds."""
QUERY, JSON_FORM = "query", "json"


class OsmandError(ValueError):
    """A report that cannot be read, with the parameter (or JSON path) at fault."""

    def __init__(self, location: str, message: str) -> None:
        super().__init__(f"{location}: {message}")
        self.location = location
        self.message = message


@dataclass(frozen=True, slots=True)
class OsmandReport:
    device_id: str
    fix: Fix
    form: str


def device_id_of(*, query: str, body: bytes, content_type: str | None) -> str:
    """Only the device id of a report (who sent it), read before anything else of it is trusted."""
    if _is_json(content_type):
        root = _json_root(body)
        return _device(root.get("device_id"), "device_id")
    params = _params(query, body)
    return _device(params.get("id") or params.get("deviceid"), "id")


def parse(*, query: str, body: bytes, content_type: str | None, received_at: datetime) -> OsmandReport:
    """One report in either form; ``received_at`` stands in for a missing query-form timestamp."""
    if len(query) + len(body) > MAX_REPORT_BYTES:
        raise OsmandError("body", f"a report is at most {MAX_REPORT_BYTES} bytes")
    if _is_json(content_type):
        return _parse_json(_json_root(body))
    return _parse_query(_params(query, body), received_at)


def _is_json(content_type: str | None) -> bool:
    return (content_type or "").split(";")[0].strip().lower() == "application/json"


def _device(value: object, location: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise OsmandError(location, "the device id is missing")
    if len(value) > MAX_DEVICE_ID:
        raise OsmandError(location, f"a device id has at most {MAX_DEVICE_ID} characters")
    return value.strip()


def _params(query: str, body: bytes) -> dict[str, str]:
    """The query's parameters, or the form-encoded body's when the URL has none; the last of a repeated one wins."""
    pairs = parse_qsl(query, keep_blank_values=True)
    if not pairs and body:
        try:
            pairs = parse_qsl(body.decode("ascii"), keep_blank_values=True)
        except UnicodeDecodeError:
            raise OsmandError("body", "a form-encoded report is ASCII text") from None
    return {name: value for name, value in pairs if value != ""}


def _number(value: str, name: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise OsmandError(name, f"{value[:40]!r} is not a number") from None
    if not math.isfinite(number):
        raise OsmandError(name, f"{value[:40]!r} is not a finite number")
    return number


def _optional(params: dict[str, str], *names: str) -> float | None:
    for name in names:
        if name in params:
            return _number(params[name], name)
    return None


def _timestamp(value: str) -> datetime:
    """Unix seconds or milliseconds, ISO 8601, or ``yyyy-MM-dd HH:mm:ss`` (UTC when no zone is given)."""
    if value.isdigit():
        number = int(value)
        try:
            return datetime.fromtimestamp(number if number < SECONDS_UNTIL else number / 1000, tz=UTC)
        except (OverflowError, OSError, ValueError):
            raise OsmandError("timestamp", f"{value[:40]!r} is not a time HarbourLink can store") from None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise OsmandError("timestamp", f"{value[:40]!r} is neither Unix seconds, milliseconds nor ISO 8601") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _parse_query(params: dict[str, str], received_at: datetime) -> OsmandReport:
    device_id = _device(params.get("id") or params.get("deviceid"), "id")
    if "lat" in params and "lon" in params:
        latitude, longitude = _number(params["lat"], "lat"), _number(params["lon"], "lon")
    elif "location" in params:
        parts = params["location"].split(",")
        if len(parts) != 2:
            raise OsmandError("location", "write the position as lat,lon")
        latitude, longitude = _number(parts[0], "location"), _number(parts[1], "location")
    else:
        raise OsmandError("lat", "the position is missing: send lat and lon, or location=lat,lon")
    speed = _optional(params, "speed")
    fix = Fix(
        at=_timestamp(params["timestamp"]) if "timestamp" in params else received_at,
        latitude=latitude,
        longitude=longitude,
        accuracy_m=_optional(params, "accuracy"),
        speed_kmh=None if speed is None else speed * KNOTS_TO_KMH,
        heading=_optional(params, "bearing", "heading"),
        altitude_m=_optional(params, "altitude"),
        battery_percent=_optional(params, "batt"),
    )
    return OsmandReport(device_id, fix, QUERY)


def _json_root(body: bytes) -> dict[str, Any]:
    try:
        root = json.loads(body)
    except (ValueError, RecursionError):
        raise OsmandError("body", "not JSON") from None
    if not isinstance(root, dict):
        raise OsmandError("body", "a JSON report is an object with location and device_id")
    return root


def _object(parent: dict[str, Any], key: str, path: str) -> dict[str, Any]:
    value = parent.get(key)
    if not isinstance(value, dict):
        raise OsmandError(path, "missing, or not an object")
    return value


def _json_value(parent: dict[str, Any], key: str, path: str) -> float | None:
    value = parent.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise OsmandError(path, f"{str(value)[:40]!r} is not a number")
    return float(value)


def _json_number(parent: dict[str, Any], key: str, path: str) -> float | None:
    """A number at ``path``, or None; a negative one is Traccar Client's 'unknown', read as absent."""
    value = _json_value(parent, key, path)
    return None if value is None or value < 0 else value


def _json_required(parent: dict[str, Any], key: str, path: str) -> float:
    value = _json_value(parent, key, path)
    if value is None:
        raise OsmandError(path, "missing")
    return value


def _parse_json(root: dict[str, Any]) -> OsmandReport:
    device_id = _device(root.get("device_id"), "device_id")
    location = _object(root, "location", "location")
    stamp = location.get("timestamp")
    if not isinstance(stamp, str):
        raise OsmandError("location.timestamp", "missing, or not an ISO 8601 text")
    coords = _object(location, "coords", "location.coords")
    speed = _json_number(coords, "speed", "location.coords.speed")
    battery = location.get("battery")
    level = _json_number(battery, "level", "location.battery.level") if isinstance(battery, dict) else None
    fix = Fix(
        at=_timestamp(stamp),
        latitude=_json_required(coords, "latitude", "location.coords.latitude"),
        longitude=_json_required(coords, "longitude", "location.coords.longitude"),
        accuracy_m=_json_number(coords, "accuracy", "location.coords.accuracy"),
        speed_kmh=None if speed is None else speed * MPS_TO_KMH,
        heading=_json_number(coords, "heading", "location.coords.heading"),
        altitude_m=_json_value(coords, "altitude", "location.coords.altitude"),
        battery_percent=None if level is None else level * 100,
    )
    return OsmandReport(device_id, fix, JSON_FORM)
