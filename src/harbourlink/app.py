"""The composition root: ``create_app(settings)`` builds the whole web application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from harbourlink import __version__, alerts, ledger, tracking
from harbourlink.api import access as access_api
from harbourlink.api import alerts as alerts_api
from harbourlink.api import dcsa as dcsa_api
from harbourlink.api import health
from harbourlink.api import identity as identity_api
from harbourlink.api import inbound as inbound_api
from harbourlink.api import ledger as ledger_api
from harbourlink.api import tracking as tracking_api
from harbourlink.api.context import Runtime
from harbourlink.api.errors import install_error_handlers
from harbourlink.api.limits import BodySizeLimit
from harbourlink.identity import Sealer
from harbourlink.kernel import create_database
from harbourlink.settings import Settings
from harbourlink.web import mount_web, oidc

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
    document = get_openapi(title="HarbourLink API", version=__version__, openapi_version="3.1.0",
                           description=API_DESCRIPTION, routes=app.routes)
    components = document.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = {
        "type": "object", "required": ["error", "detail", "data"],
        "properties": {"error": {"type": "string", "description": "stable error code"},
                       "detail": {"type": "string"}, "data": {"type": "object"}},
    }
    components["securitySchemes"] = {
        "apiKey": {"type": "http", "scheme": "bearer", "description": "hlk_… API key of a company"},
        "session": {"type": "apiKey", "in": "cookie", "name": "hl_session"},
    }
    document["security"] = [{"apiKey": []}, {"session": []}]
    app.openapi_schema = document
    return document


def _alert_channels(app: FastAPI) -> alerts.Channels:
    """Where alert messages go, from settings (an empty SMTP host or SMS URL leaves that channel off)."""
    rt: Runtime = app.state.runtime
    s = rt.settings
    smtp = alerts.SmtpConfig(s.smtp_host, s.smtp_port, s.smtp_from, starttls=s.smtp_starttls,
                             username=s.smtp_username, password=s.smtp_password) if s.smtp_host else None
    sms = alerts.SmsConfig(s.sms_provider_url, s.sms_account, s.sms_token, s.sms_sender) if s.sms_provider_url else None
    return alerts.Channels(base_url=s.base_url, sealer=rt.sealer, policy=app.state.webhook_policy, smtp=smtp, sms=sms,
                           max_attempts=s.alert_max_attempts)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Background delivery of DCSA callbacks runs while the app serves."""
    rt: Runtime = app.state.runtime
    dispatcher = None
    alert_dispatcher = alerts.AlertDispatcher(rt.db, _alert_channels(app)) if rt.settings.run_dispatchers else None
    if rt.settings.run_dispatchers:
        dispatcher = tracking.start_dcsa_dispatcher(rt.db, rt.sealer, policy=app.state.dcsa_callback_policy)
    if alert_dispatcher is not None:
        alert_dispatcher.start()
    sequencer = ledger_api.start_sequencer(app) if rt.settings.run_dispatchers else None
    try:
        yield
    finally:
        if dispatcher is not None:
            tracking.stop_dcsa_dispatcher(dispatcher)
        if alert_dispatcher is not None:
            alert_dispatcher.stop()
        if sequencer is not None:
            ledger.stop_sequencer(sequencer)
        rt.db.engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Builds the API, the pages and the health endpoints around one database."""
    settings = settings or Settings()
    db = create_database(settings.resolved_database_url(), pool=settings.database_pool())
    app = FastAPI(title="HarbourLink API", version=__version__, docs_url="/api/docs", redoc_url=None,
                  lifespan=_lifespan)
    app.state.runtime = Runtime(settings=settings, db=db, sealer=Sealer(settings.resolved_secret_key()))
    app.state.dcsa_callback_policy = tracking.CallbackPolicy(
        allow_private_networks=settings.dcsa_callback_allow_private_networks)
    app.state.webhook_policy = tracking.CallbackPolicy(allow_private_networks=settings.webhook_allow_private_networks)
    app.state.metrics = health.Metrics()
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(identity_api.router)
    app.include_router(access_api.router)
    app.include_router(inbound_api.router)
    app.include_router(tracking_api.router)
    app.include_router(dcsa_api.router)
    app.include_router(alerts_api.router)
    app.include_router(ledger_api.router)
    app.include_router(oidc.router)
    mount_web(app, settings)
    app.middleware("http")(app.state.metrics.middleware)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app
