"""Air waybills in "did you mean", house air waybills, and the airports air statuses name."""

from __future__ import annotations

import pytest

from harbourlink.kernel import ValidationFailed
from harbourlink.references import (
    ReferenceType,
    detect_reference_type,
    find_airport,
    is_air_waybill,
    parse_airport_code,
    suggest,
    validate_reference,
)

HELD = ["16012345675", "16012345686", "MSCU1234566"]


def test_a_mistyped_air_waybill_finds_the_held_one() -> None:
    # 12345676 fails its check digit (1234567 mod 7 is 5): surely corrupted, the valid neighbour is meant.
    [first, *_] = suggest("160-12345676", HELD)
    assert first.value == "16012345675"
    # Two digits swapped, the check digit now fails too.
    assert suggest("16012354675", HELD)[0].value == "16012345675"


def test_a_valid_air_waybill_is_another_shipment_not_a_typo() -> None:
    # 160-12345686 passes its check digit (1234568 mod 7 = 6): it names a real shipment; its
    # neighbour one digit away is not offered to a caller that must rarely suggest wrongly.
    assert is_air_waybill("16012345686")
    assert suggest("16012345686", ["16012345675"], min_score=0.6) == []
    assert suggest("16012345686", ["16012345675"], reference_type=ReferenceType.AWB, min_score=0.6) == []


def test_house_air_waybill_is_the_forwarders_own_number() -> None:
    assert validate_reference(ReferenceType.HAWB, "hlk-hkg 2611001") == "HLKHKG2611001"
    with pytest.raises(ValidationFailed, match="too short"):
        validate_reference(ReferenceType.HAWB, "H1")
    assert ReferenceType.HAWB in detect_reference_type("HLKHKG2611001")
    assert detect_reference_type("160-12345675")[0] is ReferenceType.AWB


def test_airports_have_a_place_a_time_zone_and_three_names() -> None:
    hkg = find_airport(parse_airport_code(" hkg "))
    assert hkg is not None and hkg.unlocode == "HKHKG" and str(hkg.time_zone) == "Asia/Hong_Kong"
    assert (hkg.name("zh-HK"), hkg.name("zh-CN"), hkg.name("en")) == (
        "香港國際機場",
        "香港国际机场",
        "Hong Kong International Airport",
    )
    assert find_airport("XYZ") is None
    with pytest.raises(ValidationFailed, match="3-letter IATA airport code"):
        parse_airport_code("HK")
