"""UN/LOCODEs and the bundled SMDG terminal list."""

from __future__ import annotations

from datetime import date
from importlib import resources

import pytest

from harbourlink.kernel.errors import ValidationFailed
from harbourlink.references import SMDG_ATTRIBUTION, find_terminal, is_country_code, parse_unlocode, terminals_at


@pytest.mark.parametrize(
    ("raw", "value"),
    [("HKHKG", "HKHKG"), ("hk hkg", "HKHKG"), ("CNSZX", "CNSZX"), ("NLRTM", "NLRTM"), ("XZAAA", "XZAAA")],
)
def test_unlocodes(raw: str, value: str) -> None:
    parsed = parse_unlocode(raw)
    assert parsed.value == value and (parsed.country, parsed.location) == (value[:2], value[2:])


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("QQHKG", "country"), ("HKHK0", "format"), ("HKHK1", "format"), ("HKHKGX", "format"), ("H1HKG", "format")],
)
def test_bad_unlocodes(raw: str, reason: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_unlocode(raw)
    assert caught.value.code == "invalid_unlocode" and caught.value.data["reason"] == reason


def test_country_codes() -> None:
    assert is_country_code("HK") and is_country_code("XZ") and not is_country_code("QQ")


def test_hong_kong_terminals() -> None:
    codes = [t.code for t in terminals_at("HKHKG")]
    assert {"ACTHK", "CHTHK", "DPWHK", "HITHK", "MTLHK"} <= set(codes)
    assert codes == sorted(codes)


def test_terminal_lookup() -> None:
    modern = find_terminal("hkhkg", "mtlhk")
    assert modern is not None
    assert (modern.name, modern.company) == ("HONG KONG MODERN TERMINALS (MTL)", "MODERN TERMINALS LIMITED")
    assert modern.latitude == pytest.approx(22.347778) and modern.longitude == pytest.approx(114.120556)
    assert modern.valid_from == date(2010, 10, 22) and modern.valid_to is None
    assert modern.is_valid_on(date(2026, 1, 1)) and not modern.is_valid_on(date(2009, 1, 1))
    assert find_terminal("HKHKG", "NOPE") is None


def test_alternative_unlocode_finds_the_same_terminal() -> None:
    terminal = find_terminal("CNNBG", "BLCT1")
    assert terminal is not None and terminal.unlocode == "CNNBO"
    assert terminal in terminals_at("CNNBG")


def test_validity_filter() -> None:
    assert terminals_at("HKHKG", on=date(2000, 1, 1)) == []


def test_malformed_unlocode_is_an_error_not_an_empty_answer() -> None:
    with pytest.raises(ValidationFailed) as caught:
        terminals_at("Hong Kong")
    assert caught.value.data["field"] == "unlocode"


def test_smdg_attribution_ships_with_the_data() -> None:
    notice = resources.files("harbourlink.references").joinpath("data", "README.md").read_text(encoding="utf-8")
    assert "CC-BY 4.0" in notice and "SMDG" in notice
    assert "CC-BY 4.0" in SMDG_ATTRIBUTION
