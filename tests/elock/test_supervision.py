"""The alarms besides tampering and the route: an unplanned stop, the signal lost, a low battery, a late arrival.

Each is one alert for the segment it happened in, explains itself, reaches that segment's inbox and resolves
when the condition ends. Silence and lateness are checks of the work queue that come due at a time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from harbourlink import elock
from harbourlink.elock import seed_route
from harbourlink.kernel import Database, utcnow, work
from harbourlink.kernel.clock import as_utc
from tests.elock.support import (
    LOCK,
    START,
    Scheme,
    approve,
    scheme,
    seed_fixes,
    seed_sentences,
    sentence,
    trip_body,
    with_stop,
)


def feed(db: Database, lines: list[bytes]) -> list[elock.Outcome]:
    outcomes = []
    for line in lines:
        with db.transaction() as session:
            outcomes.append(elock.receive_frame(session, peer="test", frame=elock.Frame(line.strip())))
    return outcomes


def subscribe(client: TestClient, world: Scheme) -> None:
    for authority in (world.hk, world.mainland):
        assert client.post("/api/v1/subscriptions", headers=authority.auth, json={}).status_code == 201


def alerts_of(client: TestClient, world: Scheme, trip_id: str, kind: str) -> list[dict[str, Any]]:
    trip = client.get(f"/api/v1/elock/trips/{trip_id}", headers=world.hk.auth).json()
    mainland = client.get(f"/api/v1/elock/trips/{trip_id}", headers=world.mainland.auth).json()
    return [a for a in trip["alerts"] + mainland["alerts"] if a["kind"] == kind]


def inbox(client: TestClient, world: Scheme, alert_type: str, status: str = "open") -> list[dict[str, Any]]:
    found = client.get(f"/api/v1/alerts?status={status}", headers=world.hk.auth).json()
    return [a for a in found if a["alert_type"] == alert_type]


def run_watch(db: Database, *, at: datetime) -> None:
    """Runs the watch checks due by ``at``, and those they schedule, as the worker would then."""
    for _ in range(10):
        if not work.run_round(db, [elock.WATCH_QUEUE], worker="test", now=at):
            return
    raise AssertionError("the watch checks kept scheduling each other")


def test_an_unplanned_stop_is_one_alert_that_ends_when_the_truck_moves_on(client: TestClient, db: Database) -> None:
    world = scheme(db)
    trip_id = approve(client, world)
    subscribe(client, world)
    route = seed_route()
    fixes = seed_fixes()
    on_the_road = next(
        n
        for n, f in enumerate(fixes)
        if n > 30 and not route.denied_within(f.lon, f.lat, 1000) and f.true_outside_m < 0
    )
    stopped = with_stop(fixes, after=on_the_road, minutes=12)
    feed(db, seed_sentences(stopped[: on_the_road + 45]))  # 11 of the 12 minutes still: past the 10 allowed
    [alert] = alerts_of(client, world, trip_id, "stop")
    assert alert["segment"] == "hk" and alert["ended_at"] is None
    assert alert["details"]["limit_minutes"] == 10 and alert["details"]["minutes"] >= 10
    assert abs(alert["details"]["lat"] - fixes[on_the_road].lat) < 1e-5
    [told] = inbox(client, world, "elock_stop")
    assert told["figures"]["minutes"] >= 10 and told["figures"]["vehicle"] == "XY1234"

    feed(db, seed_sentences(stopped)[on_the_road + 45 : on_the_road + 60])
    [moved_on] = alerts_of(client, world, trip_id, "stop")
    assert moved_on["id"] == alert["id"] and moved_on["ended_at"] is not None
    assert moved_on["details"]["minutes"] == 12
    assert inbox(client, world, "elock_stop") == [] and len(inbox(client, world, "elock_stop", "resolved")) == 1


def test_a_stop_at_a_control_point_is_planned(client: TestClient, db: Database) -> None:
    world = scheme(db)
    trip_id = approve(client, world)
    route = seed_route()
    fixes = seed_fixes()
    at_exit = next(n for n, f in enumerate(fixes) if route.inside(route.hk_exit, f.lon, f.lat))
    feed(db, seed_sentences(with_stop(fixes, after=at_exit, minutes=40)))
    assert alerts_of(client, world, trip_id, "stop") == []


def test_silence_on_the_road_is_signal_lost_and_ends_when_the_lock_is_heard(client: TestClient, db: Database) -> None:
    world = scheme(db)
    trip_id = approve(client, world)
    subscribe(client, world)
    route = seed_route()
    fixes = seed_fixes()
    cut = next(n for n, f in enumerate(fixes) if n > 30 and not route.denied_within(f.lon, f.lat, 1000))
    lines = seed_sentences(fixes)
    feed(db, lines[:cut])
    run_watch(db, at=utcnow() + timedelta(minutes=4))
    assert alerts_of(client, world, trip_id, "signal_lost") == []  # within the five minutes allowed

    run_watch(db, at=utcnow() + timedelta(minutes=6))
    [alert] = alerts_of(client, world, trip_id, "signal_lost")
    assert alert["segment"] == "hk" and alert["ended_at"] is None and alert["details"]["limit_minutes"] == 5
    assert abs(alert["details"]["lat"] - fixes[cut - 1].lat) < 1e-5
    [told] = inbox(client, world, "elock_signal_lost")
    assert told["figures"]["last_heard_at"] == alert["details"]["last_heard_at"]
    run_watch(db, at=utcnow() + timedelta(minutes=30))
    assert len(alerts_of(client, world, trip_id, "signal_lost")) == 1  # one silence, one alert

    feed(db, lines[cut : cut + 1])
    [heard] = alerts_of(client, world, trip_id, "signal_lost")
    assert heard["ended_at"] is not None
    assert inbox(client, world, "elock_signal_lost") == []


def test_a_tunnel_is_silent_without_a_false_alarm(client: TestClient, db: Database) -> None:
    world = scheme(db)
    trip_id = approve(client, world)
    route = seed_route()
    fixes = seed_fixes()
    before_tunnel = max(n for n, f in enumerate(fixes) if route.denied_within(f.lon, f.lat, 300) and n < len(fixes) - 1)
    lines = seed_sentences(fixes)
    feed(db, lines[: before_tunnel + 1])
    run_watch(db, at=utcnow() + timedelta(minutes=12))  # beyond five minutes, within the tunnel's grace
    feed(db, lines[before_tunnel + 1 :])
    run_watch(db, at=utcnow() + timedelta(minutes=12))
    trip = client.get(f"/api/v1/elock/trips/{trip_id}", headers=world.hk.auth).json()
    assert trip["state"] == "arrived" and alerts_of(client, world, trip_id, "signal_lost") == []
    with db.transaction() as session:
        pending = session.scalars(
            select(work.WorkItem).where(work.WorkItem.queue == elock.WATCH_QUEUE, work.WorkItem.status == "pending")
        ).all()
        assert all(as_utc(item.next_attempt_at) > utcnow() + timedelta(minutes=12) for item in pending)


def test_a_low_battery_is_one_alert_with_hysteresis(client: TestClient, db: Database) -> None:
    world = scheme(db)
    trip_id = approve(client, world)
    subscribe(client, world)
    fixes = seed_fixes()[:40]
    volts = [3.9] * 30 + [3.55, 3.65, 3.58, 3.66, 3.62] + [3.8] * 5
    feed(
        db,
        [
            sentence("Normal", n + 2, f.at, f.lat, f.lon, battery_v=v)
            for n, (f, v) in enumerate(zip(fixes, volts, strict=True))
        ],
    )
    [alert] = alerts_of(client, world, trip_id, "low_battery")
    assert alert["details"] == {"battery_v": 3.55, "threshold_v": 3.6}
    assert alert["started_at"] == fixes[30].at.isoformat().replace("+00:00", "Z") and alert["ended_at"] is not None
    [told] = inbox(client, world, "elock_low_battery", "resolved")
    assert told["figures"]["battery_v"] == 3.55


def test_late_at_the_exit_point_by_the_locks_time_and_at_the_destination_by_the_clock(
    client: TestClient, db: Database
) -> None:
    world = scheme(db)
    client.post("/api/v1/elock/devices", headers=world.hk.auth, json={"device_id": LOCK, "protocol": "eseal"})
    subscribe(client, world)
    expected_arrival = utcnow() + timedelta(hours=3)
    body = trip_body(world) | {
        "expected_hk_exit": (START - timedelta(minutes=5)).isoformat(),
        "expected_arrival": expected_arrival.isoformat(),
    }
    trip_id = client.post("/api/v1/elock/trips", headers=world.hk.auth, json=body).json()["id"]
    assert alerts_of(client, world, trip_id, "late") == []  # the lock has said nothing yet: its time is unknown

    route = seed_route()
    fixes = seed_fixes()
    at_exit = next(n for n, f in enumerate(fixes) if route.inside(route.hk_exit, f.lon, f.lat))
    due = next(n for n, f in enumerate(fixes) if f.at >= START + timedelta(minutes=25))
    feed(db, seed_sentences(fixes[: due + 1]))
    [late] = alerts_of(client, world, trip_id, "late")
    assert late["segment"] == "hk" and late["ended_at"] is None
    assert late["details"]["place"] == "hk_exit" and late["details"]["margin_minutes"] == 30
    assert inbox(client, world, "elock_late_arrival")[0]["figures"]["place"] == "hk_exit"
    feed(db, seed_sentences(fixes)[due + 1 : at_exit + 1])
    [arrived] = alerts_of(client, world, trip_id, "late")
    assert arrived["ended_at"] is not None

    run_watch(db, at=expected_arrival + timedelta(minutes=29))
    assert len(alerts_of(client, world, trip_id, "late")) == 1
    run_watch(db, at=expected_arrival + timedelta(minutes=31))  # the lock has been quiet since the exit point
    [_, destination] = sorted(alerts_of(client, world, trip_id, "late"), key=lambda a: a["raised_at"])
    assert destination["details"]["place"] == "destination" and destination["ended_at"] is None
