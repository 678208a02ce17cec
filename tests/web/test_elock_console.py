"""The customs console's pages: the console with its map and queue, an alert's page with its acknowledgement and
outcome, the replay, and inspecting once on the trip's page — as each customs, the trucking company and an
outsider see them."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from harbourlink.kernel import Database
from tests.elock.support import Scheme, supervised
from tests.web.conftest import log_in, submit, text_of


@pytest.fixture
def sealed(client: TestClient, db: Database) -> tuple[Scheme, str]:
    return supervised(client, db)


def _alert_id(client: TestClient, world: Scheme) -> str:
    [alert] = client.get("/api/v1/elock/alerts", headers=world.hk.auth).json()
    return str(alert["id"])


def test_hk_customs_console_in_zh_hk_shows_its_trip_and_explains_its_alert(
    client: TestClient, sealed: tuple[Scheme, str]
) -> None:
    world, trip_id = sealed
    log_in(client, world.hk.admin_email)
    page = client.get("/elock/console")
    assert page.status_code == 200, page.text
    words = text_of(page.text)
    for word in ("電子鎖監察台", "待處理警報", "貨車偏離原定路線", "最遠偏離核准路線", "已抵達", "重播行程"):
        assert word in words, word
    assert 'id="elock-map"' in page.text and 'class="route"' in page.text and "spot-alert" in page.text
    assert client.get("/elock/console/live").text.count('class="card elock-alert"') == 1
    alert = client.get(f"/elock/alerts/{_alert_id(client, world)}")
    assert alert.status_code == 200 and 'id="elock-alert-map"' in alert.text and "持續" in text_of(alert.text)
    assert client.get(f"/elock/trips/{trip_id}/replay").status_code == 200


def test_an_officer_acknowledges_and_records_the_outcome_on_the_pages(
    client: TestClient, sealed: tuple[Scheme, str]
) -> None:
    world, _ = sealed
    alert_id = _alert_id(client, world)
    log_in(client, world.hk.admin_email)
    done = submit(client, "/elock/console", f"/elock/alerts/{alert_id}/acknowledge", {"back": "/elock/console"})
    assert done.status_code == 200 and done.url.path == "/elock/console"
    assert "已確認" in text_of(done.text)
    unsaid = submit(
        client, f"/elock/alerts/{alert_id}", f"/elock/alerts/{alert_id}/disposition", {"disposition": "other"}
    )
    assert unsaid.status_code == 422 and "請在備註中說明" in unsaid.text
    recorded = submit(
        client, f"/elock/alerts/{alert_id}", f"/elock/alerts/{alert_id}/disposition", {"disposition": "false_alarm"}
    )
    assert recorded.status_code == 200 and "誤報" in text_of(recorded.text)
    assert "沒有待處理的警報" in text_of(client.get("/elock/console").text)


def test_inspected_once_at_the_hk_exit_and_answered_by_mainland_customs(
    client: TestClient, sealed: tuple[Scheme, str]
) -> None:
    world, trip_id = sealed
    trip = f"/elock/trips/{trip_id}"
    log_in(client, world.hk.admin_email)
    made = submit(
        client,
        trip,
        f"{trip}/inspection",
        {"place": "hk_exit", "officer": "Officer Chan", "result": "no_finding", "seal_reapplied": "yes"},
    )
    assert made.status_code == 200, made.text
    assert 'id="elock-inspection-done"' in made.text and 'id="elock-follow-up-form"' not in made.text
    client.cookies.clear()
    log_in(client, world.mainland.admin_email)
    shown = client.get(f"{trip}?lang=en").text
    assert "Officer Chan" in shown and "Nothing found" in shown and 'id="elock-follow-up-form"' in shown
    answered = submit(client, trip, f"{trip}/inspection/follow-up", {"decision": "accepted"})
    assert "Relies on the inspection, no second one" in text_of(answered.text)  # the language chosen stays


def test_the_trucking_company_and_others_see_no_console_alerts_or_inspections(
    client: TestClient, sealed: tuple[Scheme, str]
) -> None:
    world, trip_id = sealed
    alert_id = _alert_id(client, world)
    log_in(client, world.trucker.admin_email)
    assert client.get("/elock/console").status_code == 403
    assert client.get("/elock/console/live").status_code == 403
    assert client.get(f"/elock/alerts/{alert_id}").status_code == 404
    assert client.get(f"/elock/trips/{trip_id}/replay").status_code == 404
    own = client.get(f"/elock/trips/{trip_id}")
    assert own.status_code == 200 and 'id="elock-inspection"' not in own.text and "電子鎖監察台" not in own.text
    refused = submit(client, f"/elock/trips/{trip_id}", f"/elock/trips/{trip_id}/inspection", {"place": "hk_exit"})
    assert refused.status_code == 404
    client.cookies.clear()
    log_in(client, world.mainland.admin_email)
    assert client.get(f"/elock/alerts/{alert_id}").status_code == 404  # the HK segment's alert
