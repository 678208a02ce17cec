"""The operator's view of the platform's health: inbound backlog and failures, dead letters (with replay),
queues and workers, the ledger's lag and its witnesses. The figures are ``GET /api/v1/operator/health``'s."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from babel.numbers import format_decimal
from fastapi import APIRouter
from fastapi.responses import Response

from harbourlink import operations
from harbourlink.api.ledger import for_app
from harbourlink.api.operator import silent_after
from harbourlink.kernel import HarbourLinkError, utcnow
from harbourlink.web import health_charts
from harbourlink.web.alert_figures import duration
from harbourlink.web.alert_settings import CHANNELS
from harbourlink.web.forms import CSRF_CHECKED, attempt
from harbourlink.web.labels import N_
from harbourlink.web.messages import megabytes
from harbourlink.web.pages import MemberPage, OperatorDep

router = APIRouter(include_in_schema=False)

QUEUES = {
    "inbound.process": N_("Reading messages"),
    "stored.alerts": N_("Alert rules on new events"),
    "stored.ledger": N_("Ledger entries for new events"),
    "stored.dcsa-callbacks": N_("DCSA subscriptions: events to send"),
    "outbox.alerts": N_("Alert messages to send"),
    "outbox.dcsa-callbacks": N_("DCSA callbacks to send"),
    "positions.road-reminders": N_("Truck positions: reminders to bind road cargo"),
    "elock.watch": N_("E-lock checks: silence, lateness, evidence"),
}
"""Names of the platform's own queues; a plug-in's queue is shown by its code."""
QUEUE_PARTS = (
    ("waiting", N_("waiting")),
    ("leased", N_("being worked")),
    ("retrying", N_("to retry")),
    ("dead", N_("dead")),
)
BACKLOG_STATUSES = {
    "received": N_("Waiting to be read"),
    "queued": N_("Waiting for a worker"),
    "processing": N_("Being read"),
}
HOUR_TRAFFIC = N_("%(hour)s: %(received)s received, %(failed)s failed")
HOUR_LOGGED = N_("%(hour)s: %(logged)s entries logged")
UNDER_A_MINUTE = N_("under a minute")
DAY_AGO, NOW = N_("24 hours ago"), N_("now")


class Words:
    """Figures in the page's language: ages, hours, queue names."""

    def __init__(self, page: MemberPage, now: datetime):
        self.page, self.now = page, now

    def age(self, since: datetime | None) -> str:
        """How long ago ``since`` was: '3 h 20 min', or 'under a minute'."""
        if since is None:
            return ""
        seconds = (self.now - since).total_seconds()
        return self.page.t(UNDER_A_MINUTE) if seconds < 60 else duration(self.page.catalogue, seconds / 60)

    def hour(self, moment: datetime) -> str:
        return self.page.catalogue.format_datetime(moment, "HH:mm")

    def number(self, value: int) -> str:
        return format_decimal(value, locale=self.page.catalogue.language.locale)

    def size(self, size: int) -> str:
        return megabytes(size)

    def backlog_status(self, status: str) -> str:
        return self.page.t(BACKLOG_STATUSES[status]) if status in BACKLOG_STATUSES else status

    def queue(self, code: str) -> str:
        return self.page.t(QUEUES[code]) if code in QUEUES else code

    def channel(self, code: str | None) -> str:
        return self.page.t(CHANNELS[code]) if code in CHANNELS else code or ""


def _charts(health: operations.PlatformHealth, words: Words) -> dict[str, Any]:
    t = words.page.t
    traffic, growth = health.traffic, health.growth
    worst = max((failures.failed for failures in health.failures), default=0)
    ends = (t(DAY_AGO), t(NOW))
    return {
        "traffic": health_charts.hourly(
            traffic.starts,
            [("received", traffic.received), ("failed", traffic.failed)],
            ends,
            lambda hour, figures: t(HOUR_TRAFFIC, hour=words.hour(hour), received=figures[0], failed=figures[1]),
        ),
        "growth": health_charts.hourly(
            growth.starts,
            [("logged", growth.logged)],
            ends,
            lambda hour, figures: t(HOUR_LOGGED, hour=words.hour(hour), logged=figures[0]),
        ),
        "queues": {
            queue.queue: health_charts.split([(part, getattr(queue, part)) for part, _ in QUEUE_PARTS])
            for queue in health.figures.queues
        },
        "progress": {
            message.id: health_charts.split([("done", message.items_done)], message.items_total or 0)
            for message in health.in_progress
        },
        "failures": {
            failures.org_id: health_charts.split([("failed", failures.failed)], worst) for failures in health.failures
        },
    }


def _view(page: MemberPage, *, error: HarbourLinkError | None = None) -> Response:
    now = utcnow()
    health = operations.platform_health(
        page.session, page.viewer.actor, for_app(page.request.app), now=now, silent_after=silent_after(page.request)
    )
    words = Words(page, now)
    context: dict[str, Any] = {
        "health": health,
        "figures": health.figures,
        "charts": _charts(health, words),
        "words": words,
        "queue_parts": QUEUE_PARTS,
        "backlog_statuses": BACKLOG_STATUSES.items(),
        "here": "/operator/health",
    }
    if error is not None:
        return page.render_error("operator/health.html", error, **context)
    return page.render("operator/health.html", **context)


@router.get("/operator/health")
def health(page: OperatorDep) -> Response:
    """The platform's health, as of now."""
    return _view(page)


@router.post("/operator/health/dead-letters/{letter_id}/replay", dependencies=[CSRF_CHECKED])
def replay(letter_id: str, page: OperatorDep) -> Response:
    """Puts a dead letter back in its queue."""
    error = attempt(page, lambda: operations.replay_dead_letter(page.session, page.viewer.actor, letter_id=letter_id))
    return _view(page, error=error) if error else page.redirect("/operator/health?done=dead_letter_replayed")
