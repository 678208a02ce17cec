"""Reading fields of JSON feeds, with errors that carry the JSON path of the bad field."""

from __future__ import annotations

from typing import Any


class FieldError(Exception):
    """A field of a JSON item is wrong; ``path`` says which (``$.releases[2].status``)."""

    def __init__(self, path: str, message: str):
        super().__init__(message)
        self.path = path
        self.message = message


def text_field(item: dict[str, Any], key: str, path: str, *, required: bool) -> str | None:
    """A string field; empty counts as absent, which is an error when the field is required."""
    value = item.get(key)
    if value is None or value == "":
        if required:
            raise FieldError(f"{path}.{key}", "is required")
        return None
    if not isinstance(value, str):
        raise FieldError(f"{path}.{key}", f"must be a string, not {type(value).__name__}")
    return value
