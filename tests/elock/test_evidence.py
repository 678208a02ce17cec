"""A trip's evidence: its fixes in the ledger in batches, its custody changes and alarms as events, and a bundle of
each authority's segment that the standalone verifier accepts offline."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select, text

import harbourlink_verify
from harbourlink import elock, ledger
from harbourlink.api.ledger import for_app
from harbourlink.kernel import Database, utcnow, work
from harbourlink.ledger.models import LedgerPending
from tests.elock.support import approve, scheme, seed_fixes, seed_sentences, sentence


def test_each_authoritys_evidence_bundle_verifies_offline(client: TestClient, db: Database, tmp_path: Path) -> None:
    world = scheme(db)
    trip_id = approve(client, world)
    fixes = seed_fixes()
    road = fixes[60]
    lines = [*seed_sentences(fixes[:61]), sentence("Event-Door", 900, road.at, road.lat, road.lon, door="Open")]
    lines += seed_sentences(fixes)[61:]
    with db.transaction() as session:
        for line in lines:
            elock.receive_frame(session, peer="test", frame=elock.Frame(line.strip()))
    hk_evidence = f"/api/v1/elock/trips/{trip_id}/evidence"
    early = client.get(hk_evidence, headers=world.hk.auth)
    assert (early.status_code, early.json()["error"]) == (409, "ledger_not_yet_integrated")

    work.run_round(db, [elock.WATCH_QUEUE], worker="test", now=utcnow() + timedelta(minutes=2))
    with db.transaction() as session:
        queued = [json.loads(p.entry.split(b"\n", 1)[1]) for p in session.scalars(select(LedgerPending))]
        batches = [q for q in queued if q["kind"] == "batch"]
        assert len(batches) == 2  # the fixes came in within a minute: one entry per segment
        assert sum(len(b["items"]) for b in batches) == len(fixes)
        current = for_app(client.app)  # type: ignore[arg-type]
        ledger.do_sequence(session, current)
    key = client.get("/api/v1/ledger/key").json()["vkey"]

    for authority, codes in ((world.hk, {"RSEA", "RMVD", "TAMP"}), (world.mainland, {"RSEA", "RMVD"})):
        got = client.get(hk_evidence, headers=authority.auth)
        assert got.status_code == 200, got.text
        bundle = tmp_path / f"{authority.org_id}.json"
        bundle.write_bytes(got.content)
        checked = subprocess.run(
            [sys.executable, harbourlink_verify.__file__, str(bundle), "--key", key],
            capture_output=True,
            text=True,
            check=False,
        )
        assert checked.returncode == 0 and checked.stdout.startswith("OK"), checked.stdout + checked.stderr
        claims = harbourlink_verify.verify_bundle(got.content, key).claims
        reports = [json.loads(value) for _, _, field, value in claims if field == "report"]
        segment = "hk" if authority is world.hk else "mainland"
        assert reports and {r["segment"] for r in reports} == {segment}
        assert {r["elock_trip_id"] for r in reports} == {trip_id}
        assert {json.loads(value) for _, _, field, value in claims if field == "event_code"} == codes
    hk_fixes = client.get(f"/api/v1/elock/trips/{trip_id}/positions", headers=world.hk.auth).json()
    hk_claims = harbourlink_verify.verify_bundle(client.get(hk_evidence, headers=world.hk.auth).content, key).claims
    assert len(hk_fixes) == len([1 for _, _, field, _ in hk_claims if field == "report"])

    for outsider in (world.trucker, world.outsider):
        assert client.get(hk_evidence, headers=outsider.auth).status_code == 404

    with db.transaction() as session:
        problem, _ = ledger.verify_log(session, ledger.open_log(session, current))
        assert problem is None, str(problem)
        session.execute(
            text(
                "UPDATE elock_positions SET latitude = latitude + 0.01 WHERE seq = (SELECT MIN(seq) FROM elock_positions)"
            )
        )
    with db.transaction() as session:
        problem, _ = ledger.verify_log(session, ledger.open_log(session, current))
    assert problem is not None and "elock-position:" in problem.where
    assert "changed after it was logged (report)" in problem.message
