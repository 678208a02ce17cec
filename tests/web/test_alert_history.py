"""The alert history: open, acknowledged and resolved alerts, filtered, with figures in words and units;
a ship's alert names the ship and the viewer's numbers aboard, and its link leads to a page that exists."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from harbourlink import alerts
from harbourlink.kernel import Actor, Database, utcnow
from tests.alerts.support import CONTAINER, readings_feed
from tests.conftest import Company
from tests.port import CARRIER_HEADER, HBL, MBL, Port, open_port, send
from tests.web.conftest import csrf_of, log_in, text_of

IMO = "9706906"
LATE = (
    CARRIER_HEADER
    + "C5,TRANSPORT,ARRI,EST,2026-11-23T08:20:00+08:00,,PONU0123456,HKHKG,HITHK,9706906,PEARL HARMONY,026E,VESSEL\n"
)
"""The carrier's new estimate: 3 hours 20 minutes after the planned 05:00 arrival."""


def _subscribe(db: Database, company: Company, kind: str, value: str, alert_type: str, **thresholds: int) -> None:
    with db.transaction() as session:
        alerts.do_subscribe(
            session,
            Actor(org_id=company.org_id, user_id=company.admin_id),
            reference_type=kind,
            reference=value,
            alert_types=[alert_type],
            channels=["inbox"],
            thresholds=thresholds,
        )


def _too_warm(client: TestClient, company: Company) -> None:
    now = utcnow()
    raw = readings_feed((now - timedelta(minutes=50), 9.5, "ON"), (now - timedelta(minutes=10), 9.8, "ON"))
    answer = client.post("/api/v1/messages", params={"format": "terminal-json"}, content=raw, headers=company.auth)
    assert answer.json()["status"] == "accepted", answer.text


def _items(page: str) -> list[str]:
    return re.findall(r'<li class="card alert-item".*?</li>', page, re.S)


@pytest.mark.parametrize(
    ("lang", "temperature", "deviation", "duration"),
    [
        ("zh-HK", "溫度 9.8 °C", "偏差 +4.8 °C", r"持續 [45]\d 分鐘"),
        ("en", "Temperature 9.8 °C", "Deviation +4.8 °C", r"For [45]\d minutes"),
        ("zh-CN", "温度 9.8 °C", "偏差 +4.8 °C", r"持续 [45]\d分钟"),
    ],
)
def test_a_resolved_alert_stays_in_the_history_with_its_figures_in_words(
    client: TestClient, db: Database, company_a: Company, lang: str, temperature: str, deviation: str, duration: str
) -> None:
    _subscribe(db, company_a, "CONTAINER", CONTAINER, "reefer_deviation")
    _too_warm(client, company_a)
    log_in(client, company_a.admin_email)
    page = client.get(f"/alerts?lang={lang}")
    [item] = _items(page.text)
    words = text_of(item)
    assert temperature in words and deviation in words and re.search(duration, words), words
    assert f'href="/track/{CONTAINER}"' in item and client.get(f"/track/{CONTAINER}").status_code == 200
    alert_id = re.search(r'data-alert-id="([^"]+)"', item)
    assert alert_id
    done = client.post(f"/alerts/{alert_id.group(1)}/resolve", data={"csrf_token": csrf_of(page.text)})
    assert done.status_code == 200 and done.url.path == "/alerts"
    [resolved] = _items(done.text)
    assert 'data-status="resolved"' in resolved and "/resolve" not in resolved  # no buttons left
    assert len(_items(client.get("/alerts?status=resolved").text)) == 1
    assert _items(client.get("/alerts?status=open").text) == []
    assert _items(client.get("/alerts?type=vessel_delay").text) == []
    assert len(_items(client.get("/alerts?type=reefer_deviation&status=resolved").text)) == 1


@pytest.fixture
def port(client: TestClient, db: Database) -> Port:
    """The forwarder follows the ship; its House B/L is linked; the carrier then announces a 3 h 20 min delay."""
    opened = open_port(client, db)
    client.post("/api/v1/bl-links", headers=opened.forwarder.auth, json={"master_bl": MBL, "house_bl": HBL})
    _subscribe(db, opened.forwarder, "VESSEL", IMO, "vessel_delay", delay_minutes=60)
    send(client, opened.carrier, "csv", LATE.encode())
    return opened


