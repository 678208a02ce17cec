"""Subscriptions, webhooks and the delivery log on the web: create, edit, pause and resume, delete;
a secret shown once and rotated; dead letters replayed; nothing of another company's."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from harbourlink import alerts
from harbourlink.kernel import Database, utcnow
from harbourlink.settings import Settings
from tests.alerts.support import CONTAINER, Receiver, channels, deliver, readings_feed, receiver, send_feed
from tests.conftest import Company, app_client
from tests.web.conftest import csrf_of, log_in, submit, text_of

NEW: dict[str, str | list[str]] = {
    "scope": "reference",
    "reference_type": "CONTAINER",
    "reference": "mscu 123456-6",
    "types": ["reefer_deviation", "reefer_power_off"],
    "channels": ["inbox", "webhook"],
    "threshold.gap_minutes": "20",
    "quiet_start": "22:00",
    "quiet_end": "07:00",
    "language": "en",
}


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """The app without background dispatchers (the tests deliver), and a receiver on loopback allowed."""
    with app_client(settings, run_dispatchers=False, webhook_allow_private_networks=True) as test_client:
        yield test_client


def _too_warm() -> bytes:
    now = utcnow()
    return readings_feed((now - timedelta(minutes=50), 9.5, "ON"), (now - timedelta(minutes=10), 9.8, "ON"))


def _subscriptions(client: TestClient, company: Company) -> list[dict[str, Any]]:
    return client.get("/api/v1/subscriptions", headers=company.auth).json()  # type: ignore[no-any-return]


@pytest.mark.parametrize(("lang", "paused"), [("zh-HK", "已暫停"), ("en", "Paused"), ("zh-CN", "已暂停")])
def test_a_person_subscribes_edits_pauses_resumes_and_deletes(
    client: TestClient, company_a: Company, lang: str, paused: str
) -> None:
    log_in(client, company_a.admin_email)
    page = f"/alerts/subscriptions?lang={lang}"
    assert client.get(page).status_code == 200
    done = submit(client, page, "/alerts/subscriptions", NEW)
    assert done.status_code == 200 and done.url.path == "/alerts/subscriptions"
    [made] = _subscriptions(client, company_a)
    assert made["reference"] == CONTAINER and made["channels"] == ["inbox", "webhook"]
    assert made["thresholds"] == {"gap_minutes": 20} and made["quiet_start"] == "22:00" and made["language"] == "en"

    form = client.get(f"/alerts/subscriptions/{made['id']}")
    assert 'value="20"' in form.text and 'value="22:00"' in form.text
    saved = client.post(
        f"/alerts/subscriptions/{made['id']}",
        data={"csrf_token": csrf_of(form.text), "types": ["customs_hold"], "channels": ["inbox"], "language": "zh-CN"},
    )
    assert saved.status_code == 200
    [changed] = _subscriptions(client, company_a)
    assert changed["alert_types"] == ["customs_hold"] and changed["channels"] == ["inbox"]
    assert changed["quiet_start"] is None and changed["language"] == "zh-CN" and changed["thresholds"] == {}

    listed = submit(client, page, f"/alerts/subscriptions/{made['id']}/pause", {})
    assert paused in text_of(listed.text) and _subscriptions(client, company_a)[0]["paused_at"] is not None
    submit(client, page, f"/alerts/subscriptions/{made['id']}/resume", {})
    assert _subscriptions(client, company_a)[0]["paused_at"] is None
    submit(client, page, f"/alerts/subscriptions/{made['id']}/delete", {})
    assert _subscriptions(client, company_a) == []


def test_a_wrong_field_is_named_and_the_form_kept(client: TestClient, company_a: Company) -> None:
    log_in(client, company_a.admin_email)
    refused = submit(
        client,
        "/alerts/subscriptions?lang=en",
        "/alerts/subscriptions",
        {**NEW, "channels": [], "quiet_start": "25:00"},
    )
    assert refused.status_code == 422 and "Choose at least one way to be told." in text_of(refused.text)
    assert 'value="mscu 123456-6"' in refused.text
    bad_number = submit(
        client, "/alerts/subscriptions?lang=en", "/alerts/subscriptions", {**NEW, "threshold.gap_minutes": "soon"}
    )
    assert "Enter a number, for example 90." in text_of(bad_number.text)
    everything = submit(
        client,
        "/alerts/subscriptions",
        "/alerts/subscriptions",
        {"scope": "all", "reference": "ignored", "types": [], "channels": ["inbox"]},
    )
    assert everything.status_code == 200
    [made] = _subscriptions(client, company_a)
    assert made["reference"] is None and set(made["alert_types"]) == set(alerts.all_types())


def test_a_paused_subscription_opens_no_alert(client: TestClient, company_a: Company) -> None:
    log_in(client, company_a.admin_email)
    submit(client, "/alerts/subscriptions", "/alerts/subscriptions", {**NEW, "types": ["reefer_deviation"]})
    [made] = _subscriptions(client, company_a)
    submit(client, "/alerts/subscriptions", f"/alerts/subscriptions/{made['id']}/pause", {})
    send_feed(client, company_a, _too_warm())
    assert client.get("/api/v1/alerts", headers=company_a.auth).json() == []


def test_another_company_cannot_see_or_change_the_subscriptions(
    client: TestClient, company_a: Company, company_b: Company
) -> None:
    made = client.post(
        "/api/v1/subscriptions", headers=company_a.auth, json={"reference_type": "CONTAINER", "reference": CONTAINER}
    ).json()
    log_in(client, company_b.admin_email)
    page = client.get("/alerts/subscriptions")
    assert CONTAINER not in page.text and made["id"] not in page.text
    token = csrf_of(page.text)
    assert client.get(f"/alerts/subscriptions/{made['id']}").status_code == 404
    for action in ("", "/pause", "/resume", "/delete"):
        answer = client.post(
            f"/alerts/subscriptions/{made['id']}{action}", data={"csrf_token": token, "channels": ["email"]}
        )
        assert answer.status_code == 404, action
    assert client.post(f"/alerts/subscriptions/{made['id']}/delete", data={}).status_code == 403
    [kept] = _subscriptions(client, company_a)
    assert kept["channels"] == ["inbox"] and kept["paused_at"] is None


def test_saving_the_form_keeps_thresholds_it_has_no_field_for(client: TestClient, company_a: Company) -> None:
    made = client.post(
        "/api/v1/subscriptions",
        headers=company_a.auth,
        json={
            "reference_type": "CONTAINER",
            "reference": CONTAINER,
            "alert_types": ["not_picked_up"],
            "thresholds": {"currency": "USD", "hours_before": 12},
        },
    ).json()
    log_in(client, company_a.admin_email)
    page = f"/alerts/subscriptions/{made['id']}"
    submit(client, page, page, {"types": ["not_picked_up"], "channels": ["inbox"], "threshold.hours_before": "6"})
    [saved] = _subscriptions(client, company_a)
    assert saved["thresholds"] == {"currency": "USD", "hours_before": 6}


def test_the_api_edits_and_pauses_on_the_same_service(client: TestClient, company_a: Company) -> None:
    made = client.post(
        "/api/v1/subscriptions", headers=company_a.auth, json={"reference_type": "CONTAINER", "reference": CONTAINER}
    ).json()
    url = f"/api/v1/subscriptions/{made['id']}"
    changed = client.patch(url, headers=company_a.auth, json={"paused": True, "quiet_start": "23:00"})
    assert changed.status_code == 200 and changed.json()["paused_at"] and changed.json()["quiet_start"] == "23:00"
    assert changed.json()["channels"] == ["inbox"]  # what was not sent stays
    assert client.patch(url, headers=company_a.auth, json={"channels": ["fax"]}).status_code == 422
    assert client.get(url, headers=company_a.auth).json()["paused_at"] is not None


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with receiver() as running:
        yield running


def test_webhook_secret_shown_once_rotated_and_a_dead_letter_replayed(
    client: TestClient, db: Database, company_a: Company, hook: Receiver
) -> None:
    log_in(client, company_a.admin_email)
    added = submit(client, "/alerts/webhooks?lang=en", "/alerts/webhooks", {"url": hook.url, "types": []})
    secret = re.search(r'id="webhook-secret">(whsec_[^<]+)<', added.text)
    assert added.status_code == 200 and secret, text_of(added.text)
    again = client.get("/alerts/webhooks")
    assert secret.group(1) not in again.text and hook.url in again.text  # shown once
    [endpoint] = client.get("/api/v1/webhook-endpoints", headers=company_a.auth).json()
    rotated = submit(client, "/alerts/webhooks", f"/alerts/webhooks/{endpoint['id']}/rotate", {})
    second = re.search(r'id="webhook-secret">(whsec_[^<]+)<', rotated.text)
    assert second and second.group(1) != secret.group(1)

    submit(
        client,
        "/alerts/subscriptions",
        "/alerts/subscriptions",
        {**NEW, "types": ["reefer_deviation"], "quiet_start": "", "quiet_end": ""},
    )
    send_feed(client, company_a, _too_warm())
    hook.statuses = [500] * 10
    ch = channels(client, max_attempts=1)
    deliver(db, ch)
    dead = client.get("/alerts/deliveries?status=dead&lang=en")
    [card] = re.findall(r'<li class="card delivery">.*?</li>', dead.text, re.S)
    assert "Gave up (dead letter)" in text_of(card) and hook.url in card
    delivery_id = re.search(r'href="/alerts/deliveries/([^"]+)"', card)
    assert delivery_id
    attempts = client.get(f"/alerts/deliveries/{delivery_id.group(1)}?lang=en")
    assert "500" in text_of(attempts.text)
    hook.statuses = []
    replayed = submit(
        client, f"/alerts/deliveries/{delivery_id.group(1)}", f"/alerts/deliveries/{delivery_id.group(1)}/replay", {}
    )
    assert replayed.status_code == 200
    deliver(db, ch)
    assert len(hook.wait_for(2)) == 2
    [received] = client.get("/api/v1/alert-deliveries?status=delivered", headers=company_a.auth).json()
    assert received["id"] == delivery_id.group(1)


def test_another_company_sees_no_endpoint_or_delivery(
    client: TestClient, company_a: Company, company_b: Company
) -> None:
    endpoint = client.post(
        "/api/v1/webhook-endpoints", headers=company_a.auth, json={"url": "https://hooks.alpha.example.hk/alerts"}
    ).json()
    client.post(
        "/api/v1/subscriptions",
        headers=company_a.auth,
        json={"reference_type": "CONTAINER", "reference": CONTAINER, "channels": ["webhook"]},
    )
    send_feed(client, company_a, _too_warm())
    [owed] = client.get("/api/v1/alert-deliveries", headers=company_a.auth).json()
    log_in(client, company_b.admin_email)
    page = client.get("/alerts/webhooks")
    assert "hooks.alpha" not in page.text
    token = csrf_of(page.text)
    for action in ("rotate", "delete"):
        assert client.post(f"/alerts/webhooks/{endpoint['id']}/{action}", data={"csrf_token": token}).status_code == 404
    assert owed["id"] not in client.get("/alerts/deliveries").text
    assert client.get(f"/alerts/deliveries/{owed['id']}").status_code == 404
    assert client.post(f"/alerts/deliveries/{owed['id']}/replay", data={"csrf_token": token}).status_code == 404
    [kept] = client.get("/api/v1/webhook-endpoints", headers=company_a.auth).json()
    assert kept["active"] is True


def test_a_saved_filter_keeps_only_its_kinds_and_places(client: TestClient, company_a: Company) -> None:
    log_in(client, company_a.admin_email)
    base: dict[str, str | list[str]] = {
        "scope": "filter",
        "types": ["reefer_deviation"],
        "channels": ["inbox"],
        "filter_kinds": ["CONTAINER"],
    }
    submit(client, "/alerts/subscriptions", "/alerts/subscriptions", {**base, "filter_locations": "hkhkg"})
    submit(client, "/alerts/subscriptions", "/alerts/subscriptions", {**base, "filter_locations": "CNYTN, CNSHK"})
    filters = sorted(str(s["filters"]) for s in _subscriptions(client, company_a))
    assert filters == [
        "{'subject_kinds': ['CONTAINER'], 'locations': ['CNSHK', 'CNYTN']}",
        "{'subject_kinds': ['CONTAINER'], 'locations': ['HKHKG']}",
    ]
    listed = text_of(client.get("/alerts/subscriptions?lang=en").text)
    assert "Only: Container number · HKHKG" in listed
    send_feed(client, company_a, _too_warm())  # the terminal's readings at HKHKG
    [alert] = client.get("/api/v1/alerts", headers=company_a.auth).json()
    assert alert["subject"] == CONTAINER
    refused = submit(
        client, "/alerts/subscriptions?lang=en", "/alerts/subscriptions", {**base, "filter_locations": "Hong Kong"}
    )
    assert refused.status_code == 422 and "A place is a UN/LOCODE" in text_of(refused.text)
