"""Erasure keeps the tree and hides the data; backfill logs what was stored before the ledger; both from the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select, text

from harbourlink import identity, inbound, ledger
from harbourlink.kernel import Actor, Database, Forbidden
from harbourlink.ledger.models import LedgerEntry, LedgerEvent, LedgerPending
from harbourlink.settings import Settings
from harbourlink_verify import ENTRY_HEADER
from tests.conftest import Company
from tests.ledger.conftest import SAMPLES, ingest_csv, sequence_all

REASON = "Consignee's request under the PDPO, ticket 4711"


def _logged_event(db: Database, idx: int) -> str:
    with db.transaction() as session:
        entry = session.scalars(select(LedgerEntry).where(LedgerEntry.idx == idx)).one()
        return str(json.loads(entry.entry[len(ENTRY_HEADER) :])["items"][0]["event_id"])


def _verify(db: Database, current: ledger.Ledger) -> tuple[ledger.Problem | None, int]:
    with db.transaction() as session:
        problem, audit = ledger.verify_log(session, ledger.open_log(session, current))
        return problem, audit.events


@pytest.fixture
def logged(db: Database, company_a: Company, test_ledger: ledger.Ledger) -> ledger.Ledger:
    ingest_csv(db, company_a.org_id)
    assert sequence_all(db, test_ledger) == 5
    return test_ledger


def test_the_owner_erases_an_event_and_the_log_still_verifies(
    client: TestClient, db: Database, company_a: Company, logged: ledger.Ledger
) -> None:
    erased = _logged_event(db, 2)
    answer = client.post(f"/api/v1/ledger/events/{erased}/erasure", json={"reason": REASON}, headers=company_a.auth)
    assert answer.status_code == 204, answer.text
    problem, checked = _verify(db, logged)
    assert problem is None and checked == 4  # the erased event's commitments can no longer be recomputed
    with db.transaction() as session:
        link = session.get(LedgerEvent, erased)
        assert link is not None and link.salt is None
        assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 5  # the leaf stays
        audit = identity.list_audit_events(session, org_id=company_a.org_id)
        assert any(a.kind == "ledger_erased" and a.detail["event_id"] == erased for a in audit)
    proof = client.get(f"/api/v1/ledger/events/{erased}/proof", headers=company_a.auth)
    assert proof.status_code == 404


def test_only_the_owners_administrators_may_erase(
    client: TestClient, db: Database, company_a: Company, company_b: Company, logged: ledger.Ledger
) -> None:
    target = _logged_event(db, 1)
    other = client.post(f"/api/v1/ledger/events/{target}/erasure", json={"reason": REASON}, headers=company_b.auth)
    unknown = client.post(
        "/api/v1/ledger/events/no-such-event/erasure", json={"reason": REASON}, headers=company_b.auth
    )
    assert other.status_code == unknown.status_code == 404
    assert other.json() == {**unknown.json(), "data": {"event_id": target}}  # the owner is not named
    assert company_a.org_id not in other.text
    clerk = Actor(org_id=company_a.org_id, user_id=company_a.admin_id, roles=frozenset({"user"}))
    with pytest.raises(Forbidden), db.transaction() as session:
        ledger.do_erase(session, clerk, event_id=target, reason=REASON)
    short = client.post(f"/api/v1/ledger/events/{target}/erasure", json={"reason": "asked"}, headers=company_a.auth)
    assert short.status_code == 422 and "reason" in short.text
    problem, checked = _verify(db, logged)
    assert problem is None and checked == 5, "nothing was erased"


def _forget_the_ledger(db: Database) -> None:
    """The state of a deployment whose data predates the ledger: events and positions, no entries."""
    with db.transaction() as session:
        session.execute(delete(LedgerEvent))
        session.execute(delete(LedgerPending))


def test_backfill_logs_what_was_stored_before_the_ledger(
    db: Database, company_a: Company, test_ledger: ledger.Ledger
) -> None:
    ingest_csv(db, company_a.org_id)
    feed = (SAMPLES / "ais" / "hk_waters.nmea").read_bytes()
    assert (
        inbound.receive(db, Actor(org_id=company_a.org_id), format_name="ais-nmea", raw=feed, channel="test").status
        == "accepted"
    )
    _forget_the_ledger(db)
    with db.transaction() as session:
        events_queued, positions_queued = ledger.backfill(session, limit=3)
        assert (events_queued, positions_queued) == (3, 3)
    with db.transaction() as session:
        while ledger.backfill(session, limit=3) != (0, 0):
            pass
        positions = session.scalar(text("SELECT count(*) FROM vessel_positions"))
    sequence_all(db, test_ledger)
    problem, checked = _verify(db, test_ledger)
    assert problem is None
    assert checked == 5 + positions
    with db.transaction() as session:
        assert ledger.backfill(session) == (0, 0), "nothing is logged twice"


def _run(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harbourlink", *args], env=env, capture_output=True, text=True, check=check, timeout=120
    )


def test_the_operator_commands(
    database_url: str, settings: Settings, db: Database, company_a: Company, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "HARBOURLINK_DATABASE_URL": database_url,
        "HARBOURLINK_DATA_DIR": str(tmp_path),
        "HARBOURLINK_SECRET_KEY": settings.secret_key,
        "COLUMNS": "200",
    }
    ingest_csv(db, company_a.org_id)
    _forget_the_ledger(db)
    assert "queued 5 events and 0 positions" in _run(env, "ledger", "backfill").stdout
    assert "tree size 5" in _run(env, "ledger", "sequence").stdout
    assert "consistent: 5 entries, 5 events" in _run(env, "ledger", "verify").stdout
    with db.transaction() as session:
        entry = session.scalars(select(LedgerEntry).where(LedgerEntry.idx == 3)).one()
        event_id = json.loads(entry.entry[len(ENTRY_HEADER) :])["items"][0]["event_id"]
        session.execute(text("UPDATE events SET event_code = 'HOLD' WHERE id = :e"), {"e": event_id})
    tampered = _run(env, "ledger", "verify", check=False)
    assert tampered.returncode == 1 and f"event {event_id} (entry 3)" in tampered.stdout + tampered.stderr
    refused = _run(env, "ledger", "erase", event_id, "--reason", "x", check=False)
    assert refused.returncode != 0 and "reason" in refused.stdout + refused.stderr
    _run(env, "ledger", "erase", event_id, "--reason", REASON)
    assert "consistent: 5 entries, 4 events" in _run(env, "ledger", "verify").stdout
