"""The AIS feed: where each simulated ship is, as NMEA sentences a receiver would hear (pure).

A call's ship sails its inbound route at constant speed so as to reach the berth at its
arrival time, lies moored until departure, then sails its outbound route and drops out of the
feed at the route's end. Class A ships report every ``UNDERWAY_EVERY`` under way and every
``MOORED_EVERY`` alongside (real transponders report far more often; a port view needs no
more), and send static and voyage data (type 5: IMO number, name, ETA, destination) when
first heard, every hour, and on sailing with the next port as destination.

Each line carries a tag block with the receive time (``\\s:HKSIM,c:<unix seconds>*hh\\``), as
HarbourLink's AIS listener stamps what it hears; sentences are encoded by ``pyais``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import reduce
from operator import xor

from pyais.encode import encode_dict

from harbourlink.sim.geo import Point, Route
from harbourlink.sim.scenario import Call, Vessel

UNDERWAY_EVERY = timedelta(minutes=2)
MOORED_EVERY = timedelta(minutes=6)
STATIC_EVERY = timedelta(hours=1)
RECEIVER = "HKSIM"
AisData = dict[str, str | int | float | bytes | bool]
UNDER_WAY, MOORED = 0, 5
CARGO_SHIP = 70


@dataclass(frozen=True)
class Fix:
    """One position report of a ship."""

    vessel: Vessel
    at: datetime
    point: Point
    speed_knots: float
    course: float
    status: int


def _every(start: datetime, end: datetime, step: timedelta) -> list[datetime]:
    """Whole multiples of ``step`` (counted from the UNIX epoch) in [start, end)."""
    seconds = int(step.total_seconds())
    first = -(-math.ceil(start.timestamp()) // seconds) * seconds
    return [datetime.fromtimestamp(t, UTC) for t in range(first, math.ceil(end.timestamp()), seconds)]


def heard_from(call: Call) -> tuple[datetime, datetime]:
    """When the ship enters the feed (leaves the sea end of its inbound route) and when it leaves it."""
    inbound = timedelta(hours=call.route_in.length_nm / call.speed_knots)
    outbound = timedelta(hours=call.route_out.length_nm / call.speed_knots)
    return call.arrival - inbound, call.departure + outbound


def fixes(call: Call, start: datetime, end: datetime) -> list[Fix]:
    """The ship's position reports with a receive time in [start, end)."""
    appears, leaves = heard_from(call)
    found: list[Fix] = []
    for moment in _every(max(start, appears), min(end, call.arrival), UNDERWAY_EVERY):
        found.append(_sailing(call, call.route_in, appears, call.arrival, moment))
    berth = call.route_in.points[-1]
    heading = call.route_in.at(1.0)[1]
    for moment in _every(max(start, call.arrival), min(end, call.departure), MOORED_EVERY):
        found.append(Fix(call.vessel, moment, berth, 0.0, heading, MOORED))
    for moment in _every(max(start, call.departure), min(end, leaves), UNDERWAY_EVERY):
        found.append(_sailing(call, call.route_out, call.departure, leaves, moment))
    return found


def _sailing(call: Call, route: Route, began: datetime, ends: datetime, moment: datetime) -> Fix:
    point, course = route.at((moment - began) / (ends - began))
    return Fix(call.vessel, moment, point, call.speed_knots, course, UNDER_WAY)


def static_times(call: Call, start: datetime, end: datetime) -> list[datetime]:
    """When the ship sends its static and voyage data within [start, end)."""
    appears, leaves = heard_from(call)
    times = set(_every(max(start, appears), min(end, leaves), STATIC_EVERY))
    for moment in (appears, call.departure):
        if start <= moment < end and moment < leaves:
            times.add(moment)
    return sorted(times)


def tag_block(moment: datetime) -> str:
    body = f"s:{RECEIVER},c:{int(moment.timestamp())}"
    return f"\\{body}*{reduce(xor, body.encode(), 0):02X}\\"


def position_lines(fix: Fix) -> list[str]:
    """A type 1 position report with its receive time."""
    data: AisData = {
        "type": 1,
        "mmsi": int(fix.vessel.mmsi),
        "status": fix.status,
        "speed": fix.speed_knots,
        "lat": round(fix.point[0], 5),
        "lon": round(fix.point[1], 5),
        "course": round(fix.course, 1),
        "heading": round(fix.course) % 360,
        "second": fix.at.second,
        "accuracy": 1,
    }
    (line,) = encode_dict(data, talker_id="AI", sentence_type="VDM", radio_channel="A")
    return [tag_block(fix.at) + line]


def static_lines(call: Call, moment: datetime, *, sequence: int) -> list[str]:
    """Type 5 (two sentences): identity, size, and the voyage as the crew keyed it in."""
    sailed = moment >= call.departure
    destination, eta = (call.next_port, call.arrives_next) if sailed else ("HKHKG", call.planned_arrival)
    eta = eta.astimezone(UTC)  # AIS ETAs are UTC
    vessel = call.vessel
    bow = round(vessel.length_m * 0.8)
    data: AisData = {
        "type": 5,
        "mmsi": int(vessel.mmsi),
        "imo": int(vessel.imo),
        "callsign": vessel.call_sign,
        "shipname": vessel.name[:20],
        "ship_type": CARGO_SHIP,
        "to_bow": bow,
        "to_stern": vessel.length_m - bow,
        "to_port": vessel.beam_m // 2,
        "to_starboard": vessel.beam_m - vessel.beam_m // 2,
        "epfd": 1,
        "month": eta.month,
        "day": eta.day,
        "hour": eta.hour,
        "minute": eta.minute,
        "draught": vessel.draught_m,
        "destination": destination,
    }
    parts = encode_dict(data, talker_id="AI", sentence_type="VDM", radio_channel="B", seq_id=sequence % 10)
    return [tag_block(moment) + part for part in parts]


def feed(lines: list[str]) -> bytes:
    """An ``ais-nmea`` body: one sentence per line."""
    return ("\r\n".join(lines) + "\r\n").encode("ascii")
