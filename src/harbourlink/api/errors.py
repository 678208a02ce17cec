"""The one table from error codes to HTTP statuses, and the JSON shape every error takes.

Every error answers ``{"error": code, "detail": message, "data": {...}}``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

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
    400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type", 422: "validation_failed",
    429: "too_many_requests",
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


def headers_for(error: HarbourLinkError) -> dict[str, str] | None:
    """What a client needs besides the body: how to authenticate, or when to try again."""
    if isinstance(error, Unauthenticated):
        return {"WWW-Authenticate": "Bearer"}
    if isinstance(error, RateLimited):
        return {"Retry-After": str(error.data.get("retry_after", 1))}
    return None


async def _domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HarbourLinkError)  # noqa: S101 - registered for this class only
    return JSONResponse(error_body(exc.code, exc.message, exc.data), status_code=status_for(exc),
                        headers=headers_for(exc))


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)  # noqa: S101 - registered for this class only
    errors = [{"location": _location(tuple(e["loc"])), "message": e["msg"]} for e in exc.errors()]
    detail = "; ".join(f"{e['location']}: {e['message']}" for e in errors[:5])
    return JSONResponse(error_body("validation_failed", detail, {"errors": errors}), status_code=422)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)  # noqa: S101 - registered for this class only
    code = CODE_BY_STATUS.get(exc.status_code, "error")
    return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HarbourLinkError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)


ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
RATE_LIMITED_RESPONSE: dict[str, Any] = {
    "description": "too many requests (error `rate_limited`); `data.retry_after` as in the header", "model": None,
    "content": ERROR_CONTENT,
    "headers": {"Retry-After": {"description": "seconds to wait before trying again",
                                "schema": {"type": "integer", "minimum": 1}}},
}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    **{status: {"description": CODE_BY_STATUS[status].replace("_", " "), "model": None, "content": ERROR_CONTENT}
       for status in (401, 403, 404, 409, 422)},
    429: RATE_LIMITED_RESPONSE,
}
