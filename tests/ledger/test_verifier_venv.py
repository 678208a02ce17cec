"""The standalone verifier, run from its file in a virtualenv that holds only ``cryptography``.

It must accept a genuine bundle and reject the same bundle with any single byte changed.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest
from sqlalchemy import text

import harbourlink_verify
from harbourlink import ledger
from harbourlink.kernel import Database, utcnow
from harbourlink.ledger.models import LedgerCosignature
from harbourlink.ledger.notes import NoteSigner
from harbourlink.ledger.store import latest_checkpoint
from harbourlink_verify import SIG_COSIGNATURE, split_note
from tests.conftest import Company
from tests.ledger.conftest import ingest_csv, sequence_all

VERIFIER = Path(harbourlink_verify.__file__)
WITNESS = NoteSigner.from_seed("witness.bank.example", bytes(range(32)), sig_type=SIG_COSIGNATURE)

# Runs inside the bare virtualenv: loads the verifier by path and flips every byte of the bundle.
MUTATE = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("v", sys.argv[1]); v = importlib.util.module_from_spec(spec)
sys.modules["v"] = v; spec.loader.exec_module(v)
data, key = open(sys.argv[2], "rb").read(), sys.argv[3]
v.verify_bundle(data, key)
accepted = []
for i in range(len(data)):
    for new in {data[i] ^ 0x01, data[i] ^ 0x20, 0x30 if data[i] != 0x30 else 0x31}:
        try:
            v.verify_bundle(data[:i] + bytes([new]) + data[i + 1:], key)
            accepted.append((i, new))
        except v.VerificationError:
            pass
try:
    import harbourlink
    print("harbourlink is importable here")
except ImportError:
    pass
print(len(data), accepted)
"""


@pytest.fixture(scope="session")
def bare_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv with only ``cryptography`` (from PyPI), once per test session."""
    home = tmp_path_factory.mktemp("bare-venv")
    venv.create(home, with_pip=True, clear=True)
    python = home / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "cryptography"],
        check=True,
        timeout=600,
    )
    return python


def _bundle(db: Database, company: Company, current: ledger.Ledger, tmp_path: Path) -> tuple[Path, str]:
    outcome = ingest_csv(db, company.org_id)
    size = sequence_all(db, current)
    with db.transaction() as session:
        log = ledger.open_log(session, current)
        body = split_note(latest_checkpoint(session, log.id).signed_note)[0]
        session.add(
            LedgerCosignature(
                log_id=log.id,
                size=size,
                witness_key_id=WITNESS.key_id.hex(),
                witness_name=WITNESS.name,
                witness_vkey=str(WITNESS.vkey),
                signature_line=WITNESS.cosign(body, 1_790_000_000),
                received_at=utcnow(),
            )
        )
        release = session.execute(text("SELECT id FROM events WHERE event_code = 'RELS'")).scalar()
    assert outcome.accepted == 5
    with db.transaction() as session:
        data = ledger.get_owner_bundle(
            session, current, event_id=str(release), fields=["event_code", "event_time", "location"]
        )
    path = tmp_path / "bundle.json"
    path.write_bytes(data)
    return path, current.vkey


def test_bare_verifier_accepts_a_genuine_bundle_and_rejects_any_changed_byte(
    db: Database, company_a: Company, test_ledger: ledger.Ledger, tmp_path: Path, bare_python: Path
) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the bundle format does not depend on the database; checked once, on SQLite")
    bundle, key = _bundle(db, company_a, test_ledger, tmp_path)
    ok = subprocess.run(
        [str(bare_python), str(VERIFIER), str(bundle), "--key", key, "--witness", str(WITNESS.vkey)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert 'event_code = "RELS"' in ok.stdout and 'event_time = "2026-11-23T02:02:00Z"' in ok.stdout
    assert "cosigned by witness.bank.example" in ok.stdout and "PONU0123456" not in ok.stdout
    other = NoteSigner.from_seed("witness.other.example", bytes(32), sig_type=SIG_COSIGNATURE)
    unwitnessed = subprocess.run(
        [str(bare_python), str(VERIFIER), str(bundle), "--key", key, "--witness", str(other.vkey)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert unwitnessed.returncode == 1 and "witness.other.example" in unwitnessed.stderr
    changed = bundle.read_bytes().replace(b"RELS", b"HOLD")
    (tmp_path / "changed.json").write_bytes(changed)
    rejected = subprocess.run(
        [str(bare_python), str(VERIFIER), str(tmp_path / "changed.json"), "--key", key],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert rejected.returncode == 1 and rejected.stderr.startswith("REJECTED")
    flips = subprocess.run(
        [str(bare_python), "-c", MUTATE, str(VERIFIER), str(bundle), key],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert flips.returncode == 0, flips.stderr
    assert "harbourlink is importable" not in flips.stdout
    size, accepted = flips.stdout.split(" ", 1)
    assert int(size) == len(bundle.read_bytes()) and accepted.strip() == "[]"
    assert sys.executable != str(bare_python)
