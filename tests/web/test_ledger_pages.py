"""The ledger for people: a mark on each timeline event, the event's proof page, and the public page on
checking a proof file, in zh-HK, en and zh-CN."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import harbourlink_verify
from harbourlink import ledger
from harbourlink.api.ledger import for_app
from harbourlink.kernel import Database
from tests.port import HBL, Port
from tests.web.conftest import log_in, text_of
from tests.web.test_tracking_pages import seed_port

LANGS = ["zh-HK", "en", "zh-CN"]
LOGGED = {"zh-HK": "已存證", "en": "In the ledger", "zh-CN": "已存证"}
QUEUED = {"zh-HK": "等待存證", "en": "Queued for the ledger", "zh-CN": "等待存证"}
GUIDE = {
    "zh-HK": ("自行核對我們的記錄", "存證記錄的公鑰"),
    "en": ("Check our records yourself", "The ledger's public key"),
    "zh-CN": ("自行核对我们的记录", "存证记录的公钥"),
}
MARK = re.compile(
    r'<a class="tag ledger-(logged|queued)" href="(/ledger/events/[^"]+)" data-ledger-event="([^"]+)">([^<]+)</a>'
)


@pytest.fixture
def port(client: TestClient, db: Database) -> Port:
    return seed_port(client, db)


def _sequence(client: TestClient, db: Database) -> int:
    with db.transaction() as session:
        checkpoint = ledger.do_sequence(session, for_app(client.app))  # type: ignore[arg-type]
        assert checkpoint is not None
        return checkpoint.size


def _lang(lang: str, url: str = "") -> str:
    return url if lang == "zh-HK" else f"{url}{'&' if '?' in url else '?'}lang={lang}"


def _marks(client: TestClient, lang: str) -> list[tuple[str, str, str, str]]:
    response = client.get(f"/track/{HBL}{_lang(lang)}")
    assert response.status_code == 200, response.text
    return MARK.findall(response.text)


@pytest.mark.parametrize("lang", LANGS)
def test_each_event_of_the_timeline_shows_its_mark(client: TestClient, db: Database, port: Port, lang: str) -> None:
    log_in(client, port.sme.admin_email)
    queued = _marks(client, lang)
    assert queued and {(status, text) for status, _, _, text in queued} == {("queued", QUEUED[lang])}
    _sequence(client, db)
    logged = _marks(client, lang)
    assert len(logged) == len(queued)
    assert {(status, text) for status, _, _, text in logged} == {("logged", LOGGED[lang])}
    assert all(href == f"/ledger/events/{event_id}/via/{HBL}" for _, href, event_id, _ in logged)
    page = client.get(f"/track/{HBL}{_lang(lang)}").text
    assert f'data-ledger-logged="{LOGGED[lang]}"' in page  # for the script that flips a queued mark
    assert '<a href="/ledger">' in page


@pytest.mark.parametrize("lang", LANGS)
def test_the_proof_page_offers_a_file_with_chosen_fields(
    client: TestClient, db: Database, port: Port, lang: str
) -> None:
    log_in(client, port.sme.admin_email)
    _sequence(client, db)
    _, href, event_id, _ = _marks(client, lang)[0]
    page = client.get(_lang(lang, href))
    assert page.status_code == 200, page.text
    start = page.text.index('<form method="get" action="')
    form = page.text[start : page.text.index("</form>", start)]
    assert f'action="/api/v1/ledger/events/{event_id}/bundle"' in form
    ticked = re.findall(r'name="field" value="(\w+)" checked', form)
    offered = re.findall(r'name="field" value="(\w+)"', form)
    assert tuple(ticked) == ledger.DEFAULT_FIELDS and tuple(offered) == ledger.FIELDS
    assert f'<input type="hidden" name="reference" value="{HBL}">' in form
    assert LOGGED[lang] in text_of(page.text)
    bundle = client.get(
        f"/api/v1/ledger/events/{event_id}/bundle", params=[("reference", HBL), ("field", "event_time")]
    )
    assert bundle.status_code == 200, bundle.text  # the person's session cookie is enough
    key = client.get("/api/v1/ledger/key").json()["vkey"]
    assert [claim[2] for claim in harbourlink_verify.verify_bundle(bundle.content, key).claims] == ["event_time"]


def test_events_shared_with_holders_of_the_number_are_proven_through_it(
    client: TestClient,
    db: Database,
    port: Port,
) -> None:
    """The carrier and the terminal share with whoever holds the number, not with the SME by name: the
    timeline's links name the number, and without it the proof is not found."""
    log_in(client, port.sme.admin_email)
    _sequence(client, db)
    events = client.get(f"/api/v1/track/{HBL}").json()["events"]
    carriers = [e for e in events if e["source"] == "Pearl Ocean Lines"]
    assert carriers and all(f"?reference={HBL}" in e["ledger"]["proof_url"] for e in carriers)
    proof = client.get(carriers[0]["ledger"]["proof_url"])
    assert proof.status_code == 200, proof.text
    assert client.get(f"/api/v1/ledger/events/{carriers[0]['id']}/proof").status_code == 404
    page = client.get(f"/ledger/events/{carriers[0]['id']}/via/{HBL.lower()}?lang=en")
    assert page.status_code == 200 and f'<a href="/track/{HBL}">Back to {HBL}</a>' in page.text
    assert f'href="/ledger/events/{carriers[0]["id"]}/via/{HBL}?lang=zh-CN"' in page.text  # the switcher keeps it
    assert client.get(f"/ledger/events/{carriers[0]['id']}").status_code == 404


