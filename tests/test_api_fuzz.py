"""Schemathesis over the whole OpenAPI document, in-process on the test database (SQLite and PostgreSQL,
where NUL characters fail): no input gives a server error or an answer the document does not describe.

Every ``/api`` and ``/v2`` operation gets a few schema-valid and schema-invalid requests from a fixed
seed, sent with an all-scopes API key; each answer must be below 500 and match a documented status,
media type and schema. Failures are collected over all operations and reported together.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import Company

SEED = 20261206
EXAMPLES = 6
"""Per operation and mode: about 60 operations × 2 modes × 6 examples take well under a minute a database."""

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# Operations not fuzzed, each with its reason.
EXEMPT: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/alerts/stream"): "a server-sent event stream never ends; tests/alerts reads it as a client does",
}


def _takes_input(document: dict[str, Any], method: str, path: str) -> bool:
    operation = document["paths"][path][method.lower()]
    return bool(operation.get("parameters") or operation.get("requestBody"))


def _fuzz(operation: Any, mode: GenerationMode, auth: dict[str, str], failures: list[str]) -> None:
    """Sends ``EXAMPLES`` generated requests; each failed check is noted, none stops the run."""

    @seed(SEED)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def fuzz(case: schemathesis.Case) -> None:
        try:
            case.call_and_validate(headers=auth, checks=CHECKS)
        except (AssertionError, BaseExceptionGroup) as failure:
            failures.append(f"{mode.value} {case.method} {case.path}: {failure}")

    fuzz()


def test_no_input_gives_a_server_error_or_an_undocumented_answer(client: TestClient, company_a: Company) -> None:
    document = client.get("/openapi.json").json()
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    failures: list[str] = []
    fuzzed = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        method = operation.method.upper()
        if not operation.path.startswith(("/api/", "/v2/")) or (method, operation.path) in EXEMPT:
            continue
        _fuzz(operation, GenerationMode.POSITIVE, company_a.auth, failures)
        if _takes_input(document, method, operation.path):
            _fuzz(operation, GenerationMode.NEGATIVE, company_a.auth, failures)
        fuzzed += 1
    assert fuzzed >= 55
    server_errors = sum("Server error" in failure for failure in failures)
    assert not failures, (f"{len(failures)} failures, {server_errors} with a server error; the first ones:\n\n"
                          + "\n\n".join(failures[:5]))
