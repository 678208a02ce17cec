"""One entry point for every kind, agreement with the stored spelling, and what a text could be."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harbourlink.kernel.errors import ValidationFailed
from harbourlink.references import ReferenceType, detect_reference_type, normalise_reference, validate_reference
from tests.references.strategies import container_numbers, spelled_loosely

R = ReferenceType


@pytest.mark.parametrize(
    ("kind", "raw", "value"),
    [
        (R.CONTAINER, "csqu 305438-3", "CSQU3054383"),
        (R.MBL, "maeu 203176301", "MAEU203176301"),
        (R.HBL, "vff-hkg-2611001", "VFFHKG2611001"),
        (R.AWB, "160-12345675", "16012345675"),
        (R.BOOKING, "SHA 1234567", "SHA1234567"),
        (R.DECLARATION, "DEC0001234", "DEC0001234"),
    ],
)
def test_validate_each_kind(kind: ReferenceType, raw: str, value: str) -> None:
    assert validate_reference(kind, raw) == value == normalise_reference(kind, raw)


def test_validation_errors_name_the_reference_field() -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate_reference(R.CONTAINER, "CSQU3054384")
    assert caught.value.data["field"] == "reference" and caught.value.code == "invalid_container_number"


texts = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abc -/._ＡＢ１２", max_size=45)


@given(st.sampled_from(list(ReferenceType)), texts)
def test_validate_agrees_with_the_stored_spelling(kind: ReferenceType, raw: str) -> None:
    try:
        value = validate_reference(kind, raw)
    except ValidationFailed:
        return
    assert normalise_reference(kind, raw) == value


@given(st.sampled_from(list(ReferenceType)), texts)
def test_normalise_is_idempotent(kind: ReferenceType, raw: str) -> None:
    try:
        once = normalise_reference(kind, raw)
    except ValidationFailed:
        return
    assert normalise_reference(kind, once) == once


@given(container_numbers().flatmap(spelled_loosely))
def test_a_valid_container_is_detected_as_a_container(loose: str) -> None:
    assert detect_reference_type(loose) == [R.CONTAINER]


@pytest.mark.parametrize(
    ("raw", "first"),
    [
        ("160-12345675", R.AWB),
        ("MAEU203176301", R.MBL),
        ("CSQU3054384", R.MBL),  # a failed check digit is no container; the document kinds remain
        ("VFFHKG2611001", R.MBL),
        ("ABC123", R.HBL),
    ],
)
def test_detect_orders_what_a_text_could_be(raw: str, first: ReferenceType) -> None:
    kinds = detect_reference_type(raw)
    assert kinds[0] == first
    for kind in kinds:
        validate_reference(kind, raw)


def test_detect_finds_nothing_in_noise() -> None:
    assert detect_reference_type("?") == [] and detect_reference_type("") == []


def test_existing_grant_spellings_still_hold() -> None:
    assert normalise_reference(R.HBL, " vff hkg 001 ") == "VFFHKG001"
    assert normalise_reference(R.MBL, "oolu 1234567") == "OOLU1234567"
    assert normalise_reference(R.AWB, "160-12345675") == "16012345675"
    with pytest.raises(ValidationFailed) as caught:
        normalise_reference(R.MBL, "X1")
    assert caught.value.code == "invalid_reference"
