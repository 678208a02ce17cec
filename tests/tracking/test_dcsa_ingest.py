"""DCSA messages through ``POST /api/v1/messages``: events stored, errors at JSON paths, duplicates, replay."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from harbourlink import events
from harbourlink.kernel import Database
from tests.conftest import Company
from tests.integrations.dcsa.support import V3_SAMPLE, V22_SAMPLE, sample, send


def _stored(db: Database, owner: str) -> dict[str, tuple[Any, list[tuple[str, str]]]]:
    """The owner's events by source key, with their references."""
    with db.transaction() as session:
        rows = list(session.scalars(select(events.Event).where(events.Event.owner_org_id == owner)))
        references = events.references_of(session, [row.seq for row in rows])
        return {row.source_key: (row, sorted(references[row.seq])) for row in rows}


def test_hong_kong_2_2_sample_becomes_events(client: TestClient, db: Database, company_a: Company) -> None:
    outcome = send(client, company_a, V22_SAMPLE.read_bytes())
    assert (outcome["status"], outcome["accepted"], outcome["duplicates"], outcome["errors"]) == ("accepted", 7, 0, [])
    stored = _stored(db, company_a.org_id)
    arrival, arrival_refs = stored["dcsa:0b4c2f4e-1d5a-4e0b-9a51-6f1c2a7d3e01"]
    assert (
        arrival.event_type,
        arrival.event_code,
        arrival.classifier,
        arrival.location,
        arrival.facility,
        arrival.vessel_imo,
        arrival.vessel_name,
        arrival.voyage,
        arrival.mode_of_transport,
    ) == ("TRANSPORT", "ARRI", "ACT", "HKHKG", "HITHK", "9701231", "PACIFIC STAR", "045W", "VESSEL")
    assert arrival.event_time.isoformat() == "2026-11-19T22:05:00+00:00"
    assert arrival_refs == [("BOOKING", "PSL2411SZ0042"), ("MBL", "PSLSHA24110042")]
    discharge, discharge_refs = stored["dcsa:0b4c2f4e-1d5a-4e0b-9a51-6f1c2a7d3e02"]
    assert (discharge.event_code, discharge.details["dcsa"]) == ("DISC", sample(V22_SAMPLE)[1])
    assert discharge_refs == [("BOOKING", "PSL2411SZ0042"), ("CONTAINER", "PSLU3054388"), ("MBL", "PSLSHA24110042")]
    release, release_refs = stored["dcsa:0b4c2f4e-1d5a-4e0b-9a51-6f1c2a7d3e03"]
    assert (release.event_type, release.event_code) == ("SHIPMENT", "RELS")
    assert release_refs == [("CONTAINER", "PSLU3054388"), ("MBL", "PSLSHA24110042")]
    assert sorted(row.event_code for row, _ in stored.values()) == [
        "ARRI",
        "DEPA",
        "DISC",
        "GTIN",
        "GTOT",
        "LOAD",
        "RELS",
    ]


def test_duplicates_change_nothing(client: TestClient, db: Database, company_a: Company) -> None:
    first = send(client, company_a, V22_SAMPLE.read_bytes())
    again = send(client, company_a, V22_SAMPLE.read_bytes())
    assert (again["status"], again["accepted"], again["duplicates"]) == ("accepted", 0, 7)
    one = send(client, company_a, sample(V22_SAMPLE)[0])  # the callback of a single event, resent
    assert (one["accepted"], one["duplicates"]) == (0, 1)
    assert first["accepted"] == 7 and len(_stored(db, company_a.org_id)) == 7


