"""Download by cursor: a company's system pulls what it may see, as JSON or IFTSTA, without gaps or repeats."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from harbourlink.integrations.edifact import EdifactAdapter
from tests.conftest import Company

SAMPLES = Path(__file__).parent.parent / "samples"


def _send(client: TestClient, company: Company, fmt: str, raw: bytes) -> None:
    assert (
        client.post("/api/v1/messages", params={"format": fmt}, headers=company.auth, content=raw).json()["status"]
        == "accepted"
    )


def test_pull_by_cursor_sees_own_and_granted_only(client: TestClient, company_a: Company, company_b: Company) -> None:
    _send(client, company_a, "csv", (SAMPLES / "csv" / "hkg_import.csv").read_bytes())
    assert client.get("/api/v1/events", headers=company_b.auth).json() == {"events": [], "next_cursor": 0}
    client.post(
        "/api/v1/grants",
        headers=company_a.auth,
        json={"reference_type": "CONTAINER", "reference": "MSCU1234566", "grantee_org_id": company_b.org_id},
    )
    first = client.get("/api/v1/events", headers=company_b.auth, params={"limit": 2})
    page = first.json()
    assert [e["event"]["event_code"] for e in page["events"]] == ["DISC", "MEAS"]
    assert first.headers["Next-Cursor"] == str(page["next_cursor"])
    rest = client.get("/api/v1/events", headers=company_b.auth, params={"cursor": page["next_cursor"]}).json()
    assert [e["event"]["event_code"] for e in rest["events"]] == ["RELS", "GTOT"]  # the ARRI names no container
    assert (
        client.get("/api/v1/events", headers=company_b.auth, params={"cursor": rest["next_cursor"]}).json()["events"]
        == []
    )
    log = client.get("/api/v1/access-log", headers=company_a.auth).json()
    assert {e["viewer_org_id"] for e in log} == {company_b.org_id} and {e["channel"] for e in log} == {"export"}


def test_iftsta_download_reads_back(client: TestClient, company_a: Company) -> None:
    _send(client, company_a, "csv", (SAMPLES / "csv" / "hkg_import.csv").read_bytes())
    response = client.get("/api/v1/events", headers=company_a.auth, params={"format": "iftsta"})
    assert response.headers["content-type"].lower().startswith("application/edifact")
    assert response.headers["Skipped-Events"] == "1"  # the reefer reading has no IFTSTA status
    parsed = EdifactAdapter().parse(response.content)
    assert parsed.errors == []
    assert sorted(e.event_code for e in parsed.events) == ["ARRI", "DISC", "GTOT", "RELS"]
    assert {r.value for e in parsed.events for r in e.references} >= {"MSCU1234566", "PONU0123456"}


def test_read_scope_is_needed(client: TestClient, company_a: Company) -> None:
    key = client.post("/api/v1/api-keys", headers=company_a.auth, json={"name": "w", "scopes": ["cargo:write"]})
    denied = client.get("/api/v1/events", headers={"Authorization": f"Bearer {key.json()['key']}"})
    assert denied.status_code == 403