@pytest.mark.parametrize(
    ("lang", "delay", "aboard"),
    [
        ("zh-HK", "延誤 3 小時 20 分鐘", "你在船上的貨物："),
        ("en", "Delay 3 hours, 20 minutes", "Your cargo aboard:"),
        ("zh-CN", "延误 3小时20分钟", "你在船上的货物："),
    ],
)
def test_a_vessel_alert_names_the_ship_and_the_viewers_numbers_and_links_to_a_page_that_exists(
    client: TestClient, port: Port, lang: str, delay: str, aboard: str
) -> None:
    log_in(client, port.forwarder.admin_email)
    [item] = _items(client.get(f"/alerts?lang={lang}").text)
    words = text_of(item)
    assert f"PEARL HARMONY (IMO {IMO})" in words and delay in words
    assert f"{aboard} {HBL}, {MBL}, {CONTAINER}" in words.replace(" ,", ",")
    assert f'href="/track/{IMO}"' not in item
    link = re.search(r'data-slot="subject" href="([^"]+)"', item)
    assert link and link.group(1) == f"/vessel/{IMO}"
    ship = client.get(link.group(1))
    assert ship.status_code == 200
    assert f'href="/track/{HBL}"' in ship.text and "PEARL HARMONY" in ship.text and "HITHK" in text_of(ship.text)


def test_a_ships_imo_number_leads_to_the_ships_page(client: TestClient, port: Port) -> None:
    """Alert e-mails and webhooks link /track/<IMO>: it opens the ship's page with the viewer's cargo aboard."""
    log_in(client, port.forwarder.admin_email)
    moved = client.get(f"/track/{IMO}", follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"] == f"/vessel/{IMO}"
    client.cookies.clear()
    log_in(client, port.stranger.admin_email)
    assert client.get(f"/track/{IMO}", follow_redirects=False).status_code == 404
    assert client.get(f"/vessel/{IMO}").status_code == 404  # no cargo aboard: nothing to show, nothing learnt


def test_another_company_sees_none_of_the_alerts_and_cannot_act_on_them(client: TestClient, port: Port) -> None:
    [alert] = client.get("/api/v1/alerts", headers=port.forwarder.auth).json()
    log_in(client, port.stranger.admin_email)
    page = client.get("/alerts")
    assert _items(page.text) == [] and alert["id"] not in page.text
    assert client.get(f"/alerts/{alert['id']}/item").status_code == 404
    refused = client.post(f"/alerts/{alert['id']}/resolve", data={"csrf_token": csrf_of(page.text)})
    assert refused.status_code == 404
    assert client.get(f"/api/v1/alerts/{alert['id']}", headers=port.forwarder.auth).json()["status"] == "open"


def test_the_item_the_page_script_fetches(client: TestClient, port: Port) -> None:
    [alert] = client.get("/api/v1/alerts", headers=port.forwarder.auth).json()
    log_in(client, port.forwarder.admin_email)
    fragment = client.get(f"/alerts/{alert['id']}/item?back=/track/{HBL}&lang=en")
    assert fragment.status_code == 200 and fragment.text.lstrip().startswith("<li")
    assert f'name="back" value="/track/{HBL}"' in fragment.text and 'name="csrf_token"' in fragment.text
    elsewhere = client.get(f"/alerts/{alert['id']}/item?back=//evil.example/x")
    assert 'name="back" value="/alerts"' in elsewhere.text


def test_the_api_filters_the_history(client: TestClient, port: Port) -> None:
    auth = port.forwarder.auth
    [alert] = client.get("/api/v1/alerts", headers=auth).json()
    client.post(f"/api/v1/alerts/{alert['id']}/resolve", headers=auth)
    assert client.get("/api/v1/alerts", headers=auth).json() == []
    assert [a["id"] for a in client.get("/api/v1/alerts?status=resolved", headers=auth).json()] == [alert["id"]]
    assert client.get("/api/v1/alerts?status=resolved&alert_type=customs_hold", headers=auth).json() == []
