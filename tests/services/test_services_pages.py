"""The administration's services page: installed plug-ins offered in the reader's language, the charged ones'
price and monthly statement."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Company
from tests.web.conftest import log_in, submit, text_of


def test_a_plugin_is_offered_in_three_languages_and_its_statement_downloads(
    client: TestClient, company_a: Company, company_b: Company
) -> None:
    log_in(client, company_a.admin_email)
    page = client.get("/admin/services?lang=zh-HK")
    assert "一單多報" in text_of(page.text)  # the plug-in's own catalogue
    assert "以貨物資料預填香港及內地海關報關單" in text_of(page.text)
    assert "一单多报" in text_of(client.get("/admin/services?lang=zh-CN").text)
    english = text_of(client.get("/admin/services?lang=en").text)
    assert "One submission, multiple declarations" in english
    assert "Charged: 8.00 HKD per declaration" in english
    opted = submit(client, "/admin/services", "/admin/services/declarations", {})
    assert "Service requested." in text_of(opted.text)
    assert 'action="/admin/services/declarations/statement"' in opted.text
    statement = client.get("/admin/services/declarations/statement?month=2026-12")
    assert statement.headers["content-type"].startswith("text/csv")
    assert statement.text.splitlines()[-1] == f"{company_a.org_id},declarations,2026-12,total,,0,8.00,0.00,HKD"
    assert client.get("/admin/services/declarations/statement?month=December").status_code == 400
    assert client.get("/admin/services/tracking/statement").status_code == 404
