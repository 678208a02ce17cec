"""Shared by the trucking tests: a forwarder's cargo, a trucking company it is shared with, a driver, a trip."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from harbourlink.kernel import Database, utcnow
from tests.conftest import STRONG_PASSWORD, Company, make_company

SAMPLES = Path(__file__).parent.parent / "samples"
CONTAINER = "MSCU1234566"
"""A container of the forwarder's CSV sample (``samples/csv/hkg_import.csv``)."""
WAREHOUSE = {"name": "Tsuen Wan warehouse", "latitude": 22.3720, "longitude": 114.1150}
PICKUP = (22.3450, 114.1280)
"""Kwai Chung, by the container terminals, where the truck picks the box up."""


@dataclass
class Haulage:
    """A forwarder whose container is shared with a trucking company, the trucker's driver, and outsiders."""

    forwarder: Company
    trucker: Company
    driver_id: str
    driver_email: str
    outsider: Company


def haulage(client: TestClient, db: Database, *, share: bool = True) -> Haulage:
    forwarder = make_company(db, "Harbour Forwarding", "forwarder")
    trucker = make_company(db, "Tai Kok Trucking", "trucking")
    outsider = make_company(db, "Nosy Traders", "cargo_owner")
    sent = client.post(
        "/api/v1/messages",
        params={"format": "csv"},
        headers=forwarder.auth,
        content=(SAMPLES / "csv" / "hkg_import.csv").read_bytes(),
    )
    assert sent.status_code == 201 and sent.json()["status"] == "accepted", sent.text
    if share:
        granted = client.post(
            "/api/v1/grants",
            headers=forwarder.auth,
            json={"reference_type": "CONTAINER", "reference": CONTAINER, "grantee_org_id": trucker.org_id},
        )
        assert granted.status_code == 201, granted.text
    email = "driver@tai-kok-trucking.example.hk"
    driver = client.post(
        f"/api/v1/orgs/{trucker.org_id}/users",
        headers=trucker.auth,
        json={"email": email, "display_name": "Chan Siu Ming", "role": "driver", "password": STRONG_PASSWORD},
    )
    assert driver.status_code == 201, driver.text
    return Haulage(forwarder, trucker, driver.json()["id"], email, outsider)


def plan_trip(client: TestClient, world: Haulage, **overrides: Any) -> dict[str, Any]:
    body = {
        "reference": CONTAINER,
        "vehicle": "xy 1234",
        "driver_user_id": world.driver_id,
        "destination": WAREHOUSE,
        **overrides,
    }
    created = client.post("/api/v1/trips", headers=world.trucker.auth, json=body)
    assert created.status_code == 201, created.text
    return created.json()  # type: ignore[no-any-return]


def position(at: datetime, lat: float, lon: float, *, speed: float | None = 10.0) -> dict[str, Any]:
    """One position as the driver's phone sends it (speed in metres per second)."""
    return {"time": at.isoformat(), "lat": lat, "lon": lon, "accuracy": 8.0, "speed": speed, "heading": 350.0}


def drive(
    start: datetime | None = None, *, count: int = 6, step: timedelta = timedelta(seconds=30)
) -> list[dict[str, Any]]:
    """Positions of a truck going north from the terminal towards the warehouse, about 36 km/h."""
    begin = start or utcnow() - step * count
    return [position(begin + step * i, PICKUP[0] + 0.0027 * i, PICKUP[1] - 0.0005 * i) for i in range(count)]
