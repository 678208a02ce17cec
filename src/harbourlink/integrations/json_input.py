"""Reading a JSON message so that one hostile item cannot take the others down with it.

``json.loads`` fails on the whole document for things that sit inside one item: nesting deeper
than Python's recursion limit, an integer longer than Python converts (4,300 digits), and it
accepts ``NaN``/``Infinity``, which no database stores as JSON. ``load_json`` reads such a
document anyway, leaving an ``Unreadable`` value where the bad part was (a subtree nested deeper
than ``MAX_DEPTH`` becomes one too); ``unreadable_part`` then finds, per item, the first such
place and its JSON path, so the adapter rejects that item and keeps the others. A document that
is not JSON at all still raises ``json.JSONDecodeError``, at its position in the original text.
"""

from __future__ import annotations

import json
import math
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from harbourlink.kernel.phrases import N_, Phrase, Wording

MAX_DEPTH = 64
"""Containers nested deeper than this (counted from the document's top) are refused; real feeds need under 10."""

MAX_DIGITS = 1000
MAX_PATH = 200

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_BRACKETS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)


SURROGATE = Phrase(
    "json_lone_surrogate", N_("holds a lone UTF-16 surrogate (\\ud800-\\udfff), which is not a character")
)
LONG_INTEGER = Phrase("json_long_integer", N_("a number of %(digits)s digits is too long"))
LONG_NUMBER = Phrase("json_long_number", N_("a number of %(length)s characters is too long"))
OUT_OF_RANGE = Phrase("json_out_of_range", N_("%(value)s is out of range"))
NOT_A_JSON_NUMBER = Phrase("json_not_a_number", N_("%(name)s is not a JSON number"))
TOO_DEEP = Phrase("json_too_deep", N_("nested deeper than %(depth)s levels"))
# Python's JSON decoder says what broke in these words; each has a phrase so a page can say it.
SYNTAX = {
    "Expecting value": Phrase("json_expecting_value", N_("Expecting value")),
    "Expecting property name enclosed in double quotes": Phrase(
        "json_expecting_name", N_("Expecting property name enclosed in double quotes")
    ),
    "Expecting ':' delimiter": Phrase("json_expecting_colon", N_("Expecting ':' delimiter")),
    "Expecting ',' delimiter": Phrase("json_expecting_comma", N_("Expecting ',' delimiter")),
    "Unterminated string starting at": Phrase("json_unterminated_string", N_("Unterminated string starting at")),
    "Invalid control character at": Phrase("json_control_character", N_("Invalid control character at")),
    "Invalid \\escape": Phrase("json_invalid_escape", N_("Invalid \\escape")),
    "Invalid \\uXXXX escape": Phrase("json_invalid_unicode_escape", N_("Invalid \\uXXXX escape")),
    "Extra data": Phrase("json_extra_data", N_("Extra data")),
}
BROKEN_SYNTAX = Phrase("json_broken", N_("the JSON syntax is broken here"))


def syntax_problem(error: json.JSONDecodeError) -> Wording:
    """What Python's decoder found wrong, as a wording (its place is the error's line and column)."""
    return SYNTAX.get(error.msg, BROKEN_SYNTAX)()


@dataclass(frozen=True, slots=True)
class Unreadable:
    """What stands in a document where a value could not be read; ``reason`` says why."""

    reason: Wording


LONE_SURROGATE = Unreadable(SURROGATE())


def _number(text: str) -> int | Unreadable:
    digits = len(text) - text.startswith("-")
    if digits > MAX_DIGITS:
        return Unreadable(LONG_INTEGER(digits=digits))
    return int(text)


def _float(text: str) -> float | Unreadable:
    if len(text) > MAX_DIGITS:
        return Unreadable(LONG_NUMBER(length=len(text)))
    value = float(text)
    return value if math.isfinite(value) else Unreadable(OUT_OF_RANGE(value=text))


def _constant(name: str) -> Unreadable:
    return Unreadable(NOT_A_JSON_NUMBER(name=name))


def load_json(text: str) -> Any:
    """The document, with ``Unreadable`` values where parts of it cannot be read (see the module note)."""
    try:
        document = json.loads(text, parse_int=_number, parse_float=_float, parse_constant=_constant)
    except RecursionError:
        document = _load_flattened(text)
    # An escaped surrogate ("\ud800") alone is no character: UTF-8 and PostgreSQL refuse it.
    if _SURROGATE.search(text) or _SURROGATE_ESCAPE.search(text):
        document = _without_lone_surrogates(document, 0)
    return document


