"""Connections per process: a request holds one at a time, a busy pool answers 503 at once, /healthz needs none."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.exc import TimeoutError as PoolTimeout

from harbourlink import identity
from harbourlink.app import create_app
from harbourlink.kernel import Database, PoolLimits, create_database
from harbourlink.settings import Settings
from tests.conftest import Company, make_company
from tests.port import HBL, MBL, grant, open_port
from tests.web.conftest import log_in


@contextmanager
def most_held_at_once(engine: Engine) -> Iterator[list[int]]:
    """The largest number of this engine's connections checked out at the same time, while the block runs."""
    held, most = [0], [0]

    def checkout(*_: object) -> None:
        held[0] += 1
        most[0] = max(most[0], held[0])

    def checkin(*_: object) -> None:
        held[0] -= 1

    sqlalchemy_event.listen(engine, "checkout", checkout)
    sqlalchemy_event.listen(engine, "checkin", checkin)
    try:
        yield most
    finally:
        sqlalchemy_event.remove(engine, "checkout", checkout)
        sqlalchemy_event.remove(engine, "checkin", checkin)


def test_a_request_holds_one_connection_at_a_time(client: TestClient, db: Database) -> None:
    port = open_port(client, db)
    client.post("/api/v1/bl-links", headers=port.forwarder.auth, json={"master_bl": MBL, "house_bl": HBL})
    grant(client, port.forwarder, "HBL", HBL, port.sme)
    grant(client, port.carrier, "MBL", MBL, None)
    engine = client.app.state.runtime.db.engine  # type: ignore[attr-defined]
    with most_held_at_once(engine) as most:
        assert client.get(f"/api/v1/track/{HBL}", headers=port.sme.auth).status_code == 200
    assert most == [1]
    with most_held_at_once(engine) as most:
        assert client.get(f"/api/v1/track/{MBL}", headers=port.forwarder.auth).status_code == 200
        assert client.get("/api/v1/track/NOSUCHNUMBER", headers=port.forwarder.auth).status_code == 404
    assert most == [1]
    log_in(client, port.sme.admin_email)
    with most_held_at_once(engine) as most:
        assert client.get(f"/track/{HBL}").status_code == 200
    assert most == [1]


def test_healthz_touches_no_database(client: TestClient) -> None:
    engine = client.app.state.runtime.db.engine  # type: ignore[attr-defined]
    with most_held_at_once(engine) as most:
        assert client.get("/healthz").json() == {"status": "ok"}
    assert most == [0]


def test_a_drained_pool_answers_503_quickly_and_healthz_still_answers(settings: Settings, db: Database) -> None:
    company = make_company(db, "Pearl Ocean Lines", "shipping_line")
    small = settings.model_copy(update={"db_pool_size": 1, "db_max_overflow": 0, "db_pool_timeout": 0.2})
    with TestClient(create_app(small), base_url="http://testserver") as client:
        engine: Engine = client.app.state.runtime.db.engine  # type: ignore[attr-defined]
        with engine.connect():  # the process's only connection, busy elsewhere
            started = time.monotonic()
            busy = client.get(f"/api/v1/track/{MBL}", headers=company.auth)
            waited = time.monotonic() - started
            assert client.get("/healthz").status_code == 200
        assert busy.status_code == 503 and busy.headers["retry-after"] == "1"
        assert busy.json()["error"] == "database_busy"
        assert waited < 3
        assert client.get(f"/api/v1/track/{MBL}", headers=company.auth).status_code == 404  # free again


def test_a_refused_request_leaves_no_connection_checked_out(
    client: TestClient, db: Database, company_a: Company
) -> None:
    engine: Engine = client.app.state.runtime.db.engine  # type: ignore[attr-defined]
    with db.transaction() as session:
        _, manager = identity.create_api_key(
            session, identity.SYSTEM_ACTOR, org_id=company_a.org_id, name="m", scopes=[identity.KeyScope.ORG_MANAGE]
        )
    refused = {
        "missing_scope": client.get(f"/api/v1/track/{MBL}", headers={"Authorization": f"Bearer {manager}"}),
        "invalid_api_key": client.get(f"/api/v1/track/{MBL}", headers={"Authorization": "Bearer hlk_unknown_key"}),
        "not_text": client.post("/api/v1/bl-links/import", headers=company_a.auth, content=b"\xff\xfe,"),
        "reference_not_found": client.get(f"/api/v1/track/{MBL}", headers=company_a.auth),  # the handler's
    }
    assert {code: response.json()["error"] for code, response in refused.items()} == {code: code for code in refused}
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_a_connection_opened_past_the_kept_size_is_kept_for_the_next_burst(database_url: str) -> None:
    """A pool that closed its overflow on return opened a new PostgreSQL server process for most requests of a
    burst, each warming its caches on our statements again; now every connection it opens stays, up to the cap."""
    db = create_database(database_url, pool=PoolLimits(size=1, max_overflow=2, timeout=1))
    opened: list[object] = []
    sqlalchemy_event.listen(db.engine, "connect", lambda connection, _record: opened.append(connection))
    try:
        for _burst in range(3):
            with db.engine.connect() as first, db.engine.connect() as second, db.engine.connect() as third:
                for connection in (first, second, third):
                    assert connection.execute(text("SELECT 1")).scalar_one() == 1
        assert len(opened) == 3
        with pytest.raises(PoolTimeout), db.engine.connect(), db.engine.connect(), db.engine.connect():
            db.engine.connect()  # past size + overflow the caller still waits, then fails (the API's 503)
    finally:
        db.engine.dispose()
