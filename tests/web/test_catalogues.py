"""The catalogues are complete and current, and templates hold no text outside them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from harbourlink.web.i18n import Catalogues

REPO = Path(__file__).resolve().parents[2]
WEB = REPO / "src" / "harbourlink" / "web"
TRANSLATIONS = WEB / "translations"
TEMPLATES = WEB / "templates"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"%\(\w+\)s")
VISIBLE_ATTRIBUTES = re.compile(r'\b(?:placeholder|title|alt|aria-label)="([^"]*)"')
JINJA = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.DOTALL)


def _read(path: Path) -> Catalog:
    """The catalogue, refusing what Babel would only warn about (an entry without its ``msgstr``)."""
    with path.open("rb") as po_file:
        return read_po(po_file, abort_invalid=True)


@pytest.mark.parametrize(
    "name",
    [
        "messages.pot",
        "en/LC_MESSAGES/messages.po",
        "zh_Hant_HK/LC_MESSAGES/messages.po",
        "zh_Hans_CN/LC_MESSAGES/messages.po",
    ],
)
def test_each_message_appears_once(name: str) -> None:
    """Two entries for one message (as a merge can leave) would let the last one silently win."""
    text = (TRANSLATIONS / name).read_text(encoding="utf-8")
    ids = re.findall(r'^msgid "(.*)"$', text, flags=re.MULTILINE)
    assert sorted({i for i in ids if i and ids.count(i) > 1}) == []


def _msgids(catalog: Catalog) -> set[str]:
    return {str(message.id) for message in catalog if message.id}


def test_the_template_catalogue_matches_the_sources() -> None:
    """Every message ``babel.cfg`` finds (pages, labels, and the phrases of parse errors) is in the
    template, and nothing else: add new entries at the end of the four files whenever this fails."""
    with (REPO / "babel.cfg").open() as config:
        # Babel ships this helper without annotations.
        method_map, options_map = parse_mapping_cfg(config)  # type: ignore[no-untyped-call]
    local_map = [(pattern.removeprefix("src/"), method) for pattern, method in method_map]
    local_options = {pattern.removeprefix("src/"): options for pattern, options in options_map.items()}
    found = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(REPO / "src", local_map, local_options)
    }
    assert found == _msgids(_read(TRANSLATIONS / "messages.pot"))


@pytest.mark.parametrize("locale", ["en", "zh_Hant_HK", "zh_Hans_CN"])
def test_each_catalogue_holds_exactly_the_templates_messages(locale: str) -> None:
    """No message missing from a language, none left over that the sources no longer say."""
    catalog = _read(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po")
    assert _msgids(catalog) == _msgids(_read(TRANSLATIONS / "messages.pot"))
    assert [str(m.id) for m in catalog if m.id and m.fuzzy] == []


@pytest.mark.parametrize("locale", ["zh_Hant_HK", "zh_Hans_CN"])
def test_every_message_is_translated_into_chinese(locale: str) -> None:
    template = _msgids(_read(TRANSLATIONS / "messages.pot"))
    catalog = _read(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po")
    translated = {str(m.id): str(m.string) for m in catalog if m.id and m.string and not m.fuzzy}
    assert sorted(template - translated.keys()) == []
    for msgid in template:
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(translated[msgid])), msgid
        assert CJK.search(translated[msgid]) or msgid == translated[msgid], f"not Chinese: {msgid}"


def test_the_english_catalogue_says_every_message_in_english() -> None:
    """The msgids are English: an English entry is left empty (gettext then says the msgid), or
    says it otherwise in English, with the same placeholders."""
    for message in _read(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"):
        if message.id and message.string:
            assert not CJK.search(str(message.string)), message.id
            assert sorted(PLACEHOLDER.findall(str(message.id))) == sorted(PLACEHOLDER.findall(str(message.string)))


def _templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("template", _templates(), ids=lambda path: path.name)
def test_templates_hold_no_chinese(template: Path) -> None:
    assert CJK.findall(template.read_text()) == []


@pytest.mark.parametrize("template", _templates(), ids=lambda path: path.name)
def test_templates_hold_no_words_outside_translation_calls(template: Path) -> None:
    """Outside ``{{ }}`` and ``{% %}`` a template holds markup, never words people read."""
    markup = JINJA.sub("\x00", template.read_text())
    visible = [value for value in VISIBLE_ATTRIBUTES.findall(markup) if re.search(r"[A-Za-z]", value)]
    words = re.findall(r"[A-Za-z]{2,}", re.sub(r"<[^>]*>|&\w+;", " ", markup))
    assert visible + words == []


def test_a_template_compiled_in_one_language_is_not_reused_in_another(tmp_path: Path) -> None:
    """Jinja evaluates a filter given only constants when it compiles the template, so the compiled
    templates the apps of a process share must never cross languages."""
    (tmp_path / "decision.html").write_text('{{ "go"|label("road_decision") }}')
    for _ in range(2):  # the second time from the compiled templates the first one kept
        catalogues = Catalogues([TRANSLATIONS], [tmp_path], "zh-HK")
        said = {code: catalogue.render("decision.html", {}) for code, catalogue in catalogues.by_code.items()}
        assert said == {"en": "GO", "zh-HK": "放行", "zh-CN": "放行"}
