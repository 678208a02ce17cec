"""The composition root: ``create_app(settings)`` builds the whole web application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import Depends, FastAPI
from fastapi.openapi.utils import get_openapi

from harbourlink import __version__, tracking
from harbourlink.api import access as access_api
from harbourlink.api import alerts as alerts_api
from harbourlink.api import dcsa as dcsa_api
from harbourlink.api import elock as elock_api
from harbourlink.api import health, road_migration
from harbourlink.api import identity as identity_api
from harbourlink.api import inbound as inbound_api
from harbourlink.api import ivr as ivr_api
from harbourlink.api import ledger as ledger_api
from harbourlink.api import legs as legs_api
from harbourlink.api import operator as operator_api
from harbourlink.api import receiving as receiving_api
from harbourlink.api import road as road_api
from harbourlink.api import services as services_api
from harbourlink.api import tracking as tracking_api
from harbourlink.api import trucking as trucking_api
from harbourlink.api.context import Runtime
from harbourlink.api.docs import install_docs
from harbourlink.api.errors import install_error_handlers
from harbourlink.api.guards import reject_nul
from harbourlink.api.headers import SecurityHeaders
from harbourlink.api.limits import BodySizeLimit
from harbourlink.api.scopes import document_scopes
from harbourlink.identity import Sealer
from harbourlink.kernel import create_database, plugins, work
from harbourlink.kernel.collector import freeze_start_up
from harbourlink.settings import Settings
from harbourlink.web import mount_web, oidc, plugin_router
from harbourlink.worker import duties, topology

API_DESCRIPTION = """\
HarbourLink is a Port Community System: companies share the live status of the same cargo,
each seeing only what the data's owner allowed.

**Authentication**: `Authorization: Bearer <API key>` for companies' systems (keys are issued
by a company administrator), or the browser session of a logged-in person (state-changing calls
then need the `X-CSRF-Token` header matching the `hl_csrf` cookie).

**Errors** always answer `{"error": code, "detail": message, "data": {...}}`; data another
company does not share with you answers 404, exactly as if it did not exist.
"""


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    document = get_openapi(
        title="HarbourLink API",
        version=__version__,
        openapi_version="3.1.0",
        description=API_DESCRIPTION,
        routes=app.routes,
    )
    components = document.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = {
        "type": "object",
        "required": ["error", "detail", "data"],
        "properties": {
            "error": {"type": "string", "description": "stable error code"},
            "detail": {"type": "string"},
            "data": {"type": "object"},
        },
    }
    components["securitySchemes"] = {
        "apiKey": {"type": "http", "scheme": "bearer", "description": "hlk_… API key of a company"},
        "session": {"type": "apiKey", "in": "cookie", "name": "hl_session"},
    }
    document["security"] = [{"apiKey": []}, {"session": []}]
    document_scopes(document, app.routes)
    dcsa_api.document_dcsa_schemas(document)
    app.openapi_schema = document
    return document


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The embedded installation works its queues and jobs in a thread of this process while it serves;
    at port scale (``run_dispatchers`` off) ``harbourlink worker`` processes do."""
    rt: Runtime = app.state.runtime
    # No more handler threads than the connections the pool keeps. More threads than connections left
    # some waiting for one, past the pool timeout under load (503). Threads up to the overflow made
    # the pool open and close a connection for every request past the kept ones: on PostgreSQL a new
    # server process each time, which cost more CPU than the lookups (11 a second in the load run).
    pool = rt.settings.database_pool()
    anyio.to_thread.current_default_thread_limiter().total_tokens = pool.size
    worker = None
    if rt.settings.run_dispatchers:
        worker = work.Worker(rt.db, jobs=duties.jobs(rt.settings, rt.db, rt.sealer))
    bus = topology.attach(rt.db, rt.settings, worker=worker)
    if worker is not None:
        worker.start()
    if app.state.serving:
        freeze_start_up()
    try:
        yield
    finally:
        if worker is not None:
            worker.stop()
        topology.detach(bus)
        rt.db.engine.dispose()


def create_app(settings: Settings | None = None, *, serving: bool = False) -> FastAPI:
    """Builds the API, the pages and the health endpoints around one database. ``serving``: the app is
    its process's for good (``harbourlink serve``, ``demo``), so what start-up builds is frozen."""
    settings = settings or Settings()
    db = create_database(settings.resolved_database_url(), pool=settings.database_pool())
    app = FastAPI(
        title="HarbourLink API",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan,
        dependencies=[Depends(reject_nul)],
    )
    app.state.runtime = Runtime(settings=settings, db=db, sealer=Sealer(settings.resolved_secret_key()))
    app.state.dcsa_callback_policy = tracking.CallbackPolicy(
        allow_private_networks=settings.dcsa_callback_allow_private_networks
    )
    app.state.webhook_policy = tracking.CallbackPolicy(allow_private_networks=settings.webhook_allow_private_networks)
    app.state.metrics = health.Metrics()
    app.state.serving = serving
    install_error_handlers(app)
    install_docs(app)
    app.include_router(health.router)
    app.include_router(identity_api.router)
    app.include_router(access_api.router)
    app.include_router(inbound_api.router)
    app.include_router(tracking_api.router)
    app.include_router(dcsa_api.router)
    app.include_router(alerts_api.router)
    app.include_router(ledger_api.router)
    app.include_router(operator_api.router)
    app.include_router(elock_api.router)
    app.include_router(trucking_api.router)
    app.include_router(trucking_api.osmand_router)
    app.include_router(legs_api.router)

    app.include_router(receiving_api.router)
    ivr_api.install(app, settings)
    app.include_router(road_api.router)
    app.include_router(road_migration.router)
    app.include_router(services_api.router)
    for plugin in plugins.installed().values():
        if plugin.api:
            app.include_router(plugin_router(plugin.api))
    app.include_router(oidc.router)
    mount_web(app, settings)
    app.add_middleware(health.MetricsMiddleware, metrics=app.state.metrics)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(SecurityHeaders, trusted_proxies=settings.trusted_proxies)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def serving_app() -> FastAPI:
    """The app of one of several ``harbourlink serve`` processes, built from the environment."""
    return create_app(Settings(), serving=True)
