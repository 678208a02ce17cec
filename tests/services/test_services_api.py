"""The installed value-added services, each company's opt-ins and its monthly statement, in one process.

The in-tree ``declarations`` plug-in is installed through the same entry point an outside package uses.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from harbourlink import metering
from harbourlink.kernel import Actor, Database, Forbidden, plugins
from tests.conftest import Company


def test_installed_services_and_the_callers_opt_ins(client: TestClient, company_a: Company) -> None:
    before = client.get("/api/v1/services", headers=company_a.auth).json()
    [declarations] = [s for s in before["services"] if s["name"] == "declarations"]
    assert declarations["opt_in"] is None and declarations["charged"] is True
    assert declarations["permissions"] == {"submit": ["message_signer", "principal"]}
    assert "tracking" not in {s["name"] for s in before["services"]}  # a core service, not a plug-in
    opted = client.post(f"/api/v1/orgs/{company_a.org_id}/services/declarations", headers=company_a.auth)
    assert opted.json()["status"] == "active"
    after = client.get("/api/v1/services", headers=company_a.auth).json()
    assert after["opt_ins"]["declarations"]["status"] == "active"


def test_a_plugin_that_asks_for_approval_waits_for_the_operator(
    client: TestClient, company_a: Company, operator: Company
) -> None:
    plugins.register(plugins.Plugin(name="bonded_finance", title="Bonded finance", needs_approval=True))
    try:
        asked = client.post(f"/api/v1/orgs/{company_a.org_id}/services/bonded_finance", headers=company_a.auth)
        assert asked.json()["status"] == "pending"
        listed = client.get("/api/v1/services", headers=company_a.auth).json()
        [pending] = [s for s in listed["services"] if s["name"] == "bonded_finance"]
        assert pending["opt_in"]["status"] == "pending" and pending["charged"] is False
        # A free service has no statement.
        free = client.get("/api/v1/services/bonded_finance/statement", headers=company_a.auth)
        assert free.status_code == 404
    finally:
        plugins.unregister("bonded_finance")


def test_the_statement_counts_a_use_once_and_only_the_companys_own(
    client: TestClient, db: Database, company_a: Company, company_b: Company
) -> None:
    december = datetime(2026, 12, 3, 10, tzinfo=UTC)
    with db.transaction() as session:
        assert metering.record_use(
            session, org_id=company_a.org_id, service="declarations", key="declaration:1", at=december
        )
        assert not metering.record_use(session, org_id=company_a.org_id, service="declarations", key="declaration:1")
        metering.record_use(session, org_id=company_a.org_id, service="declarations", key="declaration:2", at=december)
        metering.record_use(
            session,
            org_id=company_a.org_id,
            service="declarations",
            key="declaration:3",
            at=datetime(2026, 11, 30, 23, tzinfo=UTC),
        )
        metering.record_use(session, org_id=company_b.org_id, service="declarations", key="declaration:4", at=december)
    answer = client.get("/api/v1/services/declarations/statement?month=2026-12", headers=company_a.auth)
    assert answer.headers["content-disposition"] == 'attachment; filename="declarations-2026-12.csv"'
    lines = answer.text.splitlines()
    assert [line.split(",")[4] for line in lines[1:-1]] == ["declaration:1", "declaration:2"]
    assert lines[-1] == f"{company_a.org_id},declarations,2026-12,total,,2,8.00,16.00,HKD"
    november = client.get("/api/v1/services/declarations/statement?month=2026-11", headers=company_a.auth).text
    assert november.splitlines()[-1].endswith(",total,,1,8.00,8.00,HKD")
    other = client.get("/api/v1/services/declarations/statement?month=2026-12", headers=company_b.auth).text
    assert "declaration:1" not in other and other.splitlines()[-1].endswith(",total,,1,8.00,8.00,HKD")
    wrong = client.get("/api/v1/services/declarations/statement?month=2026-13", headers=company_a.auth)
    assert wrong.status_code == 422


def test_a_statement_is_for_administrators(db: Database, company_a: Company) -> None:
    clerk = Actor(org_id=company_a.org_id, user_id="clerk", roles=frozenset({"user"}))
    with db.transaction() as session, pytest.raises(Forbidden):
        metering.statement(session, clerk, service="declarations")


def test_statement_amounts() -> None:
    month = metering.Month.parse("2026-12")
    assert (month.start.day, month.end.month, metering.Month.parse("2026-12").end.year) == (1, 1, 2027)
    uses = [metering.Use(datetime(2026, 12, 1, tzinfo=UTC), "a", 3)]
    statement = metering.Statement("org", "s", month, Decimal("2.50"), uses)
    assert statement.amount == Decimal("7.50")
    assert metering.statement_csv(statement).splitlines()[-1] == "org,s,2026-12,total,,3,2.50,7.50,HKD"