def test_replay_of_a_corrected_message(client: TestClient, db: Database, company_a: Company) -> None:
    broken = sample(V22_SAMPLE)
    del broken[3]["eventDateTime"]
    broken[5]["equipmentEventTypeCode"] = "LODE"
    partial = send(client, company_a, broken)
    assert (partial["status"], partial["accepted"]) == ("partial", 5)
    assert [(e["location"], e["message"]) for e in partial["errors"]] == [
        ("$[3].eventDateTime", "is required"),
        (
            "$[5].equipmentEventTypeCode",
            "'LODE' is not one of ['LOAD', 'DISC', 'GTIN', 'GTOT', 'STUF', 'STRP', "
            "'PICK', 'DROP', 'INSP', 'RSEA', 'RMVD']",
        ),
    ]
    replayed = client.post(
        f"/api/v1/messages/{partial['id']}/replay", headers=company_a.auth, content=V22_SAMPLE.read_bytes()
    ).json()
    assert (replayed["status"], replayed["accepted"], replayed["duplicates"]) == ("accepted", 2, 5)
    original = client.get(f"/api/v1/messages/{partial['id']}", headers=company_a.auth).json()
    assert original["superseded_by"] == replayed["id"]
    assert client.get("/api/v1/messages", headers=company_a.auth, params={"failed": True}).json() == []
    assert len(_stored(db, company_a.org_id)) == 7


def test_3_0_sample_with_reefer_readings_and_a_retraction(client: TestClient, db: Database, company_a: Company) -> None:
    outcome = send(client, company_a, V3_SAMPLE.read_bytes(), fmt="dcsa-tnt-3")
    assert (outcome["status"], outcome["accepted"], outcome["errors"]) == ("accepted", 8, [])
    stored = _stored(db, company_a.org_id)
    reading, reading_refs = stored["dcsa:7f3e9d10-5b8a-4c1e-8f21-3a9b6c0d4e03"]
    assert (reading.event_type, reading.event_code, reading.details["temperature"], reading.details["setpoint"]) == (
        "REEFER",
        "MEAS",
        -17.9,
        -18.0,
    )
    assert reading_refs == [("BOOKING", "PSL2411NZ0311"), ("CONTAINER", "PSLU6002198")]
    estimate, estimate_refs = stored["dcsa:7f3e9d10-5b8a-4c1e-8f21-3a9b6c0d4e06"]
    retraction, retraction_refs = stored["dcsa:retract:7f3e9d10-5b8a-4c1e-8f21-3a9b6c0d4e06"]
    assert retraction.details["retracts"] == {"eventID": "7f3e9d10-5b8a-4c1e-8f21-3a9b6c0d4e06"}
    assert (retraction.event_type, retraction.event_code, retraction.classifier) == ("EQUIPMENT", "GTOT", "EST")
    assert retraction_refs == estimate_refs  # whoever saw the estimate sees its retraction
    assert estimate.details["dcsa_v3"]["payload"]["eventClassifierCode"] == "EST"  # kept, not deleted
    assert stored["dcsa:7f3e9d10-5b8a-4c1e-8f21-3a9b6c0d4e08"][0].event_code == "AVPU"


def test_a_retraction_in_a_later_message_and_twice(client: TestClient, db: Database, company_a: Company) -> None:
    events_3 = sample(V3_SAMPLE)
    send(client, company_a, events_3[:6], fmt="dcsa-tnt-3")
    later = send(client, company_a, [events_3[6]], fmt="dcsa-tnt-3")
    assert (later["status"], later["accepted"]) == ("accepted", 1)
    estimate = _stored(db, company_a.org_id)["dcsa:7f3e9d10-5b8a-4c1e-8f21-3a9b6c0d4e06"][0]
    retraction = _stored(db, company_a.org_id)["dcsa:retract:7f3e9d10-5b8a-4c1e-8f21-3a9b6c0d4e06"][0]
    assert retraction.details["retracts"]["event_id"] == estimate.id
    again = copy.deepcopy(events_3[6])
    again["metadata"]["eventID"] = "7f3e9d10-5b8a-4c1e-8f21-3a9b6c0d4e99"
    twice = send(client, company_a, [again], fmt="dcsa-tnt-3")
    assert (twice["accepted"], twice["duplicates"]) == (0, 1)


