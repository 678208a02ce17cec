"""Shared by the receiving tests: a haulage (tests.trucking.support) with a warehouse at its end."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from harbourlink.kernel import Database
from tests.conftest import Company, make_company
from tests.trucking.support import CONTAINER, Haulage, haulage, plan_trip


@dataclass
class Delivery:
    world: Haulage
    warehouse: Company
    trip: dict[str, Any]


def delivery(client: TestClient, db: Database, *, packages: int = 10) -> Delivery:
    """A running trip of the forwarder's container with ``packages`` aboard, a warehouse waiting for it, and the
    forwarder subscribed to receipt alerts on the container."""
    world = haulage(client, db)
    warehouse = make_company(db, "Tsuen Wan Logistics", "warehouse")
    trip = plan_trip(client, world, packages=packages)
    started = client.post(f"/api/v1/trips/{trip['id']}/start", headers=world.trucker.auth)
    assert started.status_code == 200, started.text
    subscribed = client.post(
        "/api/v1/subscriptions",
        headers=world.forwarder.auth,
        json={
            "reference_type": "CONTAINER",
            "reference": CONTAINER,
            "alert_types": ["receipt_discrepancy"],
            "channels": ["inbox"],
        },
    )
    assert subscribed.status_code == 201, subscribed.text
    return Delivery(world, warehouse, trip)


def qr(client: TestClient, company: Company, **body: Any) -> dict[str, Any]:
    issued = client.post(f"/api/v1/consignments/{CONTAINER}/qr", headers=company.auth, json=body or None)
    assert issued.status_code == 201, issued.text
    return issued.json()  # type: ignore[no-any-return]
