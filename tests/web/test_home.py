"""The home page leads each kind of company to its own jobs, and lists My cargo with its search."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from harbourlink.kernel import Database
from tests.conftest import Company, make_company
from tests.port import CARRIER_HEADER, DECLARATION, HBL, MBL, Port, grant, open_port, send
from tests.web.conftest import log_in, submit, text_of

TILE = re.compile(r'<ul class="tiles lead">\s*<li><a href="([^"]+)"')


@pytest.fixture
def port(client: TestClient, db: Database) -> Port:
    port = open_port(client, db)
    assert (
        client.post(
            "/api/v1/bl-links", headers=port.forwarder.auth, json={"master_bl": MBL, "house_bl": HBL}
        ).status_code
        == 201
    )
    grant(client, port.forwarder, "HBL", HBL, port.sme)
    return port


def _home(client: TestClient, company: Company | None = None, query: str = "") -> str:
    """The home page, after logging in as ``company`` (None: as whoever is logged in)."""
    if company is not None:
        log_in(client, company.admin_email)
    page = client.get(f"/{query}")
    assert page.status_code == 200, page.text
    return page.text


@pytest.mark.parametrize(
    ("kind", "first_job"),
    [
        ("forwarder", "/links"),
        ("shipping_line", "/messages"),
        ("terminal_operator", "/messages"),
        ("bank", "/ledger"),
        ("operator", "/operator"),
        ("cargo_owner", "/alerts"),
    ],
)
def test_each_kind_of_company_is_led_to_its_own_jobs(
    client: TestClient, db: Database, kind: str, first_job: str
) -> None:
    page = _home(client, make_company(db, f"A {kind} company", kind))
    match = TILE.search(page)
    assert match and match.group(1) == first_job
    if kind == "operator":
        assert 'id="my-cargo"' not in page  # it holds no cargo
        return
    # A cargo owner comes for its cargo: the list is the first thing it sees.
    assert (page.index('id="my-cargo"') < page.index("tiles lead")) is (kind == "cargo_owner")


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh-HK", ("我的貨物", "來自 Victoria Freight", "已連結主提單")),
        ("en", ("My cargo", "From Victoria Freight", "Linked to its Master B/L")),
        ("zh-CN", ("我的货物", "来自 Victoria Freight", "已关联主提单")),
    ],
)
def test_the_sme_sees_its_house_bl_in_my_cargo(
    client: TestClient, port: Port, lang: str, words: tuple[str, ...]
) -> None:
    text = text_of(_home(client, port.sme, f"?lang={lang}"))
    for word in words:
        assert word in text, word
    assert HBL in text and DECLARATION in text and MBL not in text  # the carrier shares its MBL with the forwarder


def test_searching_my_cargo_by_its_start_or_a_near_miss(client: TestClient, port: Port) -> None:
    found = text_of(_home(client, port.sme, "?lang=en&q=vff-hkg"))
    assert HBL in found and DECLARATION not in found and f"Track {HBL[:6]}" in found
    missed = _home(client, query="?lang=en&q=VFFHKG0O1")
    assert "None of your numbers starts with VFFHKG0O1." in text_of(missed)
    assert f'href="/?q={HBL}"' in missed  # did you mean
    lost = _home(client, query="?lang=en&after=garbage")
    assert HBL in text_of(lost)  # an unreadable cursor starts again from the newest


def test_older_numbers_are_a_page_away(client: TestClient, db: Database) -> None:
    carrier = make_company(db, "Many Boxes Line", "shipping_line")
    send(
        client,
        carrier,
        "csv",
        (
            CARRIER_HEADER
            + "".join(
                f"E{n},EQUIPMENT,GTIN,ACT,2026-11-20T10:{n:02d}:00+08:00,,MBX{n:05d},HKHKG,HITHK,,,,\n"
                for n in range(25)
            )
        ).encode(),
    )
    first = _home(client, carrier, "?lang=en")
    older = re.search(r'href="(/\?after=[^"]+)"', first)
    assert older and first.count("cargo-item") == 20
    second = client.get(older.group(1).replace("&amp;", "&")).text
    assert second.count("cargo-item") == 5 and "Newest first" in text_of(second)


def test_the_carrier_withholds_its_vessel_calls_on_the_sharing_page(client: TestClient, port: Port) -> None:
    log_in(client, port.carrier.admin_email)
    page = client.get("/admin/grants?lang=en")
    assert 'name="share_vessel_calls" value="yes" checked' in page.text
    done = submit(client, "/admin/grants", "/admin/grants/vessel-calls", {"share_vessel_calls": "no"})
    assert done.status_code == 200 and "Your choice is saved." in text_of(done.text)
    assert 'name="share_vessel_calls" value="no" checked' in done.text
    policy = client.get("/api/v1/sharing-policy", headers=port.carrier.auth).json()
    assert policy["share_vessel_calls"] is False
    assert client.get(f"/api/v1/track/{HBL}", headers=port.sme.auth).status_code == 404


def test_the_sme_tracking_page_shows_the_calls_schedule_only(client: TestClient, port: Port) -> None:
    log_in(client, port.sme.admin_email)
    page = client.get(f"/track/{HBL}?lang=en")
    text = text_of(page.text)
    assert page.status_code == 200 and "PEARL HARMONY" in text and "Arrival at HKHKG" in text
    assert "Only the ship's schedule is shown" in text and "Loaded on board" not in text
