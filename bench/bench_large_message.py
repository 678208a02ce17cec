"""One very large message end to end on PostgreSQL: N DCSA 2.2 events for a company subscribed to all its cargo.

Reads, stores and runs every consumer of the stored events (DCSA outbox, alerts with one
company-wide subscription, ledger entries) in this process; prints the time and the state of
every work item. A message of 100,000 events must go through without a bind-parameter limit, an
unbounded IN list or PostgreSQL's stack depth getting in the way.

    python -m bench.bench_large_message [EVENTS]
"""

from __future__ import annotations

import sys
import time

from sqlalchemy import func, select

from bench.generators import GENERATORS
from bench.pg import scratch_database
from harbourlink import alerts, events, identity, inbound
from harbourlink.kernel import Actor, create_database
from harbourlink.kernel.workqueue import WorkItem


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with scratch_database("hl_bench_large_message") as url:
        db = create_database(url)
        with db.transaction() as session:
            org = identity.create_organisation(
                session,
                identity.SYSTEM_ACTOR,
                name="Carrier",
                types=["shipping_line"],
                status=identity.OrgStatus.ACTIVE,
            )
            user, _ = identity.create_user(
                session,
                identity.SYSTEM_ACTOR,
                org_id=org.id,
                email="ops@carrier.example.hk",
                display_name="Ops",
                role=identity.Role.ADMINISTRATOR,
                password="Harbour-Link-2026",
            )
            alerts.do_subscribe(
                session,
                Actor(org_id=org.id, user_id=user.id),
                reference_type=None,
                reference=None,
                alert_types=sorted(alerts.all_types()),
                channels=["inbox"],
                thresholds={},
                for_company=True,
            )
        raw = GENERATORS["dcsa-tnt-2.2"](count, 7)
        started = time.perf_counter()
        outcome = inbound.receive(db, Actor(org_id=org.id), format_name="dcsa-tnt-2.2", raw=raw, channel="bench")
        elapsed = time.perf_counter() - started
        with db.transaction() as session:
            stored = session.scalar(select(func.count()).select_from(events.Event))
            items = sorted(session.execute(select(WorkItem.queue, WorkItem.status)).tuples())
        db.engine.dispose()
    print(
        f"{count} DCSA 2.2 events ({len(raw) / 1e6:.1f} MB), one company-wide subscription: {outcome.status}, "
        f"{outcome.accepted} accepted, {len(outcome.errors)} errors, {stored} stored; {elapsed:.0f} s end to end "
        f"({count / elapsed:.0f} ev/s); work items {items}"
    )


if __name__ == "__main__":
    main()
