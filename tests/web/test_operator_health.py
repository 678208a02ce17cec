"""The operator's health page: the figures, a dead letter replayed from the page, and nobody else may look."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from harbourlink.kernel import Database, work
from harbourlink.kernel.workqueue import WorkItem
from tests.conftest import Company
from tests.operations.support import QUEUE, enqueue, refusing_queue
from tests.web.conftest import log_in, submit, text_of


def test_the_operator_sees_a_dead_letter_and_replays_it(
    client: TestClient, db: Database, operator: Company, company_a: Company
) -> None:
    with refusing_queue(max_attempts=1) as refusing:
        enqueue(db, "order-7", owner_org_id=company_a.org_id)
        work.drain(db, [QUEUE])
        log_in(client, operator.admin_email)
        page = client.get("/operator/health?lang=en")
        assert page.status_code == 200
        text = text_of(page.text)
        for words in (
            "Platform health",
            "Inbound messages",
            "Dead letters",
            "Queues",
            "Workers",
            "Ledger",
            "Alpha Forwarding",
            "RuntimeError: the receiving system answered 500",
            "No worker has written a heartbeat in the last day.",
            "No witness is configured: checkpoints carry the platform's signature alone.",
        ):
            assert words in text, words
        action = re.search(r'action="(/operator/health/dead-letters/(work-\d+)/replay)"', page.text)
        assert action, "no replay button"
        refusing.refusing = False
        replayed = submit(client, "/operator/health", action.group(1), {})
        assert replayed.status_code == 200
        assert "Put back in its queue: a worker takes it shortly." in text_of(replayed.text)
        assert "work-" not in text_of(replayed.text)  # no dead letter left
        assert refusing.handled == [{"owner_org_id": company_a.org_id}]
        again = submit(client, "/operator/health?lang=en", action.group(1), {})
    assert again.status_code == 409
    assert "This item is no longer a dead letter: someone replayed it already." in text_of(again.text)
    with db.transaction() as session:
        assert session.scalars(select(WorkItem.status).where(WorkItem.key == "order-7")).one() == "done"


def test_only_the_operator_opens_the_health_page(client: TestClient, db: Database, company_a: Company) -> None:
    with refusing_queue(max_attempts=1):
        enqueue(db, "order-8", owner_org_id=company_a.org_id)
        work.drain(db, [QUEUE])
        log_in(client, company_a.admin_email)
        assert client.get("/operator/health?lang=en").status_code == 403
        with db.transaction() as session:
            item_id = session.scalars(select(WorkItem.id).where(WorkItem.key == "order-8")).one()
        refused = submit(client, "/", f"/operator/health/dead-letters/work-{item_id}/replay", {})
    assert refused.status_code == 403
    with db.transaction() as session:
        assert session.get(WorkItem, item_id).status == "dead"  # type: ignore[union-attr]
