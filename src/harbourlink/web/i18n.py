"""The pages' languages: zh-HK (the default), en and zh-CN.

A page speaks the language the person chose (``?lang=``, then kept in a cookie); until they
choose, the one their browser asks for first (``Accept-Language``: zh-HK, zh-TW, zh-MO and
zh-Hant read Traditional Chinese, zh-CN, zh-SG, zh-Hans and a bare zh Simplified, any en English);
zh-HK when it asks for none of these.

Templates carry English msgids; Babel catalogues under ``translations/`` are read as ``.po``
and compiled in memory at start, so a deployment needs no ``.mo`` build step. Each language
gets its own Jinja environment with its translations installed, which keeps rendering
thread-safe (sync handlers run in a thread pool) without passing gettext around.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any, cast

from babel.dates import format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from jinja2 import BytecodeCache, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.bccache import Bucket
from starlette.requests import Request

from harbourlink.kernel import clock
from harbourlink.kernel.phrases import N_, Wording
from harbourlink.web.labels import LABELS

BRAND = "HarbourLink"
LANG_COOKIE = "hl_lang"
LANG_PARAM = "lang"
LABEL_COLON = N_("%(label)s: ")
"""A label before its value: Chinese writes a full-width colon and no space."""
PORT_TIME = clock.PORT_TIME
"""Times are shown in Hong Kong time: the port's clock, whoever is looking."""


@dataclass(frozen=True)
class Language:
    code: str
    """As used on URLs, in the cookie and in ``<html lang>``."""
    catalogue: str
    """Folder under ``translations/``."""
    locale: str
    """Babel locale for dates; English follows Hong Kong's day-month order."""
    autonym: str
    """The language's name in itself, for the switcher (never translated)."""


LANGUAGES = (
    Language("zh-HK", "zh_Hant_HK", "zh_Hant_HK", "繁體中文"),
    Language("en", "en", "en_HK", "English"),
    Language("zh-CN", "zh_Hans_CN", "zh_Hans_CN", "简体中文"),
)
BY_CODE = {language.code: language for language in LANGUAGES}


def load_translations(directories: Sequence[Path], catalogue: str) -> Translations:
    """Reads the core's ``messages.po`` and each plug-in's, and compiles them in memory into one."""
    merged = _compile(directories[0], catalogue)
    for directory in directories[1:]:
        if (directory / catalogue / "LC_MESSAGES" / "messages.po").is_file():
            merged.merge(_compile(directory, catalogue))
    return merged


def _compile(directory: Path, catalogue: str) -> Translations:
    po = directory / catalogue / "LC_MESSAGES" / "messages.po"
    return Translations(BytesIO(_compiled(po, catalogue, po.stat().st_mtime_ns)))


@cache
def _compiled(po: Path, catalogue: str, _modified_ns: int) -> bytes:
    """A catalogue compiled once per process and version of its file: compiling the four catalogues
    took a quarter of a second, paid by every app this process makes (the tests make hundreds)."""
    with po.open("rb") as po_file:
        catalog = read_po(po_file, locale=catalogue)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


class _SharedBytecode(BytecodeCache):
    """Compiled templates shared by the environments of one language and set of catalogues in this process.

    Compiling the templates takes about 17 ms each; without this, every app a process made compiled
    each template again (the tests make hundreds). One cache per language, never across languages:
    Jinja evaluates a filter given only constants when it compiles (``"GO"|label("decision")``), so a
    template compiled in English showed "GO" where the Chinese page says "放行". The environments
    sharing a cache are configured alike (``Catalogue``); a template's changed source is compiled
    again (the cache checks its checksum).
    """

    def __init__(self) -> None:
        self._codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._codes.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._codes[bucket.key] = bucket.bytecode_to_string()


_COMPILED_TEMPLATES: dict[tuple[str, tuple[Path, ...]], _SharedBytecode] = {}
"""By language and the folders of the catalogues merged for it."""


