"""The one table from error codes to HTTP statuses, and the JSON shape every error takes.

Every error answers ``{"error": code, "detail": message, "data": {...}}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import iter_route_contexts
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from harbourlink.kernel import (
    Conflict,
    Forbidden,
    HarbourLinkError,
    NotFound,
    RateLimited,
    Unauthenticated,
    ValidationFailed,
)

STATUS_BY_CLASS: tuple[tuple[type[HarbourLinkError], int], ...] = (
    (ValidationFailed, 422),
    (NotFound, 404),
    (Conflict, 409),
    (Forbidden, 403),
    (Unauthenticated, 401),
    (RateLimited, 429),
)

CODE_BY_STATUS = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
    503: "database_busy",
}


def error_body(code: str, detail: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": code, "detail": detail, "data": data or {}}


def status_for(error: HarbourLinkError) -> int:
    for cls, status in STATUS_BY_CLASS:
        if isinstance(error, cls):
            return status
    return 400


def _location(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


ANSWERED = (HarbourLinkError, RequestValidationError, StarletteHTTPException)
"""The exceptions ``error_answer`` turns into an answer."""


def headers_for(error: HarbourLinkError) -> dict[str, str] | None:
    """What a client needs besides the body: how to authenticate, or when to try again."""
    if isinstance(error, Unauthenticated):
        return {"WWW-Authenticate": "Bearer"}
    if isinstance(error, RateLimited):
        return {"Retry-After": str(error.data.get("retry_after", 1))}
    return None


def error_answer(exc: Exception) -> tuple[int, dict[str, Any], Mapping[str, str] | None]:
    """Status, body and headers for one of ``ANSWERED``."""
    if isinstance(exc, HarbourLinkError):
        return status_for(exc), error_body(exc.code, exc.message, exc.data), headers_for(exc)
    if isinstance(exc, RequestValidationError):
        errors = [{"location": _location(tuple(e["loc"])), "message": e["msg"]} for e in exc.errors()]
        detail = "; ".join(f"{e['location']}: {e['message']}" for e in errors[:5])
        return 422, error_body("validation_failed", detail, {"errors": errors}), None
    assert isinstance(exc, StarletteHTTPException)  # noqa: S101 - the last of ANSWERED
    return exc.status_code, error_body(CODE_BY_STATUS.get(exc.status_code, "error"), str(exc.detail)), exc.headers


async def _answer(request: Request, exc: Exception) -> Response:
    status, body, headers = error_answer(exc)
    if status == 405:
        allow = {"Allow": ", ".join(allowed_methods(request))}
        if request.method == "OPTIONS":
            return Response(status_code=204, headers=allow)
        headers = {**(headers or {}), **allow}
    return JSONResponse(body, status_code=status, headers=headers)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route answers at this path (the router names only the first route's)."""
    methods = {"OPTIONS"}
    for route in iter_route_contexts(request.app.routes):
        match, _ = route.matches(request.scope)
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


async def _database_busy(_request: Request, exc: Exception) -> JSONResponse:
    """Every connection of this process's pool stayed busy for the pool timeout: 503, try again shortly."""
    assert isinstance(exc, PoolTimeout)  # noqa: S101 - registered for this class only
    return JSONResponse(
        error_body("database_busy", "the service is busy; try again in a moment"),
        status_code=503,
        headers={"Retry-After": "1"},
    )


async def _connection_lost(_request: Request, exc: Exception) -> JSONResponse:
    """The database connection broke under the request (a restart, a dropped idle connection): 503, try again.

    SQLAlchemy has already discarded that connection and every one opened before it (``kernel.db``)."""
    assert isinstance(exc, DBAPIError)  # noqa: S101 - registered for this class only
    if not exc.connection_invalidated:
        raise exc
    return JSONResponse(
        error_body("database_unavailable", "the connection to the database was lost; try again in a moment"),
        status_code=503,
        headers={"Retry-After": "1"},
    )


def install_error_handlers(app: FastAPI) -> None:
    for kind in ANSWERED:
        app.add_exception_handler(kind, _answer)
    app.add_exception_handler(PoolTimeout, _database_busy)
    app.add_exception_handler(DBAPIError, _connection_lost)


ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
RATE_LIMITED_RESPONSE: dict[str, Any] = {
    "description": "too many requests (error `rate_limited`); `data.retry_after` as in the header",
    "model": None,
    "content": ERROR_CONTENT,
    "headers": {
        "Retry-After": {
            "description": "seconds to wait before trying again",
            "schema": {"type": "integer", "minimum": 1},
        }
    },
}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    **{
        status: {"description": CODE_BY_STATUS[status].replace("_", " "), "model": None, "content": ERROR_CONTENT}
        for status in (400, 401, 403, 404, 409, 413, 422)
    },
    429: RATE_LIMITED_RESPONSE,
}
