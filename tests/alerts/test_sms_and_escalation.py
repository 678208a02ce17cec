"""SMS through a real HTTP provider on loopback; escalation of alerts nobody acknowledged in time."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from email import message_from_bytes, policy
from urllib.parse import parse_qs

from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from harbourlink import alerts
from harbourlink.kernel import Database, utcnow
from tests.alerts.conftest import SmtpInbox
from tests.alerts.support import (
    CONTAINER,
    add_endpoint,
    channels,
    deliver,
    readings_feed,
    receiver,
    send_feed,
    subscribe,
)
from tests.conftest import Company

PHONE = "+85291234567"
DUTY_MANAGER = "duty-manager@alpha.example.hk"


def _power_off(client: TestClient, company: Company) -> None:
    send_feed(client, company, readings_feed((utcnow() - timedelta(hours=1), None, "OFF")))


def test_sms_goes_to_the_provider_in_the_recipients_language_and_is_retried_on_5xx(
    client: TestClient, db: Database, company_a: Company
) -> None:
    with receiver(statuses=[503, 500]) as provider:
        subscribe(
            client,
            company_a,
            reference_type="CONTAINER",
            reference=CONTAINER,
            channels=["sms"],
            phone=PHONE,
            language="zh-CN",
        )
        _power_off(client, company_a)
        ch = channels(
            client, sms=alerts.SmsConfig(url=provider.url, account="AC-alpha", token="sms-token", sender="HarbourLink")
        )
        assert deliver(db, ch).retrying == 1
        assert deliver(db, ch).retrying == 0  # not due again before the back-off
        assert deliver(db, ch, later=timedelta(seconds=31)).retrying == 1
        assert deliver(db, ch, later=timedelta(minutes=2)).delivered == 1
        requests = list(provider.received)
    [delivery] = client.get("/api/v1/alert-deliveries", headers=company_a.auth).json()
    log = client.get(f"/api/v1/alert-deliveries/{delivery['id']}/attempts", headers=company_a.auth).json()
    assert [a["status_code"] for a in log] == [503, 500, 204] and delivery["status"] == "delivered"
    assert len(requests) == 3
    assert {r.headers["idempotency-key"] for r in requests} == {delivery["id"]}  # one message, three tries
    for request in requests:
        assert request.headers["content-type"] == "application/x-www-form-urlencoded"
        assert request.headers["authorization"] == "Basic " + base64.b64encode(b"AC-alpha:sms-token").decode()
        form = parse_qs(request.body.decode())
        assert form["To"] == [PHONE] and form["From"] == ["HarbourLink"]
        [body] = form["Body"]
        assert body.startswith(f"[新警报] 冷藏箱断电: {CONTAINER} ")  # zh-CN, as the subscription asked
        assert body.endswith(f"https://harbourlink.example.hk/track/{CONTAINER}") and len(body) <= 320


def _escalating(client: TestClient, company: Company, url: str) -> None:
    add_endpoint(client, company, url)
    subscribe(
        client,
        company,
        reference_type="CONTAINER",
        reference=CONTAINER,
        channels=["inbox", "webhook"],
        alert_types=["reefer_power_off"],
        escalate_after_minutes=30,
        escalate_to=DUTY_MANAGER,
        language="en",
    )


def _escalate(db: Database, after: timedelta) -> int:
    with db.transaction() as session:
        return alerts.escalate_due(session, now=utcnow() + after)


def test_an_alert_nobody_acknowledged_is_escalated_once_by_email_and_webhook(
    client: TestClient, db: Database, company_a: Company, smtp_server: tuple[Controller, SmtpInbox]
) -> None:
    controller, inbox = smtp_server
    smtp = alerts.SmtpConfig("127.0.0.1", controller.port, "HarbourLink <alerts@harbourlink.example.hk>")
    with receiver() as hooks:
        _escalating(client, company_a, hooks.url)
        _power_off(client, company_a)
        assert deliver(db, channels(client, smtp=smtp)).delivered == 1  # the webhook of the opening
        assert _escalate(db, timedelta(minutes=10)) == 0  # not yet: 30 minutes
        assert _escalate(db, timedelta(minutes=31)) == 1
        assert _escalate(db, timedelta(minutes=45)) == 0  # once
        later = deliver(db, channels(client, smtp=smtp), later=timedelta(minutes=45))  # the clock of the escalation
        assert later.delivered == 2  # e-mail to the escalation address, and the webhook
        changes = [json.loads(r.body)["data"]["change"] for r in hooks.received]
    assert changes == ["opened", "escalated"]
    [raw] = inbox.messages
    message = message_from_bytes(raw, policy=policy.default)
    assert message["To"] == DUTY_MANAGER
    assert str(message["Subject"]) == f"[Alert not acknowledged] Reefer power off: {CONTAINER}"
    [alert] = client.get("/api/v1/alerts", headers=company_a.auth).json()
    assert alert["escalated_at"] is not None and alert["status"] == "open"


def test_acknowledging_in_time_stops_the_escalation(client: TestClient, db: Database, company_a: Company) -> None:
    with receiver() as hooks:
        _escalating(client, company_a, hooks.url)
        _power_off(client, company_a)
        [alert] = client.get("/api/v1/alerts", headers=company_a.auth).json()
        assert client.post(f"/api/v1/alerts/{alert['id']}/acknowledge", headers=company_a.auth).status_code == 200
        assert _escalate(db, timedelta(hours=2)) == 0
        deliver(db, channels(client), later=timedelta(hours=2))
        changes = [json.loads(r.body)["data"]["change"] for r in hooks.received]
    assert changes == ["opened"]
    assert client.get(f"/api/v1/alerts/{alert['id']}", headers=company_a.auth).json()["escalated_at"] is None
