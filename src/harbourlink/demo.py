"""Demo companies of every type, with people who can log in without a second factor.

``seed_demo`` creates them; ``DemoSeed.parties`` says which of them the port simulator
(``harbourlink.sim``) acts as: the shipping line publishes DCSA events, the terminal EDIFACT
and its JSON feed, the barge operator its river legs, the platform operator runs the AIS
receivers, the mainland customs reports clearance status, the forwarder links its House B/Ls
and the SME is the consignee who tracks them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from sqlalchemy.orm import Session

from harbourlink import access, alerts, identity, ivr, road
from harbourlink.kernel import Actor, utcnow
from harbourlink.sim import Parties, Scenario, references_to_try

DEMO_PASSWORD = "Harbour-Demo-2026"  # noqa: S105 - the published demo password, printed by `make demo`


@dataclass(frozen=True)
class DemoCompany:
    key: str
    name: str
    name_local: str
    types: tuple[str, ...]


DEMO_COMPANIES = (
    DemoCompany("operator", "HarbourLink Operations", "港聯營運", ("operator",)),
    DemoCompany("forwarder", "Victoria Freight Forwarding Ltd", "維港貨運代理有限公司", ("forwarder",)),
    DemoCompany("sme", "Lantau Trading Co", "大嶼貿易公司", ("cargo_owner",)),
    DemoCompany("carrier", "Pearl Ocean Lines", "明珠海運", ("shipping_line",)),
    DemoCompany("terminal", "Kwai Tsing Container Terminal 9", "葵青貨櫃碼頭九號", ("terminal_operator",)),
    DemoCompany("barge", "Delta River Barges", "三角洲駁船", ("barge_operator",)),
    DemoCompany("trucker", "Sha Tin Logistics Trucking", "沙田物流運輸", ("trucking",)),
    DemoCompany("warehouse", "Tsing Yi Cold Store", "青衣冷倉", ("warehouse",)),
    DemoCompany("airline", "Chek Lap Kok Air Cargo", "赤鱲角航空貨運", ("airline",)),
    DemoCompany("customs", "Customs and Excise Department (demo)", "海關（示範）", ("customs_hk",)),
    DemoCompany("customs_cn", "Shenzhen Customs (demo)", "深圳海關（示範）", ("customs_mainland",)),
    DemoCompany("bank", "Harbour Trade Bank", "港灣貿易銀行", ("bank",)),
)


@dataclass(frozen=True)
class DemoLogin:
    company: str
    email: str
    role: str


@dataclass(frozen=True)
class DemoPhone:
    """The demo driver's phone account for the phone simulator, and consignments lodged for binding by phone."""

    number: str
    password: str
    code_key: str
    """The security code's key, for an authenticator app (the phone asks the code before it changes anything)."""
    vehicle: str
    ccrns: list[str]


@dataclass(frozen=True)
class DemoSeed:
    """The logins to print and the companies' ids, by key."""

    logins: list[DemoLogin]
    org_ids: dict[str, str]
    driver_id: str
    phone: DemoPhone | None = None

    def parties(self) -> Parties:
        """The demo companies the simulator sends and shares as."""
        ids = self.org_ids
        return Parties(
            carrier=ids["carrier"],
            terminal=ids["terminal"],
            barge=ids["barge"],
            ais=ids["operator"],
            customs=ids["customs_cn"],
            customs_hk=ids["customs"],
            forwarder=ids["forwarder"],
            sme=ids["sme"],
            airline=ids["airline"],
            trucker=ids["trucker"],
            warehouse=ids["warehouse"],
            driver=self.driver_id,
        )


def demo_email(key: str) -> str:
    return f"{key}@demo.harbourlink.hk"


