"""The tracking page's alert banner: the viewer's alerts about the page's numbers, and buttons that come back."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from harbourlink import alerts
from harbourlink.kernel import Actor, Database, utcnow
from tests.alerts.support import CONTAINER, readings_feed
from tests.conftest import Company
from tests.web.conftest import csrf_of, log_in, text_of


def _too_warm(client: TestClient, company: Company) -> None:
    now = utcnow()
    raw = readings_feed((now - timedelta(minutes=50), 9.5, "ON"), (now - timedelta(minutes=10), 9.8, "ON"))
    answer = client.post("/api/v1/messages", params={"format": "terminal-json"}, content=raw, headers=company.auth)
    assert answer.json()["status"] == "accepted", answer.text


def _banner(page: str) -> tuple[str, str]:
    """The banner section's opening tag, and the section."""
    match = re.search(r'(<section[^>]*class="track-alerts"[^>]*>)(.*?)</section>', page, re.S)
    assert match, "the tracking page has its alert banner"
    return match.group(1), match.group(0)


def _subscribe(db: Database, company: Company) -> None:
    with db.transaction() as session:
        alerts.do_subscribe(
            session,
            Actor(org_id=company.org_id, user_id=company.admin_id),
            reference_type="CONTAINER",
            reference=CONTAINER,
            alert_types=["reefer_deviation"],
            channels=["inbox"],
            thresholds={},
        )


def test_the_banner_lists_the_viewers_alert_and_its_buttons_return_to_the_page(
    client: TestClient, db: Database, company_a: Company, company_b: Company
) -> None:
    _subscribe(db, company_a)
    _too_warm(client, company_a)
    log_in(client, company_a.admin_email)
    page = client.get(f"/track/{CONTAINER}?lang=en")
    assert page.status_code == 200
    opening, banner = _banner(page.text)
    assert "hidden" not in opening, "the banner shows when there is an alert"
    assert "Reefer temperature" in text_of(banner) and f'data-subjects="{CONTAINER}"' in banner
    assert len(re.findall(r'class="card alert-item" id="alert-[0-9a-f-]+"', banner)) == 1
    [alert] = alerts.list_alerts(db.sessions(), Actor(org_id=company_a.org_id, user_id=company_a.admin_id))
    token = csrf_of(page.text)
    done = client.post(
        f"/alerts/{alert.id}/acknowledge",
        data={"csrf_token": token, "back": f"/track/{CONTAINER}"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == f"/track/{CONTAINER}"
    elsewhere = client.post(
        f"/alerts/{alert.id}/resolve", data={"csrf_token": token, "back": "//evil.example/x"}, follow_redirects=False
    )
    assert elsewhere.status_code == 303 and elsewhere.headers["location"] == "/alerts", "no open redirect"
    stale = client.post(f"/alerts/{alert.id}/acknowledge", data={"csrf_token": token, "back": "/alerts"})
    assert stale.status_code == 409 and "resolved" in text_of(stale.text)


def test_another_companys_alert_is_not_on_the_page(
    client: TestClient, db: Database, company_a: Company, company_b: Company
) -> None:
    _subscribe(db, company_a)
    _too_warm(client, company_a)
    grant = client.post(
        "/api/v1/grants",
        headers=company_a.auth,
        json={"reference_type": "CONTAINER", "reference": CONTAINER, "anyone_with_reference": True},
    )
    assert grant.status_code == 201
    log_in(client, company_b.admin_email)
    page = client.get(f"/track/{CONTAINER}?lang=en")
    assert page.status_code == 200, "B may track the number A shared"
    opening, banner = _banner(page.text)
    assert "hidden" in opening
    assert len(re.findall(r'class="card alert-item" id="alert-[0-9a-f-]+"', banner)) == 0
