"""The tracking page: an SME finds its cargo by House B/L, in every language; others find nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from harbourlink.kernel import Database, utcnow
from harbourlink.vessels import PositionReport, VesselStatic, record_positions, record_statics
from harbourlink.web import track_chart, track_map
from tests.conftest import Company
from tests.port import DECLARATION, HBL, MBL, Http, Port, grant, open_port
from tests.web.conftest import log_in, text_of

MMSI, IMO, VESSEL = "477123400", "9706906", "PEARL HARMONY"
# The ship's last position: in the West Lamma Channel, on its way to Kwai Tsing.
LATITUDE, LONGITUDE = 22.2150, 114.0800
TRACK = [(22.05, 114.36), (22.09, 114.30), (22.13, 114.24), (22.17, 114.17), (22.20, 114.11), (LATITUDE, LONGITUDE)]


def seed_port(http: Http, db: Database) -> Port:
    """Carrier, terminal (release and reefer readings) and customs data, the forwarder's link and
    grants so that the SME sees everything by its House B/L, and the ship's AIS position and track."""
    port = open_port(http, db)
    link = http.post("/api/v1/bl-links", headers=port.forwarder.auth, json={"master_bl": MBL, "house_bl": HBL})
    assert link.status_code == 201, link.text
    grant(http, port.forwarder, "HBL", HBL, port.sme)
    grant(http, port.carrier, "MBL", MBL, None)  # the carrier opens its MBL to holders of the number
    now = utcnow()
    with db.transaction() as session:
        reports = [
            PositionReport(
                mmsi=MMSI,
                at=now - timedelta(minutes=5 + 10 * (len(TRACK) - 1 - index)),
                latitude=lat,
                longitude=lon,
                speed_knots=11.5,
                course=300.0,
            )
            for index, (lat, lon) in enumerate(TRACK)
        ]
        record_positions(session, reports, message_id=None)
        record_statics(
            session,
            [
                VesselStatic(
                    mmsi=MMSI,
                    imo=IMO,
                    name=VESSEL,
                    destination="HK HKG",
                    eta=now.replace(microsecond=0) + timedelta(hours=3),
                )
            ],
        )
    return port


@pytest.fixture
def port(client: TestClient, db: Database) -> Port:
    return seed_port(client, db)