class Catalogue:
    """One language: its translations, its Jinja environment and its date format."""

    def __init__(
        self, language: Language, translations: Translations, templates: Sequence[Path], compiled: BytecodeCache
    ):
        """``compiled``: this language's compiled templates, shared only by catalogues of the same translations."""
        self.language = language
        self.translations = translations
        self.env = Environment(
            loader=FileSystemLoader(templates),
            autoescape=select_autoescape(default=True),
            extensions=["jinja2.ext.i18n"],
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            bytecode_cache=compiled,
        )
        # The i18n extension adds this method at run time, so the type checker cannot see it.
        cast(Any, self.env).install_gettext_translations(translations, newstyle=True)
        self.env.filters.update(datetime=self.format_datetime, label=self.label, colon=self.colon)
        self.env.globals.update(language=language, languages=LANGUAGES, brand=BRAND)

    def gettext(self, message: str, **params: object) -> str:
        """The message in this language, with ``%(name)s`` placeholders filled."""
        text = self.translations.gettext(message)
        return text % params if params else text

    def colon(self, label: str) -> str:
        """A label and the colon before its value, as this language writes them ('Last move: ', '最近動態：')."""
        return self.gettext(LABEL_COLON, label=label)

    def say(self, wording: Wording) -> str:
        """A wording (a parse error, a place in a file …) in this language, its parameters said in it too."""
        return wording.say(self.translations.gettext)

    def format_datetime(self, moment: datetime | None, style: str = "medium") -> str:
        """A time in Hong Kong, written the way this language writes it."""
        if moment is None:
            return ""
        return format_datetime(moment, format=style, tzinfo=PORT_TIME, locale=self.language.locale)

    def label(self, value: str | None, family: str) -> str:
        """The translated name of an enumerated value (company type, role, event …)."""
        if value is None:
            return ""
        message = LABELS[family].get(value)
        return self.translations.gettext(message) if message else value

    def render(self, template: str, context: dict[str, Any]) -> str:
        """Renders a template in this language."""
        return self.env.get_template(template).render(context)


class Catalogues:
    """Every language, loaded once at start."""

    def __init__(self, translations_dirs: Sequence[Path], templates: Sequence[Path], default_code: str):
        self.by_code = {
            language.code: Catalogue(
                language,
                load_translations(translations_dirs, language.catalogue),
                templates,
                _COMPILED_TEMPLATES.setdefault((language.code, tuple(translations_dirs)), _SharedBytecode()),
            )
            for language in LANGUAGES
        }
        self.default = self.by_code.get(default_code, self.by_code[LANGUAGES[0].code])

    def choose(self, request: Request) -> tuple[Catalogue, bool]:
        """``?lang=``, else the cookie, else the browser's ``Accept-Language``, else the default; and whether
        ``?lang=`` chose it. A person's own choice always wins over what their browser asks for."""
        asked = self.by_code.get(request.query_params.get(LANG_PARAM, ""))
        if asked is not None:
            return asked, True
        kept = self.by_code.get(request.cookies.get(LANG_COOKIE, ""))
        if kept is not None:
            return kept, False
        wanted = browser_language(request.headers.get("accept-language", ""))
        return self.by_code.get(wanted or "", self.default), False


def _language_of(tag: str) -> str | None:
    """The page language a language tag reads best in (``zh-Hant-TW`` → zh-HK), or None."""
    parts = tag.lower().replace("_", "-").split("-")
    if parts[0] == "en":
        return "en"
    if parts[0] != "zh":
        return None
    if "hans" not in parts and {"hant", "hk", "tw", "mo"} & set(parts[1:]):
        return "zh-HK"
    return "zh-CN"


def browser_language(header: str) -> str | None:
    """The first page language an ``Accept-Language`` header asks for, by its weights; None for none."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")):
        tag, _, params = item.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        language = _language_of(tag.strip()) if tag.strip() and tag.strip() != "*" else None
        if language is not None and weight > 0:
            ranked.append((-weight, position, language))
    return min(ranked)[2] if ranked else None
