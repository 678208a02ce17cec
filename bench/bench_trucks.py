"""Truck positions into PostgreSQL: through ``/osmand`` and through the trip API, against a raw COPY.

A trucking company sees its own cargo, plans a trip and issues a tracker's device id. Then, through
the whole in-process ASGI stack (no network, one client, one request after another):

- ``/osmand``: one position per request, as a tracker sends them (query form, GET): the device id
  checked, the report archived raw, the position stored on the running trip, the trip announced
  to live pages;
- ``POST /api/v1/trips/{id}/positions``: batches of positions, as a phone sends its queue (the
  session's work is an API key's here): the report archived raw, every item validated, the batch
  stored idempotently (COPY through a staging table).

Baseline, in the same run: COPY the rows those paths stored into an empty look-alike of
``truck_positions``. Prints positions per second for each path and its ratio to COPY.

    python -m bench.bench_trucks [POSITIONS] [BATCH]
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from fastapi.testclient import TestClient
from sqlalchemy import text

from bench.generators import GENERATORS
from bench.pg import libpq, scratch_database
from harbourlink import identity, inbound
from harbourlink.app import create_app
from harbourlink.kernel import Actor, Database, create_database
from harbourlink.settings import Settings

COLUMNS = (
    "track, at, org_id, trip_id, device_id, source, latitude, longitude, accuracy_m, speed_kmh, heading, "
    "altitude_m, battery_percent, report_id, received_at"
)


def _trucker(database: Database) -> tuple[dict[str, str], str, str]:
    """A trucking company with an all-scopes key and a driver, its own cargo, and a container of it."""
    with database.transaction() as session:
        org = identity.create_organisation(
            session, identity.SYSTEM_ACTOR, name="Bench Trucking", types=["trucking"], status=identity.OrgStatus.ACTIVE
        )
        _, key = identity.create_api_key(
            session, identity.SYSTEM_ACTOR, org_id=org.id, name="bench", scopes=list(identity.KeyScope)
        )
        driver, _ = identity.create_user(
            session,
            identity.SYSTEM_ACTOR,
            org_id=org.id,
            email="driver@bench.example.hk",
            display_name="Driver",
            role=identity.Role.DRIVER,
            password="Harbour-Link-2026",
        )
    outcome = inbound.receive(
        database, Actor(org_id=org.id), format_name="csv", raw=GENERATORS["csv"](20, 1), channel="bench"
    )
    assert outcome.status == "accepted", outcome.errors[:3]
    with database.transaction() as session:
        container = session.execute(text("SELECT value FROM event_references WHERE kind = 'CONTAINER' LIMIT 1"))
        container = container.scalar_one()
    return {"Authorization": f"Bearer {key}"}, driver.id, str(container)


def _trip(client: TestClient, auth: dict[str, str], driver_id: str, container: str, vehicle: str) -> str:
    trip = client.post(
        "/api/v1/trips",
        headers=auth,
        json={
            "reference": container,
            "vehicle": vehicle,
            "driver_user_id": driver_id,
            "destination": {"name": "Tsuen Wan", "latitude": 22.372, "longitude": 114.115},
        },
    )
    assert trip.status_code == 201, trip.text
    trip_id: str = trip.json()["id"]
    assert client.post(f"/api/v1/trips/{trip_id}/start", headers=auth).status_code == 200
    return trip_id


def _path(count: int, start: datetime) -> list[tuple[datetime, float, float]]:
    """One position a second, creeping north from Kwai Chung, all before ``start`` plus ``count`` seconds."""
    return [(start + timedelta(seconds=i), 22.345 + i * 1e-6, 114.128 - i * 5e-7) for i in range(count)]


def _osmand(client: TestClient, device_id: str, path: list[tuple[datetime, float, float]]) -> float:
    started = time.perf_counter()
    for at, lat, lon in path:
        answer = client.get(
            "/osmand",
            params={
                "id": device_id,
                "lat": f"{lat:.7f}",
                "lon": f"{lon:.7f}",
                "timestamp": str(int(at.timestamp() * 1000)),
                "speed": "15",
                "bearing": "350",
                "accuracy": "6",
                "batt": "80",
            },
        )
        assert answer.status_code == 200, answer.text
    return len(path) / (time.perf_counter() - started)


def _trip_api(
    client: TestClient, auth: dict[str, str], trip_id: str, path: list[tuple[datetime, float, float]], batch: int
) -> float:
    bodies: list[list[dict[str, Any]]] = [
        [
            {"time": at.isoformat(), "lat": lat, "lon": lon, "accuracy": 6.0, "speed": 7.7, "heading": 350.0}
            for at, lat, lon in path[i : i + batch]
        ]
        for i in range(0, len(path), batch)
    ]
    started = time.perf_counter()
    for body in bodies:
        answer = client.post(f"/api/v1/trips/{trip_id}/positions", headers=auth, json=body)
        assert answer.status_code == 201, answer.text
        assert answer.json()["accepted"] == len(body), answer.text
    return len(path) / (time.perf_counter() - started)


def _copy(url: str, trip_id: str) -> tuple[int, float]:
    """COPYs the rows one trip's path stored into an empty look-alike of ``truck_positions``."""
    with psycopg.connect(libpq(url)) as connection:
        connection.execute("CREATE TEMP TABLE positions_copy (LIKE truck_positions INCLUDING ALL)")
        rows = io.StringIO()
        with connection.cursor().copy(
            f"COPY (SELECT {COLUMNS} FROM truck_positions WHERE trip_id = '{trip_id}') TO STDOUT"
        ) as copy:
            for chunk in copy:
                rows.write(bytes(chunk).decode())
        started = time.perf_counter()
        with connection.cursor().copy(f"COPY positions_copy ({COLUMNS}) FROM STDIN") as copy:
            copy.write(rows.getvalue())
        connection.commit()
        return rows.getvalue().count("\n"), time.perf_counter() - started


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    batch = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    print(
        f"truck positions into PostgreSQL, {count} per path, trip API batches of {batch}, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    with scratch_database("hl_bench_trucks") as url:
        database = create_database(url)
        auth, driver_id, container = _trucker(database)
        settings = Settings(
            data_dir=Path(tempfile.mkdtemp(prefix="hl-bench-")),
            database_url=url,
            secret_key="bench",
            run_dispatchers=False,
            rate_limit_api_per_key=10**9,
        )
        start = datetime.now(UTC) - timedelta(seconds=count + 60)
        with TestClient(create_app(settings)) as client:
            tracked = _trip(client, auth, driver_id, container, "BT1")
            device = client.post("/api/v1/devices", headers=auth, json={"vehicle": "BT1"}).json()["device_id"]
            phoned = _trip(client, auth, driver_id, container, "BT2")
            # The trips started now; their positions, a little earlier, are within the start's slack
            # only if the path is short, so each trip's start is moved back before the positions come.
            with database.transaction() as session:
                session.execute(
                    text("UPDATE trips SET started_at = :start WHERE id IN (:a, :b)"),
                    {"start": start, "a": tracked, "b": phoned},
                )
            osmand_rate = _osmand(client, device, _path(count, start))
            trip_rate = _trip_api(client, auth, phoned, _path(count, start), batch)
        for name, trip_id, rate in (
            ("/osmand, 1 position a request", tracked, osmand_rate),
            (f"trip API, {batch} a request", phoned, trip_rate),
        ):
            copied, elapsed = _copy(url, trip_id)
            assert copied == count, (name, copied)
            baseline = copied / elapsed
            print(
                f"{name:32} {rate:9.0f} positions/s   COPY {baseline:9.0f} rows/s   ratio {rate / baseline:.3f}",
                flush=True,
            )
        database.engine.dispose()


if __name__ == "__main__":
    main()
