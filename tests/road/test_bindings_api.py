"""Binding through the API and the service: a UBR with the earliest crossing 30 minutes on, one live binding per
CCRN (held by the database too), cancel in full or in part, enquiries, the kiosk's PDF, the event."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from harbourlink import identity, road
from harbourlink.kernel import Actor, Database, HarbourLinkError
from harbourlink.road import parse_ubr
from harbourlink.road.domain import new_ccrn
from tests.conftest import make_company
from tests.road.support import bind, lodge, opt_in
from tests.road.support import road as road_world


def test_a_binding_gives_a_ubr_and_the_earliest_crossing_thirty_minutes_on(client: TestClient, db: Database) -> None:
    world = road_world(db)
    ccrns = [lodge(client, world.shipper), lodge(client, world.shipper)]
    bound = bind(client, world.trucker, ccrns=ccrns, driver="Chan Tai Bon")
    assert parse_ubr(bound["ubr"]) == bound["ubr"]
    at, earliest = datetime.fromisoformat(bound["bound_at"]), datetime.fromisoformat(bound["earliest_crossing_at"])
    assert earliest - at == timedelta(minutes=30)
    assert (bound["vehicle"], bound["control_point"], bound["direction"]) == ("FC117", "LMC", "import")
    assert (bound["driver"], bound["channel"], sorted(bound["ccrns"])) == ("Chan Tai Bon", "api", sorted(ccrns))

    for company in (world.trucker, world.customs, world.shipper):  # its maker, customs, the cargo's submitter
        seen = client.get(f"/api/v1/road/bindings/{bound['ubr']}", headers=company.auth)
        assert seen.status_code == 200 and seen.json()["ubr"] == bound["ubr"]
        by_ccrn = client.get("/api/v1/road/bindings", headers=company.auth, params={"ccrn": ccrns[0]}).json()
        assert [b["ubr"] for b in by_ccrn] == [bound["ubr"]]
    assert client.get(f"/api/v1/road/bindings/{bound['ubr']}", headers=world.outsider.auth).status_code == 404
    assert client.get("/api/v1/road/bindings", headers=world.outsider.auth, params={"ccrn": ccrns[0]}).json() == []
    assert client.get(f"/api/v1/road/bindings/{bound['ubr']}/print.pdf", headers=world.outsider.auth).status_code == 404
    refused = client.post(f"/api/v1/road/bindings/{bound['ubr']}/cancel", headers=world.outsider.auth)
    assert refused.status_code == 404


def test_a_ccrn_cannot_be_bound_twice_and_cancel_part_leaves_the_rest_bound(client: TestClient, db: Database) -> None:
    world = road_world(db)
    first, second = lodge(client, world.shipper), lodge(client, world.shipper)
    bound = bind(client, world.trucker, ccrns=[first, second])
    twice = client.post(
        "/api/v1/road/bindings",
        headers=world.trucker.auth,
        json={"vehicle": "AB1234", "ccrns": [second], "control_point": "STK", "direction": "import"},
    )
    assert twice.status_code == 409 and twice.json()["error"] == "ccrn_already_bound"

    part = client.post(
        f"/api/v1/road/bindings/{bound['ubr']}/cancel", headers=world.trucker.auth, json={"ccrns": [first]}
    )
    assert part.status_code == 200, part.text
    assert (part.json()["ccrns"], part.json()["cancelled_ccrns"], part.json()["cancelled_at"]) == (
        [second],
        [first],
        None,
    )
    assert client.get(f"/api/v1/road/consignments/{first}", headers=world.shipper.auth).json()["status"] == "lodged"
    assert client.get(f"/api/v1/road/consignments/{second}", headers=world.shipper.auth).json()["status"] == "bound"

    again = bind(client, world.trucker, ccrns=[first], vehicle="AB1234")  # unbound, it may be bound anew
    assert again["ccrns"] == [first]
    rest = client.post(f"/api/v1/road/bindings/{bound['ubr']}/cancel", headers=world.trucker.auth)
    assert rest.json()["ccrns"] == [] and rest.json()["cancelled_at"] is not None


def test_binding_needs_the_opt_in_and_a_lodged_ccrn(client: TestClient, db: Database) -> None:
    world = road_world(db)
    ccrn = lodge(client, world.shipper)
    body = {"vehicle": "FC117", "ccrns": [ccrn], "control_point": "LMC", "direction": "import"}
    refused = client.post("/api/v1/road/bindings", headers=world.shipper.auth, json=body)  # a shipper, no opt-in
    assert refused.status_code == 403 and refused.json()["error"] == "service_not_active"
    # The same random digits under the next lead digit (new_ccrn makes the lead d % 8 + 1): well formed, never lodged.
    never_lodged = new_ccrn(str(int(ccrn[0]) % 8) + ccrn[1:10])
    assert never_lodged[0] != ccrn[0]
    missing = client.post("/api/v1/road/bindings", headers=world.trucker.auth, json={**body, "ccrns": [never_lodged]})
    assert missing.status_code == 404 and missing.json()["error"] == "consignment_not_found"
    bad_point = client.post("/api/v1/road/bindings", headers=world.trucker.auth, json={**body, "control_point": "XXX"})
    assert bad_point.status_code == 422
    both = client.post("/api/v1/road/bindings", headers=world.trucker.auth, json={**body, "batch": "x"})
    assert both.status_code == 422


def test_the_kiosk_printout_carries_the_ubr(client: TestClient, db: Database) -> None:
    world = road_world(db)
    bound = bind(client, world.trucker, ccrns=[lodge(client, world.shipper)])
    printed = client.get(f"/api/v1/road/bindings/{bound['ubr']}/print.pdf", headers=world.trucker.auth)
    assert printed.status_code == 200 and printed.headers["content-type"] == "application/pdf"
    assert printed.content.startswith(b"%PDF-") and bound["ubr"].encode() in printed.content


def test_the_service_serves_the_phone_channel_without_http(client: TestClient, db: Database) -> None:
    world = road_world(db)
    ccrn = lodge(client, world.shipper)
    driver_actor = Actor(
        org_id=world.trucker.org_id, user_id=world.trucker.admin_id, roles=frozenset({"administrator"})
    )
    with db.transaction() as session:
        bound = road.do_bind(
            session,
            driver_actor,
            vehicle="fc 117",
            ccrns=[ccrn],
            control_point=road.control_point_by_keypad(3) or road.ControlPoint.SHA_TAU_KOK,
            direction=road.Direction.IMPORT,
            channel=road.Channel.PHONE,
        )
        ubr = bound.binding.ubr
        assert (bound.binding.channel, bound.binding.vehicle, bound.binding.driver) == (
            "phone",
            "FC 117",
            "Lok Ma Chau Haulage admin",
        )
    with db.transaction() as session:
        assert road.get_binding(session, driver_actor, ubr=ubr).ccrns == [ccrn]
        assert road.earliest_crossing_of(session, driver_actor, ccrn=ccrn) == bound.binding.earliest_crossing_at
        road.do_cancel_binding(session, driver_actor, ubr=ubr)
    with db.transaction() as session:
        assert road.earliest_crossing_of(session, driver_actor, ccrn=ccrn) is None


def test_a_binding_and_its_cancel_are_events_through_the_seam(client: TestClient, db: Database) -> None:
    world = road_world(db)
    bound = bind(client, world.trucker, ccrns=[lodge(client, world.shipper)])
    client.post(f"/api/v1/road/bindings/{bound['ubr']}/cancel", headers=world.trucker.auth)
    with db.transaction() as session:
        rows = session.execute(
            text(
                "SELECT e.event_type, e.event_code FROM events e JOIN event_references r ON r.event_seq = e.seq "
                "WHERE r.kind = 'UBR' AND r.value = :ubr ORDER BY e.seq"
            ),
            {"ubr": bound["ubr"]},
        ).all()
        queued = session.execute(text("SELECT count(*) FROM work_items")).scalar_one()
    assert [tuple(row) for row in rows] == [("CUSTOMS", "SUBM"), ("SHIPMENT", "CANC")]
    assert queued >= 2


@pytest.mark.postgres
def test_two_binds_racing_for_a_ccrn_cannot_both_win(client: TestClient, db: Database) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the race needs a server with concurrent transactions")
    world = road_world(db)
    second_trucker = opt_in(
        db, make_company(db, "Man Kam To Trucks", "trucking"), identity.Service.ROAD_BINDING, agent=True
    )
    ccrn = lodge(client, world.shipper)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(org_id: str, user_id: str) -> None:
        actor = Actor(org_id=org_id, user_id=user_id)
        try:
            with db.transaction() as session:
                barrier.wait(timeout=10)
                road.do_bind(
                    session,
                    actor,
                    vehicle="FC117",
                    ccrns=[ccrn],
                    control_point=road.ControlPoint.LOK_MA_CHAU,
                    direction=road.Direction.IMPORT,
                    channel=road.Channel.API,
                )
            outcomes.append("bound")
        except HarbourLinkError as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=attempt, args=(c.org_id, c.admin_id)) for c in (world.trucker, second_trucker)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["bound", "ccrn_already_bound"]


def test_the_database_refuses_a_second_live_binding_of_a_ccrn(client: TestClient, db: Database) -> None:
    world = road_world(db)
    ccrn = lodge(client, world.shipper)
    bound = bind(client, world.trucker, ccrns=[ccrn])
    other = bind(client, world.trucker, ccrns=[lodge(client, world.shipper)])
    with pytest.raises(IntegrityError, match=r"(?i)unique"), db.transaction() as session:
        session.execute(
            text("INSERT INTO road_binding_items (ubr, ccrn, live_ccrn) VALUES (:ubr, :ccrn, :ccrn)"),
            {"ubr": other["ubr"], "ccrn": ccrn},
        )
    assert bound["ccrns"] == [ccrn]


def test_a_driver_sees_the_bindings_they_made_and_not_their_colleagues(client: TestClient, db: Database) -> None:
    world = road_world(db)
    ours = bind(client, world.trucker, ccrns=[lodge(client, world.shipper)])  # the company's, through its key
    ccrn = lodge(client, world.shipper)
    with db.transaction() as session:
        driver, _ = identity.create_user(
            session,
            identity.SYSTEM_ACTOR,
            org_id=world.trucker.org_id,
            email="driver@lmc-haulage.example.hk",
            display_name="Chan Tai Bon",
            role=identity.Role.DRIVER,
        )
        actor = Actor(org_id=world.trucker.org_id, user_id=driver.id, roles=frozenset({"driver"}))
        own = road.do_bind(
            session,
            actor,
            vehicle="FC117",
            ccrns=[ccrn],
            control_point=road.ControlPoint.MAN_KAM_TO,
            direction=road.Direction.EXPORT,
            channel=road.Channel.WEB,
        )
        assert own.binding.driver == "Chan Tai Bon"
        assert [b.binding.ubr for b in road.list_bindings(session, actor)] == [own.binding.ubr]
        with pytest.raises(HarbourLinkError) as hidden:
            road.get_binding(session, actor, ubr=ours["ubr"])
        assert hidden.value.code == "binding_not_found"
    listed = client.get("/api/v1/road/bindings", headers=world.trucker.auth).json()
    assert {b["ubr"] for b in listed} == {ours["ubr"], own.binding.ubr}  # the company sees both
