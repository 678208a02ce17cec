"""Messages as a stable code with parameters, said in English here and in the reader's language on a page.

A ``Phrase`` is a code that never changes once published and its English template, with
``%(name)s`` placeholders; called with the values of its parameters it gives a ``Wording``::

    NOT_A_NUMBER = Phrase("not_a_number", N_("%(value)s is not a number"))
    NOT_A_NUMBER(value="'4,5'")          # str(): "'4,5' is not a number"

The API gives a wording's code, parameters and English (``as_data``); a page says it in its
reader's language through its catalogue, where the English template is the msgid
(``say(translate)``). A parameter may be a wording itself (``the message is refused: <why>``),
and is said in the same language.

``N_`` marks a template for ``pybabel extract`` (``babel.cfg`` names the modules that define
phrases). A phrase that reads the same in every language (a JSON path) is left unmarked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

Param: TypeAlias = "str | int | float | Wording"

MAX_PARAM = 300
"""Parameters quote what was sent, which may be 128 KiB of a cell: longer ones are cut here."""

_PHRASES: dict[str, Phrase] = {}


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Marks ``message`` for extraction without translating it yet."""
    return message


def _same(message: str) -> str:
    return message


def _short(value: Param) -> Param:
    if isinstance(value, str) and len(value) > MAX_PARAM:
        return value[:MAX_PARAM] + "…"
    return value


@dataclass(frozen=True, slots=True)
class Phrase:
    """A message's stable code and its English template."""

    code: str
    english: str

    def __post_init__(self) -> None:
        known = _PHRASES.setdefault(self.code, self)
        if known.english != self.english:
            raise ValueError(f"the phrase code {self.code!r} already says {known.english!r}")

    def __call__(self, **params: Param) -> Wording:
        return Wording(self, {name: _short(value) for name, value in params.items()})


@dataclass(frozen=True, slots=True)
class Wording:
    """A phrase with the values of its parameters (compared by value; not hashable, as its parameters are a mapping)."""

    phrase: Phrase
    params: Mapping[str, Param] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.phrase.code

    def say(self, translate: Callable[[str], str] = _same) -> str:
        """The wording in one language: ``translate`` turns an English template into that language's."""
        template = translate(self.phrase.english)
        if not self.params:
            return template
        return template % {
            name: value.say(translate) if isinstance(value, Wording) else value for name, value in self.params.items()
        }

    def __str__(self) -> str:
        return self.say()

    def as_data(self) -> dict[str, Any]:
        """``{"code": …, "params": {…}}``, a wording parameter in the same shape: JSON for the API and storage."""
        return {
            "code": self.code,
            "params": {
                name: value.as_data() if isinstance(value, Wording) else value for name, value in self.params.items()
            },
        }


PLAIN = Phrase("plain", "%(text)s")
"""Text given no phrase of its own (recorded before messages had codes): said as it is, in English."""


def plain(text: str) -> Wording:
    """Text without a code, kept as it was written."""
    return PLAIN(text=text)


def wording_of(data: object) -> Wording | None:
    """The wording ``as_data`` described; None when it is not one, or names a phrase this version does not know."""
    if not isinstance(data, dict) or not isinstance(data.get("code"), str):
        return None
    phrase = _PHRASES.get(data["code"])
    params = data.get("params") or {}
    if phrase is None or not isinstance(params, dict):
        return None
    values: dict[str, Param] = {}
    for name, value in params.items():
        if isinstance(value, dict):
            inner = wording_of(value)
            if inner is None:
                return None
            values[name] = inner
        elif isinstance(value, str | int | float):
            values[name] = value
        else:
            return None
    return Wording(phrase, values)
