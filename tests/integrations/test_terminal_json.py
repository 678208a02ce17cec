"""Terminal feeds: release status and reefer readings become events; each bad item names its JSON path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from harbourlink.events import Event
from harbourlink.integrations.terminal_json import TerminalJsonAdapter
from harbourlink.kernel import Database
from tests.conftest import Company

SAMPLE = Path(__file__).parent.parent / "samples" / "terminal" / "hit_feed.json"
BASE = {"terminal": "HITHK", "location": "HKHKG"}
RELEASE = {"container": "MSCU1234566", "status": "RELEASED", "at": "2026-11-23T10:02:00+08:00"}
READING = {"container": "MSCU1234566", "at": "2026-11-23T10:00:00+08:00", "supply_air": 4.8, "setpoint": 5.0}

MALFORMED: dict[str, tuple[object, str]] = {
    "not json": ("{releases: [", "line 1, column 2"),
    "array at top": ([RELEASE], "$"),
    "no terminal": ({"releases": [RELEASE]}, "$.terminal"),
    "releases not a list": ({**BASE, "releases": {"a": 1}}, "$.releases"),
    "unknown status": ({**BASE, "releases": [{**RELEASE, "status": "GONE"}]}, "$.releases[0].status"),
    "bad container": ({**BASE, "releases": [{**RELEASE, "container": "??"}]}, "$.releases[0].container"),
    "missing time": ({**BASE, "releases": [{k: v for k, v in RELEASE.items() if k != "at"}]}, "$.releases[0].at"),
    "bad time": ({**BASE, "releases": [{**RELEASE, "at": "yesterday"}]}, "$.releases[0].at"),
    "unknown hold": ({**BASE, "releases": [{**RELEASE, "holds": ["PIRATES"]}]}, "$.releases[0].holds"),
    "text temperature": (
        {**BASE, "reefer_readings": [{**READING, "supply_air": "cold"}]},
        "$.reefer_readings[0].supply_air",
    ),
    "impossible temperature": (
        {**BASE, "reefer_readings": [{**READING, "supply_air": 400}]},
        "$.reefer_readings[0].supply_air",
    ),
    "no temperature": (
        {**BASE, "reefer_readings": [{"container": "MSCU1234566", "at": READING["at"]}]},
        "$.reefer_readings[0].supply_air",
    ),
    "bad power": ({**BASE, "reefer_readings": [{**READING, "power": "MAYBE"}]}, "$.reefer_readings[0].power"),
    "item not object": ({**BASE, "releases": ["MSCU1234566"]}, "$.releases[0]"),
    "empty feed": (BASE, "$"),
}


def _send(client: TestClient, company: Company, raw: bytes) -> dict[str, object]:
    response = client.post("/api/v1/messages", params={"format": "terminal-json"}, headers=company.auth, content=raw)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_feed_becomes_release_and_reefer_events(client: TestClient, db: Database, company_a: Company) -> None:
    outcome = _send(client, company_a, SAMPLE.read_bytes())
    assert (outcome["status"], outcome["accepted"], outcome["errors"]) == ("accepted", 6, [])
    with db.transaction() as session:
        stored = session.scalars(select(Event).order_by(Event.event_time)).all()
        codes = [(e.event_type, e.event_code) for e in stored]
        assert codes == [
            ("RELEASE", "HOLD"),
            ("REEFER", "MEAS"),
            ("RELEASE", "RELS"),
            ("REEFER", "MEAS"),
            ("REEFER", "POWR"),
            ("RELEASE", "AVPU"),
        ]
        released = stored[2]
        assert released.facility == "HITHK" and released.location == "HKHKG"
        assert released.details["free_time_ends"] == "2026-11-28T23:59:00+08:00"
        assert released.event_time.isoformat() == "2026-11-23T02:02:00+00:00"
        assert stored[1].details == {
            "power": "ON",
            "supply_air": 4.8,
            "return_air": 5.6,
            "setpoint": 5.0,
            "humidity": 85.0,
            "temperature": 4.8,
        }
    assert _send(client, company_a, SAMPLE.read_bytes())["duplicates"] == 6


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_feed_names_the_path(case: str) -> None:
    body, path = MALFORMED[case]
    raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    parsed = TerminalJsonAdapter().parse(raw)
    assert not parsed.events
    assert [e.location for e in parsed.errors] == [path], parsed.errors


def test_bad_item_keeps_the_rest_and_replay_fixes(client: TestClient, company_a: Company) -> None:
    feed = {**BASE, "releases": [RELEASE, {**RELEASE, "container": "CSQU3054383", "at": "soon"}]}
    partial = _send(client, company_a, json.dumps(feed).encode())
    assert (partial["status"], partial["accepted"]) == ("partial", 1)
    assert partial["errors"][0]["location"] == "$.releases[1].at"  # type: ignore[index]
    feed["releases"][1]["at"] = "2026-11-23T12:00:00+08:00"  # type: ignore[index]
    replayed = client.post(
        f"/api/v1/messages/{partial['id']}/replay", headers=company_a.auth, content=json.dumps(feed).encode()
    ).json()
    assert (replayed["status"], replayed["accepted"], replayed["duplicates"]) == ("accepted", 1, 1)
