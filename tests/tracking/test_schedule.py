"""The schedule names the terminal last announced: a berth moved to another terminal replaces the plan's."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Company

HEADER = (
    "event_id,event_type,event_code,classifier,event_time,mbl,location,facility,vessel_imo,vessel_name,voyage,mode\n"
)
PLAN = (
    HEADER
    + "P1,TRANSPORT,ARRI,PLN,2026-11-23T05:00:00+08:00,PONU0123456,HKHKG,HITHK,9706906,PEARL HARMONY,026E,VESSEL\n"
)
MOVED = (
    HEADER
    + "E1,TRANSPORT,ARRI,EST,2026-11-23T06:30:00+08:00,PONU0123456,HKHKG,MTLHK,9706906,PEARL HARMONY,026E,VESSEL\n"
)
ACTUAL = (
    HEADER + "A1,TRANSPORT,ARRI,ACT,2026-11-23T06:40:00+08:00,PONU0123456,HKHKG,,9706906,PEARL HARMONY,026E,VESSEL\n"
)


def _arrival(client: TestClient, company: Company) -> dict[str, Any]:
    view = client.get("/api/v1/track/PONU0123456", headers=company.auth).json()
    return next(s for s in view["schedule"] if s["event_code"] == "ARRI")


def test_a_moved_berth_shows_the_new_terminal(client: TestClient, company_a: Company) -> None:
    for body in (PLAN, MOVED, ACTUAL):
        outcome = client.post(
            "/api/v1/messages", params={"format": "csv"}, headers=company_a.auth, content=body.encode()
        ).json()
        assert outcome["status"] == "accepted", outcome
        if body is PLAN:
            assert _arrival(client, company_a)["facility"] == "HITHK"
    arrival = _arrival(client, company_a)
    assert arrival["facility"] == "MTLHK", "an actual naming no terminal keeps the one last announced"
    assert [e["classifier"] for e in arrival["estimates"]] == ["PLN", "EST", "ACT"]
