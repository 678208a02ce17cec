"""Pure rules of road cargo: the numbers and their check digit, the control points, the data set, the
lodging window and the 30 minutes to the earliest crossing (seed 004: bound 15:35:16, cross 16:05:16)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from harbourlink.road.domain import (
    CargoData,
    ConsignmentStatus,
    ControlPoint,
    Direction,
    change_refusal,
    control_point_by_keypad,
    data_problems,
    earliest_crossing,
    new_ccrn,
    new_ubr,
    parse_ccrn,
    parse_ubr,
    window_problem,
)

HONG_KONG = ZoneInfo("Asia/Hong_Kong")
digits = st.text(alphabet="0123456789", min_size=10, max_size=10)
zones = st.sampled_from(
    [UTC, HONG_KONG, ZoneInfo("Asia/Shanghai"), ZoneInfo("America/New_York"), ZoneInfo("Pacific/Chatham"),
     timezone(timedelta(hours=-12)), timezone(timedelta(hours=14))]
)  # fmt: skip
# Hypothesis bounds are naive by its API; each drawn moment gets one of the zones.
moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1), timezones=zones)  # noqa: DTZ001


def test_the_seeds_binding_may_cross_thirty_minutes_later() -> None:
    bound = datetime(2019, 5, 15, 15, 35, 16, tzinfo=HONG_KONG)
    assert earliest_crossing(bound) == datetime(2019, 5, 15, 16, 5, 16, tzinfo=HONG_KONG)


@given(moments)
def test_the_earliest_crossing_is_thirty_minutes_after_binding_in_any_zone(bound: datetime) -> None:
    crossing = earliest_crossing(bound)
    # Compared in UTC: Python subtracts two times of one zone as wall clocks, blind to daylight saving.
    assert crossing.astimezone(UTC) - bound.astimezone(UTC) == timedelta(minutes=30)
    local = bound.astimezone(HONG_KONG)
    # Bound in the last half hour of a Hong Kong day, the truck crosses the next day (no daylight saving there).
    crosses_midnight = local.hour == 23 and local.minute >= 30
    assert (crossing.astimezone(HONG_KONG).date() > local.date()) == crosses_midnight


@given(moments, st.integers(min_value=-20 * 24 * 60, max_value=20 * 24 * 60), zones)
def test_cargo_is_lodged_between_14_days_and_30_minutes_ahead(now: datetime, minutes: int, zone: ZoneInfo) -> None:
    expected = (now + timedelta(minutes=minutes)).astimezone(zone)  # the same instant said in another zone
    problem = window_problem(expected, now=now)
    if minutes < 30:
        assert problem is not None and problem.code == "too_late_to_lodge"
    elif minutes > 14 * 24 * 60:
        assert problem is not None and problem.code == "too_early_to_lodge"
    else:
        assert problem is None


def test_the_window_edges_are_inside_it() -> None:
    now = datetime(2026, 12, 31, 23, 45, tzinfo=HONG_KONG)  # an expected crossing past midnight and the year's end
    assert window_problem(now + timedelta(minutes=30), now=now) is None
    assert window_problem(now + timedelta(days=14), now=now) is None
    assert window_problem(now + timedelta(minutes=29, seconds=59), now=now) is not None
    assert window_problem(now + timedelta(days=14, seconds=1), now=now) is not None


@given(digits)
def test_numbers_carry_a_check_digit_that_catches_every_slip(random: str) -> None:
    ccrn, ubr = new_ccrn(random), new_ubr(random)
    assert parse_ccrn(ccrn) == ccrn and parse_ubr(ubr) == ubr
    assert ccrn[0] in "12345678" and ubr[0] == "9" and len(ccrn) == len(ubr) == 11
    assert parse_ubr(ccrn) is None and parse_ccrn(ubr) is None
    for position in range(11):
        for digit in "0123456789":
            if digit != ccrn[position]:
                assert parse_ccrn(ccrn[:position] + digit + ccrn[position + 1 :]) is None
    for position in range(10):
        swapped = ccrn[:position] + ccrn[position + 1] + ccrn[position] + ccrn[position + 2 :]
        if swapped != ccrn:
            assert parse_ccrn(swapped) is None


def test_numbers_are_read_with_spaces_and_dashes_but_nothing_else() -> None:
    ccrn = new_ccrn("1234567890")
    assert parse_ccrn(f"{ccrn[:4]} {ccrn[4:8]}-{ccrn[8:]}") == ccrn
    assert parse_ccrn("１" + ccrn[1:]) is None and parse_ccrn(ccrn + "0") is None and parse_ccrn("") is None


def test_the_seven_control_points_have_stable_codes_and_phone_keys() -> None:
    assert [point.value for point in ControlPoint] == ["STK", "MKT", "LMC", "SZB", "HZM", "HZO", "HYW"]
    assert [control_point_by_keypad(key) for key in range(1, 8)] == list(ControlPoint)
    assert control_point_by_keypad(0) is None and control_point_by_keypad(8) is None
    assert ControlPoint.HEUNG_YUEN_WAI.keypad == 7 and ControlPoint.LOK_MA_CHAU.english == "Lok Ma Chau"


def _cargo(**changes: object) -> CargoData:
    fields: dict[str, object] = {
        "direction": Direction.IMPORT,
        "packages": 12,
        "package_description": "cartons",
        "goods_description": "printed books",
        "consignor_name": "Shenzhen Printing Co",
        "consignor_address": "Futian, Shenzhen",
        "consignee_name": "Kowloon Books Ltd",
        "consignee_address": "Mong Kok, Kowloon",
        "expected_at": datetime(2026, 12, 8, 10, tzinfo=HONG_KONG),
        **changes,
    }
    return CargoData(**fields)  # type: ignore[arg-type]


def test_each_of_the_eight_items_is_required() -> None:
    assert data_problems(_cargo()) == []
    blank = _cargo(
        package_description=" ",
        goods_description="",
        consignor_name="",
        consignor_address="",
        consignee_name="",
        consignee_address="",
        packages=0,
        expected_at=datetime(2026, 12, 8, 10),  # noqa: DTZ001 - a naive time is what is refused here
    )
    assert {problem.field for problem in data_problems(blank)} == {
        "packages",
        "package_description",
        "goods_description",
        "consignor_name",
        "consignor_address",
        "consignee_name",
        "consignee_address",
        "expected_at",
    }
    assert data_problems(_cargo(goods_description="x" * 501))[0].code == "string_too_long"


def test_only_a_lodged_consignment_may_change() -> None:
    assert change_refusal(ConsignmentStatus.LODGED) is None
    assert "cancel the binding first" in (change_refusal(ConsignmentStatus.BOUND) or "")
    assert change_refusal(ConsignmentStatus.CANCELLED) is not None
