"""Shared by the e-lock tests: the two customs, a trucking company, an outsider, a lock, the seed's trip, and
sentences as the lock sends them along a generated trace."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from harbourlink import elock
from harbourlink.elock import Deviation, TraceFix, seed_route, trace
from harbourlink.elock.traces import SEED_HALF_WIDTH_M, SEED_ROUTE_LINE, SEED_TUNNEL, Spoilers
from harbourlink.kernel import Database
from tests.conftest import Company, make_company

LOCK = "860000000001"
START = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
AWB = "160-12345675"
CLEAN = Spoilers(jitter_m=2.0, multipath_rate=0.0, late_rate=0.0)


@dataclass
class Scheme:
    hk: Company
    mainland: Company
    trucker: Company
    outsider: Company


def scheme(db: Database) -> Scheme:
    return Scheme(
        hk=make_company(db, "Customs and Excise", "customs_hk"),
        mainland=make_company(db, "Shenzhen Customs", "customs_mainland"),
        trucker=make_company(db, "Lok Ma Chau Haulage", "trucking"),
        outsider=make_company(db, "Nosy Trucking", "trucking"),
    )


def place(name: str, lon: float, lat: float, radius_m: float) -> dict[str, Any]:
    return {"name": name, "point": [lon, lat], "radius_m": radius_m}


def elock_trip_body(*, device_id: str, mainland_customs_org_id: str, trucking_org_id: str | None) -> dict[str, Any]:
    """The seed's trip as HK customs approves it: airport → Lok Ma Chau → Huanggang → Shenzhen airport."""
    route = seed_route()
    fences = {
        "origin": route.origin,
        "hk_exit": route.hk_exit,
        "mainland_entry": route.mainland_entry,
        "destination": route.destination,
    }
    return {
        "device_id": device_id,
        "vehicle": "XY 1234",
        "references": [{"reference_type": "AWB", "reference": AWB}],
        **{name: place(f.name, f.lon, f.lat, f.radius_m) for name, f in fences.items()},
        "route": {
            "line": [list(p) for p in SEED_ROUTE_LINE],
            "half_width_m": SEED_HALF_WIDTH_M,
            "gnss_denied": [[list(p) for p in SEED_TUNNEL]],
        },
        "mainland_customs_org_id": mainland_customs_org_id,
        "trucking_org_id": trucking_org_id,
    }


def trip_body(world: Scheme, *, device_id: str = LOCK) -> dict[str, Any]:
    return elock_trip_body(
        device_id=device_id, mainland_customs_org_id=world.mainland.org_id, trucking_org_id=world.trucker.org_id
    )


def approve(client: TestClient, world: Scheme, *, device_id: str = LOCK) -> str:
    registered = client.post(
        "/api/v1/elock/devices", headers=world.hk.auth, json={"device_id": device_id, "protocol": "eseal"}
    )
    assert registered.status_code == 201, registered.text
    created = client.post("/api/v1/elock/trips", headers=world.hk.auth, json=trip_body(world, device_id=device_id))
    assert created.status_code == 201, created.text
    assert created.json()["state"] == "approved"
    return str(created.json()["id"])


def sentence(
    kind: str,
    index: int,
    at: datetime,
    lat: float | None,
    lon: float | None,
    *,
    device_id: str = LOCK,
    door: str = "Close",
    battery_v: float = 3.90,
) -> bytes:
    position = "A,0.000000N 0.000000E" if lat is None or lon is None else f"A,{lat:.6f}N {lon:.6f}E"
    if lat is None:
        position = "V,0.000000N 0.000000E"
    return (
        f"##S,eSeal,{device_id},256,0.0.6,{kind},{index},{at:%Y-%m-%d},{at:%H:%M:%S},15,{position},"
        f"90,60,{door},0.05,0,{battery_v:.2f},-70,E##\r\n"
    ).encode()


def seed_fixes(*, deviation: Deviation | None = None, interval_s: float = 15.0) -> list[TraceFix]:
    """The seed's trip, a fix every ``interval_s``, in time order."""
    fixes = trace(
        seed_route(), seed=7, start=START, interval_s=interval_s, deviation=deviation, spoilers=CLEAN, speed_kmh=60.0
    )
    return sorted(fixes, key=lambda f: f.at)


def seed_sentences(fixes: list[TraceFix]) -> list[bytes]:
    return [sentence("Normal", n + 2, f.at, f.lat, f.lon) for n, f in enumerate(fixes)]


def with_stop(fixes: list[TraceFix], *, after: int, minutes: int, interval_s: float = 15.0) -> list[TraceFix]:
    """The trace with the truck standing still after fix ``after`` for ``minutes``: the same place reported every
    ``interval_s``, and everything after it that much later."""
    pause = timedelta(minutes=minutes)
    stand = fixes[after]
    still = [
        replace(
            stand, at=stand.at + timedelta(seconds=interval_s * n), arrives=stand.at + timedelta(seconds=interval_s * n)
        )
        for n in range(1, int(pause.total_seconds() // interval_s) + 1)
    ]
    later = [replace(f, at=f.at + pause, arrives=f.arrives + pause) for f in fixes[after + 1 :]]
    return fixes[: after + 1] + still + later


def feed(db: Database, lines: list[bytes]) -> None:
    """Each sentence in a transaction of its own, as the listener takes them."""
    for line in lines:
        with db.transaction() as session:
            elock.receive_frame(session, peer="test", frame=elock.Frame(line.strip()))


OFF_ROUTE = Deviation(start_s=600, duration_s=180, offset_m=400)
"""Ten minutes after leaving the airport, 400 m off the route for three minutes: in the HK segment."""


def supervised(client: TestClient, db: Database) -> tuple[Scheme, str]:
    """The seed's trip driven to its destination with a deviation in the HK segment and the door opened in the
    mainland segment: an alert for each authority."""
    world = scheme(db)
    trip_id = approve(client, world)
    fixes = seed_fixes(deviation=OFF_ROUTE)
    feed(db, seed_sentences(fixes))
    changes = client.get(f"/api/v1/elock/trips/{trip_id}", headers=world.mainland.auth).json()["transitions"]
    entered = next(datetime.fromisoformat(c["at"]) for c in changes if c["trigger"] == "entered_mainland")
    inside = next(f for f in fixes if f.at > entered + timedelta(minutes=3))
    feed(db, [sentence("Event-Door", 999, inside.at, inside.lat, inside.lon, door="Open")])
    return world, trip_id
