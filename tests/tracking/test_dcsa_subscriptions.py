"""``/v2/event-subscriptions`` and signed callbacks to a real HTTP server on loopback."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from harbourlink import tracking
from harbourlink.kernel import Database, utcnow, work
from harbourlink.settings import Settings
from harbourlink.tracking import CallbackPolicy, DcsaDelivery
from harbourlink.tracking.subscriptions import MAX_ATTEMPTS, retry_delay
from tests.conftest import Company, app_client
from tests.integrations.dcsa.support import (
    V3_SAMPLE,
    V22_SAMPLE,
    Received,
    assert_valid_events,
    callback_server,
    sample,
    schema_validator,
    send,
)

SECRET = base64.b64encode(b"harbourlink-dcsa-callback-secret-0001").decode()
NEW_SECRET = base64.b64encode(b"harbourlink-dcsa-callback-secret-0002-rotated").decode()
LOOPBACK = CallbackPolicy(allow_private_networks=True)
V22_IDS = [event["eventID"] for event in sample(V22_SAMPLE)]
ARRI, DISC, RELS, GTOT, GTIN, LOAD, DEPA = V22_IDS


@pytest.fixture
def api(settings: Settings) -> Iterator[TestClient]:
    """The API with callbacks to loopback allowed (the tests' receivers listen there)."""
    with app_client(settings, dcsa_callback_allow_private_networks=True) as client:
        yield client


def _subscribe(client: TestClient, company: Company, url: str, **filters: Any) -> dict[str, Any]:
    response = client.post(
        "/v2/event-subscriptions", headers=company.auth, json={"callbackUrl": url, "secret": SECRET, **filters}
    )
    assert response.status_code == 201, response.text
    assert response.headers["API-Version"] == "2.2.0"
    body: dict[str, Any] = response.json()
    assert not list(schema_validator("subscription").iter_errors(body))
    return body


def _deliver(client: TestClient, db: Database, **kwargs: Any) -> tracking.DeliveryReport:
    sealer = client.app.state.runtime.sealer  # type: ignore[attr-defined]
    with httpx.Client() as http:
        return tracking.deliver_dcsa_callbacks(db, http, sealer=sealer, policy=LOOPBACK, **kwargs)


def _verified(received: Received, secret: str) -> list[dict[str, Any]]:
    """The callback's events, after checking its signature as a subscriber would."""
    expected = "sha256=" + hmac.new(base64.b64decode(secret), received.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(received.headers["notification-signature"], expected)
    assert received.headers["content-type"] == "application/json"
    assert received.headers["api-version"] == "2.2.0"
    events: list[dict[str, Any]] = json.loads(received.body)
    assert_valid_events(events)
    return events


def _deliveries(db: Database) -> list[DcsaDelivery]:
    with db.transaction() as session:
        return list(session.scalars(select(DcsaDelivery).order_by(DcsaDelivery.event_seq)))


def test_subscription_lifecycle(api: TestClient, company_a: Company) -> None:
    created = _subscribe(
        api,
        company_a,
        "https://hooks.alpha.example.hk/dcsa?ref=1",
        eventType=["EQUIPMENT"],
        equipmentReference="PSLU3054388",
    )
    assert set(created) == {"subscriptionID", "callbackUrl", "eventType", "equipmentReference"}
    assert "secret" not in created
    path = f"/v2/event-subscriptions/{created['subscriptionID']}"
    assert api.get(path, headers=company_a.auth).json() == created
    changed = api.put(
        path,
        headers=company_a.auth,
        json={
            "subscriptionID": created["subscriptionID"],
            "callbackUrl": "https://hooks.alpha.example.hk/dcsa?ref=2",
            "transportEventTypeCode": ["ARRI"],
            "vesselIMONumber": "9701231",
        },
    )
    assert changed.status_code == 200, changed.text
    assert changed.json() == {
        "subscriptionID": created["subscriptionID"],
        "callbackUrl": "https://hooks.alpha.example.hk/dcsa?ref=2",
        "transportEventTypeCode": ["ARRI"],
        "vesselIMONumber": "9701231",
    }
    with_secret = api.put(path, headers=company_a.auth, json={"callbackUrl": "https://a.example.hk/", "secret": SECRET})
    assert with_secret.status_code == 422
    assert api.put(f"{path}/secret", headers=company_a.auth, json={"secret": NEW_SECRET}).status_code == 204
    deleted = api.delete(path, headers=company_a.auth)
    assert deleted.status_code == 204 and deleted.headers["API-Version"] == "2.2.0"
    assert api.get(path, headers=company_a.auth).status_code == 404


def test_listing_pages(api: TestClient, company_a: Company) -> None:
    made = [_subscribe(api, company_a, f"https://hooks.alpha.example.hk/{n}")["subscriptionID"] for n in range(5)]
    response = api.get("/v2/event-subscriptions", params={"limit": 2}, headers=company_a.auth)
    seen = [s["subscriptionID"] for s in response.json()]
    assert response.headers["Current-Page"]
    while "Next-Page" in response.headers:
        response = api.get(response.headers["Next-Page"], headers=company_a.auth)
        assert response.headers["First-Page"]
        seen += [s["subscriptionID"] for s in response.json()]
    assert sorted(seen) == sorted(made) and len(seen) == 5


def test_another_company_gets_404(api: TestClient, company_a: Company, company_b: Company) -> None:
    mine = _subscribe(api, company_a, "https://hooks.alpha.example.hk/dcsa")["subscriptionID"]
    path = f"/v2/event-subscriptions/{mine}"
    assert api.get(path, headers=company_b.auth).status_code == 404
    assert api.put(path, headers=company_b.auth, json={"callbackUrl": "https://evil.example.com/"}).status_code == 404
    assert api.put(f"{path}/secret", headers=company_b.auth, json={"secret": NEW_SECRET}).status_code == 404
    assert api.delete(path, headers=company_b.auth).status_code == 404
    assert api.get("/v2/event-subscriptions", headers=company_b.auth).json() == []
    assert api.get(path, headers=company_a.auth).status_code == 200


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"secret": SECRET}, "invalid_subscription"),  # no callbackUrl
        ({"callbackUrl": "https://hooks.example.hk/"}, "invalid_subscription"),  # no secret
        ({"callbackUrl": "not a url", "secret": SECRET}, "invalid_subscription"),
        ({"callbackUrl": "https://hooks.example.hk/", "secret": "***"}, "invalid_subscription"),
        ({"callbackUrl": "https://hooks.example.hk/", "secret": base64.b64encode(b"short").decode()}, "invalid_secret"),
        (
            {"callbackUrl": "https://hooks.example.hk/", "secret": SECRET, "eventType": ["REEFER"]},
            "invalid_subscription",
        ),
        ({"callbackUrl": "https://hooks.example.hk/", "secret": SECRET, "vesselName": "X"}, "invalid_filter"),
        (
            {
                "callbackUrl": "https://hooks.example.hk/",
                "secret": SECRET,
                "scheduleID": "9679a405-3316-42a5-8533-aba000f5689c",
            },
            "invalid_filter",
        ),
        ({"callbackUrl": "ftp://hooks.example.hk/", "secret": SECRET}, "callback_url_not_allowed"),
        ({"callbackUrl": "https://user:pw@hooks.example.hk/", "secret": SECRET}, "callback_url_not_allowed"),
    ],
)
def test_bad_subscriptions(api: TestClient, company_a: Company, body: dict[str, Any], code: str) -> None:
    response = api.post("/v2/event-subscriptions", headers=company_a.auth, json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == code


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/cb",
        "http://localhost/cb",
        "http://10.1.2.3/cb",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/cb",
    ],
)
def test_inside_addresses_are_refused_by_default(client: TestClient, company_a: Company, url: str) -> None:
    response = client.post(
        "/v2/event-subscriptions", headers=company_a.auth, json={"callbackUrl": url, "secret": SECRET}
    )
    assert response.status_code == 422 and response.json()["error"] == "callback_url_not_allowed"


