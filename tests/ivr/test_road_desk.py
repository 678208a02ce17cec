"""The phone on the real binding desk: seed 004's flow by phone through the signed webhook makes road's own
binding (a UBR, the earliest crossing 30 minutes after binding, marked as made by phone) that the API and the
road pages show; cancels by phone and enquiries by phone act on and answer from the same store."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from harbourlink import identity, road
from harbourlink.app import create_app
from harbourlink.demo import seed_demo
from harbourlink.kernel import Actor, Database
from harbourlink.settings import Settings
from tests.conftest import Company, make_company
from tests.ivr.caller import Caller, hong_kong
from tests.ivr.conftest import Clock, Driver, opt_in_to_binding
from tests.road.support import lodge, opt_in
from tests.web.conftest import log_in, text_of


@pytest.fixture
def road_phone(espeak: None, phone_settings: Settings, clock: Clock) -> Iterator[TestClient]:
    """The phone line as installed: its desk is the road binding service's."""
    app = create_app(phone_settings)
    app.state.phone.now = clock
    with TestClient(app, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def shipper(db: Database) -> Company:
    return opt_in(db, make_company(db, "Kowloon Books", "cargo_owner"), identity.Service.ADVANCE_CARGO_INFO)


@pytest.fixture
def trucker(db: Database, driver: Driver) -> Driver:
    return opt_in_to_binding(db, driver)


def _binding(client: TestClient, company: Company, ubr: str) -> dict[str, Any]:
    seen = client.get(f"/api/v1/road/bindings/{ubr}", headers=company.auth)
    assert seen.status_code == 200, seen.text
    return seen.json()  # type: ignore[no-any-return]


def test_the_seeds_flow_by_phone_makes_the_binding_the_api_and_the_pages_show(
    road_phone: TestClient, clock: Clock, trucker: Driver, shipper: Company, db: Database
) -> None:
    ccrns = [lodge(road_phone, shipper), lodge(road_phone, shipper)]
    caller = Caller(road_phone, clock, trucker)
    caller.log_in("*2")

    done = caller.bind(*ccrns, point="3")

    assert done.prompts[0] == "bind_done", done.prompts
    ubr = done.number_after("ubr")
    made = _binding(road_phone, shipper, ubr)  # the cargo's submitter sees the driver's binding
    assert (made["channel"], made["driver"], made["vehicle"]) == ("phone", "Chan Tai Bon", trucker.vehicle)
    assert (made["control_point"], made["direction"], sorted(made["ccrns"])) == ("LMC", "import", sorted(ccrns))
    bound_at, earliest = (datetime.fromisoformat(made[key]) for key in ("bound_at", "earliest_crossing_at"))
    assert earliest - bound_at == timedelta(minutes=30)
    assert done.time_after("earliest_crossing") == hong_kong(earliest), "the caller hears the stored time"
    for ccrn in ccrns:
        consignment = road_phone.get(f"/api/v1/road/consignments/{ccrn}", headers=shipper.auth).json()
        assert consignment["status"] == "bound"

    log_in(road_phone, shipper.admin_email)
    for lang, by_phone in (("en", "By phone"), ("zh-HK", "電話"), ("zh-CN", "电话")):
        page = road_phone.get(f"/road/bindings/{ubr}?lang={lang}")
        assert page.status_code == 200, page.text
        channel = re.search(r'id="channel">([^<]+)<', page.text)
        assert channel and channel.group(1) == by_phone and ubr in text_of(page.text)
    outsider = make_company(db, "Other Shipper", "cargo_owner")
    log_in(road_phone, outsider.admin_email)
    assert road_phone.get(f"/road/bindings/{ubr}?lang=en").status_code == 404, "another company learns nothing"


def test_a_ccrn_bound_already_or_consignments_going_both_ways_are_refused_and_nothing_is_bound(
    road_phone: TestClient, clock: Clock, trucker: Driver, shipper: Company
) -> None:
    inbound, outbound = lodge(road_phone, shipper), lodge(road_phone, shipper, direction="export")
    caller = Caller(road_phone, clock, trucker)
    caller.log_in()
    assert caller.bind(inbound, outbound).prompts == ["bind_refused", "main_menu"]
    for ccrn in (inbound, outbound):
        assert road_phone.get("/api/v1/road/bindings", headers=shipper.auth, params={"ccrn": ccrn}).json() == []

    first = caller.bind(outbound).number_after("ubr")
    assert _binding(road_phone, shipper, first)["direction"] == "export", "the direction is the cargo's"
    assert caller.bind(outbound).prompts == ["bind_refused", "main_menu"]


def test_cancel_part_then_all_by_phone_shows_in_the_api(
    road_phone: TestClient, clock: Clock, trucker: Driver, shipper: Company
) -> None:
    kept, dropped = lodge(road_phone, shipper), lodge(road_phone, shipper)
    caller = Caller(road_phone, clock, trucker)
    caller.log_in()
    ubr = caller.bind(kept, dropped).number_after("ubr")

    caller.press("2")
    caller.press("2")
    caller.press(dropped)
    assert caller.press(caller.code()).number_after("ubr") == ubr
    assert caller.press("1").prompts == ["cancel_part_done", "main_menu"]
    part = _binding(road_phone, shipper, ubr)
    assert (part["ccrns"], part["cancelled_ccrns"], part["cancelled_at"]) == ([kept], [dropped], None)
    assert road_phone.get(f"/api/v1/road/consignments/{dropped}", headers=shipper.auth).json()["status"] == "lodged"

    caller.press("2")
    caller.press("1")
    assert caller.press(caller.code()).number_after("ubr") == ubr
    assert caller.press("1").prompts == ["cancel_all_done", "main_menu"]
    gone = _binding(road_phone, shipper, ubr)
    assert gone["ccrns"] == [] and sorted(gone["cancelled_ccrns"]) == sorted([kept, dropped])
    assert gone["cancelled_at"] is not None

    caller.press("3")
    caller.press("1")
    assert caller.press(ubr).prompts == ["not_found", "main_menu"], "a cancelled binding is no longer live"


def test_the_three_enquiries_answer_from_the_store(
    road_phone: TestClient, clock: Clock, trucker: Driver, shipper: Company
) -> None:
    older, newer = lodge(road_phone, shipper), lodge(road_phone, shipper)
    caller = Caller(road_phone, clock, trucker)
    caller.log_in("*3")
    first = caller.bind(older).number_after("ubr")
    latest = caller.bind(newer, point="7").number_after("ubr")
    stored = _binding(road_phone, shipper, first)
    crossing = hong_kong(datetime.fromisoformat(stored["earliest_crossing_at"]))

    caller.press("3")
    caller.press("1")
    by_ubr = caller.press(first)
    assert by_ubr.number_after("ubr") == first and by_ubr.time_after("earliest_crossing") == crossing
    caller.press("3")
    caller.press("2")
    by_ccrn = caller.press(newer)
    assert by_ccrn.number_after("ubr") == latest
    caller.press("3")
    assert caller.press("3").number_after("ubr") == latest, "the earliest crossing of the driver's latest binding"
    caller.press("3")
    caller.press("2")
    assert caller.press(lodge(road_phone, shipper)).prompts == ["not_found", "main_menu"], "lodged, never bound"


def test_the_demo_drivers_phone_account_binds_the_demo_cargo(
    road_phone: TestClient, clock: Clock, db: Database, phone_settings: Settings
) -> None:
    sealer = identity.Sealer(phone_settings.resolved_secret_key())
    with db.transaction() as session:
        seeded = seed_demo(session, sealer=sealer)
    phone = seeded.phone
    assert phone is not None
    trucker = seeded.org_ids["trucker"]
    driver = Driver(trucker, "", seeded.driver_id, phone.number, phone.password, phone.code_key, phone.vehicle)
    caller = Caller(road_phone, clock, driver)
    caller.log_in()
    ubr = caller.bind(*phone.ccrns).number_after("ubr")
    with db.transaction() as session:
        sme = Actor(org_id=seeded.org_ids["sme"], roles=frozenset({"administrator"}))
        made = road.describe_binding(road.get_binding(session, sme, ubr=ubr))
    assert (made.channel, made.vehicle, sorted(made.ccrns)) == (road.Channel.PHONE, "FC117", sorted(phone.ccrns))
