"""The login page tells no one which accounts exist or are locked: same words, about the same time."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from harbourlink.app import create_app
from harbourlink.settings import Settings
from tests.conftest import Company
from tests.web.conftest import csrf_of

ROUNDS = 7


@pytest.fixture
def page_client(settings: Settings) -> Iterator[TestClient]:
    """No lockout or per-address limit in the way: these tests send many wrong passwords."""
    relaxed = settings.model_copy(update={"lockout_attempts": 1000, "rate_limit_login": 0})
    with TestClient(create_app(relaxed), base_url="http://testserver") as client:
        yield client


def _attempt(client: TestClient, token: str, login: str) -> tuple[int, str, float]:
    started = time.perf_counter()
    response = client.post("/login?lang=en", data={"login": login, "password": "Wrong-Password-1", "csrf_token": token})
    elapsed = time.perf_counter() - started
    return response.status_code, response.text.replace(login, "LOGIN"), elapsed


def test_unknown_known_and_locked_logins_get_the_same_answer(client: TestClient, company_a: Company) -> None:
    token = csrf_of(client.get("/login").text)
    unknown = _attempt(client, token, "nobody@nowhere.example.hk")
    known = _attempt(client, token, company_a.admin_email)
    for _ in range(5):
        locked = _attempt(client, token, company_a.admin_email)
    assert unknown[:2] == known[:2] == locked[:2]
    assert unknown[0] == 401 and "The login or the password is wrong." in unknown[1]


def test_unknown_and_known_logins_take_about_the_same_time(page_client: TestClient, company_a: Company) -> None:
    token = csrf_of(page_client.get("/login").text)
    _attempt(page_client, token, "warm-up@nowhere.example.hk")  # the decoy hash is made once per process
    unknown: list[float] = []
    known: list[float] = []
    for _ in range(ROUNDS):  # interleaved, so a burst of load on the machine hits both alike
        unknown.append(_attempt(page_client, token, "nobody@nowhere.example.hk")[2])
        known.append(_attempt(page_client, token, company_a.admin_email)[2])
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 1 / 3 < ratio < 3, f"unknown {statistics.median(unknown):.3f} s, known {statistics.median(known):.3f} s"