def test_a_signed_callback_reaches_a_real_server(api: TestClient, db: Database, company_a: Company) -> None:
    with callback_server() as server:
        subscription = _subscribe(
            api, company_a, server.url, eventType=["EQUIPMENT", "SHIPMENT"], equipmentReference="PSLU3054388"
        )
        assert send(api, company_a, V22_SAMPLE.read_bytes())["accepted"] == 7
        assert [d.status for d in _deliveries(db)] == ["pending"] * 3  # written with the events, nothing sent yet
        assert server.received == []
        report = _deliver(api, db)
        assert (report.requests, report.delivered, report.errors) == (1, 3, [])
        (call,) = server.received
        assert call.path == "/dcsa/callback?subscriber=alpha"
        assert call.headers["subscription-id"] == subscription["subscriptionID"]
        events = _verified(call, SECRET)
        assert [e["eventID"] for e in events] == [DISC, RELS, GTOT]
        assert events == [sample(V22_SAMPLE)[i] for i in (1, 2, 3)]
        assert _deliver(api, db).requests == 0  # delivered once
        assert {d.status for d in _deliveries(db)} == {"delivered"}


def test_rotating_the_secret_changes_the_signature(api: TestClient, db: Database, company_a: Company) -> None:
    events = sample(V22_SAMPLE)
    with callback_server() as server:
        subscription = _subscribe(api, company_a, server.url, eventType=["TRANSPORT"])
        send(api, company_a, [events[0]])
        _deliver(api, db)
        rotated = api.put(
            f"/v2/event-subscriptions/{subscription['subscriptionID']}/secret",
            headers=company_a.auth,
            json={"secret": NEW_SECRET},
        )
        assert rotated.status_code == 204
        send(api, company_a, [events[6]])
        _deliver(api, db)
    before, after = server.received
    assert [e["eventID"] for e in _verified(before, SECRET)] == [ARRI]
    assert [e["eventID"] for e in _verified(after, NEW_SECRET)] == [DEPA]
    with pytest.raises(AssertionError):
        _verified(after, SECRET)


