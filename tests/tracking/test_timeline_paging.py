"""A long timeline is read a window at a time: the newest events first, earlier ones a page at a time.

Pages follow store order, so events at the same moment are neither repeated nor skipped;
another company's events stay out of every page unless shared, and a number nothing is shared
about is not found at all.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from harbourlink import access, events, tracking
from harbourlink.events import Classifier, EventDraft, EventType, Reference
from harbourlink.kernel import Actor, Database, NotFound
from harbourlink.references import ReferenceType
from tests.conftest import Company
from tests.web.conftest import log_in

MBL = "PONU0061000"
START = datetime(2026, 3, 1, tzinfo=UTC)
COUNT = 250


def _store(db: Database, owner: Company, count: int = COUNT) -> None:
    """``count`` gate moves of the B/L, three at each moment (equal times test the tie-break)."""
    with db.transaction() as session:
        drafts = [
            EventDraft(
                source_key=f"move-{n}",
                event_type=EventType.EQUIPMENT,
                event_code="GTIN",
                classifier=Classifier.ACT,
                event_time=START + timedelta(minutes=n // 3),
                references=[Reference(ReferenceType.MBL.value, MBL)],
                location="HKHKG",
            )
            for n in range(count)
        ]
        events.append_events(session, owner_org_id=owner.org_id, message_id=None, drafts=drafts)


def _share(db: Database, owner: Company, grantee: Company) -> None:
    with db.transaction() as session:
        access.do_grant(
            session,
            Actor(org_id=owner.org_id),
            reference_type=ReferenceType.MBL,
            reference=MBL,
            grantee_org_id=grantee.org_id,
            anyone_with_reference=False,
            rule=None,
            expires_at=None,
        )


def _every_page(db: Database, viewer: Company, *, window: int, limit: int) -> list[list[str]]:
    """The window's events newest first, then each earlier page, as lists of source keys."""
    with db.transaction() as session:
        found = tracking.find(session, Actor(org_id=viewer.org_id), query=MBL, window=window)
        newest = sorted(found.events, key=lambda e: (e.event_time, e.seq), reverse=True)
        pages = [[e.source_key for e in newest]]
        before = min(e.seq for e in newest)
        while True:
            page = tracking.earlier(session, found, before=before, limit=limit)
            pages.append([e.source_key for e in page.events])
            if page.next_before is None:
                return pages
            before = page.next_before


def test_the_window_holds_the_newest_events_and_earlier_pages_the_rest_once_each(
    db: Database, company_a: Company, company_b: Company
) -> None:
    _store(db, company_a)
    _share(db, company_a, company_b)
    pages = _every_page(db, company_b, window=40, limit=30)
    assert pages[0] == [f"move-{n}" for n in range(COUNT - 1, COUNT - 41, -1)]  # the newest, newest first
    assert [len(page) for page in pages[1:]] == [30] * 7
    seen = [key for page in pages for key in page]
    assert len(seen) == len(set(seen)) == COUNT  # no event twice, none missing, across moments shared by three
    order = [int(key.removeprefix("move-")) for key in seen]
    assert order == sorted(order, reverse=True)


def test_the_api_answers_the_newest_events_when_asked_for_fewer(
    client: TestClient, db: Database, company_a: Company
) -> None:
    _store(db, company_a)
    whole = client.get(f"/api/v1/track/{MBL}", headers=company_a.auth).json()
    window = client.get(f"/api/v1/track/{MBL}", params={"events": 10}, headers=company_a.auth).json()
    assert len(whole["events"]) == COUNT
    assert whole.keys() == window.keys()
    assert [e["event_time"] for e in window["events"]] == [e["event_time"] for e in whole["events"]][-10:]
    assert client.get(f"/api/v1/track/{MBL}", params={"events": 0}, headers=company_a.auth).status_code == 422


def test_pages_hold_only_what_is_shared_and_nothing_for_a_stranger(
    db: Database, company_a: Company, company_b: Company
) -> None:
    _store(db, company_a, count=30)
    with db.transaction() as session:
        other = [
            EventDraft(
                source_key=f"bravo-{n}",
                event_type=EventType.EQUIPMENT,
                event_code="GTOT",
                classifier=Classifier.ACT,
                event_time=START + timedelta(seconds=n),
                references=[Reference(ReferenceType.MBL.value, MBL)],
            )
            for n in range(30)
        ]
        events.append_events(session, owner_org_id=company_b.org_id, message_id=None, drafts=other)
    pages = _every_page(db, company_b, window=5, limit=7)
    assert {key for page in pages for key in page} == {f"bravo-{n}" for n in range(30)}  # its own only
    with db.transaction() as session, pytest.raises(NotFound):
        tracking.find(session, Actor(org_id="someone-else"), query="PONU9999999")


def _listed(page: str) -> int:
    return page.partition('<ol class="timeline">')[2].partition("</ol>")[0].count("<li>")


def test_the_page_lists_the_newest_and_links_to_earlier_pages(
    client: TestClient, db: Database, company_a: Company
) -> None:
    _store(db, company_a)
    log_in(client, company_a.admin_email)
    first = client.get(f"/track/{MBL}?lang=en")
    assert first.status_code == 200
    assert _listed(first.text) == 100
    assert "Latest events" in first.text
    link = first.text.partition('id="earlier-events" href="')[2].partition('"')[0]
    assert link.startswith(f"/track/{MBL}?before=")
    earlier = 0
    while link:
        page = client.get(link)
        assert page.status_code == 200
        earlier += _listed(page.text)
        link = page.text.partition('id="earlier-events" href="')[2].partition('"')[0]
    assert earlier == COUNT - 100
    assert client.get(f"/track/{MBL}?before=not-a-place").status_code in {400, 404, 422}
