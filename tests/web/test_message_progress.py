"""A large message's progress: announced once per chunk (never per item), readable by its sender alone
(another company's call answers 404 like a message that does not exist); the list of messages and a
message's errors come a page at a time."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from harbourlink import inbound
from harbourlink.inbound import live_subject
from harbourlink.kernel import Actor, Database, live, utcnow
from tests.conftest import Company
from tests.web.conftest import log_in, text_of

HEADER = "event_id,event_type,event_code,classifier,event_time,container,mbl,location\n"


def _csv(rows: int) -> bytes:
    return (
        HEADER
        + "".join(
            f"P{n},EQUIPMENT,GTIN,ACT,2026-11-23T06:{n % 60:02d}:00+08:00,MSCU1234566,PONU0123456,HKHKG\n"
            for n in range(rows)
        )
    ).encode()


def test_progress_is_announced_once_per_chunk_the_last_with_the_outcome(db: Database, company_a: Company) -> None:
    heard: list[set[str]] = []
    live.hub.link(heard.append)
    try:
        outcome = inbound.receive(
            db, Actor(org_id=company_a.org_id), format_name="csv", raw=_csv(12_000), channel="api"
        )
    finally:
        live.hub.link(None)
    assert outcome.status == "accepted"
    about = [subjects for subjects in heard if live_subject(outcome.id) in subjects]
    assert len(about) == 3  # three chunks of at most 5,000 items, the last with the outcome: not one per item


def test_only_the_sender_reads_a_messages_progress(client: TestClient, company_a: Company, company_b: Company) -> None:
    sent = client.post("/api/v1/messages", params={"format": "csv"}, content=_csv(3), headers=company_a.auth)
    assert sent.status_code == 201
    message_id = sent.json()["id"]
    progress = client.get(f"/api/v1/messages/{message_id}/progress", headers=company_a.auth)
    assert progress.json() == {
        "id": message_id,
        "status": "accepted",
        "items_done": 3,
        "items_total": 3,
        "accepted": 3,
        "duplicates": 0,
        "errors": 0,
    }
    stream = client.get(f"/api/v1/messages/{message_id}/stream", headers=company_a.auth)
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert "event: progress" in stream.text and '"status": "accepted"' in stream.text  # then it ends
    for path in ("progress", "stream"):
        assert client.get(f"/api/v1/messages/{message_id}/{path}", headers=company_b.auth).status_code == 404
    log_in(client, company_b.admin_email)
    assert client.get(f"/messages/{message_id}").status_code == 404


def test_a_message_being_read_shows_its_progress_bar(client: TestClient, db: Database, company_a: Company) -> None:
    message_id = _many(db, company_a, 1)[-1]
    with db.transaction() as session:
        reading = session.get(inbound.InboundMessage, message_id)
        assert reading is not None
        reading.status, reading.items_total, reading.items_done = "processing", 50_000, 15_000
    log_in(client, company_a.admin_email)
    page = client.get(f"/messages/{message_id}?lang=en").text
    assert f'data-stream="/api/v1/messages/{message_id}/stream"' in page
    assert f'data-poll="/api/v1/messages/{message_id}/progress"' in page
    assert '<progress class="reading-bar" id="message-progress" max="50000" value="15000">' in page
    assert "15000 of 50000 items read" in text_of(page) and "You can go on to other pages" in text_of(page)
    listed = client.get("/messages?lang=en").text
    assert '<progress class="reading-bar" max="50000" value="15000">' in listed


def _many(db: Database, company: Company, count: int, *, errors: int = 0) -> list[str]:
    """``count`` messages a second apart, newest last; the newest with ``errors`` located errors."""
    now = utcnow()
    with db.transaction() as session:
        made = [
            inbound.InboundMessage(
                sender_org_id=company.org_id,
                format="csv",
                channel="api",
                size=1,
                sha256="0",
                raw=b"x",
                status="accepted",
                received_at=now - timedelta(seconds=count - n),
                filename=f"file-{n:03d}.csv",
                errors=[],
            )
            for n in range(count)
        ]
        made[-1].status = "rejected"
        made[-1].errors = [{"location": f"row {n + 2}", "message": "not a time"} for n in range(errors)]
        session.add_all(made)
        session.flush()
        return [message.id for message in made]


def test_the_messages_list_comes_fifty_at_a_time(client: TestClient, db: Database, company_a: Company) -> None:
    _many(db, company_a, 51)
    log_in(client, company_a.admin_email)
    first = client.get("/messages?lang=en").text
    assert first.count('<li class="card">') == 50
    assert "file-050.csv" in first and "file-000.csv" not in first
    assert 'href="/messages?page=2" rel="next">Older messages' in first and "Newer messages" not in first
    second = client.get("/messages?page=2&lang=en").text
    assert second.count('<li class="card">') == 1 and "file-000.csv" in second
    assert 'href="/messages?page=1" rel="prev">Newer messages' in second and "Older messages" not in second


def test_a_messages_errors_come_a_page_at_a_time(client: TestClient, db: Database, company_a: Company) -> None:
    message_id = _many(db, company_a, 1, errors=450)[-1]
    log_in(client, company_a.admin_email)
    first = client.get(f"/messages/{message_id}?lang=en").text
    assert text_of(first).count("not a time") == 200 and "Errors 1 to 200 of 450." in text_of(first)
    assert f'href="/messages/{message_id}?errors=2#errors" rel="next">Later errors' in first
    last = client.get(f"/messages/{message_id}?errors=3&lang=en").text
    assert text_of(last).count("not a time") == 50 and "Errors 401 to 450 of 450." in text_of(last)
    assert "row 402" in last and "Later errors" not in last and "Earlier errors" in last