def _page(client: TestClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.text
    return response.text


WORDS = {  # released at the terminal, released by customs, the ship's AIS estimate, a position's age
    "zh-HK": ("已放行", "已放行", "船舶 AIS 報告", "5 分鐘前", "北緯 22.2150°"),
    "en": ("Released", "Released", "The ship's AIS report", "5 min ago", "22.2150° N"),
    "zh-CN": ("已放行", "已放行", "船舶 AIS 报告", "5 分钟前", "北纬 22.2150°"),
}


@pytest.mark.parametrize("lang", ["zh-HK", "en", "zh-CN"])
def test_the_sme_sees_its_cargo_by_house_bl(client: TestClient, port: Port, lang: str) -> None:
    log_in(client, port.sme.admin_email)
    response = client.get(f"/track?q={HBL.lower()}" + ("" if lang == "zh-HK" else f"&lang={lang}"))
    assert response.status_code == 200, response.text
    assert response.url.path == f"/track/{HBL}"
    page = response.text
    text = text_of(page)
    released, cleared, ais, age, latitude = WORDS[lang]
    assert f'<html lang="{lang}">' in page
    assert VESSEL in text and IMO in text and MBL in text
    assert 'id="vessel-marker"' in page and latitude in text and age in text
    assert ais in text  # the ship's own ETA beside the carrier's plan and estimate
    assert released in text and cleared in text
    assert 'class="reefer-chart"' in page


def test_the_map_marks_the_ship_where_ais_saw_it(client: TestClient, port: Port) -> None:
    log_in(client, port.sme.admin_email)
    page = _page(client, f"/track/{HBL}?lang=en")
    marker = re.search(
        r'<g id="vessel-marker"[^>]*transform="translate\(([\d.]+) ([\d.]+)\)"[^>]*>\s*<title>([^<]+)<', page
    )
    assert marker, "no vessel marker"
    x, y = float(marker.group(1)), float(marker.group(2))
    assert 0 < x < 360 and 0 < y < 240
    assert marker.group(3) == f"{VESSEL} at 22.2150° N, 114.0800° E, 5 min ago"
    assert re.search(r'<polyline id="vessel-track" class="track" points="([\d.]+,[\d.]+ ){5}[\d.]+,[\d.]+"', page)
    land = re.search(r'<path class="land" d="([^"]+)"', page)
    assert land and land.group(1).count("M") >= 5  # Lantau, Hong Kong Island, Lamma … drawn from Natural Earth
    assert 'data-track-api="/api/v1/track/VFFHKG001?events=300"' in page


def test_every_source_of_the_arrival_time_side_by_side(client: TestClient, port: Port) -> None:
    log_in(client, port.sme.admin_email)
    text = text_of(_page(client, f"/track/{HBL}?lang=en"))
    start = text.index("Arrival · HKHKG · HITHK")
    arrival = text[start : text.index("Legs", start)]  # up to the page's next section (the menu names Legs too)
    assert arrival.count("Pearl Ocean Lines") == 2 and "The ship's AIS report (HK HKG)" in arrival
    for kind in ("Planned", "Estimated"):
        assert kind in arrival
    assert "23/11/2026, 5:00 am" in arrival and "23/11/2026, 6:30 am" in arrival
    assert "The sources differ by up to" in arrival
    assert arrival.count("received just now") >= 2 and "received 0 min ago" not in arrival


def test_release_reefer_and_customs(client: TestClient, port: Port) -> None:
    log_in(client, port.sme.admin_email)
    page = _page(client, f"/track/{HBL}?lang=en")
    text = text_of(page)
    assert "Release at the terminal Released" in text and "Free time ends 28/11/2026, 11:59 pm" in text
    chart = page[
        page.index('<svg class="reefer-chart"') : page.index("</svg>", page.index('<svg class="reefer-chart"'))
    ]
    assert chart.count('class="reading"') == 2  # 4.8 and 5.1 °C; the third reading had the power off
    assert 'class="setpoint"' in chart and 'class="power-off"' in chart
    assert "Set point 5.0 °C" in text
    customs = text[text.index("Customs Declaration") :]
    assert f"Declaration {DECLARATION} Released" in customs and "Declaration submitted" in customs


def test_the_timeline_names_events_in_hong_kong_time(client: TestClient, port: Port) -> None:
    log_in(client, port.sme.admin_email)
    text = text_of(_page(client, f"/track/{HBL}"))
    timeline = text[text.index("所有事件") :]
    assert "20/11/2026 下午10:00 離港" in timeline  # 22:00 +08:00 departure from Yantian, in zh-HK words
    assert "已裝船" in timeline and "海關已放行" in timeline


def test_another_company_finds_nothing_and_learns_nothing(client: TestClient, port: Port) -> None:
    log_in(client, port.stranger.admin_email)
    hidden = client.get(f"/track/{HBL}?lang=en")
    missing = client.get("/track/NOSUCH0001?lang=en")
    assert hidden.status_code == missing.status_code == 404
    assert VESSEL not in hidden.text and MBL not in hidden.text
    assert text_of(hidden.text).replace(HBL, "N") == text_of(missing.text).replace("NOSUCH0001", "N")
    assert "Nothing about VFFHKG001 is shared with your company" in text_of(hidden.text)


def test_the_search_page_and_its_redirect(client: TestClient, company_b: Company) -> None:
    assert client.get("/track", follow_redirects=False).headers["location"] == "/login"
    log_in(client, company_b.admin_email)
    search = client.get("/track")
    assert search.status_code == 200 and 'name="q"' in search.text and "提單" in text_of(search.text)
    assert client.get("/track?q=", follow_redirects=False).status_code == 200
    moved = client.get("/track?q=mscu 123456 6", follow_redirects=False)
    assert moved.headers["location"] == "/track/MSCU1234566"
    assert client.get("/track/" + "A" * 61).status_code == 404


def test_customs_status_by_declaration_number(client: TestClient, port: Port) -> None:
    log_in(client, port.sme.admin_email)
    text = text_of(_page(client, f"/track/{DECLARATION}?lang=en"))
    assert f"Declaration {DECLARATION} Released" in text and "Shenzhen Customs" in text


@dataclass
class Reading:
    at: datetime
    temperature: float | None
    setpoint: float | None
    power: str = "ON"


def test_the_map_frame_follows_the_ship() -> None:
    hong_kong = track_map.draw((LONGITUDE, LATITUDE), [(114.3, 22.1)], 300.0)
    assert hong_kong.frame == track_map.frame_for((114.27, 22.55), [])  # Yantian: the same fixed frame
    assert hong_kong.land.count("M") >= 5
    singapore = track_map.draw((103.8, 1.25), [(104.5, 1.5), (105.0, 2.0)], None)
    assert 0 < singapore.x < 360 and 0 < singapore.y < 240 and singapore.land
    pacific = track_map.draw((179.5, 30.0), [(170.0, 31.0), (-170.0, 29.0)], 90.0)
    assert pacific.frame.shift and pacific.frame.contains(-170.0, 29.0) and pacific.frame.contains(179.5, 30.0)


def test_the_chart_breaks_the_line_while_the_power_is_off() -> None:
    start = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    readings = [
        Reading(start + timedelta(minutes=15 * n), temperature, 5.0, "OFF" if temperature is None else "ON")
        for n, temperature in enumerate([4.8, 5.1, None, None, 6.2, 5.4])
    ]
    chart = track_chart.draw(readings, 5.0, lambda moment: moment.strftime("%H:%M"))
    assert chart is not None
    assert len(chart.lines) == 2 and len(chart.dots) == 4
    [(x, width)] = chart.off
    assert chart.dots[1].x < x < x + width == chart.dots[2].x
    assert [tick.label for tick in chart.x_ticks] == ["02:00", "03:15"]
    single = track_chart.draw(readings[:1], None, lambda moment: moment.strftime("%H:%M"))
    assert single is not None and [tick.label for tick in single.x_ticks] == ["02:00"]
    assert track_chart.draw([], 5.0, str) is None


def test_not_found_offers_near_numbers_the_viewer_may_see(client: TestClient, port: Port) -> None:
    log_in(client, port.sme.admin_email)
    page = client.get("/track/MSCU1234565")  # the container with a wrong check digit
    assert page.status_code == 404
    assert "你是否想找" in page.text and 'href="/track/MSCU1234566"' in page.text
