"""Security headers: HSTS over HTTPS (directly or from a trusted proxy), API answers neither cached nor
sniffed, a strict CSP on the API docs served from this origin, and /metrics closed to the internet."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from harbourlink.app import create_app
from harbourlink.settings import Settings
from tests.conftest import Company

HSTS = "max-age=31536000; includeSubDomains"
PROXY = ("10.20.0.7", 41000)
LOOPBACK = ("127.0.0.1", 41000)
STRANGER = ("203.0.113.9", 41000)


@pytest.fixture
def proxied(settings: Settings) -> Iterator[TestClient]:
    """The app behind a reverse proxy at 10.20.0.0/24, with a metrics token."""
    configured = settings.model_copy(update={"trusted_proxies": ["10.20.0.0/24"], "metrics_token": "scrape-me-please"})
    with TestClient(create_app(configured), client=PROXY) as test_client:
        yield test_client


def test_hsts_over_https_only(client: TestClient, settings: Settings) -> None:
    assert "strict-transport-security" not in client.get("/healthz").headers
    with TestClient(client.app, base_url="https://testserver") as secure:
        assert secure.get("/healthz").headers["strict-transport-security"] == HSTS
        assert secure.get("/api/v1/me").headers["strict-transport-security"] == HSTS


def test_hsts_behind_a_trusted_proxy_only(proxied: TestClient, settings: Settings) -> None:
    assert proxied.get("/healthz", headers={"X-Forwarded-Proto": "https"}).headers["strict-transport-security"] == HSTS
    assert "strict-transport-security" not in proxied.get("/healthz", headers={"X-Forwarded-Proto": "http"}).headers
    stranger = TestClient(proxied.app, client=STRANGER)
    assert "strict-transport-security" not in stranger.get("/healthz", headers={"X-Forwarded-Proto": "https"}).headers


def test_api_answers_are_not_cached_nor_sniffed(client: TestClient, company_a: Company) -> None:
    sent = client.post(
        "/api/v1/messages",
        params={"format": "csv"},
        headers=company_a.auth,
        content=b"mbl,container,event,location,time\n",
    )
    for response in (
        sent,
        client.get("/api/v1/track/PONU0123456", headers=company_a.auth),
        client.get("/api/v1/messages", headers=company_a.auth),
        client.get("/v2/events", headers=company_a.auth),
        client.get("/api/v1/me"),
    ):
        assert response.headers["cache-control"] == "no-store", response.request.url
        assert response.headers["x-content-type-options"] == "nosniff", response.request.url
    assert client.get("/healthz").headers["x-content-type-options"] == "nosniff"


def test_api_docs_come_from_this_origin_under_a_strict_csp(client: TestClient) -> None:
    page = client.get("/api/docs")
    policy = page.headers["content-security-policy"]
    assert "https:" not in policy and "http:" not in policy and "unsafe" not in policy
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert not re.search(r"(src|href)=\"https?://", page.text), "the docs page loads something from elsewhere"
    [inline] = re.findall(r"<script>(.*?)</script>", page.text, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy
    for asset in re.findall(r"(?:src|href)=\"(/api/docs/assets/[^\"]+)\"", page.text):
        assert client.get(asset).status_code == 200, asset


def test_metrics_are_for_loopback_peers_without_a_token(client: TestClient) -> None:
    refused = client.get("/metrics")  # the test client's peer is no loopback address
    assert refused.status_code == 403 and refused.json()["error"] == "metrics_loopback_only"
    local = TestClient(client.app, client=LOOPBACK)
    assert local.get("/metrics").status_code == 200
    relayed = local.get("/metrics", headers={"X-Forwarded-For": "198.51.100.4"})
    assert relayed.status_code == 403
    assert local.get("/metrics", headers={"Authorization": "Bearer guess"}).status_code == 401


def test_metrics_answer_the_token_from_anywhere(proxied: TestClient) -> None:
    assert proxied.get("/metrics").json()["error"] == "metrics_token_required"
    assert proxied.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    scraped = proxied.get("/metrics", headers={"Authorization": "Bearer scrape-me-please"})
    assert scraped.status_code == 200 and "harbourlink_http_requests" in scraped.text
    assert TestClient(proxied.app, client=LOOPBACK).get("/metrics").status_code == 200
