"""Input that used to end as "internal error": each bad item is now named and the good items kept."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from harbourlink import events
from harbourlink.integrations.csv_template import CsvTemplateAdapter
from harbourlink.integrations.customs_status import CustomsStatusJsonAdapter
from harbourlink.integrations.dcsa import DcsaTnt22Adapter
from tests.conftest import Company

SAMPLES = Path(__file__).parent.parent / "samples"
HEADER = "event_id,event_type,event_code,event_time,container,location,facility,vessel_imo,vessel_name,voyage\n"
GOOD_ROW = "G-1,EQUIPMENT,GTIN,2026-11-23T10:00:00+08:00,MSCU1234566,HKHKG,HITHK,9706906,PEARL HARMONY,026E\n"


def _send(client: TestClient, company: Company, body: bytes | str, fmt: str) -> dict[str, Any]:
    """The outcome of a message: answered at once, or (over the inline limit) queued and then read."""
    response = client.post(
        "/api/v1/messages",
        params={"format": fmt},
        headers=company.auth,
        content=body if isinstance(body, bytes) else body.encode(),
    )
    assert response.status_code in (201, 202), response.text
    if response.status_code == 202:  # the tests' database runs queued work at once, in this process
        response = client.get(response.headers["location"], headers=company.auth)
    return response.json()  # type: ignore[no-any-return]


def _errors(outcome: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["location"], e["message"]) for e in outcome["errors"]]


def _nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = {"n": value}
    return value


def _v22_events() -> list[dict[str, Any]]:
    return json.loads((SAMPLES / "dcsa" / "hkg_tnt22_import_export.json").read_text())  # type: ignore[no-any-return]


def _nested_text(depth: int) -> str:
    return '{"n": ' * depth + "1" + "}" * depth


def test_json_nested_deep_in_one_event_rejects_that_event_only(client: TestClient, company_a: Company) -> None:
    good, bad = _v22_events()[:2]
    text = "[" + json.dumps(good) + "," + json.dumps(bad)[:-1] + ', "extra": ' + _nested_text(1000) + "}]"
    outcome = _send(client, company_a, text, "dcsa-tnt-2.2")
    assert (outcome["status"], outcome["accepted"]) == ("partial", 1), outcome
    ((where, message),) = _errors(outcome)
    assert where.startswith("$[1].extra") and "nested deeper than" in message


def test_json_nested_within_the_parser_limit_but_too_deep_to_store(client: TestClient, company_a: Company) -> None:
    good, bad = copy.deepcopy(_v22_events()[:2])
    bad["extra"] = _nested(900)
    text = "[" + json.dumps(good) + "," + json.dumps(bad) + "]"
    outcome = _send(client, company_a, text, "dcsa-tnt-2.2")
    assert (outcome["status"], outcome["accepted"]) == ("partial", 1), outcome
    ((where, message),) = _errors(outcome)
    assert where.startswith("$[1].extra") and "nested deeper than" in message


def test_a_five_million_digit_integer_rejects_its_event_only(client: TestClient, company_a: Company) -> None:
    good, bad = _v22_events()[:2]
    text = "[" + json.dumps(good) + "," + json.dumps(bad)[:-1] + ', "count": ' + "7" * 5_000_000 + "}]"
    outcome = _send(client, company_a, text, "dcsa-tnt-2.2")
    assert (outcome["status"], outcome["accepted"]) == ("partial", 1), outcome
    assert _errors(outcome) == [("$[1].count", "a number of 5000000 digits is too long")]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_not_a_number_is_refused_where_it_stands(client: TestClient, company_a: Company, literal: str) -> None:
    good, bad = _v22_events()[:2]
    text = "[" + json.dumps(good) + "," + json.dumps(bad)[:-1] + f', "reading": {literal}' + "}]"
    outcome = _send(client, company_a, text, "dcsa-tnt-2.2")
    assert (outcome["status"], outcome["accepted"]) == ("partial", 1), outcome
    assert _errors(outcome) == [("$[1].reading", f"{literal} is not a JSON number")]


def test_a_lone_surrogate_rejects_its_event_only(client: TestClient, company_a: Company) -> None:
    good, bad = _v22_events()[:2]
    bad["transportCall"]["vessel"]["vesselName"] = "PACIFIC \ud800STAR"
    text = "[" + json.dumps(good) + "," + json.dumps(bad) + "]"  # json.dumps writes it as the escape \\ud800
    outcome = _send(client, company_a, text, "dcsa-tnt-2.2")
    assert (outcome["status"], outcome["accepted"]) == ("partial", 1), outcome
    ((where, message),) = _errors(outcome)
    assert where == "$[1].transportCall.vessel.vesselName" and "lone UTF-16 surrogate" in message


def test_terminal_json_hostile_items(client: TestClient, company_a: Company) -> None:
    good = {"container": "MSCU1234566", "status": "RELEASED", "at": "2026-11-23T10:02:00+08:00"}
    feed = (
        '{"terminal": "HITHK", "location": "HKHKG", "releases": [' + json.dumps(good) + ","
        '{"container": "MSCU1234566", "status": "HOLD", "at": "2026-11-23T10:05:00+08:00", "holds": [[1]]},'
        '{"container": "MSCU1234566", "status": "HOLD", "at": "2026-11-23T10:06:00+08:00", "x": '
        + _nested_text(1200)
        + "},"
        '{"container": "MSCU1234566", "status": "HOLD", "at": "2026-11-23T10:07:00+08:00", "n": ' + "9" * 10_000 + "}]}"
    )
    outcome = _send(client, company_a, feed, "terminal-json")
    assert (outcome["status"], outcome["accepted"]) == ("partial", 1), outcome
    places = [where for where, _ in _errors(outcome)]
    assert places[0] == "$.releases[1].holds" and places[1].startswith("$.releases[2].x")
    assert places[2] == "$.releases[3].n"


def test_a_csv_cell_over_the_limit_rejects_its_row_only(client: TestClient, company_a: Company) -> None:
    big = "X" * (128 * 1024 + 1)
    body = (
        HEADER
        + GOOD_ROW
        + f"B-1,EQUIPMENT,GTIN,2026-11-23T11:00:00+08:00,MSCU1234566,HKHKG,HITHK,,{big},\n"
        + f'B-2,EQUIPMENT,GTIN,2026-11-23T11:00:00+08:00,MSCU1234566,HKHKG,HITHK,,"{big}\n{big}",\n'
        + GOOD_ROW.replace("G-1", "G-2").replace("10:00", "12:00")
    )
    outcome = _send(client, company_a, body, "csv")
    assert (outcome["status"], outcome["accepted"]) == ("partial", 2), outcome
    assert _errors(outcome) == [
        ("row 3, column vessel_name", "longer than 131072 characters"),
        ("row 4, column vessel_name", "longer than 131072 characters"),
    ]


LONG_FIELDS = {
    "facility": ("HITHK", "HITHKTERMINAL1"),
    "vessel_name": ("PEARL HARMONY", "P" * 101),
    "voyage": ("026E", "V" * 51),
}


@pytest.mark.parametrize("column", sorted(LONG_FIELDS))
def test_a_field_longer_than_its_column_rejects_its_row_only(
    client: TestClient, company_a: Company, column: str
) -> None:
    short, long = LONG_FIELDS[column]
    bad = GOOD_ROW.replace("G-1", "B-1").replace("10:00", "11:00").replace(short, long)
    outcome = _send(client, company_a, HEADER + GOOD_ROW + bad, "csv")
    assert (outcome["status"], outcome["accepted"]) == ("partial", 1), outcome
    ((where, message),) = _errors(outcome)
    assert where == f"row 3, column {column}" and message.startswith("longer than"), outcome


def test_a_nul_character_rejects_its_row_only(client: TestClient, company_a: Company) -> None:
    bad = GOOD_ROW.replace("G-1", "B-1").replace("10:00", "11:00").replace("PEARL HARMONY", "PEARL\x00HARMONY")
    outcome = _send(client, company_a, HEADER + GOOD_ROW + bad, "csv")
    assert (outcome["status"], outcome["accepted"]) == ("partial", 1), outcome
    assert _errors(outcome) == [("row 3", "vessel_name: contains a NUL character")]


def test_csv_lines_ended_by_carriage_returns_alone() -> None:
    body = (HEADER + GOOD_ROW + GOOD_ROW.replace("G-1", "G-2")).replace("\n", "\r")
    parsed = CsvTemplateAdapter().parse(body.encode())
    assert (len(parsed.events), parsed.errors) == (2, [])


def test_a_long_event_id_rejects_its_row_only(client: TestClient, company_a: Company) -> None:
    bad = GOOD_ROW.replace("G-1", "B" * 300).replace("10:00", "11:00")
    outcome = _send(client, company_a, HEADER + GOOD_ROW + bad, "csv")
    assert (outcome["status"], outcome["accepted"]) == ("partial", 1), outcome
    assert _errors(outcome) == [("row 3, column event_id", "longer than 196 characters")]


def test_the_event_check_knows_the_column_lengths() -> None:
    draft = events.EventDraft(
        source_key="x",
        event_type=events.EventType.EQUIPMENT,
        event_code="GTIN",
        classifier=events.Classifier.ACT,
        event_time=dt.datetime(2026, 11, 23, tzinfo=dt.UTC),
        references=[events.Reference("CONTAINER", "MSCU1234566")],
        vessel_name="N" * 101,
    )
    assert str(events.check_event(draft)) == "vessel_name: longer than 100 characters"
    draft.vessel_name, draft.references = None, [events.Reference("BOOKING", "B" * 41)]
    assert str(events.check_event(draft)) == "reference BOOKING: longer than 40 characters"


def test_customs_status_reports_keep_the_good_ones() -> None:
    good = '{"declaration": "571020261000012345", "status": "ACPT", "at": "2026-11-23T10:02:00+08:00"}'
    document = (
        '{"source": "CN-SW", "reports": [' + good + ', {"declaration": "571020261000012346", '
        '"status": "ACPT", "at": "2026-11-23T10:02:00+08:00", "remark": NaN}, ' + _nested_text(2000) + "]}"
    )
    parsed = CustomsStatusJsonAdapter().parse(document.encode())
    assert len(parsed.events) == 1
    assert (parsed.errors[0].location, parsed.errors[0].message) == ("$.reports[1].remark", "NaN is not a JSON number")
    assert parsed.errors[1].location.startswith("$.reports[2].n.n")


def test_a_syntax_error_after_deep_nesting_is_placed_in_the_original_text() -> None:
    text = "[" + _nested_text(1500) + ",\n  }"
    (error,) = DcsaTnt22Adapter().parse(text.encode()).errors
    assert error.location == "line 2, column 3" and error.message.startswith("not JSON")


def _counts(client: TestClient, company: Company) -> tuple[int, int]:
    """(messages archived, events stored) of the company, as the API shows them."""
    messages = client.get("/api/v1/messages", params={"limit": 1000}, headers=company.auth).json()
    stored, cursor = 0, 0
    while True:
        page = client.get("/api/v1/events", params={"cursor": cursor}, headers=company.auth)
        assert page.status_code == 200, page.text
        body = page.json()
        if not body["events"]:
            return len(messages), stored
        stored, cursor = stored + len(body["events"]), body["next_cursor"]


def test_a_hostile_corpus_is_answered_place_by_place_and_loses_nothing_accepted(
    client: TestClient, company_a: Company
) -> None:
    """Every hostile message gets located errors; archived messages and stored events, counted before and
    after, show that nothing accepted before was lost and each message's good items were kept."""
    assert _send(client, company_a, (SAMPLES / "csv" / "hkg_import.csv").read_bytes(), "csv")["status"] == "accepted"
    good, second = _v22_events()[:2]
    assert _send(client, company_a, json.dumps([good]), "dcsa-tnt-2.2")["accepted"] == 1
    messages_before, events_before = _counts(client, company_a)
    conflicting = copy.deepcopy(good)
    conflicting["eventDateTime"] = "2026-01-01T00:00:00Z"
    corpus: dict[str, tuple[str, str, int]] = {  # case: (format, body, good items in it)
        "deep JSON": ("dcsa-tnt-2.2", "[" + json.dumps(second) + ',{"x": ' + _nested_text(1000) + "}]", 1),
        "huge number": ("dcsa-tnt-2.2", "[" + json.dumps(second) + ',{"n": ' + "7" * 100_000 + "}]", 0),
        "huge cell": (
            "csv",
            HEADER + GOOD_ROW.replace("G-1", "H-1") + "H-2,EQUIPMENT,GTIN,"
            "2026-11-23T11:00:00+08:00,MSCU1234566,HKHKG,HITHK,," + "X" * (128 * 1024 + 1) + ",\n",
            1,
        ),
        "overlong field": ("csv", HEADER + GOOD_ROW.replace("G-1", "L-1").replace("PEARL HARMONY", "P" * 101), 0),
        "bad check digit": ("csv", HEADER + GOOD_ROW.replace("G-1", "C-1").replace("MSCU1234566", "MSCU1234567"), 0),
        "conflicting re-delivery": ("dcsa-tnt-2.2", json.dumps([conflicting]), 0),
    }
    added = 0
    for case, (fmt, body, good_items) in corpus.items():
        outcome = _send(client, company_a, body, fmt)
        assert outcome["status"] in ("partial", "rejected"), (case, outcome)
        assert outcome["errors"], case
        for where, message in _errors(outcome):
            assert where and where != "message" and "internal error" not in message, (case, where, message)
        added += outcome["accepted"]
        assert outcome["accepted"] >= good_items, (case, outcome)
    messages_after, events_after = _counts(client, company_a)
    assert messages_after == messages_before + len(corpus), "every message is archived, the hostile ones too"
    assert events_after == events_before + added, "nothing stored before was lost; the good items were kept"
