"""The phone on the real binding desk: seed 004's flow by phone through the signed webhook makes road's own
binding (a UBR, the earliest crossing 30 minutes after binding, marked as made by phone) that the API and the
road pages show; road's refusals reach the caller. Cancels and enquiries by phone are in test_menus.py."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from harbourlink import identity, road
from harbourlink.demo import seed_demo
from harbourlink.kernel import Actor, Database
from harbourlink.settings import Settings
from tests.conftest import Company, make_company
from tests.ivr.caller import Caller, hong_kong
from tests.ivr.conftest import Clock, Driver, opt_in_to_binding
from tests.road.support import lodge, opt_in
from tests.web.conftest import log_in, text_of


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
    phone_client: TestClient, clock: Clock, trucker: Driver, shipper: Company, db: Database
) -> None:
    ccrns = [lodge(phone_client, shipper), lodge(phone_client, shipper)]
    caller = Caller(phone_client, clock, trucker)
    caller.log_in("*2")

    done = caller.bind(*ccrns, point="3")

    assert done.prompts[0] == "bind_done", done.prompts
    ubr = done.number_after("ubr")
    made = _binding(phone_client, shipper, ubr)  # the cargo's submitter sees the driver's binding
    assert (made["channel"], made["driver"], made["vehicle"]) == ("phone", "Chan Tai Bon", trucker.vehicle)
    assert (made["control_point"], made["direction"], sorted(made["ccrns"])) == ("LMC", "import", sorted(ccrns))
    bound_at, earliest = (datetime.fromisoformat(made[key]) for key in ("bound_at", "earliest_crossing_at"))
    assert earliest - bound_at == timedelta(minutes=30)
    assert done.time_after("earliest_crossing") == hong_kong(earliest), "the caller hears the stored time"
    for ccrn in ccrns:
        consignment = phone_client.get(f"/api/v1/road/consignments/{ccrn}", headers=shipper.auth).json()
        assert consignment["status"] == "bound"

    log_in(phone_client, shipper.admin_email)
    for lang, by_phone in (("en", "By phone"), ("zh-HK", "電話"), ("zh-CN", "电话")):
        page = phone_client.get(f"/road/bindings/{ubr}?lang={lang}")
        assert page.status_code == 200, page.text
        channel = re.search(r'id="channel">([^<]+)<', page.text)
        assert channel and channel.group(1) == by_phone and ubr in text_of(page.text)
    outsider = make_company(db, "Other Shipper", "cargo_owner")
    log_in(phone_client, outsider.admin_email)
    assert phone_client.get(f"/road/bindings/{ubr}?lang=en").status_code == 404, "another company learns nothing"


def test_a_ccrn_bound_already_or_consignments_going_both_ways_are_refused_and_nothing_is_bound(
    phone_client: TestClient, clock: Clock, trucker: Driver, shipper: Company
) -> None:
    inbound, outbound = lodge(phone_client, shipper), lodge(phone_client, shipper, direction="export")
    caller = Caller(phone_client, clock, trucker)
    caller.log_in()
    assert caller.bind(inbound, outbound).prompts == ["bind_refused", "main_menu"]
    for ccrn in (inbound, outbound):
        assert phone_client.get("/api/v1/road/bindings", headers=shipper.auth, params={"ccrn": ccrn}).json() == []

    first = caller.bind(outbound).number_after("ubr")
    assert _binding(phone_client, shipper, first)["direction"] == "export", "the direction is the cargo's"
    assert caller.bind(outbound).prompts == ["bind_refused", "main_menu"]


def test_the_demo_drivers_phone_account_binds_the_demo_cargo(
    phone_client: TestClient, clock: Clock, db: Database, phone_settings: Settings
) -> None:
    sealer = identity.Sealer(phone_settings.resolved_secret_key())
    with db.transaction() as session:
        seeded = seed_demo(session, sealer=sealer)
    phone = seeded.phone
    assert phone is not None
    trucker = seeded.org_ids["trucker"]
    driver = Driver(trucker, "", seeded.driver_id, phone.number, phone.password, phone.code_key, phone.vehicle)
    caller = Caller(phone_client, clock, driver)
    caller.log_in()
    ubr = caller.bind(*phone.ccrns).number_after("ubr")
    with db.transaction() as session:
        sme = Actor(org_id=seeded.org_ids["sme"], roles=frozenset({"administrator"}))
        made = road.describe_binding(road.get_binding(session, sme, ubr=ubr))
    assert (made.channel, made.vehicle, sorted(made.ccrns)) == (road.Channel.PHONE, "FC117", sorted(phone.ccrns))
