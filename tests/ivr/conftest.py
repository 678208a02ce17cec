"""The phone line under test: a provider's settings, a clock the test moves, the real binding desk, a driver."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from harbourlink import identity, ivr
from harbourlink.app import create_app
from harbourlink.kernel import Actor, Database
from harbourlink.settings import Settings
from tests.conftest import STRONG_PASSWORD, make_company, settings_for

AUTH_TOKEN = "provider-auth-token-for-tests"
ACCOUNT_SID = "AC" + "5" * 32
PUBLIC_URL = "https://harbourlink.example.hk"


class Clock:
    """Now, as the test says; a security code is good once, so codes move it past their time step."""

    def __init__(self) -> None:
        self.moment = datetime(2026, 12, 7, 7, 35, 16, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


@dataclass
class Driver:
    org_id: str
    admin_id: str
    user_id: str
    number: str
    password: str
    seed: str
    vehicle: str

    @property
    def actor(self) -> Actor:
        return Actor(org_id=self.org_id, user_id=self.user_id, roles=frozenset({"driver"}))


def make_driver(db: Database, settings: Settings, name: str = "Tai Kok Trucking") -> Driver:
    trucker = make_company(db, name, "trucking")
    slug = name.lower().replace(" ", "-")
    admin = Actor(org_id=trucker.org_id, user_id=trucker.admin_id, roles=frozenset({"administrator"}))
    with db.transaction() as session:
        user, _ = identity.create_user(
            session,
            identity.SYSTEM_ACTOR,
            org_id=trucker.org_id,
            email=f"driver@{slug}.example.hk",
            display_name="Chan Tai Bon",
            role=identity.Role.DRIVER,
            password=STRONG_PASSWORD,
        )
        made = ivr.create_phone_account(
            session, admin, sealer=identity.Sealer(settings.resolved_secret_key()), user_id=user.id, vehicle="fc117"
        )
        number, user_id = made.account.number, user.id
    seed = parse_qs(urlsplit(made.code_uri).query)["secret"][0]
    return Driver(trucker.org_id, trucker.admin_id, user_id, number, made.password, seed, "FC117")


def opt_in_to_binding(db: Database, driver: Driver) -> Driver:
    """The phone account's company, an agent opted in to road binding (seed 003), so the real desk binds."""
    with db.transaction() as session:
        org = session.get(identity.Organisation, driver.org_id)
        assert org is not None
        org.operation_mode = identity.OperationMode.AGENT.value
        identity.request_service(
            session, identity.SYSTEM_ACTOR, org_id=driver.org_id, service=identity.Service.ROAD_BINDING
        )
    return driver


@pytest.fixture
def clock() -> Clock:
    return Clock()


def with_provider(settings: Settings) -> Settings:
    """``settings`` with the provider's account, token and the address it calls."""
    return settings.model_copy(
        update={"ivr_auth_token": AUTH_TOKEN, "ivr_account_sid": ACCOUNT_SID, "ivr_public_url": PUBLIC_URL}
    )


def require_espeak() -> None:
    """The prompts need espeak-ng: skipped without it, except under ``CI=true``, where it must be installed."""
    if not ivr.Voice(Path()).available():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("espeak-ng is required under CI=true (apt-get install espeak-ng)")
        pytest.skip("espeak-ng is not installed")


@contextmanager
def phone_line(settings: Settings, clock: Clock) -> Iterator[TestClient]:
    """The phone line as installed (its desk is road's binding service), on ``clock``."""
    app = create_app(settings)
    app.state.phone.now = clock
    with TestClient(app, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def phone_settings(settings: Settings) -> Settings:
    return with_provider(settings)


@pytest.fixture
def espeak() -> None:
    require_espeak()


@pytest.fixture(scope="module")
def shared_phone_line(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One phone line for a module's tests: building the app, and synthesising its prompts into a fresh data
    directory, took most of each test's time. It holds nothing of a test's between tests: ``phone_client``
    gives each its own clock and desk and no cookies, and ``settings`` empties the tables after each."""
    settings = with_provider(settings_for(database_url, Path(tmp_path_factory.mktemp("phone"))))
    with phone_line(settings, Clock()) as client:
        yield client


@pytest.fixture
def phone_client(espeak: None, shared_phone_line: TestClient, settings: Settings, clock: Clock) -> Iterator[TestClient]:
    """The module's phone line on this test's ``clock``; a desk a test takes away is put back after it."""
    phone = shared_phone_line.app.state.phone  # type: ignore[attr-defined]
    desk, phone.now = phone.desk, clock
    shared_phone_line.cookies.clear()
    try:
        yield shared_phone_line
    finally:
        phone.desk = desk


@pytest.fixture
def driver(db: Database, phone_settings: Settings) -> Driver:
    return make_driver(db, phone_settings)
