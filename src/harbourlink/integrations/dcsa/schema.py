"""The DCSA schemas HarbourLink validates against, and errors that name their JSON path.

``schemas/tnt_v2.2.0.json`` is the ``components`` section of DCSA's bundled Track & Trace 2.2.0
OpenAPI file (``shared/standards/dcsa/tnt_v2.2.0.yaml``, Apache-2.0) converted to JSON unchanged;
a test holds the two equal. Its one known defect is relaxed here, when it is loaded: the enum of
``documentReferences[].documentReferenceType`` reads ``"BKG (Booking)"``/``"TRD (Transport
Document)"`` where the standard's examples and every implementation send the codes ``BKG`` and
``TRD``; HarbourLink accepts and sends the codes.

``schemas/tnt_v3.0.0-Beta-1.json`` restates the 3.0 Beta and Reefer Beta event definitions,
whose published files refer to DCSA's online domains instead of carrying them.

Each event is checked by a compiled validator (``jsonschema_rs``: 5–8 µs an event where
``jsonschema`` takes 0.5–1.2 ms, ``bench/bench_dcsa_validation.py``); only an event it refuses
goes through ``jsonschema`` again, to say where it breaks the schema. The compiled validator is
built to be at least as strict as ``jsonschema`` (its patterns get Python's ``\\s``, the formats
are the same functions, the documentReferenceType enum is relaxed in both), so an event it passes
has no ``jsonschema`` error, and one it refuses that ``jsonschema`` passes is taken, as before.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema_rs
from jsonschema import Draft4Validator, Draft202012Validator, FormatChecker  # type: ignore[import-untyped]

from harbourlink.integrations.json_input import json_path
from harbourlink.integrations.parsing import IS_REQUIRED, NOT_ONE_OF
from harbourlink.kernel.phrases import N_, Phrase, Wording

SCHEMAS = Path(__file__).parent / "schemas"
V22_FILE = SCHEMAS / "tnt_v2.2.0.json"
V3_FILE = SCHEMAS / "tnt_v3.0.0-Beta-1.json"
DOCUMENT_REFERENCE_TYPES = ["BKG", "TRD"]

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")

FORMATS = FormatChecker(formats=())


def _is_date_time(value: object) -> bool:
    """RFC 3339, offset required, as DCSA's examples (``2019-11-12T07:41:00+08:30``)."""
    if not isinstance(value, str):
        return True
    if not _RFC3339.match(value):
        return False
    parse_date_time(value)
    return True


