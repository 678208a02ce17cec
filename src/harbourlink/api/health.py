"""Liveness, readiness and Prometheus metrics.

``/metrics`` is not for the internet: it answers a bearer token equal to ``metrics_token``, or a
peer on the loopback interface that no proxy forwarded. Besides requests and latencies it gives
the platform's figures as the operator's health view computes them (``operations.figures``),
read from the database at each scrape: queues, the inbound backlog, the ledger's lag, witnesses
and workers. They name no company.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import time
from collections.abc import Iterator
from datetime import datetime

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from harbourlink import operations, schema
from harbourlink.api.context import runtime
from harbourlink.api.ledger import configured
from harbourlink.api.operator import silent_after
from harbourlink.kernel import Forbidden, Unauthenticated, utcnow

log = logging.getLogger(__name__)

router = APIRouter(tags=["health"])


class Metrics:
    """Request counts and latencies by route template, in a registry of this app's own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "harbourlink_http_requests", "HTTP requests handled", ["method", "route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "harbourlink_http_request_seconds",
            "Time to answer an HTTP request",
            ["method", "route"],
            registry=self.registry,
        )
        self.device_refusals = Counter(
            "harbourlink_device_reports_refused",
            "Tracker reports refused, by reason: an unknown or a revoked device id",
            ["reason"],
            registry=self.registry,
        )


class MetricsMiddleware:
    """ASGI middleware counting each HTTP answer and timing it to its first byte, into ``metrics``.

    Plain ASGI rather than Starlette's ``BaseHTTPMiddleware``, which runs every request in a task
    of its own with streams between the two: a cost each request paid on the event loop.
    """

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                route = _route_template(scope)
                self.metrics.requests.labels(scope["method"], route, str(message["status"])).inc()
                self.metrics.latency.labels(scope["method"], route).observe(time.perf_counter() - started)
            await send(message)

        await self.app(scope, receive, timed_send)


def _route_template(scope: Scope) -> str:
    """The path pattern (``/api/v1/grants/{grant_id}``), so ids do not explode the label set."""
    route = scope.get("route")  # set by the router once it matched
    return str(getattr(route, "path_format", None) or getattr(route, "path", None) or "unmatched")


@router.get("/healthz", summary="The process is alive")
async def healthz() -> dict[str, str]:
    """Answers on the event loop and touches no database: it says the process lives even while every
    worker thread and connection is busy (``/readyz`` asks the database)."""
    return {"status": "ok"}


@router.get("/readyz", summary="The database answers and stands at the newest migration")
def readyz(request: Request) -> JSONResponse:
    rt = runtime(request)
    try:
        with rt.db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        current = schema.is_current(rt.db.engine, rt.settings.resolved_database_url())
    except Exception as exc:
        return JSONResponse({"status": "unavailable", "reason": type(exc).__name__}, status_code=503)
    if not current:
        return JSONResponse({"status": "unavailable", "reason": "migrations pending"}, status_code=503)
    return JSONResponse({"status": "ready"})


class PlatformCollector:
    """The platform's figures of one scrape as Prometheus gauges (None: they could not be read)."""

    def __init__(self, figures: operations.Figures | None) -> None:
        self.figures = figures

    def collect(self) -> Iterator[Metric]:
        ok = GaugeMetricFamily("harbourlink_platform_figures_ok", "1 when the platform's figures were read")
        ok.add_metric([], 0 if self.figures is None else 1)
        yield ok
        if self.figures is not None:
            yield from _queues(self.figures)
            yield from _inbound_and_ledger(self.figures)


def _gauge(name: str, documentation: str, labels: list[str], values: list[tuple[list[str], float]]) -> Metric:
    gauge = GaugeMetricFamily(name, documentation, labels=labels)
    for label_values, value in values:
        gauge.add_metric(label_values, value)
    return gauge


def _age(figures: operations.Figures, since: datetime | None) -> float:
    return 0.0 if since is None else max(0.0, (figures.at - since).total_seconds())


def _queues(f: operations.Figures) -> Iterator[Metric]:
    yield _gauge(
        "harbourlink_queue_items",
        "Work items and outbox rows not done, by queue and state",
        ["queue", "state"],
        [
            ([q.queue, state], count)
            for q in f.queues
            for state, count in (
                ("waiting", q.waiting),
                ("leased", q.leased),
                ("retrying", q.retrying),
                ("dead", q.dead),
            )
        ],
    )
    yield _gauge(
        "harbourlink_queue_oldest_pending_seconds",
        "Age of the oldest pending item (0: none)",
        ["queue"],
        [([q.queue], _age(f, q.oldest_pending_at)) for q in f.queues],
    )
    yield _gauge(
        "harbourlink_workers_alive",
        "Worker loops whose last heartbeat is more recent than a work lease",
        [],
        [([], f.workers_alive)],
    )


def _inbound_and_ledger(f: operations.Figures) -> Iterator[Metric]:
    yield _gauge(
        "harbourlink_inbound_backlog_messages",
        "Messages not read yet, by status",
        ["status"],
        [([status], count) for status, count in f.backlog.by_status.items()],
    )
    yield _gauge(
        "harbourlink_inbound_oldest_waiting_seconds",
        "Age of the oldest message not read yet (0: none)",
        [],
        [([], _age(f, f.backlog.oldest_received_at))],
    )
    lag = f.lag
    yield _gauge("harbourlink_ledger_size_entries", "Entries in the log at its newest checkpoint", [], [([], lag.size)])
    yield _gauge(
        "harbourlink_ledger_waiting",
        "Events without their entry, and entries waiting for the sequencer",
        ["stage"],
        [(["events"], lag.events_waiting), (["entries"], lag.entries_queued)],
    )
    yield _gauge(
        "harbourlink_ledger_oldest_waiting_seconds",
        "Age of the longest wait for the ledger (0: none)",
        [],
        [([], _age(f, lag.oldest_waiting_at))],
    )
    yield _gauge(
        "harbourlink_ledger_witness_behind_entries",
        "Entries since the witness's newest cosignature",
        ["witness"],
        [([w.name], lag.size - (w.cosigned_size or 0)) for w in f.witnesses],
    )


def _figures(request: Request) -> operations.Figures | None:
    try:
        with runtime(request).db.transaction() as session:
            return operations.figures(session, configured(request), now=utcnow(), silent_after=silent_after(request))
    except Exception:  # the request metrics are still worth answering when the database is not
        log.exception("the platform's figures could not be read for /metrics")
        return None


@router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    _check_may_read_metrics(request)
    platform = CollectorRegistry()
    platform.register(PlatformCollector(_figures(request)))
    body = generate_latest(request.app.state.metrics.registry) + generate_latest(platform)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


def _check_may_read_metrics(request: Request) -> None:
    token = runtime(request).settings.metrics_token
    presented = request.headers.get("authorization", "")
    if presented:
        scheme, _, value = presented.partition(" ")
        if token and scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), token.encode()):
            return
        raise Unauthenticated("the metrics token does not match", code="invalid_metrics_token")
    if _local_peer(request):
        return
    if token:
        raise Unauthenticated(
            "send the metrics token as 'Authorization: Bearer <token>'", code="metrics_token_required"
        )
    raise Forbidden(
        "metrics are served to loopback peers only unless a metrics token is set", code="metrics_loopback_only"
    )


def _local_peer(request: Request) -> bool:
    """The connection comes from this machine and no proxy relayed it from elsewhere."""
    if request.client is None or {"x-forwarded-for", "forwarded"} & set(request.headers.keys()):
        return False
    try:
        return ipaddress.ip_address(request.client.host).is_loopback
    except ValueError:
        return False