def _without_lone_surrogates(value: Any, level: int) -> Any:
    if isinstance(value, str):
        return LONE_SURROGATE if _SURROGATE.search(value) else value
    if level > MAX_DEPTH:
        return value
    if isinstance(value, dict):
        return {
            key: LONE_SURROGATE if _SURROGATE.search(key) else _without_lone_surrogates(child, level + 1)
            for key, child in value.items()
        }
    if isinstance(value, list):
        return [_without_lone_surrogates(child, level + 1) for child in value]
    return value


def _load_flattened(text: str) -> Any:
    """Reads a document nested too deep for ``json.loads``: each container opening below
    ``MAX_DEPTH`` is replaced by a marker object, which the decoder turns into ``Unreadable``."""
    marker = secrets.token_hex(16)
    replacement = '{"' + marker + '": 0}'
    pieces: list[str] = []
    shifts: list[tuple[int, int]] = []  # (position in the new text, characters removed before it)
    kept, removed, depth, start = 0, 0, 0, -1
    for token in _BRACKETS.finditer(text):
        char = token.group()
        if char in "[{":
            depth += 1
            if depth == MAX_DEPTH + 1:
                start = token.start()
        elif char in "]}":
            if depth == MAX_DEPTH + 1 and start >= 0:
                pieces += [text[kept:start], replacement]
                removed += token.end() - start - len(replacement)
                kept, start = token.end(), -1
                shifts.append((token.end() - removed, removed))
            depth = max(depth - 1, 0)
    flattened = "".join([*pieces, text[kept:]])
    too_deep = Unreadable(TOO_DEEP(depth=MAX_DEPTH))

    def hook(pairs: list[tuple[str, Any]]) -> Any:
        return too_deep if len(pairs) == 1 and pairs[0][0] == marker else dict(pairs)

    try:
        return json.loads(
            flattened, parse_int=_number, parse_float=_float, parse_constant=_constant, object_pairs_hook=hook
        )
    except json.JSONDecodeError as exc:
        before = [moved for at, moved in shifts if at <= exc.pos]
        raise json.JSONDecodeError(exc.msg, text, exc.pos + (before[-1] if before else 0)) from None


def unreadable_part(item: Any, path: str, *, depth: int = 0) -> tuple[str, Wording] | None:
    """The JSON path of the first part of ``item`` that cannot be stored, and why; ``depth``: how deep
    ``item`` sits in its document. None when the whole item is fine."""
    if type(item) is Unreadable:
        return path, item.reason
    if type(item) not in (dict, list) or _clean(item, depth):
        return None
    stack: list[tuple[Any, tuple[str | int, ...], int]] = [(item, (), depth)]
    while stack:
        value, parts, level = stack.pop()
        if isinstance(value, Unreadable):
            return json_path(path, parts), value.reason
        if isinstance(value, dict):
            children: Any = value.items()
        elif isinstance(value, list):
            children = enumerate(value)
        else:
            continue
        if level >= MAX_DEPTH:
            return json_path(path, parts), TOO_DEEP(depth=MAX_DEPTH)
        for key, child in reversed(list(children)):
            if isinstance(child, dict | list | Unreadable):
                stack.append((child, (*parts, key), level + 1))
    return None


def _clean(value: Any, level: int) -> bool:
    """Whether a container holds nothing unreadable and nests no deeper than allowed: the quick
    check every item gets (the walk above, which builds paths, runs only when this fails)."""
    if level >= MAX_DEPTH:
        return False
    children: Any = value.values() if type(value) is dict else value
    for child in children:
        kind = type(child)
        if kind is dict or kind is list:
            if not _clean(child, level + 1):
                return False
        elif kind is Unreadable:
            return False
    return True


def json_path(base: str, parts: Iterable[str | int]) -> str:
    """``$[3]`` + (``transportCall``, ``vessel``) → ``$[3].transportCall.vessel``, cut at ``MAX_PATH``."""
    path = base
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif _IDENTIFIER.match(part):
            path += f".{part}"
        else:
            path += "[" + json.dumps(part if len(part) <= 40 else part[:40] + "…", ensure_ascii=False) + "]"
        if len(path) > MAX_PATH:
            return path[:MAX_PATH] + "…"
    return path
