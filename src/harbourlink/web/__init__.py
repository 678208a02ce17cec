"""Server-rendered pages for people: mobile-first, installable, in zh-HK, en and zh-CN.

::

    web/
      i18n.py          languages and Babel catalogues (read from .po at start)
      labels.py        translatable names of codes (company types, roles, errors …)
      pages.py         page dependencies, rendering, security headers
      shell.py         manifest, service worker, offline page
      home.py          each kind of company's jobs first, and My cargo
      auth.py          login, TOTP second factor, logout, password change
      signup.py        applications of companies and truck drivers
      admin_people.py  users and API keys        admin_sharing.py  grants, logs, services
      operator.py      the operator's console: applications, service requests, companies
      operator_health.py  the platform's health: backlog, dead letters and replay, queues, workers, ledger
                       (health_charts: inline SVG bars)
      links.py         linking House B/Ls to Master B/Ls: one pair, a CSV file of pairs, unlinking
      tracking.py      the one search box and the cargo's page (track_page, track_map, track_chart, track_words,
                       track_trucks: the trucks carrying it)
      driver.py        the driver's app: today's jobs, a trip started at pickup, positions shared, ended at receipt
      elock.py         a sealed trip on a phone: custody, lock, segment, last position, lock changes, its alerts
      elock_console.py  customs' console: trips by state on a map (elock_map), the alert queue live, an alert's
                       account of itself, acknowledgement and disposition, replay, inspecting once
      legs.py          legs and pickups: nominating the next party, answering nominations, pickup jobs
      proofs.py        each event's place in the ledger and its proof file; how anyone checks one (public)
      road_import.py   an older road-cargo system's export imported, its reconciliation report
      messages.py      uploading files, their outcome and errors, download, correct and replay
      alerts.py        the alert history (alert_figures: figures in words and units)
      alert_settings.py  subscriptions: types, channels, thresholds, quiet hours, pause
      webhooks.py      webhook endpoints and secrets, the delivery log, dead letters and replay
      forms.py         CSRF-checked forms, fields, changes that may fail
      once.py          secrets shown once, after a redirect
      oidc.py          login through an OpenID Connect provider (its router is mounted by app.py)

After changing a message, from the repository root::

    pybabel extract -F babel.cfg --no-wrap --omit-header -o src/harbourlink/web/translations/messages.pot .
    cd src/harbourlink/web/translations && pybabel update -i messages.pot -d . --no-wrap --no-fuzzy-matching

then translate the new entries in zh_Hant_HK and zh_Hans_CN (``tests/web/test_catalogues.py``
names any that are missing). The ``.po`` files are compiled in memory at start; no ``.mo``.
"""

from __future__ import annotations

from pathlib import Path
from pkgutil import resolve_name

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from harbourlink.kernel import plugins
from harbourlink.settings import Settings
from harbourlink.web import (
    admin_people,
    admin_sharing,
    alert_settings,
    alerts,
    auth,
    driver,
    elock,
    elock_console,
    home,
    legs,
    links,
    messages,
    operator,
    operator_health,
    phone,
    proofs,
    receive,
    road,
    road_import,
    shell,
    signup,
    tracking,
    webhooks,
)
from harbourlink.web.i18n import Catalogues
from harbourlink.web.pages import PageAbort, WebState

HERE = Path(__file__).parent


async def _page_abort(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageAbort)  # noqa: S101 - registered for this class only
    return exc.response


def plugin_router(name: str) -> APIRouter:
    """A plug-in's router, named ``module:attribute``."""
    router = resolve_name(name)
    if not isinstance(router, APIRouter):
        raise TypeError(f"{name} must name a FastAPI APIRouter")
    return router


def mount_web(app: FastAPI, settings: Settings) -> None:
    """Adds the pages and static files to ``app``, the installed plug-ins' pages, templates and translations too."""
    installed = plugins.installed().values()
    app.state.web = WebState(
        catalogues=Catalogues(
            [HERE / "translations", *(plugin.translations for plugin in installed if plugin.translations)],
            [HERE / "templates", *(plugin.templates for plugin in installed if plugin.templates)],
            settings.default_language,
        ),
        settings=settings,
        static_version=shell.static_version(),
        plugin_errors={code: text for plugin in installed for code, text in plugin.errors.items()},
    )
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (
        shell,
        home,
        auth,
        signup,
        admin_people,
        admin_sharing,
        operator,
        operator_health,
        tracking,
        links,
        messages,
        alert_settings,
        webhooks,
        alerts,
        proofs,
        driver,
        legs,
        receive,
        phone,
        elock,
        elock_console,
        road,
        road_import,
    ):
        app.include_router(module.router)
    for plugin in installed:
        if plugin.web:
            app.include_router(plugin_router(plugin.web))
    app.add_exception_handler(PageAbort, _page_abort)
