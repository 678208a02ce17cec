"""The API's interactive documentation (Swagger UI), served from this server under a strict CSP.

The page and its assets come from here, not a CDN, so the Content-Security-Policy can allow this
origin alone: its one inline script (Swagger UI's start-up call) is allowed by its hash.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_PATH = "/api/docs"
ASSETS_PATH = "/api/docs/assets"
ASSETS = Path(fastapi_offline.__file__).parent / "static"  # Swagger UI's bundle, as that package ships it
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def _page(app: FastAPI) -> tuple[bytes, str]:
    """The page, and the CSP that lets exactly it run."""
    html = bytes(
        get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_PATH}/favicon.png",
        ).body
    )
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"
        for script in _INLINE_SCRIPT.findall(html.decode())
    )
    policy = (
        f"default-src 'none'; script-src 'self' {hashes}; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return html, policy


def install_docs(app: FastAPI) -> None:
    """``/api/docs`` and its assets (build the app with ``docs_url=None``)."""
    html, policy = _page(app)
    headers = {"Content-Security-Policy": policy, "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"}

    def docs() -> HTMLResponse:
        return HTMLResponse(html, headers=headers)

    app.add_api_route(DOCS_PATH, docs, methods=["GET"], include_in_schema=False)
    app.mount(ASSETS_PATH, StaticFiles(directory=ASSETS), name="api-docs-assets")
