"""Customs queries: only customs raises one, on any consignment; the submitter and customs write in its thread,
which is kept; nobody else sees it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from harbourlink.kernel import Database
from tests.conftest import make_company
from tests.road.support import lodge, road


def test_customs_asks_the_submitter_replies_and_the_thread_is_kept(client: TestClient, db: Database) -> None:
    world = road(db)
    ccrn = lodge(client, world.shipper)
    path = f"/api/v1/road/consignments/{ccrn}/queries"
    raised = client.post(path, headers=world.customs.auth, json={"text": "What grade of paper are the books?"})
    assert raised.status_code == 201, raised.text
    query = raised.json()
    replied = client.post(
        f"/api/v1/road/queries/{query['id']}/replies", headers=world.shipper.auth, json={"text": "Wood-free, 80 gsm."}
    )
    assert replied.status_code == 201, replied.text
    client.post(f"/api/v1/road/queries/{query['id']}/replies", headers=world.customs.auth, json={"text": "Noted."})
    for company in (world.shipper, world.customs):
        [thread] = client.get(path, headers=company.auth).json()
        assert [(m["position"], m["side"], m["text"]) for m in thread["messages"]] == [
            (1, "customs", "What grade of paper are the books?"),
            (2, "submitter", "Wood-free, 80 gsm."),
            (3, "customs", "Noted."),
        ]
    for company in (world.outsider, world.trucker):
        assert client.get(f"/api/v1/road/queries/{query['id']}", headers=company.auth).status_code == 404
        sneaked = client.post(f"/api/v1/road/queries/{query['id']}/replies", headers=company.auth, json={"text": "x"})
        assert sneaked.status_code == 404
        assert client.get(path, headers=company.auth).status_code == 404


def test_only_customs_raises_queries(client: TestClient, db: Database) -> None:
    world = road(db)
    ccrn = lodge(client, world.shipper)
    path = f"/api/v1/road/consignments/{ccrn}/queries"
    own = client.post(path, headers=world.shipper.auth, json={"text": "a query on my own cargo"})
    assert own.status_code == 403 and own.json()["error"] == "not_customs"
    mainland = make_company(db, "Shenzhen Customs", "customs_mainland")
    assert client.post(path, headers=mainland.auth, json={"text": "?"}).status_code == 404
    assert client.post(path, headers=world.outsider.auth, json={"text": "?"}).status_code == 404
    empty = client.post(path, headers=world.customs.auth, json={"text": ""})
    assert empty.status_code == 422


def test_each_message_is_an_event_about_the_ccrn_shared_with_the_other_side(client: TestClient, db: Database) -> None:
    world = road(db)
    ccrn = lodge(client, world.shipper)
    query = client.post(
        f"/api/v1/road/consignments/{ccrn}/queries", headers=world.customs.auth, json={"text": "Invoice value?"}
    ).json()
    client.post(f"/api/v1/road/queries/{query['id']}/replies", headers=world.shipper.auth, json={"text": "HKD 8,000"})
    for company in (world.shipper, world.customs):
        events = [e["event"] for e in client.get("/api/v1/events", headers=company.auth).json()["events"]]
        thread = [(e["event_code"], e["details"]["side"]) for e in events if "road_query" in e.get("details", {})]
        assert thread == [("REQS", "customs"), ("SUBM", "submitter")], company
    outsider = client.get("/api/v1/events", headers=world.outsider.auth).json()["events"]
    assert outsider == []
