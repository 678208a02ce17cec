"""The tracking page's air section: a house air waybill's flights, planned against actual in each
airport's local time, airport names and statuses in every language; nothing for another company."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from harbourlink.kernel import Database
from tests.conftest import make_company
from tests.port import SAMPLES, Http, grant
from tests.web.conftest import log_in, submit, text_of

AWB, HAWB = "16012345675", "HLKHKG2611001"
FORMATS = {
    "cargo-imp": "fsu-cx880-hkg-lax.txt",
    "cargo-xml": "xfsu-cx880-arrival-lax.xml",
    "one-record": "one-record-delivery-lax.jsonld",
}
WORDS = {
    "zh-HK": (
        "香港國際機場",
        "洛杉磯國際機場",
        "延誤 1 小時 45 分鐘",
        "已交付收貨人",
        "被拉貨",
        "時間為各機場當地時間",
    ),
    "en": (
        "Hong Kong International Airport",
        "Los Angeles International Airport",
        "1 hour, 45 minutes late",
        "Delivered to the consignee",
        "Offloaded",
        "Times are local at each airport",
    ),
    "zh-CN": (
        "香港国际机场",
        "洛杉矶国际机场",
        "延误 1小时45分钟",
        "已交付收货人",
        "被拉下",
        "时间为各机场当地时间",
    ),
}


def seed_air(http: Http, db: Database) -> tuple[str, str]:
    """An airline's statuses in the three forms, the forwarder's house air waybill linked and shared
    with the shipper; the logins of the shipper and of a stranger."""
    airline, forwarder, shipper, stranger = (
        make_company(db, name, kind)
        for name, kind in [
            ("Cathay Cargo", "airline"),
            ("Victoria Freight", "forwarder"),
            ("Lantau Trading", "cargo_owner"),
            ("Nosy Parker", "cargo_owner"),
        ]
    )
    for fmt, name in FORMATS.items():
        sent = http.post(
            f"/api/v1/messages?format={fmt}", headers=airline.auth, content=(SAMPLES / "air" / name).read_bytes()
        )
        assert sent.status_code == 201 and sent.json()["status"] == "accepted", sent.text
    grant(http, airline, "AWB", AWB, None)
    link = http.post(
        "/api/v1/bl-links", headers=forwarder.auth, json={"master_bl": AWB, "house_bl": HAWB, "kind": "AWB"}
    )
    assert link.status_code == 201, link.text
    grant(http, forwarder, "HAWB", HAWB, shipper)
    return shipper.admin_email, stranger.admin_email


@pytest.fixture
def logins(client: TestClient, db: Database) -> tuple[str, str]:
    return seed_air(client, db)


@pytest.mark.parametrize("lang", ["zh-HK", "en", "zh-CN"])
def test_the_shipper_sees_its_air_cargo_by_house_air_waybill(
    client: TestClient, logins: tuple[str, str], lang: str
) -> None:
    log_in(client, logins[0])
    response = client.get(f"/track?q={HAWB.lower()}" + ("" if lang == "zh-HK" else f"&lang={lang}"))
    assert response.status_code == 200, response.text
    page, text = response.text, text_of(response.text)
    hkg, lax, late, delivered, offloaded, local = WORDS[lang]
    assert 'id="air-title"' in page and f'id="awb-{AWB}"' in page
    assert hkg in text and lax in text and "CX880" in text and "160-12345675" in text
    assert late in text and delivered in text and offloaded in text and local in text
    # Planned against actual, each in its airport's local time (Hong Kong 14:30 → 16:15, Los Angeles 10:55 → 12:40).
    assert 'datetime="2026-11-24T14:30:00+08:00"' in page and 'datetime="2026-11-24T16:15:00+08:00"' in page
    assert 'datetime="2026-11-24T10:55:00-08:00"' in page and 'datetime="2026-11-24T12:40:00-08:00"' in page


def test_another_company_finds_nothing(client: TestClient, logins: tuple[str, str]) -> None:
    log_in(client, logins[1])
    assert client.get(f"/track/{HAWB}?lang=en").status_code == 404


def test_the_forwarder_links_house_air_waybills_on_the_links_page(client: TestClient, db: Database) -> None:
    airline, forwarder = (
        make_company(db, name, kind) for name, kind in [("Cathay Cargo", "airline"), ("Victoria Freight", "forwarder")]
    )
    sent = client.post(
        "/api/v1/messages?format=cargo-imp",
        headers=airline.auth,
        content=(SAMPLES / "air" / FORMATS["cargo-imp"]).read_bytes(),
    )
    assert sent.status_code == 201, sent.text
    grant(client, airline, "AWB", AWB, forwarder)
    log_in(client, forwarder.admin_email)
    one = submit(client, "/links?lang=en", "/links", {"kind": "AWB", "master_bl": "160-1234 5675", "house_bl": HAWB})
    assert one.status_code == 200 and f'href="/track/{HAWB}"' in one.text
    wrong = submit(client, "/links?lang=en", "/links", {"kind": "AWB", "master_bl": "160-12345674", "house_bl": "H2"})
    assert wrong.status_code == 422 and "for example 160-12345675" in text_of(wrong.text)
    many = submit(
        client,
        "/links?lang=en",
        "/links/import",
        {"kind": "AWB", "pairs": f"master_awb,house_awb\n{AWB},HLKHKG2611002\n{AWB},X\n"},
    )
    assert "1 pairs linked, 1 rows not linked" in text_of(many.text) and "Row 3" in text_of(many.text)
    links = {link["house_bl"]: link["kind"] for link in client.get("/api/v1/bl-links", headers=forwarder.auth).json()}
    assert links == {HAWB: "AWB", "HLKHKG2611002": "AWB"}


ALERT_WORDS = {
    "zh-HK": ("航班延遲起飛", "空運貨物被拉貨", "1 小時 45 分鐘", "香港國際機場 (HKG)", "件數"),
    "en": (
        "Flight departed late",
        "Air cargo offloaded",
        "1 hour, 45 minutes",
        "Hong Kong International Airport (HKG)",
        "Pieces",
    ),
    "zh-CN": ("航班延误起飞", "空运货物被拉下", "1小时45分钟", "香港国际机场 (HKG)", "件数"),
}


@pytest.mark.parametrize("lang", ["zh-HK", "en", "zh-CN"])
def test_air_alerts_in_the_history_in_words(client: TestClient, db: Database, lang: str) -> None:
    airline, forwarder = (
        make_company(db, name, kind) for name, kind in [("Cathay Cargo", "airline"), ("Victoria Freight", "forwarder")]
    )
    grant(client, airline, "AWB", AWB, forwarder)
    subscribed = client.post(
        "/api/v1/subscriptions",
        headers=forwarder.auth,
        json={
            "reference_type": "AWB",
            "reference": "160-12345675",
            "channels": ["inbox"],
            "alert_types": ["air_late_departure", "air_offload"],
        },
    )
    assert subscribed.status_code == 201, subscribed.text
    sent = client.post(
        "/api/v1/messages?format=cargo-imp",
        headers=airline.auth,
        content=(SAMPLES / "air" / FORMATS["cargo-imp"]).read_bytes(),
    )
    assert sent.json()["status"] == "accepted"
    log_in(client, forwarder.admin_email)
    text = text_of(client.get(f"/alerts?lang={lang}").text)
    late, offloaded, delay, airport, pieces = ALERT_WORDS[lang]
    assert late in text and offloaded in text and delay in text and airport in text and pieces in text
    assert "CX880" in text and f"/track/{AWB}" in client.get(f"/alerts?lang={lang}").text
