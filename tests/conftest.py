"""Fixtures: the same tests on SQLite and on PostgreSQL, an app per backend, companies to act as.

PostgreSQL comes from ``HARBOURLINK_TEST_POSTGRES_URL`` (default: the local server). When it
cannot be reached the PostgreSQL half is skipped, except under ``CI=true``, where it must run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from harbourlink import identity
from harbourlink.app import create_app
from harbourlink.kernel import Database, create_database
from harbourlink.schema import metadata, upgrade
from harbourlink.settings import Settings

POSTGRES_URL = os.environ.get("HARBOURLINK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() == "true"
STRONG_PASSWORD = "Harbour-Link-2026"

# argon2id's cheapest parameters: the suite hashes thousands of passwords, each 0.1-0.2 s of CPU at the
# installation's default. Read at the first hash; the processes the tests start inherit it.
os.environ.setdefault("HARBOURLINK_PASSWORD_PROFILE", "cheapest-for-tests")


def _admin_dsn() -> str:
    return make_url(POSTGRES_URL).set(drivername="postgresql").render_as_string(hide_password=False)


def _postgres_database(name: str) -> str:
    """A fresh database of this test process's own on the configured server."""
    try:
        with psycopg.connect(_admin_dsn(), autocommit=True, connect_timeout=3) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required under CI=true and is unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def _drop_postgres_database(name: str) -> None:
    with psycopg.connect(_admin_dsn(), autocommit=True, connect_timeout=3) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database of each kind, shared by the tests of this process (and only this one)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        upgrade(url)
        yield url
        return
    name = f"harbourlink_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
    url = _postgres_database(name)
    upgrade(url)
    yield url
    _drop_postgres_database(name)


def wipe(url: str) -> None:
    """Empties every table of the database at ``url``."""
    engine = create_engine(url)
    with engine.begin() as connection:
        tables = [t.name for t in reversed(metadata.sorted_tables)]
        if engine.dialect.name == "postgresql":
            # A connection a test left inside a transaction would hold its row locks and the DELETE would wait
            # until the test timeout: end such leftovers first (the test that left them is over).
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                    "current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'"
                )
            )
            # DELETE, children first, in one round trip: a test leaves a few rows in a few tables, and TRUNCATE's
            # new files for each of the hundred-odd tables cost 0.3-1 s a test where this costs 20 ms.
            connection.exec_driver_sql(";".join(f'DELETE FROM "{table}"' for table in tables))  # noqa: S608 - our own names
        else:
            for table in tables:
                connection.execute(text(f'DELETE FROM "{table}"'))  # noqa: S608 - table names come from our own metadata
    engine.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Iterator[Settings]:
    """Settings on the test database; every table is emptied after the test.

    No background dispatchers: a test delivers what it wants delivered, so nothing races the
    assertions or the table wipe.
    """
    yield settings_for(database_url, tmp_path)
    wipe(database_url)


def settings_for(database_url: str, data_dir: Path) -> Settings:
    """The tests' settings on ``database_url``; a fixture sharing them across tests wipes the tables after."""
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        secret_key="test-secret-key-not-for-production",
        run_dispatchers=False,
        # Most tests bind with a company's API key; the signing tests turn this on.
        road_api_key_binding_needs_signature=False,
    )


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = create_database(settings.resolved_database_url())
    yield database
    database.engine.dispose()


_apps: dict[str, FastAPI] = {}


def shared_app(settings: Settings) -> FastAPI:
    """One app per configuration in each test process, made at its first test.

    Building an app costs about a second of CPU (its routes' dependencies are analysed at their first
    match, its templates compiled at their first render), and the tests' settings differ only in
    their data folder, which the app reads only for files it makes once (generated keys, spoken
    prompts). What the app keeps between requests is in the database, which is wiped after each test.
    """
    key = settings.model_dump_json(exclude={"data_dir"})
    if key not in _apps:
        _apps[key] = create_app(settings)
    return _apps[key]


@contextmanager
def app_client(settings: Settings, **changes: object) -> Iterator[TestClient]:
    """A client of the shared app for ``settings`` with ``changes`` made to them."""
    configured = settings.model_copy(update=changes) if changes else settings
    with TestClient(shared_app(configured), base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with app_client(settings) as test_client:
        yield test_client


@dataclass
class Company:
    """A company on the platform with an administrator and an all-scopes API key."""

    org_id: str
    admin_id: str
    admin_email: str
    api_key: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}


def make_company(db: Database, name: str, *types: str, approved: bool = True) -> Company:
    with db.transaction() as session:
        org = identity.create_organisation(
            session,
            identity.SYSTEM_ACTOR,
            name=name,
            types=list(types) or ["forwarder"],
            status=identity.OrgStatus.ACTIVE if approved else identity.OrgStatus.PENDING,
        )
        email = f"admin@{name.lower().replace(' ', '-')}.example.hk"
        user, _ = identity.create_user(
            session,
            identity.SYSTEM_ACTOR,
            org_id=org.id,
            email=email,
            display_name=f"{name} admin",
            role=identity.Role.ADMINISTRATOR,
            password=STRONG_PASSWORD,
        )
        _, key = identity.create_api_key(
            session, identity.SYSTEM_ACTOR, org_id=org.id, name="test", scopes=list(identity.KeyScope)
        )
        return Company(org_id=org.id, admin_id=user.id, admin_email=email, api_key=key)


@pytest.fixture
def company_a(db: Database) -> Company:
    return make_company(db, "Alpha Forwarding", "forwarder")


@pytest.fixture
def company_b(db: Database) -> Company:
    return make_company(db, "Bravo Trading", "cargo_owner")


@pytest.fixture
def operator(db: Database) -> Company:
    return make_company(db, "HarbourLink Operations", "operator")
