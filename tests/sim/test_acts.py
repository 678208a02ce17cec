"""The day's acts: road cargo (consignments, a batch, a customs query, bindings, GO and INSPECT, crossings) and
the declarations plug-in's part (declarations for some imports and exports, one rejected for a planted mismatch),
planned at simulated times and played through the services as the demo companies, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from harbourlink import declarations, identity, road
from harbourlink.declarations import simulator as declaring
from harbourlink.demo import DemoSeed, seed_demo
from harbourlink.kernel import Database, work
from harbourlink.sim import Simulator, build_plan, build_scenario
from harbourlink.sim import elock as sealed
from harbourlink.sim import road as road_day
from harbourlink.sim.acts import plugin_acts

START = datetime(2026, 11, 20, 22, 0, tzinfo=UTC)


def test_the_road_day_is_seeded_and_in_order() -> None:
    scenario = build_scenario(seed=2611, start=START)
    acts = road_day.acts(scenario)
    assert acts == road_day.acts(build_scenario(seed=2611, start=START))
    assert acts != road_day.acts(build_scenario(seed=7, start=START))
    assert all(scenario.start < act.due < scenario.end for act in acts)
    kinds = Counter(type(act).__name__ for act in acts)
    assert kinds == {"Lodge": 6, "Consolidate": 1, "Ask": 1, "Answer": 1, "Bind": 3, "Decide": 3, "Cross": 3}
    lodged = [act for act in acts if isinstance(act, road_day.Lodge)]
    assert {(a.party, a.direction) for a in lodged} == {
        ("sme", road.Direction.IMPORT),
        ("forwarder", road.Direction.EXPORT),
    }
    binds = [act for act in acts if isinstance(act, road_day.Bind)]
    assert len({b.control_point for b in binds}) == 3 and len({b.vehicle for b in binds}) == 3
    decisions = {act.binding: act for act in acts if isinstance(act, road_day.Decide)}
    crossings = {act.binding: act for act in acts if isinstance(act, road_day.Cross)}
    assert {d.decision for d in decisions.values()} == {road.Decision.GO, road.Decision.INSPECT}
    for bind in binds:  # decided after the 30 minutes to the earliest crossing, crossed after the decision
        assert bind.due + road.CROSSING_AFTER_BINDING <= decisions[bind.key].due < crossings[bind.key].due
    for bind in binds:
        for key in bind.consignments:
            [lodge] = [a for a in lodged if a.key == key]
            assert lodge.due < bind.due <= lodge.crossing
    [ask] = [act for act in acts if isinstance(act, road_day.Ask)]
    [answer] = [act for act in acts if isinstance(act, road_day.Answer)]
    assert ask.due < answer.due and answer.query == ask.key


def test_the_plugin_brings_its_part_through_its_entry_point() -> None:
    scenario = build_scenario(seed=2611, start=START)
    found = plugin_acts(scenario)
    assert found == declaring.story(scenario)
    declares = [act for act in found if isinstance(act, declaring.Declare)]
    directions = Counter(c.direction for c in declaring.declared(scenario))
    assert (
        directions
        == {"IMPORT": declaring.DECLARED, "EXPORT": declaring.DECLARED}
        == Counter(next(c.direction for c in scenario.consignments if c.mbl == act.mbl) for act in declares)
    )
    plan = build_plan(scenario, acts=found)
    assert all(act in plan for act in found)
    assert [step.due for step in plan] == sorted(step.due for step in plan)


def test_documents_are_made_from_the_simulated_cargo() -> None:
    scenario = build_scenario(seed=2611, start=START)
    counted = declaring.packages_counted(scenario)
    consignment = declaring.declared(scenario)[0]
    invoice, packing = declaring.documents_for(scenario, consignment, counted=counted)
    assert invoice == declaring.documents_for(scenario, consignment, counted=counted)[0]
    parsed = declarations.parse_document(declarations.DocumentKind.PACKING_LIST, "p.csv", packing)
    assert parsed.errors == []
    assert [float(line["gross_kg"]) for line in parsed.lines] == [box.gross_kg for box in consignment.boxes]
    assert all(float(line["net_kg"]) < float(line["gross_kg"]) for line in parsed.lines)
    _, swapped = declaring.documents_for(scenario, consignment, counted=counted, swapped=True)
    lines = declarations.parse_document(declarations.DocumentKind.PACKING_LIST, "p.csv", swapped).lines
    assert all(float(line["net_kg"]) > float(line["gross_kg"]) for line in lines)


@pytest.fixture
def seeded(db: Database) -> DemoSeed:
    with db.transaction() as session:
        return seed_demo(session, people=False)


def _headers(db: Database, org_id: str) -> dict[str, str]:
    with db.transaction() as session:
        _, key = identity.create_api_key(
            session, identity.SYSTEM_ACTOR, org_id=org_id, name="test", scopes=list(identity.KeyScope)
        )
    return {"Authorization": f"Bearer {key}"}


def _codes(view: dict[str, Any]) -> list[str]:
    return [event["event_code"] for event in view["events"]]


def _road_events(client: TestClient, headers: dict[str, str]) -> set[str]:
    """The codes of the road events in the company's event feed (every page of it)."""
    codes: set[str] = set()
    cursor = 0
    while page := client.get("/api/v1/events", params={"cursor": cursor}, headers=headers).json()["events"]:
        details = [item["event"] for item in page]
        codes |= {e["event_code"] for e in details if {"road", "road_query"} & set(e["details"])}
        cursor = page[-1]["cursor"]
    return codes


