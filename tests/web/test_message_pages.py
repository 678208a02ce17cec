"""Messages by hand: upload, the outcome with errors in place, download, correct and replay; only
the company's own messages; the size limit answered in the page's language."""

from __future__ import annotations

import re

import httpx2
import pytest
from fastapi.testclient import TestClient

from harbourlink.app import create_app
from harbourlink.settings import Settings
from tests.conftest import Company
from tests.web.conftest import csrf_of, log_in, text_of

HEADER = b"event_id,event_type,event_code,classifier,event_time,container,mbl,location\n"
GOOD = HEADER + b"E1,TRANSPORT,ARRI,EST,2026-11-23T06:30:00+08:00,,PONU0123456,HKHKG\n"
BROKEN = GOOD + b"E2,TRANSPORT,DEPA,EST,not-a-time,,PONU0123456,HKHKG\n"
CORRECTED = GOOD + b"E2,TRANSPORT,DEPA,EST,2026-11-24T18:00:00+08:00,,PONU0123456,HKHKG\n"


def _upload(
    client: TestClient,
    content: bytes,
    *,
    fmt: str = "csv",
    name: str = "events.csv",
    page: str = "/messages",
    action: str = "/messages",
    follow: bool = True,
) -> httpx2.Response:
    token = csrf_of(client.get(page).text)
    return client.post(
        action,
        data={"csrf_token": token, "format": fmt},
        files={"file": (name, content, "text/csv")},
        follow_redirects=follow,
    )


def _message_id(response: httpx2.Response) -> str:
    match = re.fullmatch(r"/messages/([\w-]+)", response.url.path)
    assert match, response.url
    return match.group(1)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh-HK", ("訊息", "上載檔案", "已接受", "已接受 1 項")),
        ("en", ("Messages", "Upload a file", "Accepted", "1 accepted")),
        ("zh-CN", ("报文", "上传文件", "已接受", "已接受 1 项")),
    ],
)
def test_an_upload_is_read_and_listed(
    client: TestClient, company_a: Company, lang: str, words: tuple[str, str, str, str]
) -> None:
    log_in(client, company_a.admin_email)
    heading, form, accepted, listed = words
    page = client.get("/messages" + ("" if lang == "zh-HK" else f"?lang={lang}"))
    assert page.status_code == 200 and f'<html lang="{lang}">' in page.text
    assert heading in text_of(page.text) and form in text_of(page.text)
    assert all(f'value="{fmt}"' in page.text for fmt in ("csv", "edifact", "terminal-json", "ais-nmea"))
    done = _upload(client, GOOD)
    assert done.status_code == 200
    assert accepted in text_of(done.text)
    assert 'id="message-accepted">1<' in done.text
    listing = text_of(client.get("/messages").text)
    assert "events.csv" in listing and listed in listing


def test_errors_are_shown_in_place_then_corrected_and_replayed(client: TestClient, company_a: Company) -> None:
    log_in(client, company_a.admin_email)
    client.get("/messages?lang=en")
    broken = _upload(client, BROKEN)
    message_id = _message_id(broken)
    text = text_of(broken.text)
    assert "Partly accepted" in text and "row 3, column event_time" in text and "'not-a-time'" in text
    raw = client.get(f"/messages/{message_id}/raw")
    assert raw.content == BROKEN and raw.headers["content-disposition"].startswith('attachment; filename="events.csv"')
    assert raw.headers["cache-control"] == "no-store"
    assert message_id in client.get("/messages?failed=1").text

    replayed = _upload(client, CORRECTED, page=f"/messages/{message_id}", action=f"/messages/{message_id}/replay")
    new_id = _message_id(replayed)
    assert new_id != message_id
    text = text_of(replayed.text)
    assert "Accepted" in text and "Replay of" in text
    assert 'id="message-accepted">1<' in replayed.text and 'id="message-duplicates">1<' in replayed.text
    original = client.get(f"/messages/{message_id}")
    assert "Replaced by" in text_of(original.text) and "Correct and send again" not in text_of(original.text)
    assert message_id not in client.get("/messages?failed=1").text


def test_a_replay_without_a_file_reads_the_same_file_again(client: TestClient, company_a: Company) -> None:
    log_in(client, company_a.admin_email)
    message_id = _message_id(_upload(client, BROKEN))
    token = csrf_of(client.get(f"/messages/{message_id}").text)
    again = client.post(
        f"/messages/{message_id}/replay",
        data={"csrf_token": token},
        files={"file": ("", b"", "application/octet-stream")},
    )
    assert again.status_code == 200 and _message_id(again) != message_id
    assert 'id="message-duplicates">1<' in again.text and 'id="message-errors">1<' in again.text


def test_another_company_sees_none_of_it(client: TestClient, company_a: Company, company_b: Company) -> None:
    log_in(client, company_a.admin_email)
    message_id = _message_id(_upload(client, BROKEN))
    client.cookies.clear()
    log_in(client, company_b.admin_email)
    for url in (f"/messages/{message_id}", f"/messages/{message_id}/raw", "/messages/no-such-message"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "不存在" in text_of(response.text)
    token = csrf_of(client.get("/messages").text)
    replay = client.post(
        f"/messages/{message_id}/replay", data={"csrf_token": token}, files={"file": ("fix.csv", CORRECTED, "text/csv")}
    )
    assert replay.status_code == 404
    assert message_id not in client.get("/messages").text
    assert "events.csv" not in client.get("/messages").text


def test_uploads_are_checked(client: TestClient, company_a: Company) -> None:
    log_in(client, company_a.admin_email)
    client.get("/messages?lang=en")
    empty = _upload(client, b"")
    assert empty.status_code == 400 and "The file is empty." in text_of(empty.text)
    unknown = _upload(client, GOOD, fmt="pdf")
    assert unknown.status_code == 400 and "Choose a format from the list." in text_of(unknown.text)
    no_file = client.post("/messages", data={"csrf_token": csrf_of(client.get("/messages").text), "format": "csv"})
    assert no_file.status_code == 400 and "Choose a file to upload." in text_of(no_file.text)
    forged = client.post("/messages", data={"format": "csv"}, files={"file": ("a.csv", GOOD, "text/csv")})
    assert forged.status_code == 403
    assert "events.csv" not in client.get("/messages").text and "a.csv" not in client.get("/messages").text


def test_a_file_over_the_limit_is_refused_in_the_page_language(settings: Settings, company_a: Company) -> None:
    small = settings.model_copy(update={"max_request_bytes": 100_000})
    with TestClient(create_app(small), base_url="http://testserver") as client:
        log_in(client, company_a.admin_email)
        page = client.get("/messages?lang=zh-CN")
        assert 'data-max-bytes="83616"' in page.text and "最大 0.1 MB" in text_of(page.text)
        refused = _upload(client, GOOD + b"#" * 90_000)
        assert refused.status_code == 413
        assert "文件大于 0.1 MB" in text_of(refused.text)
        assert "events.csv" not in client.get("/messages").text  # refused before anything was archived
