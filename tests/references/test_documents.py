"""Bills of lading, air waybills, bookings and customs declarations."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harbourlink.kernel.errors import ValidationFailed
from harbourlink.references import (
    CARRIER_PREFIXES,
    awb_check_digit,
    parse_air_waybill,
    parse_booking_reference,
    parse_declaration_number,
    parse_house_bl,
    parse_master_bl,
)


@pytest.mark.parametrize(
    ("raw", "value", "prefix", "carrier"),
    [
        ("MAEU203176301", "MAEU203176301", "MAEU", "Maersk"),
        ("medu hg271461", "MEDUHG271461", "MEDU", "MSC"),
        ("CMDU-NBST546418", "CMDUNBST546418", "CMDU", "CMA CGM"),
        ("EGLV143076485803", "EGLV143076485803", "EGLV", "Evergreen"),
        ("HDMUXIWB2455241", "HDMUXIWB2455241", "HDMU", "HMM"),
        ("OOLU2640431700", "OOLU2640431700", "OOLU", "OOCL"),
        ("ZIMUSHH30252813", "ZIMUSHH30252813", "ZIMU", "ZIM"),
        ("YMLUE216035344", "YMLUE216035344", "YMLU", "Yang Ming"),
        ("6259159840", "6259159840", None, None),
        ("ABCD12345678", "ABCD12345678", None, None),
    ],
)
def test_master_bills_and_their_carriers(raw: str, value: str, prefix: str | None, carrier: str | None) -> None:
    bill = parse_master_bl(raw)
    assert (bill.value, bill.carrier_prefix, bill.carrier_name) == (value, prefix, carrier)


def test_every_carrier_prefix_is_four_letters_and_says_how_sure_it_is() -> None:
    for prefix, entry in CARRIER_PREFIXES.items():
        assert len(prefix) == 4 and prefix.isalpha() and entry.prefix == prefix
        assert entry.evidence in {"observed", "documented", "unsure"}
    assert "EMCU" not in CARRIER_PREFIXES


@pytest.mark.parametrize(
    ("raw", "reason", "words"),
    [
        ("MAEU1", "too_short", "too short, 5 characters"),
        ("MAEU" + "1" * 17, "too_long", "too long, 21 characters"),
        ("MAEU#2031763", "characters", "'#' is not a letter or digit"),
        ("MAEU/2031763", "characters", "'/' is not a letter or digit"),
    ],
)
def test_master_bill_errors(raw: str, reason: str, words: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_master_bl(raw, field="mbl")
    assert caught.value.code == "invalid_bl_number" and caught.value.data["reason"] == reason
    assert words in caught.value.message and caught.value.data["field"] == "mbl"


def test_house_bills() -> None:
    assert parse_house_bl(" vff hkg 2611001 ") == "VFFHKG2611001"
    assert parse_house_bl("AB12") == "AB12"
    for raw in ("AB1", "A" * 36, "VFF_HKG?1"):
        with pytest.raises(ValidationFailed) as caught:
            parse_house_bl(raw)
        assert caught.value.code == "invalid_bl_number"


@pytest.mark.parametrize("raw", ["160-12345675", "16012345675", "160 1234 5675"])
def test_air_waybills(raw: str) -> None:
    bill = parse_air_waybill(raw)
    assert (bill.value, bill.airline_prefix, bill.serial, bill.display) == (
        "16012345675",
        "160",
        "12345675",
        "160-12345675",
    )


def test_air_waybill_wrong_check_digit_names_the_expected_one() -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_air_waybill("160-12345674")
    assert caught.value.code == "invalid_awb"
    assert caught.value.message == "air waybill 160-12345674: check digit should be 5, not 4"
    assert caught.value.data["expected_check_digit"] == "5" and caught.value.data["reason"] == "check_digit"


@pytest.mark.parametrize("raw", ["160-1234567", "160-123456755", "16A-12345675"])
def test_air_waybill_shapes(raw: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_air_waybill(raw)
    assert caught.value.data["reason"] == "format"


@given(st.text(alphabet="0123456789", min_size=3, max_size=3), st.text(alphabet="0123456789", min_size=7, max_size=7))
def test_any_air_waybill_with_its_check_digit_validates(airline: str, serial: str) -> None:
    number = airline + serial + awb_check_digit(serial)
    assert parse_air_waybill(f"{airline}-{serial}{awb_check_digit(serial)}").value == number


def test_bookings_and_declarations_check_shape_only() -> None:
    assert parse_booking_reference("sha 123 456") == "SHA123456"
    assert parse_declaration_number("26HK-0001234567") == "26HK0001234567"
    with pytest.raises(ValidationFailed) as booking:
        parse_booking_reference("12345")
    assert booking.value.code == "invalid_booking_reference" and booking.value.data["reason"] == "too_short"
    with pytest.raises(ValidationFailed) as declaration:
        parse_declaration_number("26HK/0001")
    assert declaration.value.code == "invalid_declaration_number"
