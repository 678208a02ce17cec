"""Webhooks to a real HTTP server on loopback, e-mail to a real SMTP server on loopback."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from harbourlink import alerts
from harbourlink.kernel import Database, utcnow
from harbourlink.settings import Settings
from tests.alerts.conftest import SmtpInbox
from tests.alerts.support import (
    CONTAINER,
    add_endpoint,
    channels,
    deliver,
    readings_feed,
    send_feed,
    subscribe,
    verify_standard_webhook,
)
from tests.conftest import Company, app_client
from tests.integrations.dcsa.support import callback_server


def _power_off(client: TestClient, company: Company) -> None:
    send_feed(client, company, readings_feed((utcnow() - timedelta(hours=1), None, "OFF")))


def test_signed_webhook_reaches_a_real_server_and_verifies(
    client: TestClient, db: Database, company_a: Company
) -> None:
    with callback_server() as server:
        endpoint = add_endpoint(client, company_a, server.url, "alert.reefer_power_off")
        other = add_endpoint(client, company_a, server.url + "&other", "alert.vessel_delay")
        subscribe(client, company_a, reference_type="CONTAINER", reference=CONTAINER, channels=["webhook"])
        _power_off(client, company_a)
        report = deliver(db, channels(client))
        assert report.delivered == 1
        [received] = server.received
    assert endpoint["secret"].startswith("whsec_") and other["id"] != endpoint["id"]
    assert verify_standard_webhook(endpoint["secret"], received.headers, received.body)
    assert not verify_standard_webhook(other["secret"], received.headers, received.body)
    body = json.loads(received.body)
    assert body["type"] == "alert.reefer_power_off"
    assert body["data"]["reference"] == {"type": "CONTAINER", "value": CONTAINER}
    assert body["data"]["figures"]["minutes"] >= 60
    assert body["data"]["timeline_url"] == f"https://harbourlink.example.hk/track/{CONTAINER}"
    assert abs(int(received.headers["webhook-timestamp"]) - time.time()) < 60


def test_failing_endpoint_is_retried_dead_lettered_and_replayed(
    client: TestClient, db: Database, company_a: Company, company_b: Company
) -> None:
    with callback_server(statuses=[500, 503, 500]) as server:
        endpoint = add_endpoint(client, company_a, server.url)
        subscribe(client, company_a, reference_type="CONTAINER", reference=CONTAINER, channels=["webhook"])
        _power_off(client, company_a)
        ch = channels(client, max_attempts=3)
        assert deliver(db, ch).retrying == 1
        assert deliver(db, ch).delivered == 0  # not due yet: backoff
        assert deliver(db, ch, later=timedelta(seconds=31)).retrying == 1
        assert deliver(db, ch, later=timedelta(minutes=2)).dead == 1
        dead = client.get("/api/v1/alert-deliveries", params={"status": "dead"}, headers=company_a.auth).json()
        assert [d["attempts"] for d in dead] == [3]
        log = client.get(f"/api/v1/alert-deliveries/{dead[0]['id']}/attempts", headers=company_a.auth).json()
        assert [a["status_code"] for a in log] == [500, 503, 500]
        assert (
            client.post(f"/api/v1/alert-deliveries/{dead[0]['id']}/replay", headers=company_b.auth).status_code == 404
        )
        assert (
            client.post(f"/api/v1/alert-deliveries/{dead[0]['id']}/replay", headers=company_a.auth).json()["status"]
            == "pending"
        )
        assert deliver(db, ch).delivered == 1
        ids = {r.headers["webhook-id"] for r in server.received}
    assert len(server.received) == 4 and len(ids) == 1  # the same webhook-id on every attempt
    assert verify_standard_webhook(endpoint["secret"], server.received[-1].headers, server.received[-1].body)


def test_rotated_secret_signs_alongside_the_previous_one(client: TestClient, db: Database, company_a: Company) -> None:
    with callback_server() as server:
        endpoint = add_endpoint(client, company_a, server.url)
        rotated = client.post(f"/api/v1/webhook-endpoints/{endpoint['id']}/rotate-secret", headers=company_a.auth)
        subscribe(client, company_a, reference_type="CONTAINER", reference=CONTAINER, channels=["webhook"])
        _power_off(client, company_a)
        deliver(db, channels(client))
        [received] = server.received
    assert verify_standard_webhook(rotated.json()["secret"], received.headers, received.body)
    assert verify_standard_webhook(endpoint["secret"], received.headers, received.body)


def test_private_webhook_url_is_refused_unless_allowed(settings: Settings, company_a: Company) -> None:
    with app_client(settings) as refusing:
        refused = refusing.post(
            "/api/v1/webhook-endpoints", headers=company_a.auth, json={"url": "http://127.0.0.1:9/x", "event_types": []}
        )
    assert refused.status_code == 422 and refused.json()["error"] == "callback_url_not_allowed"


def test_email_in_the_recipients_language_reaches_a_real_smtp_server(
    client: TestClient, db: Database, company_a: Company, smtp_server: tuple[Controller, SmtpInbox]
) -> None:
    controller, inbox = smtp_server
    subscribe(
        client,
        company_a,
        reference_type="CONTAINER",
        reference=CONTAINER,
        channels=["email"],
        email="reefer-desk@alpha.example.hk",
        language="zh-HK",
    )
    _power_off(client, company_a)
    smtp = alerts.SmtpConfig("127.0.0.1", controller.port, "HarbourLink <alerts@harbourlink.example.hk>")
    assert deliver(db, channels(client, smtp=smtp)).delivered == 1
    [raw] = inbox.messages
    message = message_from_bytes(raw, policy=policy.default)
    assert message["To"] == "reefer-desk@alpha.example.hk"
    assert str(message["Subject"]) == f"[新警報] 冷藏櫃斷電: {CONTAINER}"
    parts = {
        part.get_content_type(): part.get_content()
        for part in message.walk()
        if part.get_content_type() in ("text/plain", "text/html")
    }
    assert "查看時間線" in parts["text/plain"] and f"/track/{CONTAINER}" in parts["text/html"]
