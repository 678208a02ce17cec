"""The one table from error codes to HTTP statuses, and the JSON shape every error takes.

Every error answers ``{"error": code, "detail": message, "data": {...}}``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from harbourlink.kernel import (
    Conflict,
    Forbidden,
    HarbourLinkError,
    NotFound,
    Unauthenticated,
    ValidationFailed,
)

STATUS_BY_CLASS: tuple[tuple[type[HarbourLinkError], int], ...] = (
    (ValidationFailed, 422),
    (NotFound, 404),
    (Conflict, 409),
    (Forbidden, 403),
    (Unauthenticated, 401),
)

CODE_BY_STATUS = {
    400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type", 422: "validation_failed",
    429: "too_many_requests", 503: "database_busy",
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


async def _domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HarbourLinkError)  # noqa: S101 - registered for this class only
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthenticated) else None
    return JSONResponse(error_body(exc.code, exc.message, exc.data), status_code=status_for(exc), headers=headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)  # noqa: S101 - registered for this class only
    errors = [{"location": _location(tuple(e["loc"])), "message": e["msg"]} for e in exc.errors()]
    detail = "; ".join(f"{e['location']}: {e['message']}" for e in errors[:5])
    return JSONResponse(error_body("validation_failed", detail, {"errors": errors}), status_code=422)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)  # noqa: S101 - registered for this class only
    code = CODE_BY_STATUS.get(exc.status_code, "error")
    return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers)


async def _database_busy(_request: Request, exc: Exception) -> JSONResponse:
    """Every connection of this process's pool stayed busy for the pool timeout: 503, try again shortly."""
    assert isinstance(exc, PoolTimeout)  # noqa: S101 - registered for this class only
    return JSONResponse(error_body("database_busy", "the service is busy; try again in a moment"),
                        status_code=503, headers={"Retry-After": "1"})


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HarbourLinkError, _domain_error)
    app.add_exception_handler(PoolTimeout, _database_busy)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"description": CODE_BY_STATUS[status].replace("_", " "), "model": None,
             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    for status in (401, 403, 404, 409, 422)
}
