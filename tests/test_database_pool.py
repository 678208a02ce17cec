"""Connections per process: a request holds one at a time, a busy pool answers 503 at once, /healthz needs none."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from harbourlink import identity
from harbourlink.app import create_app
from harbourlink.kernel import Database, PoolLimits, create_database
from harbourlink.settings import Settings
from tests.conftest import Company, app_client, make_company
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


def _backend_of(db: Database) -> int:
    with db.engine.connect() as connection:
        pid: int = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    return pid


def _terminate(db: Database, pid: int) -> None:
    """Ends one server process from outside the pool, as a database restart ends them all."""
    with create_database(db.engine.url.render_as_string(hide_password=False)).engine.connect() as outside:
        assert outside.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()


@contextmanager
def counted_pings(db: Database) -> Iterator[list[int]]:
    pings = [0]
    dialect = db.engine.dialect
    ping = dialect.do_ping

    def counting(dbapi_connection: Any) -> bool:
        pings[0] += 1
        return ping(dbapi_connection)

    dialect.do_ping = counting  # type: ignore[method-assign]
    try:
        yield pings
    finally:
        del dialect.do_ping


@contextmanager
def one_connection(database_url: str, *, ping_after_idle: float) -> Iterator[Database]:
    """A PostgreSQL pool of one connection."""
    if not database_url.startswith("postgresql"):
        pytest.skip("the embedded database has no server to lose")
    db = create_database(database_url, pool=PoolLimits(size=1, max_overflow=0, ping_after_idle=ping_after_idle))
    try:
        yield db
    finally:
        db.engine.dispose()


@pytest.mark.postgres
def test_a_connection_in_steady_use_is_handed_out_untested(database_url: str) -> None:
    with one_connection(database_url, ping_after_idle=3600) as db:
        with counted_pings(db) as pings:
            backends = {_backend_of(db) for _ in range(5)}
        assert pings == [0] and len(backends) == 1
        _terminate(db, backends.pop())
        with pytest.raises(DBAPIError) as lost:  # the price of not testing: the next user finds it dead, once
            _backend_of(db)
        assert lost.value.connection_invalidated
        assert _backend_of(db) > 0


@pytest.mark.postgres
def test_a_connection_idle_past_the_limit_is_tested_and_a_dead_one_replaced_unseen(database_url: str) -> None:
    with one_connection(database_url, ping_after_idle=0) as db:
        first = _backend_of(db)
        _terminate(db, first)
        with counted_pings(db) as pings:
            second = _backend_of(db)
        assert pings == [1] and second != first


@pytest.mark.postgres
def test_a_connection_lost_under_a_request_answers_503_and_the_next_request_is_served(
    settings: Settings, db: Database
) -> None:
    if db.is_sqlite:
        pytest.skip("the embedded database has no server to lose")
    company = make_company(db, "Pearl Ocean Lines", "shipping_line")
    one = {"db_pool_size": 1, "db_max_overflow": 0, "db_ping_after_idle": 3600}
    with app_client(settings, **one) as client:
        assert client.get(f"/api/v1/track/{MBL}", headers=company.auth).status_code == 404
        _terminate(db, _backend_of(client.app.state.runtime.db))  # type: ignore[attr-defined]
        lost = client.get(f"/api/v1/track/{MBL}", headers=company.auth)
        assert (lost.status_code, lost.json()["error"], lost.headers["retry-after"]) == (
            503,
            "database_unavailable",
            "1",
        )
        assert client.get(f"/api/v1/track/{MBL}", headers=company.auth).status_code == 404
