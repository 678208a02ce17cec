"""The DCSA adapters and renderer without a database: schemas, mapping, 2.2 output."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from harbourlink.events import check_event
from harbourlink.integrations.dcsa import DcsaTnt3Adapter, DcsaTnt22Adapter, render_v22
from harbourlink.integrations.dcsa.render import from_v3, synthesise, transport_call_id
from harbourlink.integrations.dcsa.schema import V22_FILE
from tests.integrations.dcsa.support import (
    SHARED_SPEC,
    V3_SAMPLE,
    V22_SAMPLE,
    assert_valid_events,
    sample,
)

UTC = dt.UTC


def _spec_as_json(document: Any) -> Any:
    if isinstance(document, dict):
        return {key: _spec_as_json(value) for key, value in document.items()}
    if isinstance(document, list):
        return [_spec_as_json(value) for value in document]
    if isinstance(document, bytes):
        return base64.b64encode(document).decode()
    if isinstance(document, dt.date | dt.datetime):
        return document.isoformat()
    return document


def test_bundled_schemas_are_the_shared_dcsa_file() -> None:
    yaml = pytest.importorskip("yaml")
    if not SHARED_SPEC.exists():
        pytest.skip("shared/standards is not beside this checkout")
    spec = yaml.safe_load(SHARED_SPEC.read_text())
    bundled = json.loads(V22_FILE.read_text())
    assert bundled["components"] == _spec_as_json(spec["components"])
    assert bundled["info"]["version"] == spec["info"]["version"] == "2.2.0"


def test_the_sample_is_valid_2_2_as_carriers_send_it() -> None:
    assert_valid_events(sample(V22_SAMPLE))


def test_document_reference_codes_are_accepted_and_other_values_refused() -> None:
    events = sample(V22_SAMPLE)[:1]
    assert not DcsaTnt22Adapter().parse(json.dumps(events).encode()).errors
    events[0]["documentReferences"][0]["documentReferenceType"] = "BOL"
    errors = DcsaTnt22Adapter().parse(json.dumps(events).encode()).errors
    assert [e.location for e in errors] == ["$[0].documentReferences[0].documentReferenceType"]


def test_2_2_mapping() -> None:
    parsed = DcsaTnt22Adapter().parse(V22_SAMPLE.read_bytes())
    assert parsed.errors == []
    by_code = {draft.event_code: draft for draft in parsed.events}
    assert [d.event_code for d in parsed.events] == ["ARRI", "DISC", "RELS", "GTOT", "GTIN", "LOAD", "DEPA"]
    arrival = by_code["ARRI"]
    assert arrival.source_key == "dcsa:0b4c2f4e-1d5a-4e0b-9a51-6f1c2a7d3e01"
    assert (
        arrival.location,
        arrival.facility,
        arrival.vessel_imo,
        arrival.vessel_name,
        arrival.voyage,
        arrival.mode_of_transport,
    ) == ("HKHKG", "HITHK", "9701231", "PACIFIC STAR", "045W", "VESSEL")
    assert arrival.created_time == dt.datetime(2026, 11, 19, 22, 12, 40, tzinfo=UTC)
    assert {(r.kind, r.value) for r in arrival.references} == {("BOOKING", "PSL2411SZ0042"), ("MBL", "PSLSHA24110042")}
    discharge = by_code["DISC"]
    # FF (the forwarder's own file number) and PO stay in the original; they are not House B/Ls.
    assert {(r.kind, r.value) for r in discharge.references} == {
        ("BOOKING", "PSL2411SZ0042"),
        ("MBL", "PSLSHA24110042"),
        ("CONTAINER", "PSLU3054388"),
    }
    assert discharge.details["dcsa"] == sample(V22_SAMPLE)[1]
    release = by_code["RELS"]
    assert release.event_type.value == "SHIPMENT"
    assert {(r.kind, r.value) for r in release.references} == {("MBL", "PSLSHA24110042"), ("CONTAINER", "PSLU3054388")}
    gate_out = by_code["GTOT"]  # no transport call: the place comes from eventLocation
    assert (gate_out.location, gate_out.facility, gate_out.vessel_imo) == ("HKHKG", "HITHK", None)
    assert by_code["LOAD"].voyage == "045E" and by_code["DEPA"].voyage == "045E"
    assert all(check_event(draft) is None for draft in parsed.events)


def test_a_bic_facility_code_is_not_taken_for_an_smdg_one() -> None:
    event = copy.deepcopy(sample(V22_SAMPLE)[0])
    event["transportCall"]["facilityCodeListProvider"] = "BIC"
    (draft,) = DcsaTnt22Adapter().parse(json.dumps(event).encode()).events
    assert draft.facility is None and draft.location == "HKHKG"


@pytest.mark.parametrize(("body", "base"), [("array", "$[0]"), ("object", "$"), ("envelope", "$.events[0]")])
def test_body_forms_and_their_paths(body: str, base: str) -> None:
    event = copy.deepcopy(sample(V22_SAMPLE)[0])
    del event["eventDateTime"]
    document: Any = {"array": [event], "object": event, "envelope": {"events": [event]}}[body]
    parsed = DcsaTnt22Adapter().parse(json.dumps(document).encode())
    assert [(e.location, e.message) for e in parsed.errors] == [(f"{base}.eventDateTime", "is required")]


def test_3_0_mapping_with_reefer_and_retraction() -> None:
    parsed = DcsaTnt3Adapter().parse(V3_SAMPLE.read_bytes())
    assert parsed.errors == []
    drafts = {draft.source_key.rsplit("-", 1)[-1]: draft for draft in parsed.events}
    arrival = drafts["3a9b6c0d4e01"]
    assert (
        arrival.event_type.value,
        arrival.event_code,
        arrival.location,
        arrival.facility,
        arrival.vessel_imo,
        arrival.vessel_name,
        arrival.voyage,
    ) == ("TRANSPORT", "ARRI", "HKHKG", "MTLHK", "9413872", "ORIENT BREEZE", "112N")
    reading = drafts["3a9b6c0d4e03"]
    assert reading.event_type.value == "REEFER" and reading.event_code == "MEAS"
    assert (reading.details["temperature"], reading.details["setpoint"]) == (-17.9, -18.0)
    assert {(r.kind, r.value) for r in reading.references} == {
        ("CONTAINER", "PSLU6002198"),
        ("BOOKING", "PSL2411NZ0311"),
    }
    fahrenheit = drafts["3a9b6c0d4e04"]
    assert (fahrenheit.details["temperature"], fahrenheit.details["setpoint"]) == (-17.5, -17.78)
    retraction = next(d for d in parsed.events if d.source_key.startswith("dcsa:retract:"))
    assert retraction.source_key == "dcsa:retract:7f3e9d10-5b8a-4c1e-8f21-3a9b6c0d4e06"
    assert retraction.details["retracts"] == {"eventID": "7f3e9d10-5b8a-4c1e-8f21-3a9b6c0d4e06"}
    assert retraction.event_code == ""  # filled from the retracted event by the pipeline


@dataclass
class Stored:
    """A stored event as the renderer reads it."""

    event_type: str
    event_code: str
    id: str = "5b7e7a8e-2f55-4d5b-9d0c-111111111111"
    classifier: str = "ACT"
    event_time: dt.datetime = dt.datetime(2026, 11, 23, 1, 40, tzinfo=UTC)
    created_time: dt.datetime | None = None
    received_at: dt.datetime = dt.datetime(2026, 11, 23, 1, 41, tzinfo=UTC)
    location: str | None = "HKHKG"
    facility: str | None = "HITHK"
    vessel_imo: str | None = "9706906"
    vessel_name: str | None = "PEARL HARMONY"
    voyage: str | None = "026E"
    mode_of_transport: str | None = "VESSEL"
    details: dict[str, Any] = field(default_factory=dict)


REFS = [("MBL", "PONU0123456"), ("CONTAINER", "MSCU1234566"), ("HBL", "VFFHKG001")]


def test_events_from_other_sources_are_synthesised_valid() -> None:
    rendered = [
        render_v22(Stored("TRANSPORT", "ARRI", classifier="EST"), REFS[:1]),
        render_v22(Stored("EQUIPMENT", "DISC"), REFS),
        render_v22(
            Stored("EQUIPMENT", "GTOT", vessel_imo=None, vessel_name=None, voyage=None, mode_of_transport="TRUCK"),
            REFS[1:],
        ),
        render_v22(Stored("EQUIPMENT", "STRP", vessel_imo=None, voyage=None, mode_of_transport=None), REFS),
        render_v22(Stored("SHIPMENT", "RELS"), REFS),
    ]
    assert_valid_events(rendered)
    arrival, discharge, gate_out, stripped, release = rendered
    assert arrival is not None and discharge is not None and gate_out is not None and release is not None
    assert arrival["eventCreatedDateTime"] == "2026-11-23T01:41:00Z"
    assert arrival["transportCall"]["transportCallID"] == discharge["transportCall"]["transportCallID"]
    assert discharge["equipmentReference"] == "MSCU1234566" and discharge["emptyIndicatorCode"] == "LADEN"
    assert discharge["documentReferences"] == [
        {"documentReferenceType": "TRD", "documentReferenceValue": "PONU0123456"}
    ]
    assert gate_out["transportCall"]["modeOfTransport"] == "TRUCK"
    assert stripped is not None and "transportCall" not in stripped
    assert stripped["eventLocation"]["facilityCode"] == "HITHK"
    assert (release["documentTypeCode"], release["documentID"]) == ("TRD", "PONU0123456")


@pytest.mark.parametrize(
    "stored",
    [
        Stored("REEFER", "MEAS"),
        Stored("RELEASE", "RELS"),
        Stored("CUSTOMS", "CUSR"),
        Stored("EQUIPMENT", "AVPU"),  # a 3.0 code 2.2 does not know
        Stored("SHIPMENT", "CANC"),
        Stored("TRANSPORT", "ARRI", mode_of_transport="AIR"),
        Stored("SHIPMENT", "RELS"),  # no document to name
        Stored("EQUIPMENT", "DISC", details={"retracts": {"eventID": "x"}}),
    ],
    ids=lambda s: f"{s.event_type}-{s.event_code}-{s.mode_of_transport}",
)
def test_what_2_2_cannot_say_is_left_out(stored: Stored) -> None:
    references = [] if stored.event_type == "SHIPMENT" else REFS
    assert render_v22(stored, references) is None


def test_3_0_events_translate_to_valid_2_2() -> None:
    rendered = []
    for event in sample(V3_SAMPLE):
        stored = Stored(
            event["metadata"]["eventType"],
            (event.get("payload") or {}).get("transportEventTypeCode")
            or (event.get("payload") or {}).get("equipmentEventTypeCode")
            or (event.get("payload") or {}).get("shipmentEventTypeCode")
            or "MEAS",
            details={"dcsa_v3": event},
        )
        rendered.append(render_v22(stored, []))
    kept = [r for r in rendered if r is not None]
    assert len(kept) == 4  # ARRI, DISC, RELS, EST GTOT; not the readings, the retraction, AVPU
    assert_valid_events(kept)
    arrival, discharge, release, _ = kept
    assert arrival["transportCall"]["transportCallID"] == "PSL-112S-HKHKG-MTLHK"
    assert arrival["transportCall"]["facilityCode"] == "MTLHK"
    assert arrival["transportCall"]["vessel"] == {
        "vesselIMONumber": "9413872",
        "vesselName": "ORIENT BREEZE",
        "vesselFlag": "HK",
        "vesselCallSignNumber": "VROB2",
        "vesselOperatorCarrierCode": "PSL",
        "vesselOperatorCarrierCodeListProvider": "SMDG",
    }
    assert discharge["seals"] == [{"sealNumber": "NZ4471920", "sealSource": "CUS", "sealType": "WIR"}]
    assert discharge["references"] == [{"referenceType": "FF", "referenceValue": "AFL-HKG-90417"}]
    assert (release["documentTypeCode"], release["documentID"]) == ("TRD", "PSLAKL24110311")
    odd = copy.deepcopy(sample(V3_SAMPLE)[0])
    odd["metadata"]["eventID"] = "PSL-EV-000123"  # 3.0 allows any id; 2.2 wants a UUID
    rendered_odd = from_v3(Stored("TRANSPORT", "ARRI"), odd)
    assert rendered_odd is not None and rendered_odd["eventID"] == Stored("TRANSPORT", "ARRI").id


def test_transport_call_ids_are_stable() -> None:
    assert transport_call_id(Stored("TRANSPORT", "ARRI")) == transport_call_id(Stored("TRANSPORT", "DEPA"))
    assert transport_call_id(Stored("TRANSPORT", "ARRI")) != transport_call_id(
        Stored("TRANSPORT", "ARRI", voyage="027E")
    )
    assert synthesise(Stored("TRANSPORT", "ARRI", vessel_imo=None, voyage=None, location=None), []) is None
