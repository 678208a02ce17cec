"""The compiled DCSA check answers exactly as ``jsonschema`` does: the same events pass, the same errors."""

from __future__ import annotations

import copy
import re
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harbourlink.integrations.dcsa.schema import (
    PYTHON_SPACE,
    EventSchema,
    located_errors,
    v3_schema,
    v22_schema,
)
from harbourlink.integrations.dcsa.v3 import PAYLOAD_SCHEMAS
from harbourlink.integrations.dcsa.v22 import V22_SCHEMAS
from tests.integrations.dcsa.support import V3_SAMPLE, V22_SAMPLE, sample

DELETE = object()
# Values that sit on the edges where two validators could disagree: Python's \s and $, integers
# written as floats, booleans as numbers, the relaxed documentReferenceType enum.
ODD_VALUES: tuple[object, ...] = (
    DELETE,
    "",
    "A\x1c",
    "A\x85",
    "ABC\n",
    " A",
    1.0,
    True,
    None,
    [],
    {},
    "BKG (Booking)",
    "x" * 200,
)


def _leaves(document: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(document, dict):
        for key, value in document.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from _leaves(value, (*path, index))
    yield path


def _mutated(event: Any, path: tuple[Any, ...], value: object) -> Any:
    changed = copy.deepcopy(event)
    if not path:
        return changed
    holder = changed
    for part in path[:-1]:
        holder = holder[part]
    if value is DELETE:
        del holder[path[-1]]
    else:
        holder[path[-1]] = value
    return changed


def _assert_same(schema: EventSchema, event: Any) -> None:
    assert schema.errors(event, "$") == located_errors(schema.full, event, "$")


def test_python_space_is_what_re_takes_for_whitespace() -> None:
    spaces = "".join(chr(c) for c in range(sys.maxunicode + 1) if re.match(r"\s", chr(c)))
    assert re.fullmatch(f"[{PYTHON_SPACE}]+", spaces)
    assert len(spaces) == len(re.findall(f"[{PYTHON_SPACE}]", "".join(map(chr, range(sys.maxunicode + 1)))))


@pytest.mark.parametrize("version", ["2.2", "3.0"])
def test_every_field_changed_gives_the_same_errors(version: str) -> None:
    if version == "2.2":
        events = {event["eventType"]: event for event in sample(V22_SAMPLE)}
        schemas = {kind: v22_schema(name) for kind, name in V22_SCHEMAS.items()}
        pairs = [(schemas[kind], event) for kind, event in events.items()]
    else:
        events = {event["metadata"]["eventType"]: event for event in sample(V3_SAMPLE) if "payload" in event}
        pairs = [(v3_schema(PAYLOAD_SCHEMAS[kind]), event["payload"]) for kind, event in events.items()]
        pairs += [(v3_schema("event"), event) for event in sample(V3_SAMPLE)]
    checked = 0
    for schema, event in pairs:
        for path in _leaves(event):
            for value in ODD_VALUES:
                _assert_same(schema, _mutated(event, path, value))
                checked += 1
    assert checked > 500


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([("vessel", "name"), ("vessel", "vesselIMONumber"), ("location", "UNLocationCode")]),
    st.text(alphabet=st.sampled_from("AZ09 \t\n\x0b\x1c\x1f\x85\xa0\u2028\u3000é٣-"), max_size=8),
)
def test_patterns_agree_on_any_text(field: tuple[str, str], text: str) -> None:
    payload = copy.deepcopy(sample(V3_SAMPLE)[0]["payload"])
    holder, key = field  # patterns ^\S+(\s+\S+)*$, ^\d{7}$, ^[A-Z]{2}[A-Z2-9]{3}$
    payload["transportCall"][holder][key] = text
    _assert_same(v3_schema("transportPayload"), payload)


def test_the_relaxed_document_reference_enum_is_compiled_too() -> None:
    event = copy.deepcopy(sample(V22_SAMPLE)[0])
    schema = v22_schema("transportEvent")
    assert schema.compiled.is_valid(event)
    event["documentReferences"][0]["documentReferenceType"] = "BKG (Booking)"
    assert not schema.compiled.is_valid(event)
    assert [(where, str(problem)) for where, problem in schema.errors(event, "$")] == [
        ("$.documentReferences[0].documentReferenceType", "'BKG (Booking)' is not one of ['BKG', 'TRD']")
    ]
