"""IMO numbers and MMSIs: check digits, prefixes, kinds of station and MIDs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harbourlink.kernel.errors import ValidationFailed
from harbourlink.references import MID_HONG_KONG, MmsiKind, imo_check_digit, parse_imo_number, parse_mmsi


@pytest.mark.parametrize("raw", ["9074729", "IMO 9074729", "imo9074729", "IMO-9074729", "IMO No. 9074729"])
def test_imo_numbers_with_or_without_prefix(raw: str) -> None:
    parsed = parse_imo_number(raw)
    assert parsed.value == "9074729" and parsed.display == "IMO 9074729"


def test_imo_wrong_check_digit_names_the_expected_one() -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_imo_number("IMO 9074728", field="vessel_imo")
    assert caught.value.code == "invalid_imo_number"
    assert caught.value.message == "IMO number 9074728: check digit should be 9, not 8"
    assert caught.value.data == {
        "value": "IMO 9074728",
        "reason": "check_digit",
        "expected_check_digit": "9",
        "field": "vessel_imo",
    }


@pytest.mark.parametrize("raw", ["907472", "90747290", "IMO 907472X", ""])
def test_imo_bad_shapes(raw: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_imo_number(raw)
    assert caught.value.data["reason"] == "format"


@given(st.text(alphabet="0123456789", min_size=6, max_size=6), st.integers(0, 5), st.integers(1, 9))
def test_imo_check_catches_a_changed_digit_unless_its_weight_hides_it(
    first_six: str, position: int, shift: int
) -> None:
    """The IMO check is weaker than ISO 6346's: weight 5 hides an even change, 2/4/6 a change of 5."""
    number = first_six + imo_check_digit(first_six)
    assert parse_imo_number(number).value == number
    changed = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1 :]
    if (7 - position) * shift % 10:
        with pytest.raises(ValidationFailed):
            parse_imo_number(changed)
    else:
        assert parse_imo_number(changed).value == changed


@pytest.mark.parametrize(
    ("raw", "kind", "mid"),
    [
        ("477123456", MmsiKind.SHIP, 477),
        ("MMSI 477 123 456", MmsiKind.SHIP, 477),
        ("047712345", MmsiKind.GROUP, 477),
        ("004771234", MmsiKind.COAST_STATION, 477),
        ("111477123", MmsiKind.SAR_AIRCRAFT, 477),
        ("994771234", MmsiKind.AID_TO_NAVIGATION, 477),
        ("984771234", MmsiKind.CRAFT_OF_PARENT_SHIP, 477),
        ("847712345", MmsiKind.HANDHELD, 477),
        ("970123456", MmsiKind.AIS_SART, None),
        ("972123456", MmsiKind.MAN_OVERBOARD, None),
        ("974123456", MmsiKind.EPIRB_AIS, None),
        ("636019206", MmsiKind.SHIP, 636),
    ],
)
def test_mmsi_kinds(raw: str, kind: MmsiKind, mid: int | None) -> None:
    parsed = parse_mmsi(raw)
    assert (parsed.kind, parsed.mid) == (kind, mid)


def test_mmsi_country_from_mid() -> None:
    assert parse_mmsi("477123456").country == "HK" and MID_HONG_KONG == 477
    assert parse_mmsi("636019206").country == "LR"
    assert parse_mmsi("970123456").country is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("123456789", "mid"),
        ("001231234", "mid"),
        ("776123456", "mid"),
        ("961234567", "format"),
        ("47712345", "format"),
        ("47712345X", "format"),
    ],
)
def test_mmsi_errors(raw: str, reason: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_mmsi(raw)
    assert caught.value.code == "invalid_mmsi" and caught.value.data["reason"] == reason
