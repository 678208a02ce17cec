"""What the operator sees of inbound: the backlog, the messages not read yet, failures by company, traffic."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from harbourlink import inbound
from harbourlink.inbound.service import process_archived
from harbourlink.kernel import Actor, Database, utcnow
from tests.conftest import Company

SAMPLES = Path(__file__).parent.parent / "samples"
GOOD = (SAMPLES / "csv" / "hkg_import.csv").read_bytes()
BAD = b"not,the,template\n1,2,3\n"


def _send(db: Database, company: Company, raw: bytes, *, background: bool = False) -> inbound.Outcome:
    return inbound.receive(
        db, Actor(org_id=company.org_id), format_name="csv", raw=raw, channel="test", background=background
    )


def test_the_backlog_counts_messages_not_read_yet_and_lists_the_oldest_first(
    db: Database, company_a: Company, company_b: Company
) -> None:
    db.bell = lambda _db, _queues: None  # no worker: what is queued stays queued
    first = _send(db, company_a, GOOD, background=True)
    second = _send(db, company_b, GOOD, background=True)
    with db.transaction() as session:
        backlog, moving = inbound.backlog(session), inbound.in_progress(session)
    assert backlog.by_status == {"received": 0, "queued": 2, "processing": 0} and backlog.total == 2
    assert [(m.id, m.sender_org_id, m.status, m.items_done, m.items_total) for m in moving] == [
        (first.id, company_a.org_id, "queued", 0, None),
        (second.id, company_b.org_id, "queued", 0, None),
    ]
    assert backlog.oldest_received_at == moving[0].received_at
    assert process_archived(db, first.id).status == "accepted"
    with db.transaction() as session:
        assert inbound.backlog(session).by_status["queued"] == 1
        assert [m.id for m in inbound.in_progress(session)] == [second.id]


def test_failures_count_per_company_until_replayed_and_traffic_counts_per_hour(
    db: Database, company_a: Company, company_b: Company
) -> None:
    start = utcnow()
    _send(db, company_a, GOOD)
    refused = [_send(db, company_a, BAD) for _ in range(3)]
    _send(db, company_b, BAD)
    assert {outcome.status for outcome in refused} == {"rejected"}
    inbound.replay(db, Actor(org_id=company_a.org_id), message_id=refused[0].id, corrected=GOOD)
    old = _send(db, company_b, BAD)
    with db.transaction() as session:
        inbound.get_message(session, Actor(org_id=company_b.org_id), message_id=old.id).received_at = (
            utcnow() - timedelta(hours=30)
        )  # outside the windows
        failures = inbound.failures_by_company(session, since=start)
        traffic = inbound.traffic(session, now=utcnow())
        later = inbound.failures_by_company(session, since=utcnow() + timedelta(seconds=1))
    assert [(f.org_id, f.failed) for f in failures] == [(company_a.org_id, 2), (company_b.org_id, 1)]
    assert all(start <= f.newest_at for f in failures)
    assert later == []
    assert len(traffic.starts) == len(traffic.received) == len(traffic.failed) == 24
    assert traffic.starts[-1] <= utcnow() < traffic.starts[-1] + timedelta(hours=1)
    assert (sum(traffic.received), sum(traffic.failed)) == (6, 4)  # the replay counts; the 30-hour-old does not
    assert traffic.received[-1] + traffic.received[-2] == 6  # all in this hour, or the last (at a change of hour)
