"""No page in zh-HK or zh-CN shows a message of the catalogues' source language (English), or a bare code.

The simulated port day is run through the real inbound path (ships, boxes, every alert type,
storage charges), the forwarder uploads messages with parse errors of several formats, and then
every kind of person — anyone, a company's user, a company's administrator of each demo company,
the operator — opens every page they reach by following links (a few of each kind of page), in
each Chinese language. Every text people read is checked (``untranslated.Checker``). The checker
itself is shown to fail: on a page whose catalogue lost a message, and on a code given no words.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from harbourlink import alerts, identity, inbound
from harbourlink.app import create_app
from harbourlink.demo import DEMO_PASSWORD, demo_email, seed_demo
from harbourlink.kernel import Actor, Database
from harbourlink.settings import Settings
from harbourlink.sim import Scenario, Simulator
from harbourlink.sim.scenario import FREE_TIME
from harbourlink.web.labels import LABELS
from tests.conftest import STRONG_PASSWORD, Company
from tests.web.conftest import csrf_of
from tests.web.untranslated import Checker, crawl, findings

START = datetime(2026, 11, 20, 22, 0, tzinfo=UTC)
SAMPLES = Path(__file__).parents[1] / "samples"
BROKEN = {
    "csv": b"event_id,event_type,event_code,event_time,container,location\n"
    b"E1,EQUIPMENT,GTIN,not-a-time,MSCU1234566,HKHKG\n"
    b"E2,EQUIPMENT,GTIN,2026-11-21T10:00:00+08:00,MSCU1234567,HKHKX\n"
    b'E3,EQUIPMENT,"GTIN,2026\n',
    "edifact": (SAMPLES / "edifact" / "codeco_hit_gate_in_out.edi")
    .read_bytes()
    .replace(b"CSNU7145201", b"CSNU7145202")
    .replace(b"DTM+7", b"DTM+9"),
    "dcsa-tnt-2.2": b'[{"eventType": "TRANSPORT", "eventClassifierCode": "ACT"}, 7, {"eventType": "SHIPPING"}]',
    "ais-nmea": b"!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*00\n!AIVDM,2,2,3,B,1@0000000000000,2*55\n",
    "terminal-json": b'{"terminal": "HITHK", "location": "HKHKG", "releases": [{"container": "MSCU1234566", '
    b'"status": "GONE", "at": "2026-11-23T10:02:00+08:00"}], "reefer_readings": ['
    b'{"container": "MSCU1234566", "at": "yesterday", "power": "ON", "supply_air": 99}]}',
    "cargo-imp": b"FSU/14\n160-12345674HKGLAX/T12K385.5\nRCS/23NOV1015/HKG/T12K385.5\n"
    b"FSU/14\n160-12345675HKGLAX/T12K385.5\nDEP/CX880/24NOV/HKGLAX/T12K385.5/S1430/X1526\nXYZ/24NOV1015/HKG\n",
    "cargo-xml": b"<StatusMessage><MasterConsignment><TransportContractDocument><ID>160-12345675</ID>"
    b"</TransportContractDocument><ReportedStatus><ReasonCode>DEP</ReasonCode></ReportedStatus>"
    b"</MasterConsignment></StatusMessage>",
    "one-record": b'[1, {"@type": "cargo:LogisticsEvent", "cargo:eventCode": "DEP"}]',
}
COMPANIES = ("sme", "forwarder", "operator", "carrier", "terminal", "customs_cn", "bank")
PUBLIC = ("/login", "/signup", "/ledger", "/offline", "/track")
PLAIN_USER = "clerk@demo.harbourlink.hk"
# The kinds of page the walk must have opened (every page reachable with a GET, bar downloads and
# what a person passes only on the way in: the second-factor pages).
EVERY_KIND = {
    "/",
    "/login",
    "/signup",
    "/offline",
    "/ledger",
    "/track",
    "/track/{reference}",
    "/vessel/{imo}",
    "/ledger/events/{id}/via/{reference}",
    "/messages",
    "/messages/{id}",
    "/links",
    "/alerts",
    "/alerts/subscriptions",
    "/alerts/subscriptions/{id}",
    "/alerts/webhooks",
    "/alerts/deliveries",
    "/account/password",
    "/admin",
    "/admin/users",
    "/admin/keys",
    "/admin/grants",
    "/admin/access-log",
    "/admin/security",
    "/admin/services",
    "/operator",
}


def port_day_of(db: Database, *, password: str = DEMO_PASSWORD) -> tuple[Scenario, list[str]]:
    """The simulated day, its alerts (a pick-up one while its free time still runs), failed uploads (their
    pages' paths), and a user of the forwarder's (``PLAIN_USER``, with ``password``)."""
    with db.transaction() as session:
        seeded = seed_demo(session)
        user, _ = identity.create_user(
            session,
            identity.SYSTEM_ACTOR,
            org_id=seeded.org_ids["forwarder"],
            email=PLAIN_USER,
            display_name="Forwarding clerk",
            role=identity.Role.USER,
            password=password,
        )
        user.totp_exempt = True
    simulator = Simulator(db, parties=seeded.parties(), seed=2611, start=START)
    scenario = simulator.scenario
    box = scenario.yard[0].boxes[0]
    simulator.run_until(box.arrives + FREE_TIME - timedelta(minutes=24))
    with db.transaction() as session:
        alerts.evaluate_due(session, now=simulator.now())
    simulator.run_until(scenario.end)
    with db.transaction() as session:
        alerts.evaluate_due(session, now=scenario.end)
    forwarder = Actor(org_id=seeded.org_ids["forwarder"])
    sent = [
        inbound.receive(db, forwarder, format_name=fmt, raw=raw, channel="upload", filename=f"Failed {fmt} upload.txt")
        for fmt, raw in BROKEN.items()
    ]
    return scenario, [f"/messages/{outcome.id}" for outcome in sent]


def _logged_in(app_client: TestClient, email: str, password: str = DEMO_PASSWORD) -> TestClient:
    token = csrf_of(app_client.get("/login").text)
    done = app_client.post("/login", data={"login": email, "password": password, "csrf_token": token})
    assert done.url.path == "/", done.url
    return app_client


@pytest.fixture
def port_day(settings: Settings, db: Database) -> tuple[Settings, list[str]]:
    scenario, messages = port_day_of(db)
    return settings.model_copy(update={"demo_mode": True}), start_pages(scenario, messages)


def start_pages(scenario: Scenario, messages: list[str]) -> list[str]:
    """Where each person starts: home, the day's numbers (the SME's, a box waiting in the yard), the failed uploads."""
    hero = scenario.hero
    numbers = [*hero.hbls[:1], hero.mbl, hero.boxes[0].number, scenario.yard[0].boxes[0].number, scenario.yard[0].mbl]
    if hero.declaration is not None:
        numbers.append(hero.declaration.number)
    return ["/", "/messages?failed=1", *(f"/track/{number}" for number in numbers), *messages]


def _form_pages(client: TestClient, checker: Checker) -> list[str]:
    """Pages that answer a form: an empty application, a wrong password."""
    found = []
    token = csrf_of(client.get("/signup").text)
    found += findings(
        checker, client.post("/signup", data={"csrf_token": token, "account_kind": "company"}).text, "POST /signup"
    )
    token = csrf_of(client.get("/login").text)
    found += findings(
        checker,
        client.post("/login", data={"csrf_token": token, "login": "nobody@example.hk", "password": "wrong"}).text,
        "POST /login",
    )
    return found


def test_no_page_shows_english_or_codes(port_day: tuple[Settings, list[str]]) -> None:
    """Both Chinese catalogues over one simulated day: the day takes longer to make than the walks."""
    settings, start = port_day
    app = create_app(settings)
    found: list[str] = []
    for lang in ("zh-HK", "zh-CN"):
        checker = Checker.for_language(lang)
        kinds: set[str] = set()
        with TestClient(app, base_url="http://testserver", cookies={"hl_lang": lang}) as anyone:
            walk = crawl(anyone, PUBLIC, checker)
            found += [f"{lang} {finding}" for finding in walk.found + _form_pages(anyone, checker)]
            kinds |= set(walk.kinds)
        for email in [demo_email(key) for key in COMPANIES] + [PLAIN_USER]:
            with TestClient(app, base_url="http://testserver", cookies={"hl_lang": lang}) as person:
                walk = crawl(_logged_in(person, email), [], checker, who=f"{email} ", also=start)
            found += [f"{lang} {finding}" for finding in walk.found]
            kinds |= set(walk.kinds)
        assert {kind.split("?")[0] for kind in kinds} >= EVERY_KIND, lang
    assert sorted(set(found)) == [], "\n".join(sorted(set(found)))


def test_the_check_finds_a_message_its_catalogue_lost(settings: Settings) -> None:
    app = create_app(settings)
    with TestClient(app, base_url="http://testserver") as client:
        zh_hk = app.state.web.catalogues.by_code["zh-HK"].translations
        del zh_hk._catalog["Apply for an account"]
        found = findings(Checker.for_language("zh-HK"), client.get("/login").text, "/login")
    assert found == ["/login: 'Apply for an account' — English message 'Apply for an account'"]


def test_the_check_finds_a_code_given_no_words(
    settings: Settings, db: Database, company_a: Company, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(LABELS["message_channel"], "simulator")
    inbound.receive(db, Actor(org_id=company_a.org_id), format_name="csv", raw=BROKEN["csv"], channel="simulator")
    with db.transaction() as session:
        admin = identity.user_by_id(session, company_a.admin_id)
        assert admin is not None
        admin.totp_exempt = True
    demo = settings.model_copy(update={"demo_mode": True})
    with TestClient(create_app(demo), base_url="http://testserver") as client:
        page = _logged_in(client, company_a.admin_email, STRONG_PASSWORD).get("/messages").text
    found = findings(Checker.for_language("zh-HK"), page, "/messages")
    assert found and all("— a code, 'simulator'" in line for line in found), found
