"""Finding English on a Chinese page: text that is a message of the catalogues' source language, or a code.

``Checker`` knows every msgid of ``messages.pot`` that the language's catalogue says otherwise
(or does not say at all), as a pattern with its placeholders open; a page's text node, or an
attribute people read, that matches one whole (and not the translation's pattern) is English the
reader should not see. A node (or a part of it between `` · ``) that is a lower-case code
(``simulator``, ``customs-status-json``) or one of the event and status codes the pages name
(``VOID``) is a code shown where words belong. Text in ``<pre>`` is shown verbatim on purpose
(a command, a program's output) and is not read.

``crawl`` opens every page a logged-in person reaches by following links from where they
start, a few of each kind of page, and collects what the checker finds.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from harbourlink.web.track_words import FAMILIES

TRANSLATIONS = Path(__file__).resolve().parents[2] / "src" / "harbourlink" / "web" / "translations"
CATALOGUES = {"zh-HK": "zh_Hant_HK", "zh-CN": "zh_Hans_CN"}
PLACEHOLDER = re.compile(r"%\(\w+\)s")
LOWER_CODE = re.compile(r"^[a-z]+(?:[-_][a-z0-9.]+)*$")
"""``simulator``, ``customs-status-json``, ``dcsa-tnt-2.2``; not a file name (``gate.csv``) nor a digest."""
# Codes the pages put into words: a bare one among the text is a word left out.
NAMED_CODES = frozenset(
    code.split(":")[-1] for family in ("event", "classifier", "release", "hold") for code in FAMILIES[family]
) - {"AIR"}
VISIBLE_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
HIDDEN = ("script", "style", "template", "pre")
SKIPPED_PATHS = re.compile(
    r"^/(logout|static/|sw\.js|manifest|api/|docs|openapi|metrics|healthz|readyz|login/oidc)"
    r"|/raw$|/proof|\.py$|/item$"
)
KINDS = (
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "{id}"),
    (re.compile(r"^/track/.+"), "/track/{reference}"),
    (re.compile(r"^/vessel/.+"), "/vessel/{imo}"),
    (re.compile(r"/via/.+"), "/via/{reference}"),
)


def _pattern(message: str) -> re.Pattern[str] | None:
    """The message as a whole-text pattern; None when it holds no word of its own to recognise."""
    literal = PLACEHOLDER.split(message)
    if not re.search(r"[A-Za-z]{2,}|[^\x00-\x7f]", "".join(literal)):
        return None
    # Runs of white space become one space but stay: 'position %(age)s' must not match 'positions.road-reminders'.
    return re.compile("^" + ".+?".join(re.escape(re.sub(r"\s+", " ", part)) for part in literal) + "$", re.DOTALL)


@dataclass
class Checker:
    """What is English or a bare code in one language's pages."""

    patterns: list[tuple[str, re.Pattern[str], re.Pattern[str] | None]]
    """(msgid, its pattern, its translation's pattern): a text matching the second is said in the language."""
    exact: dict[str, str]

    @classmethod
    def for_language(cls, code: str) -> Checker:
        with (TRANSLATIONS / CATALOGUES[code] / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
            said = {str(m.id): str(m.string) for m in read_po(po_file) if m.id}
        with (TRANSLATIONS / "messages.pot").open("rb") as pot_file:
            msgids = [str(m.id) for m in read_po(pot_file) if m.id]
        english = [msgid for msgid in msgids if said.get(msgid, "") != msgid]
        patterns = [
            (msgid, pattern, _pattern(said[msgid]) if said.get(msgid) else None)
            for msgid in english
            if PLACEHOLDER.search(msgid)
            if (pattern := _pattern(msgid)) is not None
        ]
        exact = {" ".join(msgid.split()): msgid for msgid in english if not PLACEHOLDER.search(msgid)}
        return cls(patterns, exact)

    def problem(self, text: str) -> str | None:
        """Why a text people read on the page is not in the page's language, or None."""
        text = " ".join(text.split())
        if text in self.exact:
            return f"English message {self.exact[text]!r}"
        for msgid, pattern, translated in self.patterns:
            if pattern.match(text) and not (translated and translated.match(text)):
                return f"English message {msgid!r}"
        for part in (piece.strip() for piece in text.split(" · ")):
            if LOWER_CODE.match(part) or part in NAMED_CODES:
                return f"a code, {part!r}"
        return None


class _Page(HTMLParser):
    """A page's links, and the texts people read on it (text nodes and the attributes they hear or see)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.texts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if tag in HIDDEN:
            self.hidden += 1
        self.texts += [values[name] for name in VISIBLE_ATTRIBUTES if values.get(name)]
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.texts.append(values["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            self.texts.append(data)


def read_page(html: str) -> tuple[list[str], list[str]]:
    """(links, texts people read) of a page."""
    page = _Page()
    page.feed(html)
    return page.links, page.texts


def findings(checker: Checker, html: str, where: str) -> list[str]:
    """What on one page is not in its language: ``where: text — why``."""
    _links, texts = read_page(html)
    return [f"{where}: {text.strip()!r} — {why}" for text in texts if (why := checker.problem(text))]


def kind_of(path: str) -> str:
    """The kind of page a path is (its route, ids left out)."""
    for pattern, name in KINDS:
        path = pattern.sub(name, path)
    return path


@dataclass
class Crawl:
    """The pages seen, how many of each kind, and what the checker found on them."""

    seen: set[str] = field(default_factory=set)
    kinds: Counter[str] = field(default_factory=Counter)
    found: list[str] = field(default_factory=list)


def crawl(
    client: TestClient,
    start: Iterable[str],
    checker: Checker,
    *,
    who: str = "",
    per_kind: int = 3,
    also: Iterable[str] = (),
) -> Crawl:
    """Follows links from ``start`` (and opens ``also``, which are never counted against a kind), at most
    ``per_kind`` pages of each kind, checking every HTML page it opens."""
    done = Crawl()
    queue = [*also, *start]
    pinned = set(also)
    while queue:
        path = queue.pop(0)
        kind = kind_of(urlsplit(path).path) + "?" + "&".join(sorted(k for k in urlsplit(path).query.split("&") if k))
        if path in done.seen or (path not in pinned and done.kinds[kind] >= per_kind):
            continue
        done.seen.add(path)
        done.kinds[kind] += 1
        response = client.get(path)
        assert response.status_code < 500, (path, response.status_code)
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        done.found += findings(checker, response.text, f"{who}{path}")
        links, _ = read_page(response.text)
        for href in links:
            target = urlsplit(urljoin(f"http://testserver{path}", href))
            if target.netloc != "testserver" or "lang=" in target.query or SKIPPED_PATHS.search(target.path):
                continue
            queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return done
