"""Mainland customs status: the source interface, the simulated source, and the ``customs-status-json`` format."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from harbourlink.events import Event
from harbourlink.integrations.customs_status import (
    CustomsStatus,
    CustomsStatusJsonAdapter,
    CustomsStatusReport,
    CustomsStatusSource,
    LodgedDeclaration,
    SimulatedMainlandCustoms,
    clearance_path,
    render_reports,
)
from harbourlink.kernel import Database
from tests.conftest import Company

DECLARATION = "572020261000012345"
REPORT = {
    "declaration": DECLARATION,
    "status": "ACPT",
    "at": "2026-11-23T10:02:00+08:00",
    "port": "CNZSN",
    "direction": "IMPORT",
    "bill_of_lading": "OOLU2611004213",
    "containers": ["MSCU1234566"],
    "remark": "declaration accepted",
}
DOCUMENT = {
    "source": "CN-SW",
    "reports": [REPORT, {**REPORT, "status": "CUSR", "at": "2026-11-23T14:30:00+08:00", "remark": "released"}],
}
LODGED = LodgedDeclaration(
    DECLARATION, datetime(2026, 11, 23, 1, 0, tzinfo=UTC), "CNZSN", "IMPORT", "OOLU2611004213", ("MSCU1234566",)
)

MALFORMED: dict[str, tuple[object, str]] = {
    "not json": ("{reports: [", "line 1, column 2"),
    "array at top": ([REPORT], "$"),
    "no reports": ({"source": "CN-SW"}, "$.reports"),
    "reports not a list": ({"reports": {"a": 1}}, "$.reports"),
    "no reports in the list": ({"reports": []}, "$.reports"),
    "source not text": ({"source": 7, "reports": [REPORT]}, "$.source"),
    "report not object": ({"reports": [DECLARATION]}, "$.reports[0]"),
    "no declaration": (
        {"reports": [{k: v for k, v in REPORT.items() if k != "declaration"}]},
        "$.reports[0].declaration",
    ),
    "declaration too short": ({"reports": [{**REPORT, "declaration": "572"}]}, "$.reports[0].declaration"),
    "unknown status": ({"reports": [{**REPORT, "status": "LOST"}]}, "$.reports[0].status"),
    "status not text": ({"reports": [{**REPORT, "status": 3}]}, "$.reports[0].status"),
    "no time": ({"reports": [{k: v for k, v in REPORT.items() if k != "at"}]}, "$.reports[0].at"),
    "time without offset": ({"reports": [{**REPORT, "at": "2026-11-23T10:02:00"}]}, "$.reports[0].at"),
    "not a time": ({"reports": [{**REPORT, "at": "tomorrow"}]}, "$.reports[0].at"),
    "bad check digit": ({"reports": [{**REPORT, "containers": ["MSCU1234567"]}]}, "$.reports[0].containers[0]"),
    "containers not a list": ({"reports": [{**REPORT, "containers": "MSCU1234566"}]}, "$.reports[0].containers"),
    "bad bill of lading": ({"reports": [{**REPORT, "bill_of_lading": "B/L?"}]}, "$.reports[0].bill_of_lading"),
    "bad port": ({"reports": [{**REPORT, "port": "ZHONGSHAN"}]}, "$.reports[0].port"),
    "bad direction": ({"reports": [{**REPORT, "direction": "SIDEWAYS"}]}, "$.reports[0].direction"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_document_names_the_path(case: str) -> None:
    body, path = MALFORMED[case]
    raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    parsed = CustomsStatusJsonAdapter().parse(raw)
    assert not parsed.events
    assert [e.location for e in parsed.errors] == [path], parsed.errors


def test_reports_become_customs_events() -> None:
    parsed = CustomsStatusJsonAdapter().parse(json.dumps(DOCUMENT).encode())
    assert parsed.errors == []
    accepted, released = parsed.events
    assert (accepted.event_type, accepted.event_code, released.event_code) == ("CUSTOMS", "ACPT", "CUSR")
    assert sorted((r.kind, r.value) for r in accepted.references) == [
        ("CONTAINER", "MSCU1234566"),
        ("DECLARATION", DECLARATION),
        ("MBL", "OOLU2611004213"),
    ]
    assert accepted.location == "CNZSN" and accepted.event_time == datetime(2026, 11, 23, 2, 2, tzinfo=UTC)
    assert accepted.details == {"direction": "IMPORT", "remark": "declaration accepted", "source": "CN-SW"}
    assert accepted.source_key != released.source_key


def test_bad_report_keeps_the_others(client: TestClient, db: Database, company_a: Company) -> None:
    document = {"reports": [REPORT, {**REPORT, "status": "LOST"}]}
    params, headers = {"format": "customs-status-json"}, company_a.auth
    partial = client.post(
        "/api/v1/messages", content=json.dumps(document).encode(), params=params, headers=headers
    ).json()
    assert (partial["status"], partial["accepted"]) == ("partial", 1)
    assert partial["errors"] == [
        {
            "location": "$.reports[1].status",
            "message": "'LOST' is not one of SUBM, ACPT, CUSS, CUSI, HOLD, CUSR, REJE",
            "code": "not_one_of",
            "params": {"value": "'LOST'", "choices": "SUBM, ACPT, CUSS, CUSI, HOLD, CUSR, REJE"},
            "place": {"code": "json_path", "params": {"path": "$.reports[1].status"}},
        }
    ]
    again = client.post(
        "/api/v1/messages", content=json.dumps(DOCUMENT).encode(), params=params, headers=headers
    ).json()
    assert (again["status"], again["accepted"], again["duplicates"]) == ("accepted", 1, 1)
    with db.transaction() as session:
        assert [e.event_code for e in session.scalars(select(Event).order_by(Event.event_time))] == ["ACPT", "CUSR"]


def _source(now: datetime) -> CustomsStatusSource:
    return SimulatedMainlandCustoms([LODGED], now=lambda: now)


def test_simulated_customs_reports_what_changed_since() -> None:
    path = clearance_path(DECLARATION)
    end = LODGED.lodged_at + path[-1][1]
    everything = _source(end).statuses([DECLARATION, "999920261000000001"], since=None)
    assert [r.status for r in everything] == [status for status, _ in path]
    assert all(r.bill_of_lading == "OOLU2611004213" and r.containers == ("MSCU1234566",) for r in everything)
    middle = everything[1].at
    assert _source(end).statuses([DECLARATION], since=middle) == everything[2:]
    assert _source(middle).statuses([DECLARATION], since=None) == everything[:2]
    assert _source(LODGED.lodged_at - timedelta(minutes=1)).statuses([DECLARATION], since=None) == []


@pytest.mark.parametrize("number", [f"5720202610000{n:05d}" for n in range(40)])
def test_every_clearance_path_is_ordered_and_ends_released_or_held(number: str) -> None:
    path = clearance_path(number)
    assert path == clearance_path(number)
    statuses = [status for status, _ in path]
    assert statuses[:2] == [CustomsStatus.SUBM, CustomsStatus.ACPT]
    assert statuses[-1] in (CustomsStatus.CUSR, CustomsStatus.HOLD)
    offsets = [offset for _, offset in path]
    assert offsets == sorted(offsets) and len(set(offsets)) == len(offsets)


def test_rendered_reports_read_back_as_the_same_statuses() -> None:
    reports = _source(datetime(2026, 11, 24, tzinfo=UTC)).statuses([DECLARATION], since=None)
    parsed = CustomsStatusJsonAdapter().parse(render_reports(reports, source="CN-CUSTOMS-SIM"))
    assert parsed.errors == []
    assert [(e.event_code, e.event_time) for e in parsed.events] == [(r.status.value, r.at) for r in reports]
    report = CustomsStatusReport(DECLARATION, CustomsStatus.HOLD, datetime(2026, 11, 23, 3, 0, tzinfo=UTC))
    assert json.loads(render_reports([report], source="X")) == {
        "source": "X",
        "reports": [{"declaration": DECLARATION, "status": "HOLD", "at": "2026-11-23T03:00:00+00:00"}],
    }
