"""A simulated morning through the real inbound path, on SQLite and PostgreSQL.

Every message is accepted whole; afterwards the demo SME, holding only its House B/L, sees its
ship with an AIS position and an ETA, its released reefer with readings, and the mainland
customs status of its declaration.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from harbourlink import access, alerts, events, identity, inbound, vessels
from harbourlink.demo import DemoSeed, seed_demo
from harbourlink.kernel import Database, utcnow
from harbourlink.sim import SimClock, Simulator, trucks
from harbourlink.sim.geo import BERTHS

START = datetime(2026, 11, 20, 22, 0, tzinfo=UTC)
ROLES = ("carrier", "terminal", "barge", "ais", "customs")


@pytest.fixture
def seeded(db: Database) -> DemoSeed:
    with db.transaction() as session:
        return seed_demo(session, people=False)


@pytest.fixture
def simulator(db: Database, seeded: DemoSeed) -> Simulator:
    return Simulator(db, parties=seeded.parties(), seed=2611, start=START)


def _sme_key(db: Database, seeded: DemoSeed) -> dict[str, str]:
    with db.transaction() as session:
        _, key = identity.create_api_key(
            session, identity.SYSTEM_ACTOR, org_id=seeded.org_ids["sme"], name="test", scopes=list(identity.KeyScope)
        )
    return {"Authorization": f"Bearer {key}"}


def _latest(db: Database, mmsi: str) -> tuple[float, float]:
    with db.transaction() as session:
        position = vessels.latest_position(session, mmsi)
        assert position is not None
        return position.latitude, position.longitude


def _assert_archive_clean(db: Database, simulator: Simulator) -> None:
    with db.transaction() as session:
        for role in ROLES:
            kept = inbound.list_messages(session, simulator.parties.actor(role), limit=1000)
            assert kept, role
            assert {m.status for m in kept} == {"accepted"}, [(m.format, m.errors) for m in kept if m.errors][:3]


def test_a_morning_at_kwai_tsing(client: TestClient, db: Database, seeded: DemoSeed, simulator: Simulator) -> None:
    scenario = simulator.scenario
    hero, ship = scenario.hero, scenario.call(scenario.hero.call)
    early = simulator.run_until(START + timedelta(hours=1))
    approaching = _latest(db, ship.vessel.mmsi)
    later = simulator.run_until(START + timedelta(hours=5))
    assert early.problems == later.problems == []
    # Every House B/L, and the house air waybill once the airline's first status is in (within the hour).
    assert early.links == len([h for c in scenario.cargo for h in c.hbls]) + 1
    assert later.messages > 50
    _assert_archive_clean(db, simulator)
    berthed = _latest(db, ship.vessel.mmsi)
    assert approaching != berthed and berthed == pytest.approx(BERTHS[ship.terminal], abs=1e-4)

    view = client.get(f"/api/v1/track/{hero.hbls[0]}", headers=_sme_key(db, seeded)).json()
    _assert_sme_view(view, simulator)
    raised = client.get("/api/v1/alerts", params={"include_resolved": True}, headers=_sme_key(db, seeded)).json()
    assert raised, "the demo's alert situations reach the SME's inbox through its seeded subscription"
    # Road cargo's alerts are about the SME's own consignments (CCRNs), which the tracking view does not show.
    tracked = {a["subject"] for a in raised if a["subject_kind"] != "CCRN"}
    assert tracked <= {r["value"] for r in view["matched"]} | {c["number"] for c in view["containers"]} | {
        c["declaration"] for c in view["customs"]
    }


def _assert_sme_view(view: dict[str, Any], simulator: Simulator) -> None:
    scenario = simulator.scenario
    hero, ship = scenario.hero, scenario.call(scenario.hero.call)
    assert {m["kind"] for m in view["matched"]} == {"HBL", "MBL"}
    vessel = view["vessel"]
    assert (vessel["imo"], vessel["name"], vessel["mmsi"]) == (ship.vessel.imo, ship.vessel.name, ship.vessel.mmsi)
    assert vessel["position"] is not None and len(vessel["track"]) > 10
    arrival = next(s for s in view["schedule"] if s["event_code"] == "ARRI" and s["location"] == "HKHKG")
    assert sorted(e["classifier"] for e in arrival["estimates"]) == ["ACT", "EST", "EST", "PLN"]
    [box] = view["containers"]
    assert box["number"] == hero.boxes[0].number and box["setpoint"] == -18.0
    assert box["release"]["status"] in ("RELEASED", "AVAILABLE") and box["release"]["facility"] == ship.terminal
    assert len(box["readings"]) >= 8 and max(r["temperature"] for r in box["readings"]) > -14  # the excursion
    [customs] = view["customs"]
    assert customs["declaration"] == hero.declaration.number if hero.declaration else False
    assert customs["status"] in ("accepted", "selected_for_scan", "released")
    assert customs["history"][0]["event_code"] == "SUBM"


def test_running_again_changes_nothing(db: Database, simulator: Simulator, seeded: DemoSeed) -> None:
    first = simulator.run_until(START + timedelta(minutes=30))
    with db.transaction() as session:
        stored = events.count_events(session)
        grants = len(access.list_grants(session, simulator.parties.actor("carrier"), direction="given"))
        watches = [
            len(alerts.list_subscriptions(session, simulator.parties.actor(key))) for key in ("sme", "forwarder")
        ]
    again = Simulator(db, parties=seeded.parties(), seed=2611, start=START)
    report = again.run_until(START + timedelta(minutes=30))
    assert report.problems == [] and report.messages == report.accepted > 0
    assert first.watches > 0 and report.watches == report.shares == 0
    with db.transaction() as session:
        assert events.count_events(session) == stored  # every event a duplicate of the first run's
        assert len(access.list_grants(session, again.parties.actor("carrier"), direction="given")) == grants
        assert [
            len(alerts.list_subscriptions(session, again.parties.actor(key))) for key in ("sme", "forwarder")
        ] == watches


def test_the_demo_thread_plays_the_day_and_stops(db: Database, seeded: DemoSeed) -> None:
    simulator = Simulator(db, parties=seeded.parties(), seed=2611, clock_speed=3600.0, lead=timedelta(hours=3))
    assert simulator.start_time.minute % 5 == 0 and simulator.start_time < utcnow() - timedelta(hours=2)
    simulator.start(tick_seconds=0.2)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and simulator.reached < simulator.start_time + timedelta(hours=1):
            time.sleep(0.2)
        assert simulator.reached >= simulator.start_time + timedelta(hours=1)
    finally:
        simulator.stop()
    with db.transaction() as session:
        kept = inbound.list_messages(session, simulator.parties.actor("ais"), limit=1000)
        assert len(kept) >= 6 and {m.status for m in kept} == {"accepted"}  # AIS every 10 simulated minutes


def test_simulated_time_never_runs_ahead_of_the_wall_clock() -> None:
    clock = SimClock(utcnow() - timedelta(minutes=1), speed=1e9)
    time.sleep(0.01)
    assert clock.now() <= utcnow()


def test_trucks_carry_the_forwarded_imports_to_the_warehouses(
    client: TestClient, db: Database, seeded: DemoSeed, simulator: Simulator
) -> None:
    """Each box the forwarder trucks is nominated, driven and delivered; the phone's positions in the Tai Lam
    Tunnel wait on the phone and arrive together afterwards, each stored once."""
    hauls = trucks.hauls(simulator.scenario)
    assert [h.warehouse.name for h in hauls] == [w.name for w in trucks.WAREHOUSES]
    report = simulator.run_until(max(h.arrives for h in hauls))
    assert report.problems == [] and report.trips == report.delivered == len(hauls)
    sent = {h.container: sum(len(json.loads(body)) for _, body in h.reports()) for h in hauls}
    assert report.positions == sum(sent.values())
    tunnel = next(h for h in hauls if h.warehouse.tunnel)
    assert max(len(json.loads(body)) for _, body in tunnel.reports()) > trucks.SEND_EVERY / trucks.FIX_EVERY
    with db.transaction() as session:
        _, key = identity.create_api_key(
            session,
            identity.SYSTEM_ACTOR,
            org_id=seeded.org_ids["forwarder"],
            name="test",
            scopes=list(identity.KeyScope),
        )
    forwarder = {"Authorization": f"Bearer {key}"}
    given = client.get("/api/v1/legs", headers=forwarder).json()
    assert {(leg["reference"], leg["mode"], leg["trip_status"]) for leg in given} == {
        (h.container, "TRUCK", "finished") for h in hauls
    }
    trip = client.get(
        f"/api/v1/trips/{given[0]['trip_id']}", params={"reference": given[0]["reference"]}, headers=forwarder
    ).json()
    assert len(trip["positions"]) == sent[given[0]["reference"]] and trip["status"] == "finished"
    again = Simulator(db, parties=seeded.parties(), seed=2611, start=START).run_until(max(h.arrives for h in hauls))
    assert again.trips == 0 and again.problems == [] and len(client.get("/api/v1/legs", headers=forwarder).json()) == 3