def test_a_retraction_of_another_companys_event_is_refused(
    client: TestClient, company_a: Company, company_b: Company
) -> None:
    events_3 = sample(V3_SAMPLE)
    send(client, company_a, events_3[:6], fmt="dcsa-tnt-3")
    refused = send(client, company_b, [events_3[6]], fmt="dcsa-tnt-3")
    assert refused["status"] == "rejected"
    [error] = refused["errors"]
    assert (error["location"], error["message"], error["code"]) == (
        "$[0].metadata.retractedEventID",
        "retracts event '7f3e9d10-5b8a-4c1e-8f21-3a9b6c0d4e06', which this company has not sent",
        "retracts_unknown_event",
    )


def _v22(change: Any) -> bytes:
    events_22 = sample(V22_SAMPLE)[:4]
    change(events_22)
    return json.dumps(events_22).encode()


def _set(path: list[Any], value: Any) -> Any:
    def change(document: Any) -> None:
        target = document
        for part in path[:-1]:
            target = target[part]
        if value is DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return change


DELETE = object()

MALFORMED_22: dict[str, tuple[bytes, str]] = {
    "not json": (b'[{"eventID": ', "line 1, column 14"),
    "not utf-8": (b"[\xff\xfe]", "byte 1"),
    "a number": (b"42", "$"),
    "no events": (b"[]", "$"),
    "no eventType": (_v22(_set([0, "eventType"], DELETE)), "$[0].eventType"),
    "unknown eventType": (_v22(_set([0, "eventType"], "VESSEL")), "$[0].eventType"),
    "no eventDateTime": (_v22(_set([3, "eventDateTime"], DELETE)), "$[3].eventDateTime"),
    "time without offset": (_v22(_set([0, "eventDateTime"], "2026-11-20T06:05:00")), "$[0].eventDateTime"),
    "no transport call": (_v22(_set([0, "transportCall"], DELETE)), "$[0].transportCall"),
    "no mode of transport": (
        _v22(_set([0, "transportCall", "modeOfTransport"], DELETE)),
        "$[0].transportCall.modeOfTransport",
    ),
    "IMO too long": (
        _v22(_set([0, "transportCall", "vessel", "vesselIMONumber"], "IMO9701231")),
        "$[0].transportCall.vessel.vesselIMONumber",
    ),
    "unknown equipment code": (_v22(_set([1, "equipmentEventTypeCode"], "LOST")), "$[1].equipmentEventTypeCode"),
    "no empty indicator": (_v22(_set([1, "emptyIndicatorCode"], DELETE)), "$[1].emptyIndicatorCode"),
    "unknown document type": (
        _v22(_set([0, "documentReferences", 0, "documentReferenceType"], "BOL")),
        "$[0].documentReferences[0].documentReferenceType",
    ),
    "eventID not a UUID": (_v22(_set([0, "eventID"], "PSL-1")), "$[0].eventID"),
    "unknown reference type": (
        _v22(_set([1, "references", 0, "referenceType"], "HBL")),
        "$[1].references[0].referenceType",
    ),
    "shipment without documentID": (_v22(_set([2, "documentID"], DELETE)), "$[2].documentID"),
    "classifier REQ": (_v22(_set([2, "eventClassifierCode"], "REQ")), "$[2].eventClassifierCode"),
    "container number HarbourLink cannot file": (
        _v22(_set([1, "equipmentReference"], "P!")),
        "$[1].equipmentReference",
    ),
    "an event that is not an object": (_v22(_set([2], "RELS")), "$[2]"),
}


def _v3(change: Any) -> bytes:
    events_3 = sample(V3_SAMPLE)[:4]
    change(events_3)
    return json.dumps(events_3).encode()


