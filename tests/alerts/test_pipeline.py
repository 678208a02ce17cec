"""From a message through ingest to an alert, its lifecycle over the API, and access rules."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from harbourlink import alerts
from harbourlink.kernel import Database, utcnow
from tests.alerts.support import CONTAINER, readings_feed, send_feed, subscribe
from tests.conftest import Company
from tests.port import grant
from tests.web.conftest import log_in


def _open_alerts(client: TestClient, company: Company) -> list[dict[str, object]]:
    response = client.get("/api/v1/alerts", headers=company.auth)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_power_off_opens_one_alert_and_power_on_resolves_it(client: TestClient, company_a: Company) -> None:
    subscribe(
        client,
        company_a,
        reference_type="CONTAINER",
        reference=CONTAINER,
        alert_types=["reefer_power_off"],
        channels=["inbox"],
        thresholds={"gap_minutes": 15},
    )
    now = utcnow()
    send_feed(
        client,
        company_a,
        readings_feed((now - timedelta(minutes=60), 5.0, "ON"), (now - timedelta(minutes=40), None, "OFF")),
    )
    send_feed(client, company_a, readings_feed((now - timedelta(minutes=30), None, "OFF")))  # still off: no second
    [alert] = _open_alerts(client, company_a)
    assert alert["alert_type"] == "reefer_power_off" and alert["subject"] == CONTAINER
    assert alert["figures"]["minutes"] >= 40  # type: ignore[index]
    send_feed(client, company_a, readings_feed((now - timedelta(minutes=5), 5.1, "ON")))
    assert _open_alerts(client, company_a) == []
    everything = client.get("/api/v1/alerts", params={"include_resolved": True}, headers=company_a.auth).json()
    assert [a["resolved_by"] for a in everything] == ["system"]


def test_acknowledge_then_resolve_records_who_and_when(
    client: TestClient, company_a: Company, company_b: Company
) -> None:
    subscribe(client, company_a, reference_type="CONTAINER", reference=CONTAINER, channels=["inbox"])
    now = utcnow()
    send_feed(client, company_a, readings_feed((now - timedelta(hours=2), None, "OFF")))
    [alert] = _open_alerts(client, company_a)
    for action in ("acknowledge", "resolve"):
        assert client.post(f"/api/v1/alerts/{alert['id']}/{action}", headers=company_b.auth).status_code == 404
    assert client.get(f"/api/v1/alerts/{alert['id']}", headers=company_b.auth).status_code == 404
    acked = client.post(f"/api/v1/alerts/{alert['id']}/acknowledge", headers=company_a.auth).json()
    assert acked["status"] == "acknowledged" and acked["acknowledged_at"] and acked["acknowledged_by"]
    assert client.post(f"/api/v1/alerts/{alert['id']}/acknowledge", headers=company_a.auth).status_code == 409
    resolved = client.post(f"/api/v1/alerts/{alert['id']}/resolve", headers=company_a.auth).json()
    assert resolved["status"] == "resolved" and resolved["resolved_by"]
    assert _open_alerts(client, company_a) == []


def test_an_alert_only_about_data_its_recipient_may_see(
    client: TestClient, company_a: Company, company_b: Company
) -> None:
    subscribe(client, company_b, reference_type="CONTAINER", reference=CONTAINER, channels=["inbox"])
    subscribe(client, company_b, channels=["inbox"])  # all cargo B may see
    now = utcnow()
    send_feed(client, company_a, readings_feed((now - timedelta(hours=2), None, "OFF")))
    assert _open_alerts(client, company_b) == []
    grant = client.post(
        "/api/v1/grants",
        headers=company_a.auth,
        json={"reference_type": "CONTAINER", "reference": CONTAINER, "grantee_org_id": company_b.org_id},
    )
    assert grant.status_code == 201, grant.text
    send_feed(client, company_a, readings_feed((now - timedelta(hours=1), None, "OFF")))
    assert {a["subject"] for a in _open_alerts(client, company_b)} == {CONTAINER}


def test_time_passing_opens_the_alert_without_new_events(client: TestClient, db: Database, company_a: Company) -> None:
    subscribe(
        client,
        company_a,
        reference_type="CONTAINER",
        reference=CONTAINER,
        alert_types=["reefer_power_off"],
        channels=["inbox"],
    )
    send_feed(client, company_a, readings_feed((utcnow() - timedelta(minutes=5), None, "OFF")))
    assert _open_alerts(client, company_a) == []
    with db.transaction() as session:
        assert alerts.evaluate_due(session, now=utcnow() + timedelta(minutes=11)) == 1
    assert len(_open_alerts(client, company_a)) == 1


def test_replaying_a_message_owes_nothing_twice(client: TestClient, db: Database, company_a: Company) -> None:
    subscribe(
        client,
        company_a,
        reference_type="CONTAINER",
        reference=CONTAINER,
        channels=["inbox", "email"],
        email="ops@alpha.example.hk",
    )
    outcome = send_feed(client, company_a, readings_feed((utcnow() - timedelta(hours=1), None, "OFF")))
    assert client.post(f"/api/v1/messages/{outcome['id']}/replay", headers=company_a.auth).status_code < 300
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(alerts.AlertNotification)) == 1
        assert session.scalar(select(func.count()).select_from(alerts.Alert)) == 1


def test_subscription_api_validates_and_hides_other_companies(
    client: TestClient, company_a: Company, company_b: Company
) -> None:
    bad = client.post(
        "/api/v1/subscriptions",
        headers=company_a.auth,
        json={"reference_type": "MBL", "reference": "PONU0123456", "alert_types": ["nonsense"]},
    )
    assert bad.status_code == 422 and bad.json()["error"] == "unknown_alert_type"
    mine = subscribe(
        client,
        company_a,
        reference_type="MBL",
        reference="ponu 0123456",
        alert_types=["vessel_delay"],
        channels=["inbox", "webhook"],
        thresholds={"delay_minutes": 60},
    )
    assert mine["reference"] == "PONU0123456"
    assert client.get("/api/v1/subscriptions", headers=company_b.auth).json() == []
    assert client.delete(f"/api/v1/subscriptions/{mine['id']}", headers=company_b.auth).status_code == 404
    assert client.delete(f"/api/v1/subscriptions/{mine['id']}", headers=company_a.auth).status_code == 204


def test_a_revoked_grant_hides_the_alerts_it_had_opened(
    client: TestClient, db: Database, company_a: Company, company_b: Company
) -> None:
    by_number = subscribe(client, company_b, reference_type="CONTAINER", reference=CONTAINER, channels=["inbox"])
    subscribe(client, company_b, channels=["inbox"])  # all cargo B may see, presenting no number
    named = grant(client, company_a, "CONTAINER", CONTAINER, company_b)
    public = grant(client, company_a, "CONTAINER", CONTAINER, None)
    send_feed(client, company_a, readings_feed((utcnow() - timedelta(hours=2), None, "OFF")))
    opened = _open_alerts(client, company_b)
    assert len(opened) == 2
    log_in(client, company_b.admin_email)
    assert all(f'id="alert-{a["id"]}"' in client.get("/alerts").text for a in opened)
    client.delete(f"/api/v1/grants/{named}", headers=company_a.auth)
    [kept] = _open_alerts(client, company_b)  # the subscription by number still holds a public number
    with db.transaction() as session:
        assert session.get(alerts.Alert, kept["id"]).subscription_id == by_number["id"]  # type: ignore[union-attr]
    client.delete(f"/api/v1/grants/{public}", headers=company_a.auth)
    assert _open_alerts(client, company_b) == []
    for alert in opened:
        assert client.get(f"/api/v1/alerts/{alert['id']}", headers=company_b.auth).status_code == 404
        assert f'id="alert-{alert["id"]}"' not in client.get("/alerts").text
    everything = client.get("/api/v1/alerts", params={"include_resolved": True}, headers=company_b.auth).json()
    assert everything == []


def test_a_subscription_to_all_cargo_reads_the_earlier_messages_too(
    client: TestClient, company_a: Company, company_b: Company
) -> None:
    subscribe(client, company_b, alert_types=["reefer_power_off"], channels=["inbox"])  # all cargo B may see
    grant(client, company_a, "CONTAINER", CONTAINER, company_b)
    since = utcnow() - timedelta(hours=2)
    send_feed(client, company_a, readings_feed((since, None, "OFF")))
    send_feed(client, company_a, readings_feed((since + timedelta(hours=1), None, "OFF")))
    send_feed(client, company_a, readings_feed((since, None, "OFF"), container="MSCU7654329"))  # not shared
    [alert] = _open_alerts(client, company_b)
    # Still off since the first message's reading: the second message alone would say an hour later.
    assert alert["subject"] == CONTAINER
    assert alert["figures"]["power_off_since"] == since.isoformat()  # type: ignore[index]
