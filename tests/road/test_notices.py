"""Road cargo's notices: both sides of a customs query are told of it and of each reply, a reply carries files
that only the query's two sides download, the shipper is told of the crossing, and a driver nearing the control
point with cargo unbound is reminded once, in the app and by SMS."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from harbourlink.kernel import Database, utcnow
from tests.alerts.support import subscribe
from tests.conftest import Company, make_company
from tests.road.support import bind, cargo, lodge, road
from tests.trucking.support import haulage, plan_trip, position
from tests.web.conftest import log_in

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PHONE = "+85291234567"
QUERY_TYPES = ["road_query_raised", "road_query_replied"]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _inbox(client: TestClient, company: Company) -> list[dict[str, Any]]:
    answer = client.get("/api/v1/alerts", headers=company.auth, params={"include_resolved": "true"})
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def test_both_sides_are_told_of_a_query_and_of_each_reply(client: TestClient, db: Database) -> None:
    world = road(db)
    for company in (world.shipper, world.customs, world.outsider):
        subscribe(client, company, alert_types=QUERY_TYPES, channels=["inbox"])
    ccrn = lodge(client, world.shipper)
    query = client.post(
        f"/api/v1/road/consignments/{ccrn}/queries", headers=world.customs.auth, json={"text": "Invoice?"}
    ).json()
    for company in (world.shipper, world.customs):
        [raised] = _inbox(client, company)
        assert (raised["alert_type"], raised["subject"], raised["figures"]["text"]) == (
            "road_query_raised",
            ccrn,
            "Invoice?",
        )
    reply = f"/api/v1/road/queries/{query['id']}/replies"
    client.post(reply, headers=world.shipper.auth, json={"text": "Attached", "attachments": []})
    client.post(reply, headers=world.customs.auth, json={"text": "And the packing list?"})
    for company in (world.shipper, world.customs):
        [replied] = [a for a in _inbox(client, company) if a["alert_type"] == "road_query_replied"]
        assert replied["figures"]["replies"] == 2 and replied["figures"]["side"] == "customs"
        assert replied["revision"] == 2  # told at the first reply, and again at the second
    assert _inbox(client, world.outsider) == []


def test_a_reply_carries_files_only_the_querys_two_sides_download(client: TestClient, db: Database) -> None:
    world = road(db)
    ccrn = lodge(client, world.shipper)
    query = client.post(
        f"/api/v1/road/consignments/{ccrn}/queries", headers=world.customs.auth, json={"text": "Invoice?"}
    ).json()
    reply = f"/api/v1/road/queries/{query['id']}/replies"
    files = [{"filename": "C:\\docs\\invoice.pdf", "content": _b64(PDF)}, {"filename": "x.png", "content": _b64(PNG)}]
    answered = client.post(reply, headers=world.shipper.auth, json={"text": "Here", "attachments": files})
    assert answered.status_code == 201, answered.text
    [invoice, photo] = answered.json()["messages"][1]["attachments"]
    assert (invoice["filename"], invoice["content_type"], invoice["size"]) == (
        "invoice.pdf",
        "application/pdf",
        len(PDF),
    )
    assert photo["content_type"] == "image/png"
    for company in (world.shipper, world.customs):
        got = client.get(invoice["url"], headers=company.auth)
        assert got.status_code == 200 and got.content == PDF
        assert got.headers["content-type"] == "application/pdf" and "attachment" in got.headers["content-disposition"]
    other_customs = make_company(db, "Another Customs", "customs_hk")
    for company in (world.outsider, world.trucker, other_customs):
        assert client.get(invoice["url"], headers=company.auth).status_code == 404

    refusals = {
        "attachment_type_refused": [{"filename": "invoice.pdf", "content": _b64(b"MZ\x90\x00 not a pdf")}],
        "attachment_too_large": [{"filename": "big.pdf", "content": _b64(PDF + b"0" * (2 * 1024 * 1024))}],
        "too_many_attachments": [{"filename": f"{n}.pdf", "content": _b64(PDF)} for n in range(4)],
    }
    for code, attachments in refusals.items():
        refused = client.post(reply, headers=world.shipper.auth, json={"text": "x", "attachments": attachments})
        assert refused.status_code == 422 and refused.json()["error"] == code, refused.text
    named = client.post(
        reply, headers=world.shipper.auth, json={"text": "x", "attachments": refusals["attachment_type_refused"]}
    ).json()
    assert "invoice.pdf" in named["detail"] and "PDF, JPEG or PNG" in named["detail"]
    [thread] = client.get(f"/api/v1/road/consignments/{ccrn}/queries", headers=world.customs.auth).json()
    assert len(thread["messages"]) == 2  # nothing of a refused reply was kept


def test_the_shipper_is_told_of_the_crossing(client: TestClient, db: Database) -> None:
    world = road(db)
    subscribe(client, world.shipper, alert_types=["road_crossed"], channels=["inbox"])
    ccrn = lodge(client, world.shipper)
    ubr = bind(client, world.trucker, ccrns=[ccrn])["ubr"]
    client.post(f"/api/v1/road/bindings/{ubr}/decision", headers=world.customs.auth, json={"decision": "go"})
    assert _inbox(client, world.shipper) == []
    crossed = client.post(f"/api/v1/road/bindings/{ubr}/crossed", headers=world.customs.auth)
    assert crossed.status_code == 200, crossed.text
    [alert] = _inbox(client, world.shipper)
    assert (alert["alert_type"], alert["subject"]) == ("road_crossed", ccrn)
    assert (alert["figures"]["ubr"], alert["figures"]["decision"], alert["figures"]["control_point"]) == (
        ubr,
        "go",
        "LMC",
    )


LOK_MA_CHAU = (22.5147, 114.0686)


def _towards_lok_ma_chau(km_south: float, *, minutes_ago: int = 0, count: int = 4) -> list[dict[str, Any]]:
    """A truck driving north at about 60 km/h, ``km_south`` of the control point at its last position."""
    start = utcnow() - timedelta(minutes=count + minutes_ago)
    degrees = 1 / 111.0
    return [
        position(start + timedelta(minutes=i), LOK_MA_CHAU[0] - (km_south + count - 1 - i) * degrees, LOK_MA_CHAU[1])
        for i in range(count)
    ]


def test_a_driver_nearing_the_control_point_with_cargo_unbound_is_reminded_once(
    client: TestClient, db: Database
) -> None:
    world = road(db)
    trucks = haulage(client, db)
    subscribe(client, trucks.trucker, alert_types=["road_bind_reminder"], channels=["inbox", "sms"], phone=PHONE)
    planned = lodge(client, world.shipper, planned_vehicle="XY 1234", planned_control_point="LMC")
    later = (utcnow() + timedelta(days=2)).isoformat()
    elsewhere = lodge(client, world.shipper, planned_vehicle="XY 1234", planned_control_point="LMC", expected_at=later)
    lodge(client, world.shipper, planned_vehicle="ZZ 9", planned_control_point="LMC")
    trip = plan_trip(client, trucks)
    sent = f"/api/v1/trips/{trip['id']}/positions"

    far = client.post(sent, headers=trucks.trucker.auth, json=_towards_lok_ma_chau(60, minutes_ago=30))
    assert far.status_code == 201, far.text
    assert _inbox(client, trucks.trucker) == []  # an hour away: not yet
    for _ in range(2):  # two reports near it: one reminder
        near = client.post(sent, headers=trucks.trucker.auth, json=_towards_lok_ma_chau(15))
        assert near.status_code == 201, near.text
    [alert] = _inbox(client, trucks.trucker)
    assert (alert["alert_type"], alert["subject"], alert["figures"]["control_point"]) == (
        "road_bind_reminder",
        planned,
        "LMC",
    )
    deliveries = client.get("/api/v1/alert-deliveries", headers=trucks.trucker.auth).json()
    assert sorted(d["channel"] for d in deliveries) == ["sms"]
    assert elsewhere not in str(_inbox(client, trucks.trucker))

    log_in(client, trucks.driver_email)
    app = client.get("/trips/road?lang=en")
    assert app.status_code == 200 and f'id="remind-{planned}"' in app.text and elsewhere not in app.text
    assert f"/road/bind?ccrn={planned}" in app.text
    assert client.get("/api/v1/road/consignments/" + planned).status_code == 404  # the driver reads no cargo data


def test_a_planned_crossing_is_checked_and_read_back(client: TestClient, db: Database) -> None:
    world = road(db)
    made = client.post(
        "/api/v1/road/consignments",
        headers=world.shipper.auth,
        json=cargo(planned_vehicle="fc 117", planned_control_point="LMC"),
    )
    assert made.status_code == 201, made.text
    assert (made.json()["planned_vehicle"], made.json()["planned_control_point"]) == ("FC117", "LMC")
    wrong = client.post(
        "/api/v1/road/consignments", headers=world.shipper.auth, json=cargo(planned_control_point="XXX")
    )
    assert wrong.status_code == 422
    half = client.post("/api/v1/road/consignments", headers=world.shipper.auth, json=cargo(planned_vehicle="FC117"))
    assert half.status_code == 422 and half.json()["error"] == "planned_crossing_incomplete"
