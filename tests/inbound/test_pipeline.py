"""The inbound path end to end with the CSV template: archive, events, errors, duplicates, replay."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Company
from tests.web.conftest import log_in

SAMPLES = Path(__file__).parent.parent / "samples"
HEADER = "event_id,event_type,event_code,classifier,event_time,container,mbl\n"

MALFORMED_CSV = {
    "no required columns": ("container,mbl\nMSCU1234566,PONU1\n", "row 1 (headers)"),
    "unknown event type": (HEADER + "1,BOAT,LOAD,ACT,2026-11-23T10:00:00Z,MSCU1234566,\n", "row 2, column event_type"),
    "bad time": (HEADER + "1,EQUIPMENT,LOAD,ACT,23/11/2026,MSCU1234566,\n", "row 2, column event_time"),
    "empty code": (HEADER + "1,EQUIPMENT,,ACT,2026-11-23T10:00:00Z,MSCU1234566,\n", "row 2, column event_code"),
    "code of another type": (HEADER + "1,EQUIPMENT,ARRI,ACT,2026-11-23T10:00:00Z,MSCU1234566,\n", "row 2"),
    "bad classifier": (HEADER + "1,EQUIPMENT,LOAD,XYZ,2026-11-23T10:00:00Z,MSCU1234566,\n", "row 2, column classifier"),
    "no reference": (HEADER + "1,EQUIPMENT,LOAD,ACT,2026-11-23T10:00:00Z,,\n", "row 2"),
    "bad reference": (HEADER + "1,EQUIPMENT,LOAD,ACT,2026-11-23T10:00:00Z,M!,\n", "row 2, column container"),
    "too many cells": (HEADER + "1,EQUIPMENT,LOAD,ACT,2026-11-23T10:00:00Z,MSCU1234566,PONU1,extra\n", "row 2"),
    "not utf-8": ("event_type\n\xff\xfe", "byte"),
    "bad temperature": (
        "event_type,event_code,event_time,container,temperature\nREEFER,MEAS,2026-11-23T10:00:00Z,MSCU1234566,warm\n",
        "row 2, column temperature",
    ),
}


def _send(client: TestClient, company: Company, body: bytes | str, fmt: str = "csv") -> dict[str, Any]:
    response = client.post(
        "/api/v1/messages",
        params={"format": fmt},
        headers=company.auth,
        content=body if isinstance(body, bytes) else body.encode(),
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_realistic_sample_becomes_events(client: TestClient, company_a: Company) -> None:
    raw = (SAMPLES / "csv" / "hkg_import.csv").read_bytes()
    outcome = _send(client, company_a, raw)
    assert outcome["status"] == "accepted", outcome
    assert (outcome["accepted"], outcome["duplicates"], outcome["errors"]) == (5, 0, [])
    again = _send(client, company_a, raw)
    assert (again["status"], again["accepted"], again["duplicates"]) == ("accepted", 0, 5)
    stored = client.get(f"/api/v1/messages/{outcome['id']}", headers=company_a.auth).json()
    assert stored["sha256"] == hashlib.sha256(raw).hexdigest() and stored["size"] == len(raw)
    assert client.get(f"/api/v1/messages/{outcome['id']}/raw", headers=company_a.auth).content == raw


@pytest.mark.parametrize("case", sorted(MALFORMED_CSV))
def test_malformed_csv_names_the_place(client: TestClient, company_a: Company, case: str) -> None:
    body, place = MALFORMED_CSV[case]
    raw = body.encode("latin-1") if case == "not utf-8" else body.encode()
    outcome = _send(client, company_a, raw)
    assert outcome["status"] == "rejected", outcome
    assert outcome["errors"], outcome
    assert outcome["errors"][0]["location"].startswith(place), outcome["errors"]


def test_errors_keep_what_was_accepted_and_replay_fixes(client: TestClient, company_a: Company) -> None:
    good = _send(client, company_a, (SAMPLES / "csv" / "hkg_import.csv").read_bytes())
    broken = (
        HEADER + "R1,EQUIPMENT,LOAD,ACT,2026-11-24T10:00:00Z,MSCU1234566,\nR2,EQUIPMENT,LOAD,ACT,24/11,MSCU1234566,\n"
    )
    partial = _send(client, company_a, broken)
    assert (partial["status"], partial["accepted"]) == ("partial", 1)
    [error] = partial["errors"]
    assert (error["location"], error["message"]) == (
        "row 3, column event_time",
        "'24/11' is not an ISO 8601 time such as 2026-11-21T10:02:00+08:00",
    )
    assert (error["code"], error["params"]["value"], error["place"]["params"]) == (
        "not_iso_time",
        "'24/11'",
        {"row": 3, "column": "event_time"},
    )
    failed = client.get("/api/v1/messages", headers=company_a.auth, params={"failed": True}).json()
    assert [m["id"] for m in failed] == [partial["id"]]
    fixed = broken.replace("24/11", "2026-11-24T11:00:00+08:00")
    replayed = client.post(f"/api/v1/messages/{partial['id']}/replay", headers=company_a.auth, content=fixed.encode())
    assert replayed.json()["status"] == "accepted"
    assert (replayed.json()["accepted"], replayed.json()["duplicates"]) == (1, 1)
    assert client.get("/api/v1/messages", headers=company_a.auth, params={"failed": True}).json() == []
    original = client.get(f"/api/v1/messages/{partial['id']}", headers=company_a.auth).json()
    assert original["superseded_by"] == replayed.json()["id"] and original["status"] == "partial"
    assert client.get(f"/api/v1/messages/{good['id']}", headers=company_a.auth).json()["accepted"] == 5


def test_unknown_format_and_empty_body(client: TestClient, company_a: Company) -> None:
    unknown = client.post("/api/v1/messages", params={"format": "telex"}, headers=company_a.auth, content=b"x")
    assert unknown.status_code == 422 and unknown.json()["error"] == "unknown_format"
    assert "csv" in unknown.json()["data"]["allowed"]
    empty = client.post("/api/v1/messages", params={"format": "csv"}, headers=company_a.auth, content=b"")
    assert empty.json()["error"] == "empty_message"
    assert client.get("/api/v1/messages", headers=company_a.auth).json() == []


def test_another_company_cannot_see_or_replay(client: TestClient, company_a: Company, company_b: Company) -> None:
    sent = _send(client, company_a, (SAMPLES / "csv" / "hkg_import.csv").read_bytes())
    for path in (f"/api/v1/messages/{sent['id']}", f"/api/v1/messages/{sent['id']}/raw"):
        assert client.get(path, headers=company_b.auth).status_code == 404
    assert client.post(f"/api/v1/messages/{sent['id']}/replay", headers=company_b.auth).status_code == 404
    assert client.get("/api/v1/messages", headers=company_b.auth).json() == []


def test_read_only_key_cannot_send(client: TestClient, company_a: Company) -> None:
    key = client.post("/api/v1/api-keys", headers=company_a.auth, json={"name": "ro", "scopes": ["cargo:read"]})
    response = client.post(
        "/api/v1/messages",
        params={"format": "csv"},
        content=b"x",
        headers={"Authorization": f"Bearer {key.json()['key']}"},
    )
    assert response.status_code == 403


def test_the_operators_reads_of_a_message_are_in_its_senders_access_log(
    client: TestClient, company_a: Company, operator: Company
) -> None:
    sent = _send(client, company_a, (SAMPLES / "csv" / "hkg_import.csv").read_bytes())
    assert client.get(f"/api/v1/messages/{sent['id']}", headers=company_a.auth).status_code == 200
    assert client.get("/api/v1/access-log", headers=company_a.auth).json() == []  # its own reads are not logged
    assert client.get(f"/api/v1/messages/{sent['id']}", headers=operator.auth).status_code == 200
    assert client.get(f"/api/v1/messages/{sent['id']}/raw", headers=operator.auth).status_code == 200
    log = client.get("/api/v1/access-log", headers=company_a.auth).json()
    assert sorted((e["viewer_org_id"], e["reference_type"], e["reference"], e["channel"]) for e in log) == [
        (operator.org_id, "MESSAGE", sent["id"], "api"),
        (operator.org_id, "MESSAGE", sent["id"], "api-raw"),
    ]
    log_in(client, operator.admin_email)  # and on the message's page
    assert client.get(f"/messages/{sent['id']}").status_code == 200
    log = client.get("/api/v1/access-log", headers=company_a.auth).json()
    assert {e["channel"] for e in log} == {"api", "api-raw", "web"}