def _is_uuid(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return bool(re.fullmatch(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", value))


def _is_base64(value: object) -> bool:
    if not isinstance(value, str):
        return True
    base64.b64decode(value, validate=True)
    return True


def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc)


FORMATS.checks("date-time", raises=ValueError)(_is_date_time)
FORMATS.checks("uuid", raises=ValueError)(_is_uuid)
FORMATS.checks("byte", raises=(ValueError, binascii.Error))(_is_base64)
FORMATS.checks("uri")(_is_uri)


def _never_raises(check: Callable[[object], bool]) -> Callable[[str], bool]:
    def checked(value: str) -> bool:
        try:
            return check(value)
        except (ValueError, binascii.Error):
            return False

    return checked


# The same format checks for the compiled validator (which calls them with strings only).
COMPILED_FORMATS = {
    "date-time": _never_raises(_is_date_time),
    "uuid": _never_raises(_is_uuid),
    "byte": _never_raises(_is_base64),
    "uri": _never_raises(_is_uri),
}

# Python's \s (what str.isspace() takes); the compiled validator's own \s misses \x1c-\x1f and \x85.
PYTHON_SPACE = "\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_SPACE_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\([sS])")


def _python_classes(pattern: str) -> str:
    """A pattern whose \\s and \\S mean what they mean to Python's ``re``."""
    return _SPACE_ESCAPE.sub(lambda m: m[1] + ("[" if m[2] == "s" else "[^") + PYTHON_SPACE + "]", pattern)


def _for_compiled(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {
            key: _python_classes(value) if key == "pattern" and isinstance(value, str) else _for_compiled(value)
            for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [_for_compiled(value) for value in schema]
    return schema


@dataclass(frozen=True)
class EventSchema:
    """One schema, compiled to check an event quickly and interpreted to say where a refused one breaks it."""

    compiled: jsonschema_rs.Validator
    full: Any

    def errors(self, instance: Any, base: str) -> list[tuple[str, Wording]]:
        """Every way ``instance`` breaks the schema, as (JSON path, what is wrong); none for a valid one."""
        if self.compiled.is_valid(instance):
            return []
        return located_errors(self.full, instance, base)


def parse_date_time(value: str) -> datetime:
    """A DCSA date-time as an aware datetime (``Z`` and ``+hh:mm`` offsets)."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no UTC offset")
    return moment


@cache
def v22_components() -> dict[str, Any]:
    """The 2.2 schemas by name, with the documentReferenceType enum relaxed to the codes."""
    bundle: dict[str, Any] = json.loads(V22_FILE.read_text(encoding="utf-8"))
    schemas: dict[str, Any] = copy.deepcopy(bundle["components"]["schemas"])
    reference_type = schemas["documentReferences_inner"]["properties"]["documentReferenceType"]
    reference_type["enum"] = list(DOCUMENT_REFERENCE_TYPES)
    return schemas


@cache
def v22_validator(name: str) -> Any:
    """A validator for one 2.2 component schema (``transportEvent``, ``subscriptionBodyWithSecret`` …)."""
    schemas = v22_components()
    if name not in schemas:
        raise KeyError(name)
    root = {"$ref": f"#/components/schemas/{name}", "components": {"schemas": schemas}}
    return Draft4Validator(root, format_checker=FORMATS)


@cache
def v22_schema(name: str) -> EventSchema:
    """One 2.2 component schema, compiled and interpreted (same relaxed documentReferenceType enum)."""
    root = {"$ref": f"#/components/schemas/{name}", "components": {"schemas": v22_components()}}
    compiled = jsonschema_rs.Draft4Validator(_for_compiled(root), formats=COMPILED_FORMATS, validate_formats=True)
    return EventSchema(compiled, v22_validator(name))


@cache
def v3_schema(name: str) -> EventSchema:
    """One 3.0 Beta definition, compiled and interpreted."""
    root = v3_validator(name).schema
    compiled = jsonschema_rs.Draft202012Validator(_for_compiled(root), formats=COMPILED_FORMATS, validate_formats=True)
    return EventSchema(compiled, v3_validator(name))


@cache
def v3_validator(name: str) -> Any:
    """A validator for one definition of the 3.0 Beta schema (``event``, ``transportPayload`` …)."""
    document: dict[str, Any] = json.loads(V3_FILE.read_text(encoding="utf-8"))
    if name not in document["$defs"]:
        raise KeyError(name)
    root = {"$schema": document["$schema"], "$ref": f"#/$defs/{name}", "$defs": document["$defs"]}
    return Draft202012Validator(root, format_checker=FORMATS)


# What a schema rule says when an event breaks it, in jsonschema's own words.
ABSENT_WITH_RETRACTION = Phrase("absent_with_retraction", N_("must be absent when metadata.retractedEventID is given"))
DEPENDENCY = Phrase("schema_dependency", N_("%(field)s is a dependency of %(property)s"))
NOT_FORMAT = Phrase("schema_format", N_("%(value)s is not a valid %(format)s"))
NOT_OF_TYPE = Phrase("schema_type", N_("%(value)s is not of type %(types)s"))
NO_MATCH = Phrase("schema_pattern", N_("%(value)s does not match %(pattern)s"))
EMPTY = Phrase("schema_empty", N_("%(value)s should be non-empty"))
SHORT = Phrase("schema_too_short", N_("%(value)s is too short"))
NOT_EMPTY = Phrase("schema_not_empty", N_("%(value)s is expected to be empty"))
LONG = Phrase("schema_too_long", N_("%(value)s is too long"))
BELOW = Phrase("schema_minimum", N_("%(value)s is less than the minimum of %(limit)s"))
ABOVE = Phrase("schema_maximum", N_("%(value)s is greater than the maximum of %(limit)s"))
NOT_CONST = Phrase("schema_const", N_("%(value)s was expected"))
EXTRA_ONE = Phrase("schema_extra_property", N_("Additional properties are not allowed (%(names)s was unexpected)"))
EXTRA_MANY = Phrase("schema_extra_properties", N_("Additional properties are not allowed (%(names)s were unexpected)"))
NO_ALTERNATIVE = Phrase("schema_no_alternative", N_("%(value)s is not valid under any of the given schemas"))
NOT_UNIQUE = Phrase("schema_not_unique", N_("%(value)s has non-unique elements"))
OTHER_RULE = Phrase("schema_rule", N_("breaks the schema's rule %(rule)s"))
_DEPENDENCY = re.compile(r"^(.*) is a dependency of (.*)$", re.DOTALL)
_EXTRAS = re.compile(r"\((.*) (was|were) unexpected\)$", re.DOTALL)


def _limits(error: Any) -> Wording | None:
    """The words of a length, size or bound rule, as jsonschema words them."""
    value, rule, limit = repr(error.instance), error.validator, error.validator_value
    if rule in ("minLength", "minItems"):
        return EMPTY(value=value) if limit == 1 else SHORT(value=value)
    if rule in ("maxLength", "maxItems"):
        return NOT_EMPTY(value=value) if limit == 0 else LONG(value=value)
    if rule == "minimum":
        return BELOW(value=value, limit=repr(limit))
    if rule == "maximum":
        return ABOVE(value=value, limit=repr(limit))
    return None


_RULES: dict[str, Callable[[Any, str], Wording]] = {
    "enum": lambda error, value: NOT_ONE_OF(value=value, choices=repr(error.validator_value)),
    "type": lambda error, value: NOT_OF_TYPE(
        value=value,
        types=", ".join(
            repr(kind)
            for kind in (error.validator_value if isinstance(error.validator_value, list) else [error.validator_value])
        ),
    ),
    "pattern": lambda error, value: NO_MATCH(value=value, pattern=repr(error.validator_value)),
    "format": lambda error, value: NOT_FORMAT(value=value, format=error.validator_value),
    "const": lambda error, _value: NOT_CONST(value=repr(error.validator_value)),
    "oneOf": lambda _error, value: NO_ALTERNATIVE(value=value),
    "anyOf": lambda _error, value: NO_ALTERNATIVE(value=value),
    "uniqueItems": lambda _error, value: NOT_UNIQUE(value=value),
}


def _words(error: Any) -> Wording:
    """What a jsonschema error says, as a wording in jsonschema's own English."""
    rule = error.validator
    if rule in _RULES:
        return _RULES[rule](error, repr(error.instance))
    if rule == "dependentRequired" and (found := _DEPENDENCY.match(error.message)):
        return DEPENDENCY(field=found[1], property=found[2])
    if rule == "additionalProperties" and (extras := _EXTRAS.search(error.message)):
        return (EXTRA_ONE if extras[2] == "was" else EXTRA_MANY)(names=extras[1])
    return _limits(error) or OTHER_RULE(rule=str(rule))


def _message(error: Any) -> tuple[list[str | int], Wording]:
    parts: list[str | int] = list(error.absolute_path)
    if error.validator == "required":
        missing = error.message.split("'")[1] if error.message.count("'") >= 2 else ""
        if missing:
            return [*parts, missing], IS_REQUIRED()
    if error.validator == "not" and error.validator_value == {"required": ["payload"]}:
        return [*parts, "payload"], ABSENT_WITH_RETRACTION()
    return parts, _words(error)


def located_errors(validator: Any, instance: Any, base: str) -> list[tuple[str, Wording]]:
    """Every way ``instance`` breaks the schema, as (JSON path, what is wrong), in document order."""
    found: list[tuple[str, Wording]] = []
    seen: set[tuple[str, str]] = set()
    errors = sorted(validator.iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        if error.validator in ("if", "then", "else", "allOf") and error.context:
            continue
        parts, problem = _message(error)
        where = json_path(base, parts)
        if (where, str(problem)) not in seen:
            seen.add((where, str(problem)))
            found.append((where, problem))
    return found