MALFORMED_3: dict[str, tuple[bytes, str]] = {
    "not json": (b'{"metadata"', "line 1, column 12"),
    "no metadata": (_v3(_set([0, "metadata"], DELETE)), "$[0].metadata"),
    "no publisher": (_v3(_set([0, "metadata", "publisher"], DELETE)), "$[0].metadata.publisher"),
    "unknown eventType": (_v3(_set([0, "metadata", "eventType"], "IOT")), "$[0].metadata.eventType"),
    "unknown publisher role": (_v3(_set([0, "metadata", "publisherRole"], "XX")), "$[0].metadata.publisherRole"),
    "no payload": (_v3(_set([1, "payload"], DELETE)), "$[1].payload"),
    "a retraction with a payload": (_v3(_set([1, "metadata", "retractedEventID"], "x")), "$[1].payload"),
    "bad eventDateTime": (_v3(_set([1, "payload", "eventDateTime"], "22/11/2026 07:58")), "$[1].payload.eventDateTime"),
    "no transport call": (_v3(_set([0, "payload", "transportCall"], DELETE)), "$[0].payload.transportCall"),
    "facility location without a code": (
        _v3(_set([0, "payload", "transportCall", "location", "facilityCode"], DELETE)),
        "$[0].payload.transportCall.location.facilityCode",
    ),
    "IMO of five digits": (
        _v3(_set([0, "payload", "transportCall", "vessel", "vesselIMONumber"], "94138")),
        "$[0].payload.transportCall.vessel.vesselIMONumber",
    ),
    "reading without measurements": (_v3(_set([2, "payload", "measurements"], DELETE)), "$[2].payload.measurements"),
    "humidity over 100": (
        _v3(_set([2, "payload", "measurements", "humidity"], 120)),
        "$[2].payload.measurements.humidity",
    ),
    "temperature without unit": (
        _v3(_set([3, "payload", "measurements", "temperatureUnit"], DELETE)),
        "$[3].payload.measurements",
    ),
    "unknown related document type": (
        _v3(_set([1, "payload", "relatedDocumentReferences", 0, "type"], "BOL")),
        "$[1].payload.relatedDocumentReferences[0].type",
    ),
    "bad UN/LOCODE": (
        _v3(_set([0, "payload", "transportCall", "location", "UNLocationCode"], "HK HKG")),
        "$[0].payload.transportCall.location.UNLocationCode",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_22))
def test_malformed_2_2_names_the_json_path(client: TestClient, company_a: Company, case: str) -> None:
    body, place = MALFORMED_22[case]
    outcome = send(client, company_a, body)
    assert outcome["status"] in ("rejected", "partial"), outcome
    assert place in [e["location"] for e in outcome["errors"]], outcome["errors"]


@pytest.mark.parametrize("case", sorted(MALFORMED_3))
def test_malformed_3_0_names_the_json_path(client: TestClient, company_a: Company, case: str) -> None:
    body, place = MALFORMED_3[case]
    outcome = send(client, company_a, body, fmt="dcsa-tnt-3")
    assert outcome["status"] in ("rejected", "partial"), outcome
    assert place in [e["location"] for e in outcome["errors"]], outcome["errors"]


def test_formats_are_listed(client: TestClient, company_a: Company) -> None:
    names = {f["name"] for f in client.get("/api/v1/formats", headers=company_a.auth).json()}
    assert {"dcsa-tnt-2.2", "dcsa-tnt-3"} <= names


def test_the_timeline_drops_a_retracted_estimate(client: TestClient, company_a: Company) -> None:
    assert send(client, company_a, V3_SAMPLE.read_bytes(), fmt="dcsa-tnt-3")["status"] == "accepted"
    view = client.get("/api/v1/track/PSLU6002198", headers=company_a.auth).json()
    assert any(e["event_type"] == "REEFER" for e in view["events"])
    assert not any(e["event_code"] == "GTOT" and e["classifier"] == "EST" for e in view["events"])
    assert all("retracts" not in e["details"] for e in view["events"])
