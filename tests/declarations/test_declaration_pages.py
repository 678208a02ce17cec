"""The declarations pages, in Traditional Chinese: documents uploaded, drafts reviewed, a finding fixed, submitted,
the result shown; another company is shown nothing."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from harbourlink.kernel import Database, work
from tests.conftest import STRONG_PASSWORD
from tests.declarations.support import BL, INVOICE, PACKING_LIST, importer, opt_in
from tests.web.conftest import log_in, text_of


def _csrf(client: TestClient) -> str:
    return str(client.cookies.get("hl_csrf"))


def test_review_fix_submit_and_see_the_result(client: TestClient, db: Database) -> None:
    world = importer(client, db)
    log_in(client, world.declarant.admin_email)
    form = client.get("/declarations/new?lang=zh-HK")
    assert "商業發票（CSV 或 XLSX）" in text_of(form.text)
    bad = client.post(
        "/declarations/new",
        data={"csrf_token": _csrf(client), "reference": BL, "authorities": ["hk", "cn"]},
        files={"invoice": ("invoice.csv", INVOICE.replace("12.50", "twelve").encode())},
        follow_redirects=False,
    )
    assert bad.status_code == 422
    assert "第 2 行，unit_price" in text_of(bad.text)  # the row and column of the error
    planted = INVOICE.replace(",9405990000,", ",6307900000,")  # line 2's mainland code is another chapter
    made = client.post(
        "/declarations/new",
        data={"csrf_token": _csrf(client), "reference": BL, "authorities": ["hk", "cn"]},
        files={"invoice": ("invoice.csv", planted.encode()), "packing_list": ("packing.csv", PACKING_LIST.encode())},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    page = client.get(made.headers["location"])
    words = text_of(page.text)
    assert "香港海關" in words and "草稿" in words
    assert "遞交前須修正" in words and "9405990" in words  # the finding, naming the codes
    [cn_link] = re.findall(r'href="/declarations/([0-9a-f-]{36})"[^>]*>CN', page.text)
    cn_page = client.get(f"/declarations/{cn_link}")
    [flagged] = re.findall(r'<input id="f-lines-1-cn_code"[^>]*>', cn_page.text)
    assert 'value="6307900000"' in flagged and 'aria-invalid="true"' in flagged  # the finding's field, marked
    fixed = client.post(
        f"/declarations/{cn_link}", data={"csrf_token": _csrf(client), "field:lines.1.cn_code": "9405990000"}
    )
    assert "遞交前須修正" not in text_of(fixed.text)
    # The form sends every field; only the one edited becomes the user's, the rest keep their sources.
    assert fixed.text.count("來源 你的輸入") == 1 and "來源 提單紀錄" in text_of(fixed.text)
    refused = client.post(f"/declarations/{cn_link}/submit", data={"csrf_token": _csrf(client)})
    assert refused.status_code == 403  # an administrator is not a message signer
    signer = client.post(
        f"/api/v1/orgs/{world.declarant.org_id}/users",
        headers=world.declarant.auth,
        json={
            "email": "signer@alpha.example.hk",
            "display_name": "Signer",
            "role": "message_signer",
            "password": STRONG_PASSWORD,
        },
    )
    assert signer.status_code == 201, signer.text
    client.cookies.clear()
    log_in(client, "signer@alpha.example.hk")
    sent = client.post(f"/declarations/{cn_link}/submit", data={"csrf_token": _csrf(client)}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == f"/declarations/{cn_link}"
    again = client.post(f"/declarations/{cn_link}/submit?lang=zh-HK", data={"csrf_token": _csrf(client)})
    assert again.status_code == 409  # sent once only
    assert 'id="official-number"' in again.text
    work.drain(db)
    result = client.get(f"/declarations/{cn_link}")
    assert "已接受" in text_of(result.text)
    assert 'id="official-number"' in result.text


def test_pages_are_for_companies_that_opted_in_and_declarations_for_their_declarant(
    client: TestClient, db: Database
) -> None:
    world = importer(client, db)
    made = client.post(
        "/api/v1/declarations", headers=world.declarant.auth, json={"reference": BL, "authorities": ["hk"]}
    )
    declaration_id = made.json()[0]["id"]
    log_in(client, world.other.admin_email)
    assert client.get("/declarations/new").status_code == 403
    opt_in(client, world.other)
    assert client.get(f"/declarations/{declaration_id}").status_code == 404
    assert client.post(f"/declarations/{declaration_id}/submit", data={"csrf_token": _csrf(client)}).status_code == 404
