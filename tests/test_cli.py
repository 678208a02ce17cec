"""The CLI forms operators' scripts rely on, run as a script would: in a subprocess."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from harbourlink import elock
from harbourlink.app import create_app
from harbourlink.kernel import Actor, Database
from harbourlink.settings import Settings
from tests.conftest import make_company


def _run(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harbourlink", *args], env=env, capture_output=True, text=True, check=check, timeout=120
    )


@pytest.fixture
def env(database_url: str, settings: Settings, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "HARBOURLINK_DATABASE_URL": database_url,
        "HARBOURLINK_DATA_DIR": str(tmp_path),
        "HARBOURLINK_SECRET_KEY": settings.secret_key,
        "COLUMNS": "200",
    }


def test_org_user_and_key_lifecycle(env: dict[str, str], settings: Settings) -> None:
    _run(env, "db", "upgrade")
    org_id = (
        _run(env, "org", "create", "--name", "Script Co", "--type", "forwarder", "--type", "warehouse")
        .stdout.strip()
        .splitlines()[-1]
    )
    assert len(org_id) == 36
    assert "pending" in _run(env, "org", "list").stdout
    _run(env, "org", "approve", org_id)
    assert "active" in _run(env, "org", "list").stdout
    password = (
        _run(env, "user", "create", "--org", org_id, "--email", "ops@script.hk", "--role", "administrator")
        .stdout.strip()
        .splitlines()[-1]
    )
    assert len(password) >= 10
    key = _run(env, "apikey", "create", "--org", org_id).stdout.strip().splitlines()[-1]
    with TestClient(create_app(settings)) as client:
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
        assert me.json()["organisation"]["id"] == org_id
        key_id = client.get("/api/v1/api-keys", headers={"Authorization": f"Bearer {key}"})
        assert key_id.status_code == 403  # a cargo key may not administer keys
        _run(env, "apikey", "create", "--org", org_id, "--scope", "org:manage")
    listed = _run(env, "org", "list").stdout
    assert "Script Co" in listed


def test_revoke_and_errors(env: dict[str, str], settings: Settings) -> None:
    org_id = _run(env, "org", "create", "--name", "Revoke Co", "--type", "bank").stdout.strip().splitlines()[-1]
    _run(env, "org", "approve", org_id)
    admin_key = _run(env, "apikey", "create", "--org", org_id, "--scope", "org:manage").stdout.strip().splitlines()[-1]
    with TestClient(create_app(settings)) as client:
        keys = client.get("/api/v1/api-keys", headers={"Authorization": f"Bearer {admin_key}"}).json()
        _run(env, "apikey", "revoke", keys[0]["id"])
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {admin_key}"}).status_code == 401
    bad = _run(env, "org", "create", "--name", "X", "--type", "pirate", check=False)
    assert bad.returncode == 2 and "invalid_org_type" in bad.stderr and "pirate" in bad.stderr
    missing = _run(env, "org", "approve", "00000000-0000-0000-0000-000000000000", check=False)
    assert missing.returncode == 2 and "not_found" in missing.stderr


def test_serve_answers_health(env: dict[str, str]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "harbourlink", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                assert httpx.get(f"http://127.0.0.1:{port}/readyz").json() == {"status": "ready"}
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "serve did not start within 30 s"
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_ingest_a_folder_reports_and_keeps_failures(env: dict[str, str], settings: Settings, tmp_path: Path) -> None:
    org_id = (
        _run(env, "org", "create", "--name", "Ingest Co", "--type", "terminal_operator").stdout.strip().splitlines()[-1]
    )
    _run(env, "org", "approve", org_id)
    folder = tmp_path / "drop"
    folder.mkdir()
    sample = Path(__file__).parent / "samples" / "csv" / "hkg_import.csv"
    (folder / "good.csv").write_bytes(sample.read_bytes())
    (folder / "bad.csv").write_text("event_type,event_code,event_time,container\nEQUIPMENT,LOAD,never,MSCU1234566\n")
    result = _run(env, "ingest", str(folder), "--format", "csv", "--org", org_id, check=False)
    assert result.returncode == 1
    assert "5 accepted, 0 duplicates, 1 errors" in result.stdout
    assert "row 2, column event_time" in result.stderr and "bad.csv" in result.stderr
    again = _run(env, "ingest", str(folder / "good.csv"), "--format", "csv", "--org", org_id)
    assert "0 accepted, 5 duplicates" in again.stdout
    unknown = _run(env, "ingest", str(folder), "--format", "telex", "--org", org_id, check=False)
    assert unknown.returncode == 2 and "unknown_format" in unknown.stderr


def test_elock_listen_answers_a_registered_lock_and_stops_on_sigterm(env: dict[str, str], db: Database) -> None:
    customs = make_company(db, "Customs and Excise", "customs_hk")
    with db.transaction() as session:
        actor = Actor(org_id=customs.org_id, org_types=frozenset({"customs_hk"}))
        elock.register_device(session, actor, device_id="860000000001", protocol="eseal")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    listener = subprocess.Popen(
        [sys.executable, "-m", "harbourlink", "elock", "listen", "--tcp", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    known = b"##S,eSeal,860000000001,256,0.0.6,Normal,3,2026-12-07,01:00:00,15,A,22.306000N 113.938500E,0,0,Close,0.01,0,3.90,-70,E##\r\n"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=10)
                break
            except OSError:
                assert time.monotonic() < deadline, "elock listen did not start within 30 s"
                time.sleep(0.3)
        with connection:
            connection.sendall(known.replace(b"860000000001", b"999") + known)
            connection.shutdown(socket.SHUT_WR)
            answered = b"".join(iter(lambda: connection.recv(4096), b""))
        assert answered == b"##S,eSeal,860000000001,256,0.0.6,Normal ACK,3,E##\r\n"
    finally:
        listener.terminate()
        out, _ = listener.communicate(timeout=10)
    assert "2 frames, 1 accepted, 1 rejected, 0 failed" in out
