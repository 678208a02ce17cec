"""Linking House B/Ls on the web: one pair, a CSV file with a per-row report, the list, unlinking."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from harbourlink.kernel import Database
from tests.port import HBL, MBL, Port, grant, open_port
from tests.web.conftest import csrf_of, log_in, submit, text_of


@pytest.fixture
def port(client: TestClient, db: Database) -> Port:
    """The port, with the carrier's Master B/L open to whoever holds the number (as carriers do)."""
    opened = open_port(client, db)
    grant(client, opened.carrier, "MBL", MBL, None)
    return opened


def _link_ids(client: TestClient, port: Port) -> dict[str, str]:
    links = client.get("/api/v1/bl-links", headers=port.forwarder.auth).json()
    return {link["house_bl"]: link["id"] for link in links}


@pytest.mark.parametrize("lang", ["zh-HK", "en", "zh-CN"])
def test_the_forwarder_links_one_pair_and_the_sme_then_tracks_by_house_bl(
    client: TestClient, port: Port, lang: str
) -> None:
    log_in(client, port.forwarder.admin_email)
    form = client.get(f"/links?lang={lang}")
    assert form.status_code == 200 and f'<html lang="{lang}">' in form.text
    done = submit(client, "/links", "/links", {"master_bl": MBL.lower(), "house_bl": f" {HBL} "})
    assert done.status_code == 200 and done.url.path == "/links"
    assert f'href="/track/{HBL}"' in done.text and f'href="/track/{MBL}"' in done.text
    assert "PEARL HARMONY" in client.get(f"/track/{HBL}").text  # the forwarder's own page follows the link at once

    grant(client, port.forwarder, "HBL", HBL, port.sme)
    client.cookies.clear()
    log_in(client, port.sme.admin_email)
    tracked = client.get(f"/track?q={HBL}")
    assert tracked.status_code == 200 and "PEARL HARMONY" in tracked.text and MBL in text_of(tracked.text)


def test_a_master_bl_not_shared_with_the_forwarder_is_refused_with_the_values_kept(
    client: TestClient, port: Port
) -> None:
    log_in(client, port.forwarder.admin_email)
    refused = submit(client, "/links?lang=en", "/links", {"master_bl": "ZZZU0000001", "house_bl": HBL})
    assert refused.status_code == 404
    text = text_of(refused.text)
    assert "No data about this Master B/L is shared with your company" in text
    assert 'value="ZZZU0000001"' in refused.text and _link_ids(client, port) == {}


CSV = f"""master_bl,house_bl
{MBL},{HBL}
{MBL},VFFHKG002

ZZZU0000001,VFFHKG003
{MBL}
{MBL},{MBL}
{MBL},VFF HKG 004
"""


@pytest.mark.parametrize(
    ("lang", "row", "summary"),
    [
        ("en", "Row 5:", "3 pairs linked, 3 rows not linked."),
        ("zh-HK", "第 5 行：", "已連結 3 對，3 行未連結。"),
        ("zh-CN", "第 5 行：", "已关联 3 对，3 行未关联。"),
    ],
)
def test_a_csv_file_links_the_good_rows_and_names_each_bad_row(
    client: TestClient, port: Port, lang: str, row: str, summary: str
) -> None:
    log_in(client, port.forwarder.admin_email)
    token = csrf_of(client.get(f"/links?lang={lang}").text)
    answer = client.post(
        "/links/import", data={"csrf_token": token}, files={"file": ("pairs.csv", CSV.encode(), "text/csv")}
    )
    assert answer.status_code == 200, answer.text
    report = text_of(answer.text[answer.text.index('id="link-report"') : answer.text.index("</section>")])
    assert summary in report
    assert row in report and ("第 7 行" in report or "Row 7:" in report)
    assert ("Row 4:" if lang == "en" else "第 4 行") not in report  # the blank line is skipped, not an error
    assert sorted(_link_ids(client, port)) == [HBL, "VFFHKG002", "VFFHKG004"]


def test_pasted_pairs_without_a_header(client: TestClient, port: Port) -> None:
    log_in(client, port.forwarder.admin_email)
    answer = submit(client, "/links?lang=en", "/links/import", {"pairs": f"{MBL},{HBL}\n{MBL};VFFHKG009\n"})
    assert "1 pairs linked, 1 rows not linked." in text_of(answer.text)
    assert "Row 2: A row needs a Master B/L and a House B/L" in text_of(answer.text)
    empty = submit(client, "/links?lang=en", "/links/import", {"pairs": ""})
    assert empty.status_code == 400 and "Choose a CSV file or paste the pairs." in text_of(empty.text)


