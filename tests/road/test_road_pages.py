"""The road pages, as a person uses them: lodge a consignment and save it as a template, lodge again from the
template, bind a vehicle and see the UBR with the earliest crossing; errors in the page's language."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from fastapi.testclient import TestClient

from harbourlink.kernel import Database, utcnow
from harbourlink.road.domain import parse_ccrn, parse_ubr
from harbourlink.web.i18n import PORT_TIME
from tests.road.support import cargo, lodge, road
from tests.web.conftest import csrf_of, log_in, submit, text_of


def _form(**changes: str) -> dict[str, str | list[str]]:
    fields: dict[str, str | list[str]] = {name: str(value) for name, value in cargo().items()}
    in_two_hours = (utcnow() + timedelta(hours=2)).astimezone(PORT_TIME)
    return {**fields, "expected_at": in_two_hours.strftime("%Y-%m-%dT%H:%M"), **changes}


def test_a_person_lodges_saves_a_template_lodges_from_it_and_binds(client: TestClient, db: Database) -> None:
    world = road(db)
    log_in(client, world.trucker.admin_email)
    lodged = submit(client, "/road/lodge?lang=en", "/road/lodge", _form(save_as="Books weekly"))
    assert lodged.status_code == 200, text_of(lodged.text)
    first = re.search(r'id="ccrn">(\d+)<', lodged.text)
    assert first and parse_ccrn(first.group(1))

    listing = client.get("/road?lang=en")
    [template_link] = re.findall(r'href="(/road/lodge\?template=[^"]+)"', listing.text)
    assert first.group(1) in listing.text and "Books weekly" in text_of(listing.text)
    from_template = client.get(template_link)
    assert 'id="from-template"' in from_template.text and "printed books" in from_template.text
    again = submit(client, template_link, "/road/lodge", _form(goods_description="printed books", template="x"))
    second = re.search(r'id="ccrn">(\d+)<', again.text)
    assert second and second.group(1) != first.group(1)

    bound = submit(
        client,
        "/road/bind",
        "/road/bind",
        {
            "vehicle": "fc117",
            "ccrns": f"{first.group(1)}\n{second.group(1)}",
            "control_point": "LMC",
            "direction": "import",
        },
    )
    assert bound.status_code == 200, text_of(bound.text)
    ubr = re.search(r'id="ubr">(\d+)<', bound.text)
    assert ubr and parse_ubr(ubr.group(1))
    assert "Earliest crossing" in text_of(bound.text) and "Lok Ma Chau" in text_of(bound.text)  # English, as chosen
    assert f'href="/api/v1/road/bindings/{ubr.group(1)}/print.pdf"' in bound.text
    printed = client.get(f"/api/v1/road/bindings/{ubr.group(1)}/print.pdf")
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF-")
    made = client.get(f"/api/v1/road/bindings/{ubr.group(1)}").json()
    assert (made["channel"], made["driver"]) == ("web", "Lok Ma Chau Haulage admin")
    bound_at, earliest = datetime.fromisoformat(made["bound_at"]), datetime.fromisoformat(made["earliest_crossing_at"])
    assert earliest - bound_at == timedelta(minutes=30)


def test_a_template_is_the_persons_own(client: TestClient, db: Database) -> None:
    world = road(db)
    log_in(client, world.trucker.admin_email)
    submit(client, "/road/lodge", "/road/lodge", _form(save_as="Mine"))
    [link] = re.findall(r'href="(/road/lodge\?template=[^"]+)"', client.get("/road").text)
    log_in(client, world.shipper.admin_email)
    assert client.get(link).status_code == 404
    assert "template=" not in client.get("/road").text


def test_the_pages_say_what_is_wrong_in_the_readers_language(client: TestClient, db: Database) -> None:
    world = road(db)
    log_in(client, world.trucker.admin_email)
    late = (utcnow() + timedelta(minutes=5)).astimezone(PORT_TIME).strftime("%Y-%m-%dT%H:%M")
    refused = submit(client, "/road/lodge", "/road/lodge", _form(expected_at=late))
    assert refused.status_code == 422 and "貨物資料須於過關前最少 30 分鐘提交" in text_of(refused.text)
    typo = submit(
        client,
        "/road/bind?lang=en",
        "/road/bind",
        {"vehicle": "FC117", "ccrns": ["12345678900"], "control_point": "LMC", "direction": "import"},
    )
    assert typo.status_code == 422 and "This is not a CCRN" in text_of(typo.text)
    assert "12345678900" in typo.text  # what was typed stays in the form


def test_customs_asks_and_the_submitter_replies_on_the_consignments_page(client: TestClient, db: Database) -> None:
    world = road(db)
    ccrn = lodge(client, world.shipper)
    log_in(client, world.customs.admin_email)
    found = client.get(f"/road/find?ccrn={ccrn[:4]} {ccrn[4:]}&lang=en")
    assert found.url.path == f"/road/consignments/{ccrn}" and "printed books" in found.text
    asked = submit(client, found.url.path, f"/road/consignments/{ccrn}/queries", {"text": "Paper grade?"})
    assert asked.status_code == 200 and "Paper grade?" in text_of(asked.text)

    log_in(client, world.shipper.admin_email)
    page = client.get(f"/road/consignments/{ccrn}")
    [action] = re.findall(r'action="(/road/queries/[^"]+/replies)"', page.text)
    assert 'id="ask-form"' not in page.text  # only customs asks
    replied = submit(client, f"/road/consignments/{ccrn}", action, {"text": "80 gsm"})
    assert "Paper grade?" in text_of(replied.text) and "80 gsm" in text_of(replied.text)
    refused = submit(client, f"/road/consignments/{ccrn}", f"/road/consignments/{ccrn}/queries", {"text": "?"})
    assert refused.status_code == 403

    log_in(client, world.outsider.admin_email)
    assert client.get(f"/road/consignments/{ccrn}").status_code == 404
    assert client.get("/road/find?ccrn=12345678900").status_code == 422


def test_the_submitter_replies_with_a_file_on_the_page_and_a_hostile_one_is_refused_by_name(
    client: TestClient, db: Database
) -> None:
    world = road(db)
    ccrn = lodge(client, world.shipper)
    asked = client.post(f"/api/v1/road/consignments/{ccrn}/queries", headers=world.customs.auth, json={"text": "?"})
    query_id = asked.json()["id"]
    log_in(client, world.shipper.admin_email)
    page = f"/road/consignments/{ccrn}"
    token = csrf_of(client.get(page).text)
    action = f"/road/queries/{query_id}/replies"
    refused = client.post(
        action,
        data={"text": "the invoice", "csrf_token": token},
        files=[("files", ("invoice.pdf", b"MZ\x90\x00this is a program", "application/pdf"))],
    )
    assert refused.status_code == 422
    assert "第 1 個檔案（invoice.pdf）不是 PDF、JPEG 或 PNG 檔案。" in text_of(refused.text)
    sent = client.post(
        action,
        data={"text": "the invoice", "csrf_token": token},
        files=[("files", ("invoice.pdf", b"%PDF-1.4 an invoice", "application/octet-stream"))],
    )
    assert sent.status_code == 200, text_of(sent.text)
    [link] = re.findall(rf'href="(/api/v1/road/queries/{query_id}/attachments/[^"]+)"', sent.text)
    assert client.get(link).content == b"%PDF-1.4 an invoice"
    log_in(client, world.outsider.admin_email)
    assert client.get(link).status_code == 404


def test_the_lodging_page_takes_the_planned_crossing(client: TestClient, db: Database) -> None:
    world = road(db)
    log_in(client, world.shipper.admin_email)
    form = client.get("/road/lodge")
    assert 'id="planned-crossing"' in form.text and "計劃過關" in text_of(form.text)
    lodged = submit(client, "/road/lodge", "/road/lodge", _form(planned_vehicle="fc 117", planned_control_point="MKT"))
    assert lodged.status_code == 200, text_of(lodged.text)
    found = re.search(r'id="ccrn">(\d+)<', lodged.text)
    assert found
    read = client.get(f"/api/v1/road/consignments/{found.group(1)}").json()
    assert (read["planned_vehicle"], read["planned_control_point"]) == ("FC117", "MKT")
    refused = submit(
        client, "/road/lodge", "/road/lodge", _form(planned_vehicle="TOO LONG 99", planned_control_point="MKT")
    )
    assert refused.status_code == 422 and 'value="TOO LONG 99"' in refused.text