def test_a_failing_endpoint_is_retried(api: TestClient, db: Database, company_a: Company) -> None:
    with callback_server(statuses=[500, 503]) as server:
        _subscribe(api, company_a, server.url, transportDocumentReference="PSLHKG24110107")
        send(api, company_a, V22_SAMPLE.read_bytes())
        now = utcnow()
        first = _deliver(api, db, now=now)
        assert (first.requests, first.retrying, first.delivered) == (1, 2, 0)
        assert _deliver(api, db, now=now + timedelta(seconds=5)).requests == 0  # not due yet
        pending = _deliveries(db)
        assert {(d.status, d.attempts, d.last_status) for d in pending} == {("pending", 1, 500)}
        second = _deliver(api, db, now=now + retry_delay(1))
        assert (second.requests, second.retrying) == (1, 2)
        third = _deliver(api, db, now=now + retry_delay(1) + retry_delay(2))
        assert (third.requests, third.delivered) == (1, 2)
    assert len(server.received) == 3
    bodies = {r.body for r in server.received}
    assert len(bodies) == 1  # the same events each time
    assert [e["eventID"] for e in _verified(server.received[-1], SECRET)] == [LOAD, DEPA]
    assert {(d.status, d.attempts) for d in _deliveries(db)} == {("delivered", 3)}


def test_an_endpoint_that_never_answers_is_given_up(api: TestClient, db: Database, company_a: Company) -> None:
    with callback_server() as server:
        url = server.url
    _subscribe(api, company_a, url, eventType=["TRANSPORT"])  # nothing listens there any more
    send(api, company_a, [sample(V22_SAMPLE)[0]])
    moment = utcnow()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        report = _deliver(api, db, now=moment)
        assert report.requests == 1 and report.errors
        moment += retry_delay(attempt)
    assert report.failed == 1
    (delivery,) = _deliveries(db)
    assert (delivery.status, delivery.attempts) == ("dead", MAX_ATTEMPTS)
    assert _deliver(api, db, now=moment + timedelta(days=1)).requests == 0