def test_unlinking_ends_what_the_house_bl_holder_sees(client: TestClient, port: Port) -> None:
    log_in(client, port.forwarder.admin_email)
    submit(client, "/links", "/links", {"master_bl": MBL, "house_bl": HBL})
    grant(client, port.forwarder, "HBL", HBL, port.sme)
    link_id = _link_ids(client, port)[HBL]
    done = submit(client, "/links?lang=en", f"/links/{link_id}/delete", {})
    assert done.status_code == 200 and "Unlinked." in text_of(done.text) and _link_ids(client, port) == {}
    client.cookies.clear()
    log_in(client, port.sme.admin_email)
    assert "PEARL HARMONY" not in client.get(f"/track/{HBL}").text


def test_another_company_neither_sees_nor_removes_the_links(client: TestClient, port: Port) -> None:
    client.post("/api/v1/bl-links", headers=port.forwarder.auth, json={"master_bl": MBL, "house_bl": HBL})
    link_id = _link_ids(client, port)[HBL]
    log_in(client, port.stranger.admin_email)
    page = client.get("/links")
    assert HBL not in page.text and link_id not in page.text
    refused = client.post(f"/links/{link_id}/delete", data={"csrf_token": csrf_of(page.text)})
    assert refused.status_code == 404
    assert client.post(f"/links/{link_id}/delete", data={}).status_code == 403  # no CSRF token
    assert client.delete(f"/api/v1/bl-links/{link_id}", headers=port.stranger.auth).status_code == 404
    assert _link_ids(client, port) == {HBL: link_id}


def test_the_api_unlinks(client: TestClient, port: Port) -> None:
    created = client.post("/api/v1/bl-links", headers=port.forwarder.auth, json={"master_bl": MBL, "house_bl": HBL})
    link_id = created.json()["id"]
    assert client.delete(f"/api/v1/bl-links/{link_id}", headers=port.forwarder.auth).status_code == 204
    assert client.delete(f"/api/v1/bl-links/{link_id}", headers=port.forwarder.auth).status_code == 404
    assert client.get("/api/v1/bl-links", headers=port.forwarder.auth).json() == []


def test_the_api_links_a_csv_file_on_the_same_service(client: TestClient, port: Port) -> None:
    answer = client.post(
        "/api/v1/bl-links/import", headers={**port.forwarder.auth, "Content-Type": "text/csv"}, content=CSV.encode()
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert sorted(link["house_bl"] for link in body["linked"]) == [HBL, "VFFHKG002", "VFFHKG004"]
    assert [(e["row"], e["error"]) for e in body["errors"]] == [
        (5, "master_bl_not_visible"),
        (6, "link_row_incomplete"),
        (7, "invalid_link"),
    ]
    # The carrier shares its Master B/L with anyone holding the number, so another company may link its own
    # House B/Ls to it too (linking follows the trade); those links are the stranger's, not the forwarder's.
    stranger = client.post("/api/v1/bl-links/import", headers=port.stranger.auth, content=CSV.encode()).json()
    assert {link["owner_org_id"] for link in stranger["linked"]} == {port.stranger.org_id}
    forwarder_links = client.get("/api/v1/bl-links", headers=port.forwarder.auth).json()
    assert {link["owner_org_id"] for link in forwarder_links} == {port.forwarder.org_id}


def test_a_file_with_old_mac_line_ends_or_a_cell_too_long_for_csv_is_answered_by_line(
    client: TestClient, port: Port
) -> None:
    headers = {**port.forwarder.auth, "Content-Type": "text/csv"}
    mac = client.post("/api/v1/bl-links/import", headers=headers, content=f"master_bl,house_bl\r{MBL},{HBL}\r".encode())
    assert mac.status_code == 200 and [link["house_bl"] for link in mac.json()["linked"]] == [HBL]
    overlong = client.post(
        "/api/v1/bl-links/import", headers=headers, content=f"{MBL},VFFHKG002\n{MBL},{'X' * 200_000}\n".encode()
    )
    assert overlong.status_code == 200, overlong.text
    body = overlong.json()
    assert [link["house_bl"] for link in body["linked"]] == ["VFFHKG002"]
    assert [(e["row"], e["error"]) for e in body["errors"]] == [(2, "invalid_csv")]
