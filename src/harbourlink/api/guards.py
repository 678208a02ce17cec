"""Input no handler should see: NUL characters, which PostgreSQL cannot store in text.

One guard for the whole app, run before any handler: a NUL in a path parameter, a query
parameter or a string (or key) of a JSON body answers 422 naming where it is, instead of
failing in the database. Integers bound for the database are declared with ``BIGINT_MAX``.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from harbourlink.kernel import ValidationFailed

BIGINT_MAX = 2**63 - 1
"""The largest integer a 64-bit column holds; declared as ``le=`` where a parameter reaches one."""

NUL = "\x00"
_JSON_NUL = b"\\u0000"  # the only way a NUL can appear in JSON text


async def reject_nul(request: Request) -> None:
    """Refuses a NUL anywhere in the request's parameters or JSON body (422 ``nul_character``)."""
    places = [f"path.{name}" for name, value in request.path_params.items() if NUL in str(value)]
    places += [f"query.{name}" for name, value in request.query_params.multi_items() if NUL in name + value]
    if not places and "json" in request.headers.get("content-type", ""):
        raw = await request.body()
        if _JSON_NUL in raw:
            try:
                places = _nul_paths(json.loads(raw), "body")
            except ValueError:
                places = []  # not JSON at all: the handler answers that
    if places:
        raise ValidationFailed(
            f"{places[0]}: must not contain a NUL character",
            code="nul_character",
            data={
                "field": places[0].split(".", 1)[-1],
                "errors": [{"location": p, "message": "must not contain a NUL character"} for p in places[:20]],
            },
        )


def _nul_paths(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        return [where] if NUL in value else []
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _nul_paths(item, f"{where}.{i}")]
    if isinstance(value, dict):
        found: list[str] = []
        for key, item in value.items():
            found += [f"{where}.{key!r}"] if NUL in key else _nul_paths(item, f"{where}.{key}")
        return found
    return []