def seed_demo(session: Session, *, people: bool = True, sealer: identity.Sealer | None = None) -> DemoSeed:
    """Creates the demo companies (approved), one administrator each, and the forwarder's sharing rule.

    ``people=False`` leaves out the administrators: tests that only need the companies then skip
    twelve deliberately slow password hashes. With people and a ``sealer`` (which seals the security
    code's key) the driver gets a phone account too.
    """
    logins: list[DemoLogin] = []
    org_ids: dict[str, str] = {}
    admins: dict[str, Actor] = {}
    for company in DEMO_COMPANIES:
        org = identity.create_organisation(
            session,
            identity.SYSTEM_ACTOR,
            name=company.name,
            types=list(company.types),
            status=identity.OrgStatus.ACTIVE,
        )
        org.name_local = company.name_local
        org_ids[company.key] = org.id
        if not people:
            continue
        email = demo_email(company.key)
        user, _ = identity.create_user(
            session,
            identity.SYSTEM_ACTOR,
            org_id=org.id,
            email=email,
            display_name=f"{company.name} administrator",
            role=identity.Role.ADMINISTRATOR,
            password=DEMO_PASSWORD,
        )
        user.totp_exempt = True
        admins[company.key] = Actor(org_id=org.id, user_id=user.id, roles=frozenset({user.role}))
        logins.append(DemoLogin(company.name, email, identity.Role.ADMINISTRATOR.value))
    # The trucking company's driver, whose phone the simulator drives (without a password where the
    # administrators are left out: nobody logs in then).
    driver, _ = identity.create_user(
        session,
        identity.SYSTEM_ACTOR,
        org_id=org_ids["trucker"],
        email=demo_email("driver"),
        display_name="Chan Tai Man",
        role=identity.Role.DRIVER,
        password=DEMO_PASSWORD if people else None,
    )
    if people:
        driver.totp_exempt = True
        logins.append(DemoLogin("Sha Tin Logistics Trucking", demo_email("driver"), identity.Role.DRIVER.value))
    # The forwarder shares with the parties it names on its references; the simulator shares
    # each House B/L with its consignee.
    forwarder = Actor(org_id=org_ids["forwarder"], roles=frozenset({"administrator"}))
    access.do_grant(
        session,
        forwarder,
        reference_type=None,
        reference=None,
        grantee_org_id=None,
        anyone_with_reference=False,
        rule=access.NAMED_PARTIES_RULE,
        expires_at=None,
    )
    # The cargo owner and the forwarder watch all cargo they may see, so the day's late ship,
    # customs holds, changed terminal and withdrawn B/L reach their inboxes. A terminal shares a
    # box's readings and release status only with holders of its number: the simulator adds a
    # watch on each container they follow for the reefer and pick-up alerts.
    for key in ("sme", "forwarder"):
        alerts.do_subscribe(
            session,
            Actor(org_id=org_ids[key]),
            reference_type=None,
            reference=None,
            alert_types=[],
            channels=["inbox"],
            thresholds={},
            for_company=True,
        )
    _road_opt_ins(session, org_ids)
    # Both customs watch the alarms of the sealed e-lock trips they supervise (each sees its own segment's).
    for key in ("customs", "customs_cn"):
        alerts.do_subscribe(
            session,
            Actor(org_id=org_ids[key]),
            reference_type=None,
            reference=None,
            alert_types=[name for name in alerts.all_types() if name.startswith("elock_")],
            channels=["inbox"],
            thresholds={},
            for_company=True,
        )
    phone = _demo_phone(session, admins, sealer, driver.id) if people and sealer is not None else None
    return DemoSeed(logins, org_ids, driver.id, phone)


def _road_opt_ins(session: Session, org_ids: dict[str, str]) -> None:
    """The trucking company binds as an agent for its customers; the SME and the forwarder lodge road cargo
    (the simulated day's road consignments, and the phone's)."""
    trucker = org_ids["trucker"]
    session.get_one(identity.Organisation, trucker).operation_mode = identity.OperationMode.AGENT.value
    for key, service in (
        ("trucker", identity.Service.ROAD_BINDING),
        ("sme", identity.Service.ADVANCE_CARGO_INFO),
        ("forwarder", identity.Service.ADVANCE_CARGO_INFO),
    ):
        admin = Actor(org_id=org_ids[key], roles=frozenset({identity.Role.ADMINISTRATOR.value}))
        identity.request_service(session, admin, org_id=org_ids[key], service=service)


def _demo_phone(session: Session, admins: dict[str, Actor], sealer: identity.Sealer, driver_id: str) -> DemoPhone:
    """The driver's phone account; the SME lodges two consignments the trucking agent's driver may bind by phone."""
    trucker, sme = admins["trucker"], admins["sme"]
    made = ivr.create_phone_account(session, trucker, sealer=sealer, user_id=driver_id, vehicle="FC117")
    expected = utcnow() + timedelta(hours=3)
    ccrns = [
        road.do_lodge(
            session,
            sme,
            data=road.CargoData(
                direction=road.Direction.IMPORT,
                packages=packages,
                package_description="cartons",
                goods_description=goods,
                consignor_name="Shenzhen Printing Co",
                consignor_address="Futian, Shenzhen",
                consignee_name="Lantau Trading Co",
                consignee_address="Mui Wo, Lantau",
                expected_at=expected,
            ),
        ).ccrn
        for packages, goods in ((12, "printed books"), (40, "stationery"))
    ]
    key = parse_qs(urlsplit(made.code_uri).query)["secret"][0]
    return DemoPhone(made.account.number, made.password, key, made.account.vehicle, ccrns)


def demo_guide(scenario: Scenario) -> list[tuple[str, str, str]]:
    """Numbers worth tracking in the demo: (what, number, a login that sees it)."""
    return [
        (h.what, h.number, "any login" if h.who == "anyone" else demo_email(h.who)) for h in references_to_try(scenario)
    ]
