"""A plug-in's error codes are shown in the page's language from the plug-in's own catalogue."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from harbourlink import declarations
from harbourlink.kernel import Database
from tests.declarations.support import BL, importer
from tests.web.conftest import log_in, text_of


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh-HK", "請至少選擇一個申報機構。"),
        ("en", "Choose at least one authority to declare to."),
        ("zh-CN", "请至少选择一个申报机构。"),
    ],
)
def test_a_plugin_error_reads_in_the_page_language(client: TestClient, db: Database, lang: str, said: str) -> None:
    world = importer(client, db)
    log_in(client, world.declarant.admin_email)
    client.get(f"/declarations/new?lang={lang}")
    refused = client.post(
        f"/declarations/new?lang={lang}",
        data={"csrf_token": str(client.cookies.get("hl_csrf")), "reference": BL},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    assert said in text_of(refused.text)


@pytest.mark.parametrize("catalogue", ["zh_Hant_HK", "zh_Hans_CN", "en"])
def test_every_error_code_of_the_plugin_is_in_its_catalogues(catalogue: str) -> None:
    assert declarations.PLUGIN.translations is not None
    with (declarations.PLUGIN.translations / catalogue / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        said = {str(m.id): str(m.string) for m in read_po(po_file) if m.id}
    assert set(declarations.PLUGIN.errors.values()) <= set(said)
    if catalogue != "en":
        assert all(said[message] and said[message] != message for message in declarations.PLUGIN.errors.values())
