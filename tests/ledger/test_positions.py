"""AIS positions are logged as high-rate telemetry: one batch entry per message, one item per new position."""

from __future__ import annotations

import json

from sqlalchemy import select, text

from harbourlink import inbound, ledger, vessels
from harbourlink.kernel import Actor, Database
from harbourlink.ledger.entries import position_fields
from harbourlink.ledger.models import LedgerEntry, LedgerEvent, LedgerPending
from harbourlink_verify import ENTRY_HEADER
from tests.conftest import Company
from tests.ledger.conftest import SAMPLES, ingest_csv, sequence_all

FEED = (SAMPLES / "ais" / "hk_waters.nmea").read_bytes()


def _receive_feed(db: Database, org_id: str) -> inbound.Outcome:
    return inbound.receive(db, Actor(org_id=org_id), format_name="ais-nmea", raw=FEED, channel="test")


def _items(entry: bytes) -> list[dict[str, object]]:
    body = json.loads(entry[len(ENTRY_HEADER) :])
    assert body["kind"] == "batch"
    return list(body["items"])


def test_a_feed_becomes_one_entry_committing_to_each_new_position(db: Database, company_a: Company) -> None:
    outcome = _receive_feed(db, company_a.org_id)
    assert outcome.status == "accepted"
    with db.transaction() as session:
        positions = list(session.scalars(select(vessels.VesselPosition).order_by(vessels.VesselPosition.seq)))
        [queued] = session.scalars(select(LedgerPending)).all()
        items = _items(queued.entry)
        assert [i["event_id"] for i in items] == [f"position:{p.seq}" for p in positions]
        salts = {link.event_id: link.salt for link in session.scalars(select(LedgerEvent))}
        first = positions[0]
        assert salts[f"position:{first.seq}"] is not None
        report = json.loads(position_fields(first)["report"])
        assert (report["mmsi"], report["latitude"]) == (first.mmsi, first.latitude)
    again = _receive_feed(db, company_a.org_id)
    assert again.accepted == 0 and again.duplicates > 0
    with db.transaction() as session:
        assert len(session.scalars(select(LedgerPending)).all()) == 1, "re-heard positions are not logged twice"


def test_a_moved_position_is_named_by_the_audit(db: Database, company_a: Company, test_ledger: ledger.Ledger) -> None:
    ingest_csv(db, company_a.org_id)
    _receive_feed(db, company_a.org_id)
    size = sequence_all(db, test_ledger)
    with db.transaction() as session:
        problem, audit = ledger.verify_log(session, ledger.open_log(session, test_ledger))
        assert problem is None, str(problem)
        assert audit.entries == size
        last = session.scalars(select(LedgerEntry).order_by(LedgerEntry.idx.desc())).first()
        assert last is not None
        moved = str(_items(last.entry)[1]["event_id"])
        session.execute(
            text("UPDATE vessel_positions SET latitude = latitude + 0.01 WHERE seq = :s"),
            {"s": int(moved.removeprefix("position:"))},
        )
    with db.transaction() as session:
        problem, _ = ledger.verify_log(session, ledger.open_log(session, test_ledger))
    assert problem is not None
    assert problem.where == f"position {moved} (entry {last.idx})"
    assert "changed after it was logged (report)" in problem.message
