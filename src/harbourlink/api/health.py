"""Liveness, readiness and Prometheus metrics.

``/metrics`` is not for the internet: it answers a bearer token equal to ``metrics_token``, or a
peer on the loopback interface that no proxy forwarded.
"""

from __future__ import annotations

import hmac
import ipaddress
import time
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from sqlalchemy import text

from harbourlink import schema
from harbourlink.api.context import runtime
from harbourlink.kernel import Forbidden, Unauthenticated

router = APIRouter(tags=["health"])


class Metrics:
    """Request counts and latencies by route template, in a registry of this app's own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("harbourlink_http_requests", "HTTP requests handled",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("harbourlink_http_request_seconds", "Time to answer an HTTP request",
                                 ["method", "route"], registry=self.registry)
        self.device_refusals = Counter("harbourlink_device_reports_refused", "Tracker reports refused, by reason: "
                                       "an unknown or a revoked device id", ["reason"], registry=self.registry)

    async def middleware(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = _route_template(request)
        self.requests.labels(request.method, route, str(response.status_code)).inc()
        self.latency.labels(request.method, route).observe(time.perf_counter() - started)
        return response


def _route_template(request: Request) -> str:
    """The path pattern (``/api/v1/grants/{grant_id}``), so ids do not explode the label set."""
    route = request.scope.get("route")  # set by the router once it matched
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


@router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    _check_may_read_metrics(request)
    registry = request.app.state.metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


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
        raise Unauthenticated("send the metrics token as 'Authorization: Bearer <token>'",
                              code="metrics_token_required")
    raise Forbidden("metrics are served to loopback peers only unless a metrics token is set",
                    code="metrics_loopback_only")


def _local_peer(request: Request) -> bool:
    """The connection comes from this machine and no proxy relayed it from elsewhere."""
    if request.client is None or {"x-forwarded-for", "forwarded"} & set(request.headers.keys()):
        return False
    try:
        return ipaddress.ip_address(request.client.host).is_loopback
    except ValueError:
        return False
