"""What authenticating a company's system costs per request.

Baseline: ``GET /healthz`` (no authentication, no database) through the same in-process ASGI
stack. Measured: ``GET /api/v1/me`` with an API key (key lookup, digest, company check, one
transaction). Both on the embedded SQLite database, in one process, alternating rounds.
Prints requests per second for each and their ratio.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from harbourlink import identity
from harbourlink.app import create_app
from harbourlink.kernel import create_database
from harbourlink.schema import upgrade
from harbourlink.settings import Settings

ROUNDS = 5
REQUESTS = 400


def _rate(client: TestClient, path: str, headers: dict[str, str]) -> float:
    started = time.perf_counter()
    for _ in range(REQUESTS):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, response.text
    return REQUESTS / (time.perf_counter() - started)


def main() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="hl-bench-"))
    # A budget no run exhausts: its bookkeeping is measured, its refusals are not.
    settings = Settings(data_dir=data_dir, secret_key="bench", rate_limit_api_per_key=10**9)
    upgrade(settings.resolved_database_url())
    database = create_database(settings.resolved_database_url())
    with database.transaction() as session:
        org = identity.create_organisation(
            session, identity.SYSTEM_ACTOR, name="Bench Co", types=["forwarder"], status=identity.OrgStatus.ACTIVE
        )
        _, key = identity.create_api_key(
            session, identity.SYSTEM_ACTOR, org_id=org.id, name="bench", scopes=[identity.KeyScope.CARGO_READ]
        )
    auth = {"Authorization": f"Bearer {key}"}
    baseline, measured = [], []
    with TestClient(create_app(settings)) as client:
        _rate(client, "/api/v1/me", auth)  # warm caches and the connection pool
        for _ in range(ROUNDS):
            baseline.append(_rate(client, "/healthz", {}))
            measured.append(_rate(client, "/api/v1/me", auth))
    base, auth_rate = statistics.median(baseline), statistics.median(measured)
    print(f"healthz (baseline)        {base:8.0f} req/s")
    print(f"/api/v1/me with API key   {auth_rate:8.0f} req/s  ({1000 / auth_rate:.2f} ms per request)")
    print(f"ratio authenticated/baseline: {auth_rate / base:.2f}")


if __name__ == "__main__":
    main()
