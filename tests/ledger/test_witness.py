"""A witness in its own process (``harbourlink witness serve``) cosigns consistent checkpoints only."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from harbourlink import ledger
from harbourlink.kernel import Actor, Database
from harbourlink.ledger.notes import NoteSigner, checkpoint_text
from harbourlink_verify import SIG_COSIGNATURE, verify_bundle
from tests.conftest import Company
from tests.ledger.conftest import ORIGIN, SEED, ingest_csv, mth, naive_subproof, sequence_all

WITNESS_SEED = bytes(range(100, 132))


@pytest.fixture
def witness_url(tmp_path: Path) -> Iterator[str]:
    """``harbourlink witness serve`` on a free port, following the test ledger's key."""
    key_file = tmp_path / "witness.key"
    key_file.write_text(base64.b64encode(WITNESS_SEED).decode())
    log_vkey = str(NoteSigner.from_seed(ORIGIN, SEED).vkey)
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from harbourlink.cli import main; main()",
            "witness",
            "serve",
            "--name",
            "witness.test.example",
            "--key-file",
            str(key_file),
            "--log",
            log_vkey,
            "--state",
            str(tmp_path / "witness.db"),
            "--port",
            "0",
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    assert match, line
    yield f"http://127.0.0.1:{match.group(1)}"
    process.terminate()
    process.wait(timeout=10)


def _witnessed(url: str) -> ledger.Ledger:
    vkey = NoteSigner.from_seed("witness.test.example", WITNESS_SEED, sig_type=SIG_COSIGNATURE).vkey
    return ledger.Ledger.configure(origin=ORIGIN, seed=SEED, witnesses=[f"{vkey} {url}"])


def test_witness_cosigns_consistent_checkpoints_and_refuses_a_fork(
    db: Database, company_a: Company, witness_url: str
) -> None:
    current = _witnessed(witness_url)
    ingest_csv(db, company_a.org_id)
    assert sequence_all(db, current) == 5
    with httpx.Client(timeout=10) as client:
        assert ledger.submit_all(db, current, client) == 1
        ingest_csv(
            db,
            company_a.org_id,
            b"event_id,event_type,event_code,classifier,event_time,container\n"
            b"W-1,EQUIPMENT,GTOT,ACT,2026-11-24T01:00:00Z,MSCU1234566\n",
        )
        assert sequence_all(db, current) == 6
        assert ledger.submit_all(db, current, client) == 1  # extends 5 → 6 with a consistency proof
        with db.transaction() as session:
            note = ledger.get_checkpoint(session, current)
            bundle = ledger.get_shipment_bundle(session, ledger_actor(company_a), current, reference="MSCU1234566")
        assert "\u2014 witness.test.example " in note
        assert verify_bundle(bundle, current.vkey, [str(current.witnesses[0].vkey)]).size == 6
        _refusals(client, witness_url, current.signer)


def ledger_actor(company: Company) -> Actor:
    return Actor(org_id=company.org_id)


def _post(client: httpx.Client, url: str, old: int, proof: list[bytes], note: str) -> httpx.Response:
    lines = "".join(base64.b64encode(h).decode() + "\n" for h in proof)
    return client.post(f"{url}/add-checkpoint", content=f"old {old}\n{lines}\n{note}".encode())


def _refusals(client: httpx.Client, url: str, signer: NoteSigner) -> None:
    fork = [f"forged {i}".encode() for i in range(9)]  # another history, signed with the log's own key
    forged = signer.sign_note(checkpoint_text(ORIGIN, 9, mth(fork)))
    inconsistent = _post(client, url, 6, naive_subproof(6, fork), forged)
    assert inconsistent.status_code == 422, inconsistent.text
    stale = _post(client, url, 5, naive_subproof(5, fork), forged)
    assert (stale.status_code, stale.text, stale.headers["content-type"]) == (409, "6\n", "text/x.tlog.size")
    same_size = _post(client, url, 6, [], signer.sign_note(checkpoint_text(ORIGIN, 6, mth(fork[:6]))))
    assert same_size.status_code == 409
    stranger = NoteSigner.from_seed(ORIGIN, bytes(32))
    assert _post(client, url, 6, [], stranger.sign_note(checkpoint_text(ORIGIN, 9, mth(fork)))).status_code == 403
    other = NoteSigner.from_seed("other.example/log", SEED)
    assert _post(client, url, 0, [], other.sign_note(checkpoint_text(other.name, 1, mth(fork[:1])))).status_code == 404
    assert _post(client, url, 10, [], forged).status_code == 400
    assert client.post(f"{url}/add-checkpoint", content=b"nonsense").status_code == 400
