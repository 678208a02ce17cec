"""An event sent again under the same source id: a duplicate when it is the same, a conflict when it is not."""

from __future__ import annotations

import json
from pathlib import Path

from harbourlink import events
from harbourlink.integrations.csv_template import CsvTemplateAdapter
from harbourlink.integrations.customs_status import CustomsStatusJsonAdapter
from harbourlink.integrations.dcsa import DcsaTnt3Adapter, DcsaTnt22Adapter
from harbourlink.integrations.edifact import EdifactAdapter
from harbourlink.integrations.parsing import Adapter
from harbourlink.kernel import Database
from tests.conftest import Company

SAMPLES = Path(__file__).parent.parent / "samples"
FIRST, SECOND = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"


def _store(db: Database, company: Company, adapter: Adapter, raw: bytes, message_id: str) -> events.AppendResult:
    parsed = adapter.parse(raw)
    assert parsed.errors == [], parsed.errors
    assert all(events.check_event(draft) is None for draft in parsed.events)
    with db.transaction() as session:
        return events.append_events(session, owner_org_id=company.org_id, message_id=message_id, drafts=parsed.events)


def _conflicts(result: events.AppendResult) -> list[tuple[str, str]]:
    return [(str(conflict.place), str(conflict.problem)) for conflict in result.conflicts]


def test_csv_same_id_other_content(db: Database, company_a: Company) -> None:
    raw = (SAMPLES / "csv" / "hkg_import.csv").read_text()
    assert len(_store(db, company_a, CsvTemplateAdapter(), raw.encode(), FIRST).accepted) == 5
    same = _store(db, company_a, CsvTemplateAdapter(), raw.encode(), SECOND)
    assert (same.accepted, same.duplicates, same.conflicts) == ([], 5, [])
    changed = (
        raw.replace("2026-11-23T09:40:00+08:00", "2026-11-23T09:45:00+08:00")
        .replace("probe 1", "probe 2")
        .replace(
            ",HKHKG,HITHK,9706906,PEARL HARMONY,026E,VESSEL,,,\n", ",HKHKG,HITHK,9706906,PEARL HARMONY,027E,VESSEL,,,\n"
        )
    )
    again = _store(db, company_a, CsvTemplateAdapter(), changed.encode(), SECOND)
    assert (again.accepted, again.duplicates) == ([], 3)
    assert _conflicts(again) == [
        ("row 3", f"conflicts with the event stored from message {FIRST}: event_time, voyage differ"),
        ("row 4", f"conflicts with the event stored from message {FIRST}: remarks differs"),
    ]


def test_csv_same_id_twice_in_one_message(db: Database, company_a: Company) -> None:
    header = "event_id,event_type,event_code,event_time,container,location\n"
    row = "X-1,EQUIPMENT,GTIN,2026-11-23T10:00:00+08:00,MSCU1234566,HKHKG\n"
    body = header + row + row + row.replace("HKHKG", "HKTWN")
    result = _store(db, company_a, CsvTemplateAdapter(), body.encode(), FIRST)
    assert (result.accepted, result.duplicates) == ([0], 1)
    assert _conflicts(result) == [("row 4", "conflicts with row 2 of this message: location differs")]


def test_dcsa_2_2_same_event_id_other_content(db: Database, company_a: Company) -> None:
    sample = json.loads((SAMPLES / "dcsa" / "hkg_tnt22_import_export.json").read_text())
    _store(db, company_a, DcsaTnt22Adapter(), json.dumps(sample).encode(), FIRST)
    sample[1]["eventDateTime"] = "2026-11-20T09:00:00+08:00"
    sample[1]["transportCall"]["UNLocationCode"] = "HKTWN"
    again = _store(db, company_a, DcsaTnt22Adapter(), json.dumps(sample).encode(), SECOND)
    assert (again.accepted, again.duplicates) == ([], len(sample) - 1)
    assert _conflicts(again) == [
        (
            "$[1]",
            f"conflicts with the event stored from message {FIRST}: eventDateTime, transportCall.UNLocationCode differ",
        )
    ]


def test_dcsa_3_same_event_id_other_content(db: Database, company_a: Company) -> None:
    sample = json.loads((SAMPLES / "dcsa" / "hkg_tnt3_reefer.json").read_text())
    kept = [event for event in sample if "payload" in event]  # the retraction needs the pipeline to complete it
    _store(db, company_a, DcsaTnt3Adapter(), json.dumps(kept).encode(), FIRST)
    kept[0]["payload"]["eventDateTime"] = "2026-11-22T05:25:00+08:00"
    again = _store(db, company_a, DcsaTnt3Adapter(), json.dumps(kept).encode(), SECOND)
    assert _conflicts(again) == [
        ("$[0]", f"conflicts with the event stored from message {FIRST}: payload.eventDateTime differs")
    ]


def test_edifact_interchange_resent_with_other_content(db: Database, company_a: Company) -> None:
    raw = (SAMPLES / "edifact" / "codeco_hit_gate_in_out.edi").read_bytes()
    first = _store(db, company_a, EdifactAdapter(), raw, FIRST)
    assert _store(db, company_a, EdifactAdapter(), raw, SECOND).duplicates == len(first.accepted)
    changed = raw.replace(b"DTM+7:202611210941:203", b"DTM+7:202611210951:203")
    again = _store(db, company_a, EdifactAdapter(), changed, SECOND)
    ((location, message),) = _conflicts(again)
    assert message == f"conflicts with the event stored from message {FIRST}: event_time differs", location


def test_a_retraction_sent_again_with_another_envelope_is_a_duplicate() -> None:
    sample = json.loads((SAMPLES / "dcsa" / "hkg_tnt3_reefer.json").read_text())
    retraction = next(event for event in sample if "payload" not in event)
    (first,) = DcsaTnt3Adapter().parse(json.dumps([retraction]).encode()).events
    retraction["metadata"]["eventCreatedDateTime"] = "2026-11-24T08:00:00+08:00"
    (again,) = DcsaTnt3Adapter().parse(json.dumps([retraction]).encode()).events
    assert first.source_key == again.source_key
    assert events.differing_fields(events.content_of(again), events.content_of(first)) == []
    assert events.differing_fields(events.content_of(again), events.content_of(again)) == []


def test_a_content_keyed_item_sent_again_with_other_remarks_is_a_duplicate(db: Database, company_a: Company) -> None:
    report = {"declaration": "571020261000012345", "status": "ACPT", "at": "2026-11-23T10:02:00+08:00"}
    first = json.dumps({"reports": [report]}).encode()
    again = json.dumps({"source": "CN-SW", "reports": [{**report, "remark": "accepted"}]}).encode()
    assert len(_store(db, company_a, CustomsStatusJsonAdapter(), first, FIRST).accepted) == 1
    result = _store(db, company_a, CustomsStatusJsonAdapter(), again, SECOND)
    assert (result.accepted, result.duplicates, result.conflicts) == ([], 1, [])
