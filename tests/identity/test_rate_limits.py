"""Rate limits: per client address (shared by every API process) and per API key, answered with 429."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import httpx2
from fastapi.testclient import TestClient

from harbourlink.app import create_app
from harbourlink.settings import Settings
from tests.conftest import Company
from tests.identity.test_registration_api import company_application
from tests.web.conftest import csrf_of, text_of

# A day-long window: the count cannot roll over while a test runs.
DAY = 86_400
BAD_KEY = {"Authorization": "Bearer hlk_0123456789abcdef_not-a-real-secret"}


@contextmanager
def serving(settings: Settings, *, peer: str = "203.0.113.7", **limits: Any) -> Iterator[TestClient]:
    """An API process with these limits; several at once share the database, as ``serve --workers`` does."""
    configured = settings.model_copy(update={"rate_limit_window_seconds": DAY, **limits})
    with TestClient(create_app(configured), base_url="http://testserver", client=(peer, 40000)) as client:
        yield client


def _assert_rate_limited(response: httpx2.Response) -> None:
    assert response.status_code == 429
    assert response.json()["error"] == "rate_limited"
    assert 1 <= int(response.headers["retry-after"]) <= DAY
    assert response.json()["data"]["retry_after"] == int(response.headers["retry-after"])


def test_bad_api_keys_from_one_address_are_limited_but_good_keys_go_on(
    settings: Settings,
    company_a: Company,
) -> None:
    with serving(settings, rate_limit_bad_api_keys=3) as client:
        statuses = [client.get("/api/v1/me", headers=BAD_KEY).status_code for _ in range(3)]
        assert statuses == [401] * 3
        _assert_rate_limited(client.get("/api/v1/me", headers=BAD_KEY))
        assert client.get("/api/v1/me", headers=company_a.auth).status_code == 200
    with serving(settings, peer="203.0.113.8", rate_limit_bad_api_keys=3) as elsewhere:
        assert elsewhere.get("/api/v1/me", headers=BAD_KEY).status_code == 401


def test_the_bad_key_limit_holds_across_processes_and_parallel_requests(
    settings: Settings,
    company_a: Company,
) -> None:
    with serving(settings, rate_limit_bad_api_keys=5) as first, serving(settings, rate_limit_bad_api_keys=5) as second:
        for process in (first, second):  # the route's first call builds its schema, which is not thread-safe
            assert process.get("/api/v1/me", headers=company_a.auth).status_code == 200
        barrier = threading.Barrier(20, timeout=60)

        def attempt(n: int) -> int:
            barrier.wait()
            return (first if n % 2 else second).get("/api/v1/me", headers=BAD_KEY).status_code

        with ThreadPoolExecutor(20) as pool:
            statuses = list(pool.map(attempt, range(20)))
    assert sorted(statuses) == [401] * 5 + [429] * 15


def test_each_api_key_has_a_request_budget(settings: Settings, company_a: Company, company_b: Company) -> None:
    with serving(settings, rate_limit_api_per_key=5) as client:
        assert [client.get("/api/v1/me", headers=company_a.auth).status_code for _ in range(5)] == [200] * 5
        refused = client.get("/api/v1/me", headers=company_a.auth)
        _assert_rate_limited(refused)
        assert int(refused.headers["retry-after"]) > 1  # the budget refills over the window
        assert client.get("/api/v1/me", headers=company_b.auth).status_code == 200


def test_registrations_are_limited_per_address(settings: Settings) -> None:
    with serving(settings, rate_limit_registration=2) as client:
        for n in range(2):
            application = company_application(
                applicant={"display_name": "A", "email": f"a{n}@example.hk", "password": "Harbour-Link-2026"}
            )
            assert client.post("/api/v1/registrations", json=application).status_code == 201
        _assert_rate_limited(client.post("/api/v1/registrations", json=company_application()))
        page = client.get("/signup?lang=en")
        refused = client.post("/signup?lang=en", data={"csrf_token": csrf_of(page.text)})
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        assert "Too many attempts. Please wait a while and try again." in text_of(refused.text)


def test_logins_are_limited_per_address_in_the_page_language(settings: Settings, company_a: Company) -> None:
    with serving(settings, rate_limit_login=3) as client:
        token = csrf_of(client.get("/login").text)
        form = {"login": company_a.admin_email, "password": "Wrong-1", "csrf_token": token}
        assert [client.post("/login", data=form).status_code for _ in range(3)] == [401] * 3
        refused = client.post("/login", data=form)
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        assert "嘗試次數太多，請稍候再試。" in text_of(refused.text)


def test_second_factor_codes_are_limited_per_address(settings: Settings, company_a: Company) -> None:
    with serving(settings, rate_limit_totp=2) as client:
        token = csrf_of(client.get("/login").text)
        client.post(
            "/login", data={"login": company_a.admin_email, "password": "Harbour-Link-2026", "csrf_token": token}
        )
        statuses = [
            client.post("/login/totp/enrol", data={"code": "000000", "csrf_token": token}).status_code for _ in range(3)
        ]
    assert statuses == [401, 401, 429]


def test_a_trusted_proxy_names_the_client_and_no_one_else_can(settings: Settings) -> None:
    with serving(settings, peer="10.0.0.5", trusted_proxies=["10.0.0.0/24"], rate_limit_bad_api_keys=1) as client:
        via = {**BAD_KEY, "X-Forwarded-For": "198.51.100.1, 10.0.0.4"}
        assert client.get("/api/v1/me", headers=via).status_code == 401
        assert client.get("/api/v1/me", headers=via).status_code == 429
        other = {**BAD_KEY, "X-Forwarded-For": "198.51.100.2"}
        assert client.get("/api/v1/me", headers=other).status_code == 401  # another client behind the proxy
    with serving(settings, peer="203.0.113.9", trusted_proxies=["10.0.0.0/24"], rate_limit_bad_api_keys=1) as client:
        assert client.get("/api/v1/me", headers=BAD_KEY).status_code == 401
        spoofed = {**BAD_KEY, "X-Forwarded-For": "198.51.100.3"}
        assert client.get("/api/v1/me", headers=spoofed).status_code == 429  # not a proxy: its header is ignored


def test_openapi_documents_429_with_retry_after(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path, method in [
        ("/api/v1/registrations", "post"),
        ("/api/v1/track/{reference}", "get"),
        ("/v2/events", "get"),
    ]:
        answer = paths[path][method]["responses"]["429"]
        assert "Retry-After" in answer["headers"], path
        schema = answer["content"]["application/json"]["schema"]
        error = {"$ref": "#/components/schemas/Error"}
        assert schema == error or error in schema["allOf"], path  # /v2 adds DCSA's error fields beside ours
