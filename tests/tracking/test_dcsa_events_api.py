"""``GET /v2/events``: the 2.2 shape (validated against the spec), filters, cursor pages, and who sees what."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Company
from tests.integrations.dcsa.support import V3_SAMPLE, V22_SAMPLE, assert_valid_events, sample, send

CSV_SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "csv" / "hkg_import.csv"
V22_IDS = [event["eventID"] for event in sample(V22_SAMPLE)]
ARRI, DISC, RELS, GTOT, GTIN, LOAD, DEPA = V22_IDS


def _get(client: TestClient, company: Company, params: Any = None, **headers: str) -> Any:
    response = client.get("/v2/events", params=params, headers={**company.auth, **headers})
    assert response.status_code == 200, response.text
    assert response.headers["API-Version"] == "2.2.0"
    assert_valid_events(response.json())
    return response


def _ids(response: Any) -> list[str]:
    return [event["eventID"] for event in response.json()]


@pytest.fixture
def loaded(client: TestClient, company_a: Company) -> Company:
    assert send(client, company_a, V22_SAMPLE.read_bytes())["accepted"] == 7
    return company_a


def test_events_come_back_as_they_were_sent(client: TestClient, loaded: Company) -> None:
    response = _get(client, loaded)
    assert response.json() == sample(V22_SAMPLE)  # faithful: the carrier's own 2.2 events, in arrival order
    assert response.headers["Current-Page"].startswith("http://testserver/v2/events?cursor=")
    assert "Next-Page" not in response.headers and "First-Page" not in response.headers


def test_3_0_and_csv_events_are_rendered_as_valid_2_2(client: TestClient, loaded: Company) -> None:
    send(client, loaded, V3_SAMPLE.read_bytes(), fmt="dcsa-tnt-3")
    send(client, loaded, CSV_SAMPLE.read_bytes(), fmt="csv")
    body = _get(client, loaded, {"limit": 1000}).json()
    by_id = {event["eventID"]: event for event in body}
    v3_ids = [e["metadata"]["eventID"] for e in sample(V3_SAMPLE)]
    # ARRI, DISC, RELS of 3.0 are there; the readings (REEFER), AVPU (3.0 only), the retraction and the
    # retracted estimate are not.
    assert [i for i in v3_ids if i in by_id] == [*v3_ids[:2], v3_ids[4]]
    codes = sorted(
        (
            e["eventType"],
            e.get("transportEventTypeCode") or e.get("equipmentEventTypeCode") or e.get("shipmentEventTypeCode"),
        )
        for e in body
        if e["eventID"] not in V22_IDS + v3_ids
    )
    assert codes == [("EQUIPMENT", "DISC"), ("EQUIPMENT", "GTOT"), ("TRANSPORT", "ARRI")]  # CSV: no REEFER, RELEASE
    assert len(body) == 7 + 3 + 3


FILTERS: list[tuple[dict[str, str], list[str]]] = [
    ({"eventType": "TRANSPORT"}, [ARRI, DEPA]),
    ({"eventType": "SHIPMENT,TRANSPORT"}, [ARRI, RELS, DEPA]),
    ({"shipmentEventTypeCode": "RELS"}, [RELS]),
    ({"shipmentEventTypeCode": "ISSU"}, []),
    ({"documentTypeCode": "TRD"}, [RELS]),
    ({"documentTypeCode": "BKG"}, []),
    ({"carrierBookingReference": "PSL2411HK0107"}, [GTIN, LOAD, DEPA]),
    ({"bookingReference": "PSL2411HK0107"}, [GTIN, LOAD, DEPA]),
    ({"transportDocumentReference": "PSLSHA24110042"}, [ARRI, DISC, RELS, GTOT]),
    ({"transportDocumentReference": "pslsha 2411 0042"}, [ARRI, DISC, RELS, GTOT]),
    ({"transportEventTypeCode": "DEPA"}, [DEPA]),
    ({"transportEventTypeCode": "ARRI,DEPA", "transportDocumentReference": "PSLHKG24110107"}, [DEPA]),
    ({"transportCallID": "PSL-045W-HKHKG-HITHK"}, [ARRI, DISC, LOAD, DEPA]),
    ({"vesselIMONumber": "9701231"}, [ARRI, DISC, LOAD, DEPA]),
    ({"vesselIMONumber": "9413872"}, []),
    ({"carrierVoyageNumber": "045E"}, [ARRI, DISC, LOAD, DEPA]),  # deprecated name of the export voyage
    ({"exportVoyageNumber": "045W"}, []),  # the import voyage is not the export voyage
    ({"exportVoyageNumber": "045E"}, [ARRI, DISC, LOAD, DEPA]),
    ({"carrierServiceCode": "CHX", "eventType": "EQUIPMENT"}, [DISC, LOAD]),
    ({"UNLocationCode": "HKHKG"}, [ARRI, DISC, GTOT, GTIN, LOAD, DEPA]),
    ({"equipmentEventTypeCode": "GTIN,GTOT"}, [GTOT, GTIN]),
    ({"equipmentReference": "PSLU3054388"}, [DISC, RELS, GTOT]),
    ({"equipmentReference": "PSLU3054388", "equipmentEventTypeCode": "DISC"}, [DISC]),
    ({"eventCreatedDateTime": "2026-11-20T09:41:07+08:00"}, [DISC]),
    ({"eventCreatedDateTime:eq": "2026-11-20T01:41:07Z"}, [DISC]),
    ({"eventCreatedDateTime:gte": "2026-11-20T14:20:00+08:00"}, [RELS, GTOT, LOAD, DEPA]),
    ({"eventCreatedDateTime:gt": "2026-11-20T14:20:00+08:00"}, [GTOT, LOAD, DEPA]),
    ({"eventCreatedDateTime:lt": "2026-11-20T06:12:40+08:00"}, [GTIN]),
    ({"eventCreatedDateTime:lte": "2026-11-20T06:12:40+08:00"}, [ARRI, GTIN]),
]


@pytest.mark.parametrize(("params", "expected"), FILTERS, ids=[repr(p) for p, _ in FILTERS])
def test_filters(client: TestClient, loaded: Company, params: dict[str, str], expected: list[str]) -> None:
    assert _ids(_get(client, loaded, params)) == expected


def test_created_time_range_and_an_unencoded_plus(client: TestClient, loaded: Company) -> None:
    both = [
        ("eventCreatedDateTime:gte", "2026-11-20T00:00:00+08:00"),
        ("eventCreatedDateTime:lt", "2026-11-21T00:00:00+08:00"),
    ]
    assert _ids(_get(client, loaded, both)) == [ARRI, DISC, RELS, LOAD, DEPA]
    raw = client.get("/v2/events?eventCreatedDateTime:gt=2026-11-20T14:20:00+08:00", headers=loaded.auth)
    assert _ids(raw) == [GTOT, LOAD, DEPA]


def test_sorting(client: TestClient, loaded: Company) -> None:
    by_time = [GTIN, ARRI, DISC, RELS, LOAD, DEPA, GTOT]
    assert _ids(_get(client, loaded, {"sort": "eventDateTime"})) == by_time
    assert _ids(_get(client, loaded, {"sort": "eventCreatedDateTime:DESC"})) == by_time[::-1]
    bad = client.get("/v2/events", params={"sort": "carrierBookingReference:DESC"}, headers=loaded.auth)
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_sort"


@pytest.mark.parametrize("sort", [None, "eventDateTime:DESC", "eventCreatedDateTime"])
def test_cursor_pages_walk_everything_once(client: TestClient, loaded: Company, sort: str | None) -> None:
    everything = _ids(_get(client, loaded, {"sort": sort} if sort else None))
    params = {"limit": "2", **({"sort": sort} if sort else {})}
    first = _get(client, loaded, params)
    pages, response = [_ids(first)], first
    while "Next-Page" in response.headers:
        response = client.get(response.headers["Next-Page"], headers=loaded.auth)
        assert response.status_code == 200 and response.headers["API-Version"] == "2.2.0"
        assert_valid_events(response.json())
        assert response.headers["First-Page"]
        pages.append(_ids(response))
    assert [len(page) for page in pages] == [2, 2, 2, 1]
    assert [i for page in pages for i in page] == everything
    again = client.get(response.headers["Current-Page"], headers=loaded.auth)
    assert _ids(again) == pages[-1]
    back = client.get(response.headers["First-Page"], headers=loaded.auth)
    assert _ids(back) == pages[0] and "First-Page" not in back.headers


def test_a_page_filled_past_events_2_2_cannot_show(client: TestClient, loaded: Company) -> None:
    send(client, loaded, V3_SAMPLE.read_bytes(), fmt="dcsa-tnt-3")  # readings and retractions between
    response = _get(client, loaded, {"limit": 8})
    assert len(response.json()) == 8 and "Next-Page" in response.headers
    rest = client.get(response.headers["Next-Page"], headers=loaded.auth)
    assert len(rest.json()) == 2 and "Next-Page" not in rest.headers


def test_cursors_are_signed_and_personal(client: TestClient, loaded: Company, company_b: Company) -> None:
    next_page = _get(client, loaded, {"limit": 3}).headers["Next-Page"]
    token = next_page.split("cursor=", 1)[1]
    tampered = client.get(
        "/v2/events",
        params={"cursor": token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]},
        headers=loaded.auth,
    )
    assert tampered.status_code == 422 and tampered.json()["error"] == "invalid_cursor"
    assert client.get(next_page, headers=company_b.auth).status_code == 422
    mixed = client.get("/v2/events", params={"cursor": token, "eventType": "SHIPMENT"}, headers=loaded.auth)
    assert mixed.status_code == 422


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"vesselName": "PACIFIC STAR"}, "invalid_filter"),
        ({"eventType": "REEFER"}, "invalid_filter"),
        ({"equipmentEventTypeCode": "AVPU"}, "invalid_filter"),
        ({"eventCreatedDateTime:after": "2026-11-20T00:00:00Z"}, "invalid_filter"),
        ({"eventCreatedDateTime": "20/11/2026"}, "invalid_filter"),
        ({"eventCreatedDateTime": "2026-11-20T00:00:00"}, "invalid_filter"),
        ({"transportDocumentID": "3cecb101-7a1a-43a4-9d62-e88a131651e2"}, "invalid_filter"),
        ({"UNLocationCode": "HKHKGX"}, "invalid_filter"),
        ({"equipmentReference": "!!"}, "invalid_filter"),
        ({"limit": "0"}, "invalid_limit"),
        ({"limit": "many"}, "invalid_limit"),
    ],
)
def test_bad_queries(client: TestClient, loaded: Company, params: dict[str, str], code: str) -> None:
    response = client.get("/v2/events", params=params, headers=loaded.auth)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == code and response.headers["API-Version"] == "2.2.0"


def test_api_version_and_credentials(client: TestClient, loaded: Company) -> None:
    assert _ids(_get(client, loaded, {"eventType": "TRANSPORT"}, **{"API-Version": "2"})) == [ARRI, DEPA]
    wrong = client.get("/v2/events", headers={**loaded.auth, "API-Version": "3"})
    assert wrong.status_code == 422 and wrong.json()["error"] == "unsupported_api_version"
    anonymous = client.get("/v2/events")
    assert anonymous.status_code == 401 and anonymous.headers["API-Version"] == "2.2.0"
    key = client.post("/api/v1/api-keys", headers=loaded.auth, json={"name": "writer", "scopes": ["cargo:write"]})
    write_only = client.get("/v2/events", headers={"Authorization": f"Bearer {key.json()['key']}"})
    assert write_only.status_code == 403


def test_another_company_sees_only_what_was_shared(client: TestClient, loaded: Company, company_b: Company) -> None:
    assert _get(client, company_b).json() == []
    assert _get(client, company_b, {"transportDocumentReference": "PSLSHA24110042"}).json() == []
    grant = client.post(
        "/api/v1/grants",
        headers=loaded.auth,
        json={"reference_type": "MBL", "reference": "PSLSHA24110042", "grantee_org_id": company_b.org_id},
    )
    assert grant.status_code == 201, grant.text
    assert _ids(_get(client, company_b)) == [ARRI, DISC, RELS, GTOT]
    assert _ids(_get(client, company_b, {"eventType": "EQUIPMENT"})) == [DISC, GTOT]
    log = client.get("/api/v1/access-log", headers=loaded.auth).json()
    assert {(entry["reference_type"], entry["reference"], entry["channel"]) for entry in log} >= {
        ("MBL", "PSLSHA24110042", "dcsa-api")
    }
    client.delete(f"/api/v1/grants/{grant.json()['id']}", headers=loaded.auth)
    assert _get(client, company_b).json() == []


def test_anyone_with_the_reference_applies_when_the_filter_names_it(
    client: TestClient, loaded: Company, company_b: Company
) -> None:
    grant = client.post(
        "/api/v1/grants",
        headers=loaded.auth,
        json={"reference_type": "CONTAINER", "reference": "PSLU7120467", "anyone_with_reference": True},
    )
    assert grant.status_code == 201, grant.text
    assert _get(client, company_b).json() == []  # holding nothing, B sees nothing
    assert _ids(_get(client, company_b, {"equipmentReference": "PSLU 712046-7"})) == [GTIN, LOAD]
    assert _get(client, company_b, {"equipmentReference": "PSLU3054388"}).json() == []
    booking = client.post(
        "/api/v1/grants",
        headers=loaded.auth,
        json={"reference_type": "BOOKING", "reference": "PSL2411HK0107", "anyone_with_reference": True},
    )
    assert booking.status_code == 201
    assert _ids(_get(client, company_b, {"carrierBookingReference": "PSL2411HK0107"})) == [GTIN, LOAD, DEPA]
