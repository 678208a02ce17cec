"""Schemathesis over the whole OpenAPI document, in-process on the test database (SQLite and PostgreSQL,
where NUL characters fail): no input gives a server error or an answer the document does not describe.

Every ``/api`` and ``/v2`` operation gets a few schema-valid and schema-invalid requests from a fixed
seed, sent with an all-scopes API key; each answer must be below 500 and match a documented status,
media type and schema. Random strings seldom hold a NUL and random integers seldom pass 64 bits, so
a second pass puts exactly those into every parameter and JSON body. Failures are collected over
all operations and reported together.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.schemas import OpenApiSchema

from tests.conftest import Company
from tests.integrations.dcsa.support import V22_SAMPLE

SAMPLES = Path(__file__).parent / "samples"

SEED = 20261206
EXAMPLES = 5
"""Per operation and mode: about 60 operations × 2 modes × 5 examples take well under a minute a database."""

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# Operations not fuzzed, each with its reason.
EXEMPT: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/alerts/stream"): "a server-sent event stream never ends; tests/alerts reads it as a client does",
}


def _takes_input(document: dict[str, Any], method: str, path: str) -> bool:
    operation = document["paths"][path][method.lower()]
    return bool(operation.get("parameters") or operation.get("requestBody"))


def _edge_cases(operation: dict[str, Any]) -> list[dict[str, Any]]:
    """A NUL in every path parameter; then, per query parameter, a NUL or an integer past 64 bits."""
    parameters = operation.get("parameters", [])
    plain = {p["name"]: "nothing-here" for p in parameters if p["in"] == "path"}
    cases: list[dict[str, Any]] = [{"path_parameters": dict.fromkeys(plain, "AB\x00CD")}] if plain else []
    for parameter in (p for p in parameters if p["in"] == "query"):
        integer = "integer" in json.dumps(parameter.get("schema", {}))
        cases.append({"path_parameters": plain, "query": {parameter["name"]: 2**64 if integer else "a\x00b"}})
    if "application/json" in operation.get("requestBody", {}).get("content", {}):
        cases.append({"path_parameters": plain, "body": {"reference": "AB\x00CD", "name": "a\x00b"}})
        cases = [{**case, "media_type": "application/json"} for case in cases]
    return cases


def _fuzzed_operations(schema: OpenApiSchema) -> Iterator[APIOperation[Any, Any, Any, Any]]:
    """The API's operations, bar the exempt ones; a part of the document that fails to load fails the test."""
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()
        operation = result.ok()
        if operation.path.startswith(("/api/", "/v2/")) and (operation.method.upper(), operation.path) not in EXEMPT:
            yield operation


def _check(case: schemathesis.Case[Any], auth: dict[str, str], failures: list[str], label: str) -> None:
    """Sends the case and notes what failed: a check, or an exception the app let out (a 500)."""
    try:
        case.call_and_validate(headers=auth, checks=CHECKS)
    except (AssertionError, BaseExceptionGroup) as failure:
        failures.append(f"{label}: {failure}")
    except Exception as crash:
        failures.append(f"{label}: server error {type(crash).__name__}: {crash}")


def _fuzz(operation: Any, mode: GenerationMode, auth: dict[str, str], failures: list[str]) -> None:
    """Sends ``EXAMPLES`` generated requests; each failed check is noted, none stops the run."""

    @seed(SEED)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def fuzz(case: schemathesis.Case[Any]) -> None:
        _check(case, auth, failures, f"{mode.value} {case.method} {case.path}")

    fuzz()


def _seed_cargo(client: TestClient, company: Company) -> None:
    """Some of the company's events, so that lists and DCSA pages answer with data to check, not only []."""
    for format_name, sample in (("csv", SAMPLES / "csv" / "hkg_import.csv"), ("dcsa-tnt-2.2", V22_SAMPLE)):
        sent = client.post(
            "/api/v1/messages", params={"format": format_name}, headers=company.auth, content=sample.read_bytes()
        )
        assert sent.status_code == 201 and sent.json()["accepted"], sent.text


def test_no_input_gives_a_server_error_or_an_undocumented_answer(client: TestClient, company_a: Company) -> None:
    _seed_cargo(client, company_a)
    assert client.get("/v2/events", headers=company_a.auth).json(), "the DCSA page should carry events"
    document = client.get("/openapi.json").json()
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    failures: list[str] = []
    fuzzed = 0
    for operation in _fuzzed_operations(schema):
        method = operation.method.upper()
        _fuzz(operation, GenerationMode.POSITIVE, company_a.auth, failures)
        if _takes_input(document, method, operation.path):
            _fuzz(operation, GenerationMode.NEGATIVE, company_a.auth, failures)
        fuzzed += 1
    assert fuzzed >= 55
    server_errors = sum("server error" in failure.lower() for failure in failures)
    assert not failures, (
        f"{len(failures)} failures, {server_errors} with a server error; the first ones:\n\n"
        + "\n\n".join(failures[:5])
    )


def test_nul_characters_and_huge_integers_in_every_parameter(client: TestClient, company_a: Company) -> None:
    document = client.get("/openapi.json").json()
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    failures: list[str] = []
    sent = 0
    for operation in _fuzzed_operations(schema):
        method = operation.method.upper()
        for edge in _edge_cases(document["paths"][operation.path][method.lower()]):
            _check(operation.Case(**edge), company_a.auth, failures, f"{method} {operation.path} {edge}")
            sent += 1
    assert sent >= 80
    server_errors = sum("server error" in failure.lower() for failure in failures)
    assert not failures, (
        f"{len(failures)} failures, {server_errors} with a server error; the first ones:\n\n"
        + "\n\n".join(failures[:5])
    )
