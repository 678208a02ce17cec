"""Reading JSON feeds: the document, then its fields, with errors that carry the JSON path of the bad field."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from harbourlink.integrations.json_input import load_json, syntax_problem
from harbourlink.integrations.parsing import BYTE, IS_REQUIRED, LINE_COLUMN, NOT_JSON, ItemError, Parsed
from harbourlink.kernel.phrases import N_, Phrase, Wording

NOT_OF_TYPE = Phrase("must_be_string_not", N_("must be a string, not %(type)s"))
NOT_UNICODE = Phrase("document_not_unicode", N_("the document is not UTF-8, UTF-16 or UTF-32 text"))


class FieldError(Exception):
    """A field of a JSON item is wrong; ``path`` says which (``$.releases[2].status``)."""

    def __init__(self, path: str, problem: Wording):
        super().__init__(str(problem))
        self.path = path
        self.problem = problem


def text_field(item: dict[str, Any], key: str, path: str, *, required: bool) -> str | None:
    """A string field; empty counts as absent, which is an error when the field is required."""
    value = item.get(key)
    if value is None or value == "":
        if required:
            raise FieldError(f"{path}.{key}", IS_REQUIRED())
        return None
    if not isinstance(value, str):
        raise FieldError(f"{path}.{key}", NOT_OF_TYPE(type=type(value).__name__))
    return value


NO_DOCUMENT = object()
"""What ``load_document`` gives when the body is not JSON text (the error is then in ``parsed``)."""


def load_document(raw: bytes, parsed: Parsed, *, decode: Callable[[bytes], str], not_text: Phrase) -> Any:
    """The JSON document in ``raw`` (see ``json_input.load_json``); when it is not text (``not_text``, at its first
    bad byte) or not JSON (at its line and column), an error in ``parsed`` and ``NO_DOCUMENT``."""
    try:
        return load_json(decode(raw))
    except UnicodeDecodeError as exc:
        parsed.errors.append(ItemError(BYTE(byte=exc.start), not_text()))
    except json.JSONDecodeError as exc:
        parsed.errors.append(
            ItemError(LINE_COLUMN(line=exc.lineno, column=exc.colno), NOT_JSON(reason=syntax_problem(exc)))
        )
    return NO_DOCUMENT
