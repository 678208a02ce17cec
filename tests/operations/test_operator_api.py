"""The operator's health API: dead letters of every kind (work items, alert webhooks, DCSA callbacks) forced by
their real paths, listed with the company they concern and replayed; the figures; nobody else is answered."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import httpx
from fastapi.testclient import TestClient

from harbourlink import tracking
from harbourlink.kernel import Database, utcnow, work
from harbourlink.tracking.subscriptions import MAX_ATTEMPTS, retry_delay
from tests.alerts.support import CONTAINER as REEFER
from tests.alerts.support import add_endpoint, channels, deliver, readings_feed, send_feed, subscribe
from tests.conftest import Company
from tests.integrations.dcsa.support import V22_SAMPLE, callback_server, sample, send
from tests.operations.support import QUEUE, enqueue, refusing_queue

HEALTH = "/api/v1/operator/health"
LOOPBACK = tracking.CallbackPolicy(allow_private_networks=True)


def _dead_webhook(client: TestClient, db: Database, company: Company) -> None:
    """An alert webhook to a receiver answering 500, with one attempt allowed."""
    with callback_server(statuses=[500]) as server:
        add_endpoint(client, company, server.url)
        subscribe(client, company, reference_type="CONTAINER", reference=REEFER, channels=["webhook"])
        send_feed(client, company, readings_feed((utcnow() - timedelta(hours=1), None, "OFF")))
        assert deliver(db, channels(client, max_attempts=1)).dead == 1


def _dead_callback(client: TestClient, db: Database, company: Company) -> None:
    """A DCSA callback to an address where nothing listens any more, tried until it is given up."""
    with callback_server() as server:
        url = server.url
    subscription = client.post(
        "/v2/event-subscriptions",
        headers=company.auth,
        json={"callbackUrl": url, "secret": base64.b64encode(b"s" * 32).decode(), "eventType": ["TRANSPORT"]},
    )
    assert subscription.status_code == 201, subscription.text
    send(client, company, [sample(V22_SAMPLE)[0]])
    sealer = client.app.state.runtime.sealer  # type: ignore[attr-defined]
    moment = utcnow()
    with httpx.Client() as http:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            report = tracking.deliver_dcsa_callbacks(db, http, sealer=sealer, policy=LOOPBACK, now=moment)
            moment += retry_delay(attempt)
    assert report.failed == 1


def _health(client: TestClient, operator: Company) -> dict[str, Any]:
    answer = client.get(HEALTH, headers=operator.auth)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_every_kind_of_dead_letter_is_listed_and_replayed(
    client: TestClient, db: Database, operator: Company, company_a: Company
) -> None:
    with refusing_queue(max_attempts=1) as refusing:
        enqueue(db, "order-1", owner_org_id=company_a.org_id)
        work.drain(db, [QUEUE])
        _dead_webhook(client, db, company_a)
        _dead_callback(client, db, company_a)

        health = _health(client, operator)
        letters = {letter["kind"]: letter for letter in health["dead_letters"]}
        assert set(letters) == {"work", "alert", "dcsa"}
        assert {letter["org_id"] for letter in letters.values()} == {company_a.org_id}
        assert health["companies"][company_a.org_id] == "Alpha Forwarding"
        assert (letters["work"]["queue"], letters["work"]["attempts"]) == (QUEUE, 1)
        assert letters["work"]["last_error"] == "RuntimeError: the receiving system answered 500"
        assert (letters["alert"]["queue"], letters["alert"]["channel"]) == ("outbox.alerts", "webhook")
        assert (letters["dcsa"]["queue"], letters["dcsa"]["attempts"]) == ("outbox.dcsa-callbacks", MAX_ATTEMPTS)
        dead = {queue["queue"]: queue["dead"] for queue in health["queues"]}
        assert (dead[QUEUE], dead["outbox.alerts"], dead["outbox.dcsa-callbacks"]) == (1, 1, 1)

        refusing.refusing = False
        for letter in letters.values():
            replayed = client.post(f"/api/v1/operator/dead-letters/{letter['id']}/replay", headers=operator.auth)
            assert replayed.status_code == 200, replayed.text
            assert (replayed.json()["status"], replayed.json()["attempts"]) == ("pending", 0)
            again = client.post(f"/api/v1/operator/dead-letters/{letter['id']}/replay", headers=operator.auth)
            assert (again.status_code, again.json()["error"]) == (409, "not_dead_letter")
        assert refusing.handled == [{"owner_org_id": company_a.org_id}]  # rung at the commit, and done

    after = _health(client, operator)
    assert after["dead_letters"] == []
    waiting = {queue["queue"]: queue["waiting"] for queue in after["queues"]}
    assert (waiting["outbox.alerts"], waiting["outbox.dcsa-callbacks"]) == (1, 1)  # due at once for the senders


def test_the_figures_follow_the_traffic(
    client: TestClient, db: Database, operator: Company, company_a: Company
) -> None:
    send_feed(client, company_a, readings_feed((utcnow() - timedelta(hours=1), 5.0, "ON")))
    refused = client.post(
        "/api/v1/messages", params={"format": "csv"}, headers=company_a.auth, content=b"not,the,template\n"
    )
    assert refused.json()["status"] == "rejected"
    health = _health(client, operator)
    inbound = health["inbound"]
    assert (inbound["queued"], inbound["processing"], inbound["in_progress"]) == (0, 0, [])
    assert (sum(inbound["received_per_hour"]), sum(inbound["failed_per_hour"])) == (2, 1)
    assert [(f["org_id"], f["failed"]) for f in inbound["failures_by_company"]] == [(company_a.org_id, 1)]
    assert health["ledger"]["entries_queued"] >= 1 and health["ledger"]["events_waiting"] == 0
    assert health["workers"] == []  # no worker loop runs in the tests' app
    assert {queue["queue"] for queue in health["queues"]} >= {
        "inbound.process",
        "stored.alerts",
        "stored.ledger",
        "outbox.alerts",
        "outbox.dcsa-callbacks",
    }


def test_only_the_operator_is_answered(client: TestClient, db: Database, operator: Company, company_a: Company) -> None:
    with refusing_queue(max_attempts=1):
        enqueue(db, "order-2", owner_org_id=company_a.org_id)
        work.drain(db, [QUEUE])
        [letter] = _health(client, operator)["dead_letters"]
    answer = client.get(HEALTH, headers=company_a.auth)
    assert (answer.status_code, answer.json()["error"]) == (403, "not_operator")
    for letter_id in (letter["id"], "work-999999", "nonsense"):
        refused = client.post(f"/api/v1/operator/dead-letters/{letter_id}/replay", headers=company_a.auth)
        assert (refused.status_code, refused.json()["error"]) == (403, "not_operator")
    assert _health(client, operator)["dead_letters"] == [letter]  # still dead
    for missing in ("work-999999", "nonsense", "alert-x", "work-" + "9" * 40):
        answer = client.post(f"/api/v1/operator/dead-letters/{missing}/replay", headers=operator.auth)
        assert answer.status_code == 404, (missing, answer.text)


def test_metrics_carry_the_same_counts_and_name_no_company(
    client: TestClient, db: Database, company_a: Company
) -> None:
    with refusing_queue(max_attempts=1):
        enqueue(db, "order-3", owner_org_id=company_a.org_id)
        work.drain(db, [QUEUE])
        enqueue(db, "order-4", owner_org_id=company_a.org_id)
        metrics = TestClient(client.app, client=("127.0.0.1", 50000)).get("/metrics").text
    assert "harbourlink_platform_figures_ok 1.0" in metrics
    assert f'harbourlink_queue_items{{queue="{QUEUE}",state="dead"}} 1.0' in metrics
    assert f'harbourlink_queue_items{{queue="{QUEUE}",state="waiting"}} 1.0' in metrics
    assert 'harbourlink_inbound_backlog_messages{status="queued"} 0.0' in metrics
    assert "harbourlink_workers_alive 0.0" in metrics
    assert company_a.org_id not in metrics
