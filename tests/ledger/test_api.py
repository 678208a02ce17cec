"""The ledger API: public checkpoint and consistency, proofs and bundles under the access rules."""

from __future__ import annotations

import base64

from fastapi.testclient import TestClient

from harbourlink import ledger
from harbourlink.api.ledger import for_app
from harbourlink.kernel import Database
from harbourlink_verify import (
    Vkey,
    leaf_hash,
    parse_checkpoint,
    verify_bundle,
    verify_inclusion,
    verify_note,
)
from tests.conftest import Company
from tests.ledger.conftest import SAMPLES


def _logged_event(client: TestClient, db: Database, company: Company) -> str:
    raw = (SAMPLES / "csv" / "hkg_import.csv").read_bytes()
    assert client.post("/api/v1/messages", params={"format": "csv"}, headers=company.auth, content=raw).is_success
    with db.transaction() as session:
        ledger.do_sequence(session, for_app(client.app))  # type: ignore[arg-type]
    events = client.get("/api/v1/events", headers=company.auth).json()["events"]
    return str(next(e["event"]["id"] for e in events if e["event"]["event_code"] == "RELS"))


def test_proofs_bundles_and_checkpoints(
    client: TestClient, db: Database, company_a: Company, company_b: Company
) -> None:
    event_id = _logged_event(client, db, company_a)
    key = client.get("/api/v1/ledger/key").json()
    vkey = Vkey.parse(key["vkey"])
    note = client.get("/api/v1/ledger/checkpoint").text
    origin, size, root = parse_checkpoint(verify_note(note, vkey))
    assert (origin, size) == (key["origin"], 5)
    proof = client.get(f"/api/v1/ledger/events/{event_id}/proof", headers=company_a.auth).json()
    hashes = [base64.b64decode(h) for h in proof["hashes"]]
    verify_inclusion(proof["leaf_index"], size, leaf_hash(base64.b64decode(proof["entry"])), hashes, root)
    consistency = client.get("/api/v1/ledger/consistency", params={"first": 2, "second": 5}).json()
    assert len(consistency["hashes"]) > 0
    assert client.get("/api/v1/ledger/consistency", params={"first": 6, "second": 5}).status_code == 422
    bundle = client.get(
        f"/api/v1/ledger/events/{event_id}/bundle",
        headers=company_a.auth,
        params=[("field", "event_code"), ("field", "event_time")],
    )
    assert bundle.status_code == 200 and "attachment" in bundle.headers["content-disposition"]
    claims = verify_bundle(bundle.content, key["vkey"]).claims
    assert [(c[2], c[3]) for c in claims] == [("event_code", '"RELS"'), ("event_time", '"2026-11-23T02:02:00Z"')]
    shipment = client.get("/api/v1/ledger/shipments/PONU0123456/bundle", headers=company_a.auth)
    assert (
        len({c[0] for c in verify_bundle(shipment.content, key["vkey"]).claims}) == 5
    )  # the B/L, and its container found on the way
    assert (
        client.get(
            f"/api/v1/ledger/events/{event_id}/bundle", headers=company_a.auth, params={"field": "password"}
        ).status_code
        == 422
    )


def test_another_company_gets_404_until_the_owner_shares(
    client: TestClient, db: Database, company_a: Company, company_b: Company
) -> None:
    event_id = _logged_event(client, db, company_a)
    for path in (
        f"/api/v1/ledger/events/{event_id}/proof",
        f"/api/v1/ledger/events/{event_id}/bundle",
        "/api/v1/ledger/shipments/PONU0123456/bundle",
    ):
        response = client.get(path, headers=company_b.auth)
        assert response.status_code == 404, (path, response.text)
        assert client.get(path).status_code == 401
    shared = client.post(
        "/api/v1/grants",
        headers=company_a.auth,
        json={"reference_type": "MBL", "reference": "PONU0123456", "grantee_org_id": company_b.org_id},
    )
    assert shared.status_code == 201, shared.text
    assert client.get(f"/api/v1/ledger/events/{event_id}/bundle", headers=company_b.auth).status_code == 200
