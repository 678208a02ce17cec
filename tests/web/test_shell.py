"""The installable shell: manifest, icons, service worker, offline page; nothing from elsewhere."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "harbourlink" / "web" / "templates"


def test_the_manifest_makes_the_app_installable(client: TestClient) -> None:
    manifest = client.get("/manifest.webmanifest")
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    body = manifest.json()
    assert body["start_url"] == "/"
    assert body["display"] == "standalone"
    assert body["lang"] == "zh-HK"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in body["icons"]}
    for icon in body["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_the_service_worker_is_served_at_the_root(client: TestClient) -> None:
    script = client.get("/sw.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert "__VERSION__" not in script.text
    assert '"/offline"' in script.text
    for asset in re.findall(r'"(/static/[^"]+)"', script.text):
        assert client.get(asset).status_code == 200, asset


def test_the_home_page_sends_strangers_to_the_login(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"


def test_pages_are_phone_sized_and_load_nothing_from_elsewhere(client: TestClient) -> None:
    page = client.get("/login").text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    for template in (path for path in TEMPLATES.rglob("*") if path.is_file()):
        assert not re.search(r'(?:src|href)="(?:https?:)?//', template.read_text()), template
