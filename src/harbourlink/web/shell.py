"""The installable shell: web app manifest, service worker and the offline page."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from harbourlink.web.i18n import BRAND
from harbourlink.web.labels import N_
from harbourlink.web.pages import finish, render_page, web_state

router = APIRouter(include_in_schema=False)

STATIC = Path(__file__).parent / "static"
SERVICE_WORKER = Path(__file__).parent / "templates" / "sw.js"
THEME_COLOUR = "#0b4f6c"
BACKGROUND_COLOUR = "#f4f7f9"
DESCRIPTION = N_("Share the live status of your cargo with the companies you choose.")


def static_version(directory: Path = STATIC) -> str:
    """A digest of the static files: new files mean new URLs and a new service-worker cache."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(path.relative_to(directory).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@router.get("/offline")
def offline(request: Request) -> Response:
    """What the service worker shows when the network is gone."""
    catalogue, _ = web_state(request).catalogues.choose(request)
    return render_page(request, catalogue, "offline.html", {})


@router.get("/manifest.webmanifest")
def manifest(request: Request) -> Response:
    """The web app manifest, in the page language, so phones can install the site."""
    catalogue, _ = web_state(request).catalogues.choose(request)
    version = web_state(request).static_version
    icons = [
        {"src": f"/static/icons/icon.svg?v={version}", "sizes": "any", "type": "image/svg+xml"},
        {"src": f"/static/icons/icon-192.png?v={version}", "sizes": "192x192", "type": "image/png"},
        {"src": f"/static/icons/icon-512.png?v={version}", "sizes": "512x512", "type": "image/png"},
        {
            "src": f"/static/icons/icon-maskable-512.png?v={version}",
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    body = {
        "name": BRAND,
        "short_name": BRAND,
        "description": catalogue.gettext(DESCRIPTION),
        "lang": catalogue.language.code,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": BACKGROUND_COLOUR,
        "theme_color": THEME_COLOUR,
        "icons": icons,
    }
    response = Response(json.dumps(body, ensure_ascii=False), media_type="application/manifest+json")
    return finish(request, response, catalogue)


@router.get("/sw.js")
def service_worker(request: Request) -> Response:
    """Served from the root so its scope is the whole site; never cached, so updates arrive."""
    script = SERVICE_WORKER.read_text().replace("__VERSION__", web_state(request).static_version)
    return Response(script, media_type="text/javascript", headers={"Cache-Control": "no-cache"})
