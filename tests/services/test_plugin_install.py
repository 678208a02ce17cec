"""A value-added service is a package: installed into a virtual environment it appears, with its routes, page,
translations, migrations, opt-in and statement; uninstalled, all of it is gone, and the core is the same code.

The example plug-in's source is ``tests/services/example_plugin``. The virtual environment sees HarbourLink
as this checkout installed it (a ``.pth`` adds this environment's packages), and pip builds the plug-in from
the local package index, so the test needs no network.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from harbourlink.kernel import create_database
from tests.conftest import Company, _drop_postgres_database, _postgres_database, make_company

EXAMPLE = Path(__file__).parent / "example_plugin"
SECRET_KEY = "test-secret-key-not-for-production"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Environment:
    """A fresh virtual environment whose Python sees HarbourLink and whatever pip puts into it."""

    def __init__(self, root: Path, env: dict[str, str]):
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
        self.python = root / "bin" / "python"
        purelib = subprocess.run(
            [str(self.python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        # addsitedir, not a bare path: the checkout's editable install is itself a .pth file to run.
        Path(purelib, "harbourlink-checkout.pth").write_text(
            f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n"
        )
        self.env = env

    def pip(self, *argv: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "pip", "--python", str(self.python), "-q", *argv],
            check=False,
            capture_output=True,
            env=self.env,
        )
        assert done.returncode == 0, done.stderr.decode(errors="replace")

    def harbourlink(self, *argv: str) -> None:
        subprocess.run([str(self.python), "-m", "harbourlink", *argv], check=True, env=self.env, capture_output=True)

    def serve(self, port: int, log: Path) -> subprocess.Popen[bytes]:
        server = subprocess.Popen(
            [str(self.python), "-m", "harbourlink", "serve", "--port", str(port)],
            env=self.env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    return server
            except httpx.TransportError:
                pass
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Environment, str, Path]]:
    name = f"harbourlink_plugin_{os.getpid()}"
    url = f"sqlite:///{tmp_path / 'plugin.db'}" if request.param == "sqlite" else _postgres_database(name)
    env = {
        **os.environ,
        "HARBOURLINK_DATABASE_URL": url,
        "HARBOURLINK_SECRET_KEY": SECRET_KEY,
        "HARBOURLINK_DATA_DIR": str(tmp_path),
        "HARBOURLINK_RUN_DISPATCHERS": "false",
    }
    yield Environment(tmp_path / "venv", env), url, tmp_path
    if request.param == "postgres":
        _drop_postgres_database(name)


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    server.wait(30)


def test_a_plugin_installed_appears_with_its_routes_and_opt_in_and_removed_disappears(
    served: tuple[Environment, str, Path],
) -> None:
    venv, url, tmp_path = served
    # A copy of its own: pip builds a local package in its folder, and the two databases' runs of this test,
    # in two test processes at once, had each removed the other's build.
    source = shutil.copytree(EXAMPLE, tmp_path / "example_plugin", ignore=shutil.ignore_patterns("build", "*.egg-info"))
    venv.pip("install", "--no-deps", str(source))
    venv.harbourlink("db", "upgrade")  # the core's chain, then the plug-in's own
    database = create_database(url)
    company: Company = make_company(database, "Alpha Forwarding", "forwarder")
    other: Company = make_company(database, "Bravo Trading", "cargo_owner")
    database.engine.dispose()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = venv.serve(port, tmp_path / "with.log")
    try:
        assert httpx.get(f"{base}/readyz").json() == {"status": "ready"}  # its migration counted, in its own table
        listed = httpx.get(f"{base}/api/v1/services", headers=company.auth).json()
        [example] = [service for service in listed["services"] if service["name"] == "example_notes"]
        assert example["charged"] is True
        assert example["charge_per_use"] == "2.50"
        assert example["opt_in"] is None
        assert example["permissions"] == {"write": ["administrator", "principal"]}

        refused = httpx.get(f"{base}/api/v1/example-notes", headers=company.auth)
        assert refused.status_code == 403
        assert refused.json()["error"] == "service_not_opted_in"

        opted = httpx.post(f"{base}/api/v1/orgs/{company.org_id}/services/example_notes", headers=company.auth)
        assert opted.status_code == 200, opted.text
        assert opted.json()["status"] == "active"
        added = httpx.post(f"{base}/api/v1/example-notes", json={"text": "berth 7"}, headers=company.auth)
        assert added.status_code == 201, added.text
        assert httpx.get(f"{base}/api/v1/example-notes", headers=company.auth).json() == [
            {"id": added.json()["id"], "text": "berth 7"}
        ]
        # Another company did not opt in: the route stays closed to it, and the note is not its.
        assert httpx.get(f"{base}/api/v1/example-notes", headers=other.auth).status_code == 403

        again = httpx.get(f"{base}/api/v1/services", headers=company.auth).json()
        [example] = [service for service in again["services"] if service["name"] == "example_notes"]
        assert example["opt_in"]["status"] == "active"
        assert example["used_this_month"] == 1
        statement = httpx.get(f"{base}/api/v1/services/example_notes/statement", headers=company.auth)
        assert statement.headers["content-type"].startswith("text/csv")
        lines = statement.text.splitlines()
        assert lines[0].startswith("company,service,month,used_at")
        assert lines[-1].endswith(",total,,1,2.50,2.50,HKD")
        assert (
            httpx.get(f"{base}/api/v1/services/example_notes/statement", headers=other.auth)
            .text.splitlines()[-1]
            .endswith(",total,,0,2.50,0.00,HKD")
        )

        page = httpx.get(f"{base}/example-notes/about?lang=zh-HK")
        assert page.status_code == 200
        assert "示範筆記" in page.text  # the plug-in's own template and catalogue
        paths = httpx.get(f"{base}/openapi.json").json()["paths"]
        assert "/api/v1/example-notes" in paths
    finally:
        _stop(server)

    venv.pip("uninstall", "-y", "harbourlink-example-notes")
    server = venv.serve(port, tmp_path / "without.log")
    try:
        assert httpx.get(f"{base}/readyz").json() == {"status": "ready"}  # its leftover version table is no bother
        listed = httpx.get(f"{base}/api/v1/services", headers=company.auth).json()
        assert "example_notes" not in {service["name"] for service in listed["services"]}
        assert listed["opt_ins"]["example_notes"]["status"] == "active"  # the stored opt-in stays readable
        assert httpx.get(f"{base}/api/v1/example-notes", headers=company.auth).status_code == 404
        assert httpx.get(f"{base}/example-notes/about").status_code == 404
        refused = httpx.post(f"{base}/api/v1/orgs/{company.org_id}/services/example_notes", headers=company.auth)
        assert refused.status_code == 422
        assert refused.json()["error"] == "service_not_offered"
        assert httpx.get(f"{base}/api/v1/services/example_notes/statement", headers=company.auth).status_code == 404
        assert "/api/v1/example-notes" not in httpx.get(f"{base}/openapi.json").json()["paths"]
    finally:
        _stop(server)