def test_callbacks_respect_visibility(api: TestClient, db: Database, company_a: Company, company_b: Company) -> None:
    with callback_server() as server:
        _subscribe(api, company_b, server.url)  # everything B may see
        _subscribe(api, company_b, server.url, equipmentReference="PSLU7120467")  # B holds this container
        send(api, company_a, sample(V22_SAMPLE)[:2])
        assert _deliveries(db) == [] and _deliver(api, db).requests == 0
        client_grant = api.post(
            "/api/v1/grants",
            headers=company_a.auth,
            json={"reference_type": "CONTAINER", "reference": "PSLU7120467", "anyone_with_reference": True},
        )
        assert client_grant.status_code == 201
        api.post(
            "/api/v1/grants",
            headers=company_a.auth,
            json={"reference_type": "MBL", "reference": "PSLHKG24110107", "grantee_org_id": company_b.org_id},
        )
        send(api, company_a, sample(V22_SAMPLE)[2:])
        report = _deliver(api, db)
    by_subscription: dict[str, list[str]] = {}
    for received in server.received:
        by_subscription.setdefault(received.headers["subscription-id"], []).extend(
            e["eventID"] for e in _verified(received, SECRET)
        )
    assert sorted(by_subscription.values()) == [[GTIN, LOAD], [LOAD, DEPA]]
    assert report.delivered == 4


def test_an_ended_grant_or_changed_filter_withholds_what_was_queued(
    api: TestClient, db: Database, company_a: Company, company_b: Company
) -> None:
    grant = api.post(
        "/api/v1/grants",
        headers=company_a.auth,
        json={"reference_type": "MBL", "reference": "PSLSHA24110042", "grantee_org_id": company_b.org_id},
    ).json()
    with callback_server() as server:
        _subscribe(api, company_b, server.url)
        mine = _subscribe(api, company_a, server.url, eventType=["SHIPMENT", "TRANSPORT"])
        send(api, company_a, V22_SAMPLE.read_bytes())
        assert len(_deliveries(db)) == 4 + 3
        api.delete(f"/api/v1/grants/{grant['id']}", headers=company_a.auth)
        api.put(
            f"/v2/event-subscriptions/{mine['subscriptionID']}",
            headers=company_a.auth,
            json={"callbackUrl": server.url, "eventType": ["TRANSPORT"]},
        )
        report = _deliver(api, db)
    assert (report.delivered, report.withheld) == (2, 5)
    (call,) = server.received
    assert [e["eventID"] for e in _verified(call, SECRET)] == [ARRI, DEPA]


def test_3_0_events_reach_2_2_subscribers_but_readings_and_retractions_do_not(
    api: TestClient, db: Database, company_a: Company
) -> None:
    with callback_server() as server:
        _subscribe(api, company_a, server.url, equipmentReference="PSLU6002198")
        send(api, company_a, V3_SAMPLE.read_bytes(), fmt="dcsa-tnt-3")
        _deliver(api, db)
    (call,) = server.received
    ids = [e["eventID"] for e in _verified(call, SECRET)]
    v3_ids = [e["metadata"]["eventID"] for e in sample(V3_SAMPLE)]
    assert ids == [v3_ids[1], v3_ids[4]]  # DISC and RELS; not the readings, AVPU, the estimate or its retraction


def test_the_worker_loop_delivers(api: TestClient, db: Database, company_a: Company) -> None:
    sealer = api.app.state.runtime.sealer  # type: ignore[attr-defined]
    with callback_server() as server:
        _subscribe(api, company_a, server.url, eventType=["TRANSPORT"])
        worker = work.Worker(
            db, roles=["dispatch"], jobs=[tracking.callback_job(db, sealer, policy=LOOPBACK, every=0.05)], idle=0.05
        )
        worker.start()
        try:
            send(api, company_a, V22_SAMPLE.read_bytes())
            assert server.arrived.wait(10)
        finally:
            worker.stop()
    assert [e["eventID"] for e in _verified(server.received[0], SECRET)] == [ARRI, DEPA]
