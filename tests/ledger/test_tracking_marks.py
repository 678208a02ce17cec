"""Each tracked event says where it stands in the ledger, with links that work for those who may see it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import delete
from sqlalchemy import event as sqlalchemy_event

from harbourlink import ledger
from harbourlink.api.ledger import for_app
from harbourlink.kernel import Database
from harbourlink.ledger.models import LedgerEvent, LedgerPending
from harbourlink_verify import verify_bundle
from tests.conftest import Company
from tests.ledger.conftest import SAMPLES

MBL = "PONU0123456"


def _send(client: TestClient, company: Company, fmt: str, raw: bytes) -> None:
    outcome = client.post("/api/v1/messages", params={"format": fmt}, headers=company.auth, content=raw).json()
    assert outcome["status"] == "accepted", outcome


def _sequence(client: TestClient, db: Database) -> None:
    with db.transaction() as session:
        ledger.do_sequence(session, for_app(client.app))  # type: ignore[arg-type]


def _track(client: TestClient, company: Company, reference: str = MBL) -> dict[str, Any]:
    response = client.get(f"/api/v1/track/{reference}", headers=company.auth)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _by_code(view: dict[str, Any], code: str) -> dict[str, Any]:
    return next(e for e in view["events"] if e["event_code"] == code)


def test_a_queued_event_says_so_and_a_sequenced_one_links_to_its_proof(
    client: TestClient,
    db: Database,
    company_a: Company,
) -> None:
    _send(client, company_a, "csv", (SAMPLES / "csv" / "hkg_import.csv").read_bytes())
    queued = _by_code(_track(client, company_a), "RELS")
    event_id = queued["id"]
    assert queued["ledger"] == {
        "status": "queued",
        "leaf_index": None,
        "proof_url": f"/api/v1/ledger/events/{event_id}/proof?reference={MBL}",
        "bundle_url": f"/api/v1/ledger/events/{event_id}/bundle?reference={MBL}",
    }
    assert client.get(queued["ledger"]["proof_url"], headers=company_a.auth).status_code == 409

    _sequence(client, db)
    view = _track(client, company_a)
    logged = _by_code(view, "RELS")["ledger"]
    assert logged["status"] == "logged" and isinstance(logged["leaf_index"], int)
    assert all(e["ledger"]["status"] == "logged" for e in view["events"])
    assert len({e["ledger"]["leaf_index"] for e in view["events"]}) == len(view["events"])  # one entry each
    proof = client.get(logged["proof_url"], headers=company_a.auth)
    assert proof.status_code == 200, proof.text
    assert (proof.json()["event_id"], proof.json()["leaf_index"]) == (event_id, logged["leaf_index"])
    bundle = client.get(logged["bundle_url"], headers=company_a.auth, params=[("field", "event_code")])
    key = client.get("/api/v1/ledger/key").json()["vkey"]
    claims = verify_bundle(bundle.content, key).claims
    assert claims == [(event_id, logged["leaf_index"], "event_code", '"RELS"')]
    # The containers' last moves and the export carry the same mark.
    container = view["containers"][0]["last_event"]
    assert container["ledger"] == next(e for e in view["events"] if e["id"] == container["id"])["ledger"]
    exported = client.get("/api/v1/events", headers=company_a.auth).json()["events"]
    assert {e["event"]["id"]: e["event"]["ledger"]["leaf_index"] for e in exported} == {
        e["id"]: e["ledger"]["leaf_index"] for e in view["events"]
    }


def test_another_company_cannot_follow_the_links(
    client: TestClient, db: Database, company_a: Company, company_b: Company
) -> None:
    _send(client, company_a, "csv", (SAMPLES / "csv" / "hkg_import.csv").read_bytes())
    _sequence(client, db)
    mark = _by_code(_track(client, company_a), "RELS")["ledger"]
    assert client.get(f"/api/v1/track/{MBL}", headers=company_b.auth).status_code == 404
    for url in (mark["proof_url"], mark["bundle_url"]):
        assert client.get(url, headers=company_b.auth).status_code == 404
        assert client.get(url).status_code == 401


def test_reefer_readings_of_one_message_share_one_entry(client: TestClient, db: Database, company_a: Company) -> None:
    _send(client, company_a, "terminal-json", (SAMPLES / "terminal" / "hit_feed.json").read_bytes())
    _sequence(client, db)
    view = _track(client, company_a, "MSCU1234566")
    readings = {e["ledger"]["leaf_index"] for e in view["events"] if e["event_type"] == "REEFER"}
    others = {e["ledger"]["leaf_index"] for e in view["events"] if e["event_type"] != "REEFER"}
    assert len(readings) == 1 and not readings & others


def test_events_stored_before_the_ledger_have_no_mark(client: TestClient, db: Database, company_a: Company) -> None:
    _send(client, company_a, "csv", (SAMPLES / "csv" / "hkg_import.csv").read_bytes())
    with db.transaction() as session:
        session.execute(delete(LedgerPending))
        session.execute(delete(LedgerEvent))
    assert all(e["ledger"] is None for e in _track(client, company_a)["events"])


def test_marks_for_a_whole_timeline_take_one_query(client: TestClient, db: Database, company_a: Company) -> None:
    _send(client, company_a, "csv", (SAMPLES / "csv" / "hkg_import.csv").read_bytes())
    _send(client, company_a, "terminal-json", (SAMPLES / "terminal" / "hit_feed.json").read_bytes())
    _sequence(client, db)
    ids = [e["id"] for e in _track(client, company_a)["events"]]
    _send(client, company_a, "csv", (SAMPLES / "csv" / "hkg_import.csv").read_bytes().replace(b"VF-", b"VG-"))
    ids += [e["id"] for e in _track(client, company_a)["events"] if e["id"] not in ids]
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    with db.transaction() as session:
        sqlalchemy_event.listen(db.engine, "before_cursor_execute", count)
        try:
            marks = ledger.event_marks(session, for_app(client.app), [*ids, "no-such-event"])  # type: ignore[arg-type]
        finally:
            sqlalchemy_event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1
    assert {m.queued for m in marks.values()} == {True, False} and "no-such-event" not in marks
    assert len(marks) == len(ids)


def test_the_openapi_document_describes_the_mark(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    event = schemas["EventView"]["properties"]
    assert {"id", "event_code", "event_time", "references", "source", "received_at", "details"} <= event.keys()
    assert "ledger" in event and "ledger" not in schemas["EventView"].get("required", [])
    mark = schemas["LedgerMark"]
    assert set(mark["properties"]) == {"status", "leaf_index", "proof_url", "bundle_url"}
    assert mark["properties"]["status"]["enum"] == ["logged", "queued"]