def test_a_queued_event_page_says_to_wait(client: TestClient, port: Port) -> None:
    log_in(client, port.sme.admin_email)
    _, href, _, _ = _marks(client, "en")[0]
    text = text_of(client.get(_lang("en", href)).text)
    assert "Queued for the ledger" in text and "Download the proof file" not in text


def test_another_company_gets_no_proof_page(client: TestClient, db: Database, port: Port) -> None:
    log_in(client, port.sme.admin_email)
    _sequence(client, db)
    _, href, event_id, _ = _marks(client, "en")[0]
    stranger = TestClient(client.app, base_url="http://testserver")
    log_in(stranger, port.stranger.admin_email)
    hidden, missing = stranger.get(_lang("en", href)), stranger.get("/ledger/events/no-such-event?lang=en")
    assert hidden.status_code == missing.status_code == 404
    assert text_of(hidden.text) == text_of(missing.text)
    for params in ({}, {"reference": HBL}):
        assert stranger.get(f"/api/v1/ledger/events/{event_id}/bundle", params=params).status_code == 404
    assert TestClient(client.app).get(href, follow_redirects=False).headers["location"] == "/login"


@pytest.mark.parametrize("lang", LANGS)
def test_the_guide_shows_the_real_checkpoint_to_anyone(client: TestClient, db: Database, port: Port, lang: str) -> None:
    size = _sequence(client, db)
    page = client.get(f"/ledger{_lang(lang)}")
    assert page.status_code == 200, page.text
    text = text_of(page.text)
    title, key_title = GUIDE[lang]
    assert f'<html lang="{lang}">' in page.text and title in text and key_title in text
    assert re.search(rf'<dd id="checkpoint-size">{size}</dd>', page.text)
    note = client.get("/api/v1/ledger/checkpoint").text
    root = harbourlink_verify.parse_checkpoint(harbourlink_verify.split_note(note)[0])[2]
    assert f'<code id="checkpoint-root">{root.hex()}</code>' in page.text
    vkey = client.get("/api/v1/ledger/key").json()["vkey"]
    assert f'<code id="ledger-key">{vkey}</code>' in page.text
    command = text_of(re.search(r'<code id="verify-command">(.*?)</code>', page.text, re.DOTALL).group(1))  # type: ignore[union-attr]
    assert command == f"python3 harbourlink_verify.py proof.json \\ --key '{vkey}'"
    assert 'href="/ledger/harbourlink_verify.py"' in page.text and "OK" in text and "REJECTED" in text


def test_the_footer_links_to_the_guide_for_everyone(client: TestClient) -> None:
    assert '<a href="/ledger">' in client.get("/login").text


def test_the_checker_served_is_the_real_file_and_it_checks_a_bundle(
    client: TestClient,
    db: Database,
    port: Port,
    tmp_path: Path,
) -> None:
    response = client.get("/ledger/harbourlink_verify.py")
    assert response.status_code == 200
    assert response.content == Path(harbourlink_verify.__file__).read_bytes()
    assert 'filename="harbourlink_verify.py"' in response.headers["content-disposition"]
    assert hashlib.sha256(response.content).hexdigest() in client.get("/ledger").text
    log_in(client, port.sme.admin_email)
    _sequence(client, db)
    _, _, event_id, _ = _marks(client, "en")[0]
    checker, bundle = tmp_path / "harbourlink_verify.py", tmp_path / "proof.json"
    checker.write_bytes(response.content)
    bundle.write_bytes(client.get(f"/api/v1/ledger/events/{event_id}/bundle", params={"reference": HBL}).content)
    key = client.get("/api/v1/ledger/key").json()["vkey"]
    good = subprocess.run(
        [sys.executable, str(checker), str(bundle), "--key", key], capture_output=True, text=True, check=False
    )
    assert good.returncode == 0 and good.stdout.startswith("OK: checkpoint of "), good.stderr
    bundle.write_bytes(bundle.read_bytes().replace(b'"event_type"', b'"event_typo"', 1))
    bad = subprocess.run(
        [sys.executable, str(checker), str(bundle), "--key", key], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 1 and bad.stderr.startswith("REJECTED: ")