def test_the_day_lodges_binds_decides_and_declares(client: TestClient, db: Database, seeded: DemoSeed) -> None:
    simulator = Simulator(db, parties=seeded.parties(), seed=2611, start=START)
    # Without the installation's secret no sealed trip is driven, and its inspections are skipped with it.
    acts = [s for s in simulator.steps if hasattr(s, "run") and not isinstance(s, sealed.Inspect | sealed.Answer)]
    report = simulator.run_until(max(act.due for act in acts))
    assert report.problems == [] and report.acts == len(acts)
    work.drain(db, [declarations.QUEUE])
    sme, forwarder = (_headers(db, seeded.org_ids[key]) for key in ("sme", "forwarder"))
    customs = _headers(db, seeded.org_ids["customs"])

    # Road: the SME's three imports and the forwarder's batched exports, each bound once, decided and crossed.
    lodged = client.get("/api/v1/road/consignments", headers=sme).json()
    assert len(lodged) == 3 and {c["status"] for c in lodged} == {"bound"}
    bindings = {
        b["ubr"]: b
        for c in [*lodged, *client.get("/api/v1/road/consignments", headers=forwarder).json()]
        for b in client.get("/api/v1/road/bindings", params={"ccrn": c["ccrn"]}, headers=customs).json()
    }
    assert len(bindings) == 3 and len({b["control_point"] for b in bindings.values()}) == 3
    assert Counter(b["decision"] for b in bindings.values()) == {"go": 2, "inspect": 1}
    assert all(b["crossed_at"] and b["driver"] == "Chan Tai Man" for b in bindings.values())
    threads = [
        t for c in lodged for t in client.get(f"/api/v1/road/consignments/{c['ccrn']}/queries", headers=sme).json()
    ]
    assert len(threads) == 1 and len(threads[0]["messages"]) == 2  # customs asked, the SME replied
    # Each submitter hears of its cargo in its event feed: the query, its reply, the binding, the decision, the crossing.
    told = {key: _road_events(client, headers) for key, headers in (("sme", sme), ("forwarder", forwarder))}
    assert {"REQS", "SUBM", "CUSR", "CROS"} <= told["sme"] and "CUSI" not in told["sme"]
    assert {"CUSI", "CROS"} <= told["forwarder"]

    # Declarations: both authorities answered each; exactly one rejected, the planted mismatch, on its B/L's page.
    wrong = declaring.planted(simulator.scenario)
    for consignment in declaring.declared(simulator.scenario):
        view = client.get(f"/api/v1/track/{consignment.mbl}", headers=forwarder).json()
        answered = Counter(code for code in _codes(view) if code in ("CUSR", "ACPT", "REJE"))
        assert answered == ({"CUSR": 1, "REJE": 1} if consignment.mbl == wrong else {"CUSR": 1, "ACPT": 1})
    listed = client.get("/api/v1/services", headers=forwarder).json()
    assert listed["opt_ins"]["declarations"]["status"] == "active"
    [declared] = [s for s in listed["services"] if s["name"] == "declarations"]
    assert declared["used_this_month"] == 2 * len(declaring.declared(simulator.scenario))  # metered as through the API
